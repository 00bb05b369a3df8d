"""Commands of the CLI (or calls of the API) run in a fresh Python process, for tests that compare one process's answers
with another's (a cold cache and a warm one).

In one process the CLI's answers can hide what a new process does not have (anything a first
load left in the process); each batch here is one new interpreter that runs every command of the
batch in turn through typer's CliRunner (one start-up per batch, not per command), from the
repository's root, and sends back each command's exit code, stdout and stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 300

_BATCH = """
import json, sys
from typer.testing import CliRunner
from engine.cli import app
runner = CliRunner()
answers = []
for args, given in json.loads(sys.stdin.read()):
    done = runner.invoke(app, args, input=given)
    answers.append([done.exit_code, done.stdout, done.stderr])
sys.stdout.write(json.dumps(answers))
"""


class Answer(NamedTuple):
    code: int
    stdout: str
    stderr: str


Command = tuple[Sequence[str], str | None]  # the arguments, and what stdin holds (or None)


def run_batch(commands: Sequence[Command], cache: Path, cwd: Path = ROOT) -> list[Answer]:
    """Every command, in order, in one new process whose cache directory is `cache`."""
    given = [[[str(a) for a in args], stdin] for args, stdin in commands]
    return [Answer(*answer) for answer in in_new_process(_BATCH, given, cache, cwd)]


def in_new_process(script: str, given: Any, cache: Path, cwd: Path = ROOT) -> Any:
    """Run a Python `script` in a new process whose cache directory is `cache`: it reads
    `given` as JSON on stdin and writes its answer as JSON on stdout."""
    env = {**os.environ, "CONTRACT_ENGINE_CACHE": str(cache)}
    env.pop("CONTRACT_ENGINE_NO_CACHE", None)
    env.pop("CONTRACT_ENGINE_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
