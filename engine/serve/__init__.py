"""Embedding the engine: an HTTP service with a web page (`contract-engine serve`) and an MCP
server for AI assistants (`contract-engine mcp`).

Everything here needs the optional `serve` extra (fastapi, uvicorn, python-multipart, mcp); the
engine's core never imports this package, so `import engine` stays light without it.
"""
