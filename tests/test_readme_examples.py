"""Every `contract-engine ...` example of README.md works, and works the same the second time.

The examples are read from README.md itself (so a new one is tested the day it is written): each
line of a fenced code block that runs `contract-engine` (after a `$ ` prompt, a `&&` or a pipe
from `echo`), with the block's `NAME=value` lines substituted, and each inline code span that is
a whole command (no placeholder such as CONTRACT, DIR, `...` or `[--option]`).

Each runs twice, as a new user would from a fresh clone: all of them in one new process with an
empty cache directory, then all again in another new process with the cache those left (a new
process each time: what a first run leaves in a process is not there in the next one). Both
runs must give the same exit code and the same output, byte for byte, with no internal error,
and each example must answer (exit 0 or 1, never 2: an example the CLI refuses is a wrong
README). They run from a scratch folder that links the repository's contracts/, rules/ and
tests/, where the illustrative move files the README names (`--moves board-plan.txt`) are
written with one move a line, and where `> FILE` redirections and `schema --write` land. A pipe
to a filter (`| tail -1`) is left out: the command before it is the example.

Skipped, because they start a process that keeps running or change the user's setup: `serve`,
`mcp`, `sweep --cluster` and `--install-completion` (it edits the user's shell profile).
"""

from __future__ import annotations

import glob
import itertools
import re
import shlex
from pathlib import Path

from clirun import ROOT, Command, run_batch

README = ROOT / "README.md"
SKIPPED = ("serve", "mcp", "--install-completion")
MOVES_FILE = "partner with Google Cloud\ngo public\n"  # for an illustrative `--moves FILE`
_PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9_-]*$|\.\.\.|^\[")


def _fenced_lines(text: str) -> list[list[str]]:
    """The lines of each fenced code block."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.strip().startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def _command(line: str, names: dict[str, str]) -> tuple[list[str], str | None] | None:
    """The arguments of a `contract-engine` line and what it reads on stdin; None if the line
    runs no contract-engine command."""
    line = re.sub(r"^\s*(- run:\s*)?(\$\s+)?", "", line)
    for name, value in names.items():
        line = line.replace(f"${name}", value)
    given = None
    piped = re.match(r"echo\s+(\"[^\"]*\"|'[^']*')\s*\|\s*(contract-engine\s.*)$", line)
    if piped:
        given = shlex.split(piped.group(1))[0] + "\n"
        line = piped.group(2)
    line = line.rsplit("&& ", 1)[-1] if "&& contract-engine" in line else line
    if not line.startswith("contract-engine"):
        return None
    words = [w.replace("\\$", "$") for w in shlex.split(line, comments=True)][1:]
    if ">" in words:  # a redirection: the runner keeps the output
        words = words[: words.index(">")]
    if "|" in words:  # piped to a filter (`| tail -1`): the command itself is the example
        words = words[: words.index("|")]
    return words, given


def examples(text: str) -> list[tuple[list[str], str | None]]:
    """Every example command of the README, in order (see the module's docstring)."""
    found: list[tuple[list[str], str | None]] = []
    for block in _fenced_lines(text):
        names: dict[str, str] = {}
        for line in block:
            assigned = re.match(r"^([A-Z_]+)=(\S+)$", line.strip())
            if assigned:
                names[assigned.group(1)] = assigned.group(2)
                continue
            command = _command(line, names)
            if command is not None:
                found.append(command)
    for span in re.finditer(r"(?<!`)`(contract-engine [^`]+)`", text):
        command = _command(" ".join(span.group(1).split()), {})
        if command is None or len(command[0]) < 2:
            continue  # a command named in passing, not an example
        if any(_PLACEHOLDER.search(word) for word in command[0]):
            continue
        found.append(command)
    return found


def _runnable(args: list[str]) -> bool:
    if any(word in SKIPPED for word in args[:2]):
        return False
    return not (args[:1] == ["sweep"] and "--cluster" in args)


def _scratch(folder: Path, commands: list[tuple[list[str], str | None]]) -> list[Command]:
    """The scratch folder the examples run from, and the commands with their globs expanded."""
    for name in ("contracts", "rules", "tests"):  # the README also shows test contracts
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    ready: list[Command] = []
    for args, given in commands:
        for flag, value in itertools.pairwise(args):
            if flag == "--moves" and not (folder / value).exists():
                (folder / value).write_text(MOVES_FILE, encoding="utf-8")
        expanded: list[str] = []
        for word in args:
            matches = sorted(glob.glob(word, root_dir=folder)) if "*" in word else []
            expanded += matches or [word]
        ready.append((expanded, given))
    return ready


def test_the_readme_has_the_examples_this_test_reads() -> None:
    found = examples(README.read_text(encoding="utf-8"))
    assert ["check", "contracts/openai-microsoft.yaml", "--move", "partner with Google Cloud"] in [
        args for args, _ in found
    ]  # the first command of the README, after its `&&`
    assert (
        ["check", "contracts/openai-microsoft.yaml", "-m", "-"],
        "partner with Google Cloud\n",
    ) in found
    assert any(args[:2] == ["check", "contracts/reseller-partnership.yaml"] for args, _ in found)
    assert any(args[:1] == ["prove"] for args, _ in found)
    skipped = [args for args, _ in found if not _runnable(args)]
    assert ["serve"] in skipped and ["--install-completion"] in skipped


def test_every_readme_example_works_twice_in_a_row(tmp_path: Path) -> None:
    scratch = tmp_path / "clone"
    scratch.mkdir()
    found = [c for c in examples(README.read_text(encoding="utf-8")) if _runnable(c[0])]
    commands = _scratch(scratch, found)
    cache = tmp_path / "cache"
    first = run_batch(commands, cache, cwd=scratch)
    second = run_batch(commands, cache, cwd=scratch)
    for (args, _), one, two in zip(commands, first, second, strict=True):
        assert "internal error" not in one.stderr + two.stderr, (args, one, two)
        assert one.code in (0, 1), (args, one)
        assert two == one, args
