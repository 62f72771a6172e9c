"""Run the README's examples and compare what they print with what the README shows.

``tests/test_readme.py`` runs every example as one test; ``make readme`` (this file with
``--write``) rewrites the README's outputs from a real run, so a deliberate change of output
is one command and a reviewable diff.

What runs
    ``console`` blocks: each line starting with ``$ `` is a command, the lines below it (up to
    the next ``$ `` or the end of the block) are its output; blank lines closing an output
    only separate it from the next command. ``pycon`` blocks: each ``>>> `` line (with its
    ``... `` continuation lines) is a statement, the lines below it its output, as in a
    Python prompt; one block is one interpreter. Other blocks (``sh``, ``python``, layouts)
    are shown, not run.

How it runs
    Like a user who followed the tour: commands run in README order with ``bash -c`` in a
    scratch directory that mirrors the repository root (a symlink to each top-level entry,
    so ``data/…`` resolves and files the tour writes land in the scratch directory), with the
    venv's ``kg`` first on ``PATH``, ``$KG_STORE`` pointing at a store that does not exist
    until the tour's own ``kg build data`` creates it (so the tour's build *is* the build the
    other examples read), and stdout and stderr merged in the order they were written
    (``PYTHONUNBUFFERED``). Exit statuses are not compared: an error shows in the output.

How outputs compare
    - a line that is only ``...`` (any indentation) stands for any number of lines;
    - trailing whitespace is ignored (tables pad their last column; editors strip it);
    - run-dependent values are masked by the table :data:`MASKS`, and only there: today the
      build's ``seconds`` line (the README keeps the figure it shows);
    - everything else is exact.

    When an output differs the test fails with a unified diff of the README's block against
    the block ``--write`` would write: the real output with the README's ``...`` elisions
    and masked lines kept wherever they still fit.

Not run, and said so
    A block preceded by ``<!-- not run: REASON -->`` (blank lines may separate them) is not
    run; each of its examples is a skipped test carrying REASON, so nothing is silently
    untested. A command piping into a program listed in :data:`TOOLS` (``jq``) that is not
    installed is skipped with a reason, and fails when ``$CI`` is set (``.ci/run`` installs
    it). A command left running in the background (``… &``) in a block that is run is an
    error, not a hang.

    >>> matches(["a", "...", "z"], ["a", "b", "c", "z"]), matches(["a", "z"], ["a", "b", "z"])
    (True, False)
    >>> rewrite(["total  3", "  ...", "seconds  1.00"], ["total  4", "  x", "  y", "seconds  9.50"])
    ['total  4', '  ...', 'seconds  1.00']
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

#: Run-dependent values, masked before comparing: (pattern over a whole line, replacement).
MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\s*)seconds\s+\d+(?:\.\d+)?$"), r"\1seconds <time>"),
)
#: Programs the tour pipes into that are not part of the venv: name -> how a command uses it.
TOOLS: dict[str, re.Pattern[str]] = {"jq": re.compile(r"\|\s*jq\b")}
#: Top-level entries of the repository not mirrored into the scratch directory.
NOT_MIRRORED = {".git", ".venv", ".venv-latest", "kg-store", "__pycache__", ".pytest_cache"}

ELISION = "..."
#: A command ending in ``&`` (not ``&&``), before any comment.
_BACKGROUND = re.compile(r"(?<!&)&\s*(?:#.*)?$")
#: What an elision pays per line it covers: nothing that matters, except to prefer, among
#: equally good alignments, the one where literal lines match rather than being covered.
ABSORB = 1e-6
TIMEOUT = 900


@dataclass
class Example:
    """One command (console) or statement (pycon) of the README with its expected output."""

    kind: str                 # "console" or "pycon"
    block: int                # index of its block in the README
    line: int                 # 1-based README line of the command
    source: str               # the command / the statement (continuations joined with \n)
    expected: list[str]       # README output lines
    span: tuple[int, int]     # 0-based [start, end) of the output lines in the README
    not_run: str | None = None

    @property
    def name(self) -> str:
        first = self.source.splitlines()[0]
        return f"README.md:{self.line} {first[:60]}"

    def tools(self) -> list[str]:
        return [tool for tool, used in TOOLS.items() if used.search(self.source)]


@dataclass
class Block:
    kind: str
    line: int
    not_run: str | None
    examples: list[Example] = field(default_factory=list)


# --- parsing -------------------------------------------------------------------------------

_FENCE = re.compile(r"^```(\S*)\s*$")
_NOT_RUN = re.compile(r"^<!--\s*not run:\s*(.+?)\s*-->\s*$")


def parse(text: str) -> list[Block]:
    """The README's ``console`` and ``pycon`` blocks with their examples.

    >>> b = parse("<!-- not run: needs X -->\\n```console\\n$ echo a\\na\\n\\n$ true\\n```\\n")
    >>> [(e.line, e.source, e.expected, b[0].not_run) for e in b[0].examples]
    [(3, 'echo a', ['a'], 'needs X'), (6, 'true', [], 'needs X')]
    """
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), len(lines))
        kind = fence.group(1)
        if kind in ("console", "pycon"):
            before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
            marker = _NOT_RUN.match(before)
            block = Block(kind, i + 1, marker.group(1) if marker else None)
            block.examples = list(_examples(kind, len(blocks), lines, i + 1, end, block.not_run))
            blocks.append(block)
        i = end + 1
    return blocks


def examples(blocks: Sequence[Block]) -> list[Example]:
    """Every example of ``blocks``, in README order."""
    return [e for block in blocks for e in block.examples]


def _examples(kind: str, number: int, lines: list[str], start: int, end: int,
              not_run: str | None) -> Iterator[Example]:
    prompt, more = ("$ ", None) if kind == "console" else (">>> ", "... ")
    i = start
    while i < end:
        if not lines[i].startswith(prompt):
            if lines[i].strip():
                raise ValueError(f"README.md:{i + 1}: output without a command above it")
            i += 1
            continue
        source = [lines[i][len(prompt):]]
        j = i + 1
        while more and j < end and lines[j].startswith(more):
            source.append(lines[j][len(more):])
            j += 1
        k = j
        while k < end and not lines[k].startswith(prompt):
            k += 1
        stop = k
        while stop > j and not lines[stop - 1].strip():
            stop -= 1
        yield Example(kind, number, i + 1, "\n".join(source), lines[j:stop], (j, stop), not_run)
        i = k


# --- comparing -----------------------------------------------------------------------------

def normalize(line: str) -> str:
    """``line`` as compared: trailing whitespace dropped, :data:`MASKS` applied.

    >>> normalize("seconds                    27.96   ")
    'seconds <time>'
    """
    line = line.rstrip()
    for pattern, replacement in MASKS:
        line = pattern.sub(replacement, line)
    return line


def _is_elision(line: str) -> bool:
    return line.strip() == ELISION


@lru_cache(maxsize=65536)
def _substitution(a: str, b: str) -> float:
    # 0 for equal lines; similar lines are cheaper to substitute than to delete and insert,
    # so a rewrite keeps a changed line where it was.
    # Capped at 1, the cost of dropping the line: next to an elision, a changed line is
    # replaced rather than dropped with its replacement swallowed by the elision.
    if a == b:
        return 0.0
    return min(1.0, max(0.01, 2.0 * (1.0 - difflib.SequenceMatcher(None, a, b).ratio())))


def _align(expected: Sequence[str], actual: Sequence[str]) -> list[tuple[str, int, int]]:
    """The cheapest alignment of ``expected`` (with elisions) to ``actual``, as steps
    (``match``/``sub``/``delete``/``insert``/``elide``/``absorb``, i, j); cost 0 means they
    agree."""
    exp = [normalize(x) for x in expected]
    act = [normalize(y) for y in actual]
    n, m = len(exp), len(act)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        cost[i][m] = cost[i + 1][m] + (0.0 if _is_elision(exp[i]) else 1.0)
    for j in range(m - 1, -1, -1):
        cost[n][j] = cost[n][j + 1] + 1.0
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if _is_elision(exp[i]):
                cost[i][j] = min(cost[i + 1][j], ABSORB + cost[i][j + 1])
            else:
                cost[i][j] = min(_substitution(exp[i], act[j]) + cost[i + 1][j + 1],
                                 1.0 + cost[i + 1][j], 1.0 + cost[i][j + 1])
    steps: list[tuple[str, int, int]] = []
    i = j = 0
    while i < n or j < m:
        here = cost[i][j]
        if i < n and _is_elision(exp[i]):
            if j < m and ABSORB + cost[i][j + 1] == here:
                steps.append(("absorb", i, j))
                j += 1
            else:
                steps.append(("elide", i, j))
                i += 1
        elif i < n and j < m and _substitution(exp[i], act[j]) + cost[i + 1][j + 1] == here:
            steps.append(("match" if exp[i] == act[j] else "sub", i, j))
            i, j = i + 1, j + 1
        elif i < n and 1.0 + cost[i + 1][j] == here:
            steps.append(("delete", i, j))
            i += 1
        else:
            steps.append(("insert", i, j))
            j += 1
    return steps


def matches(expected: Sequence[str], actual: Sequence[str]) -> bool:
    """True when ``actual`` is what ``expected`` shows, by the module's rules."""
    return all(step in ("match", "elide", "absorb") for step, _, _ in _align(expected, actual))


def rewrite(expected: Sequence[str], actual: Sequence[str]) -> list[str]:
    """``expected`` brought up to date with ``actual``: matching lines (masked ones
    included) and elisions kept, differing lines replaced by the real ones."""
    out: list[str] = []
    for step, i, j in _align(expected, actual):
        if step in ("match", "elide"):
            out.append(expected[i])
        elif step in ("sub", "insert"):
            out.append(actual[j].rstrip())
    return out


def diff(example: Example, actual: Sequence[str]) -> str:
    """A unified diff of the README's output against what ``--write`` would put there."""
    new = rewrite(example.expected, actual)
    return "\n".join(difflib.unified_diff(
        example.expected, new, f"README.md:{example.line} (expected)", "actual run", lineterm="", n=2))


# --- running -------------------------------------------------------------------------------

def missing_tools(example: Example) -> list[str]:
    return [tool for tool in example.tools() if shutil.which(tool) is None]


def scratch(workdir: Path) -> Path:
    """A directory that looks like the repository root: a symlink to each top-level entry."""
    workdir.mkdir(parents=True, exist_ok=True)
    for entry in ROOT.iterdir():
        if entry.name not in NOT_MIRRORED and not (workdir / entry.name).exists():
            (workdir / entry.name).symlink_to(entry)
    return workdir


def environment(store: Path) -> dict[str, str]:
    """The tour's environment: the venv's ``kg`` first on PATH, ``$KG_STORE`` set, no other
    ``KG_*`` setting of the caller leaking in."""
    bindir = Path(sys.executable).parent
    if not (bindir / "kg").exists():
        raise RuntimeError(f"no kg next to {sys.executable}: run with the venv's python (make venv)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env.update(PATH=f"{bindir}{os.pathsep}{env.get('PATH', '')}", KG_STORE=str(store),
               PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8", VIRTUAL_ENV=str(bindir.parent))
    env.pop("PYTHONPATH", None)
    return env


# One interpreter per pycon block: statements arrive as JSON on stdin, outputs leave as JSON.
_REPL = r"""
import io, json, sys, traceback
namespace = {"__name__": "__main__"}
out = sys.stdout
for source in json.load(sys.stdin):
    buffer = io.StringIO()
    sys.stdout = sys.stderr = buffer
    try:
        exec(compile(source + "\n", "<README>", "single"), namespace)
    except BaseException as exc:
        print("Traceback (most recent call last):")
        print("".join(traceback.format_exception_only(type(exc), exc)), end="")
    finally:
        sys.stdout, sys.stderr = out, sys.__stderr__
    out.write(json.dumps(buffer.getvalue()) + "\n")
"""


class Tour:
    """Runs the README's examples in order, each at most once, on demand."""

    def __init__(self, workdir: Path, readme: Path = README) -> None:
        self.blocks = parse(readme.read_text(encoding="utf-8"))
        self.workdir = scratch(workdir / "repo")
        self.env = environment(workdir / "kg-store")
        self.results: dict[int, list[str]] = {}   # README line -> output lines
        self.done: set[int] = set()               # blocks run

    @property
    def examples(self) -> list[Example]:
        return examples(self.blocks)

    def output(self, example: Example) -> list[str]:
        """The output of ``example``, running it (and everything before it) first."""
        for block in self.blocks[: example.block + 1]:
            if block.line not in self.done:
                self.done.add(block.line)
                if block.not_run is None:
                    self._run(block)
        return self.results[example.line]

    def _run(self, block: Block) -> None:
        if block.kind == "console":
            for example in block.examples:
                if not missing_tools(example):
                    self.results[example.line] = self._bash(example.source)
        else:
            self._python(block)

    def _bash(self, command: str) -> list[str]:
        if _BACKGROUND.search(command):
            raise RuntimeError(f"{command!r} leaves a process running in the background, which would "
                               "hold the output open: mark its block <!-- not run: REASON -->")
        # The exit status is not compared (an error shows in the merged output). A session of
        # its own, so that a timeout ends whatever the command started, not only bash.
        with subprocess.Popen(["bash", "-c", command], cwd=self.workdir, env=self.env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True) as proc:
            try:
                out, _ = proc.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                out, _ = proc.communicate()
                out += f"\nreadme_runner: killed after {TIMEOUT} s".encode()
        return _lines(out.decode("utf-8", "replace"))

    def _python(self, block: Block) -> None:
        sources = [e.source for e in block.examples]
        done = subprocess.run([sys.executable, "-c", _REPL], check=False, cwd=self.workdir, env=self.env,
                              input=json.dumps(sources).encode(), capture_output=True, timeout=TIMEOUT)
        outputs = [json.loads(line) for line in done.stdout.decode().splitlines()]
        if len(outputs) != len(sources):
            raise RuntimeError(f"the interpreter for README.md:{block.line} stopped:\n{done.stderr.decode()}")
        for example, text in zip(block.examples, outputs):
            self.results[example.line] = _lines(text)


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


# --- update mode ---------------------------------------------------------------------------

def write(readme: Path, workdir: Path) -> int:
    """Rewrite ``readme``'s outputs from a real run; print what changed and what was not run."""
    tour = Tour(workdir, readme)
    lines = readme.read_text(encoding="utf-8").splitlines()
    changed = 0
    skipped = [f"  README.md:{e.line} {e.source!r}: {e.not_run or 'needs ' + ', '.join(missing_tools(e))}"
               for e in tour.examples if e.not_run or missing_tools(e)]
    for example in tour.examples:
        if not (example.not_run or missing_tools(example)):
            tour.output(example)
    for example in reversed(tour.examples):
        if example.line not in tour.results:
            continue
        actual = tour.results[example.line]
        if matches(example.expected, actual):
            continue
        print(diff(example, actual))
        start, stop = example.span
        lines[start:stop] = rewrite(example.expected, actual)
        changed += 1
    readme.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{readme.name}: {changed} output(s) rewritten, {len(tour.results)} example(s) run")
    if skipped:
        print("not run:\n" + "\n".join(skipped))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md's outputs from a real run")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    if not args.write:
        parser.error("use pytest tests/test_readme.py to check, or --write to update")
    with tempfile.TemporaryDirectory(prefix="kg-readme-") as tmp:
        return write(args.readme, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
