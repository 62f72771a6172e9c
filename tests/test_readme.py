"""The README is executed: every example of its tour and its Library API runs, in order, on a
fresh build of ``data/``, and prints what the README shows.

One test per command or statement, named by its README line. The rules (``...`` elisions,
masked timings, blocks marked ``<!-- not run: … -->``) are in ``tests/readme_runner.py``.
After a deliberate change of output, ``make readme`` rewrites the README from a real run.
"""

from __future__ import annotations

import os

import pytest
import readme_runner as R

EXAMPLES = R.examples(R.parse(R.README.read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def tour(tmp_path_factory):
    """The README's examples, run on demand in README order, sharing one scratch repository
    and one store (created by the tour's own ``kg build data``)."""
    return R.Tour(tmp_path_factory.mktemp("readme"))


def require_tools(example):
    """Skip ``example`` when a program it pipes into (jq) is missing; in CI, fail instead."""
    missing = R.missing_tools(example)
    if missing:
        message = f"README.md:{example.line}: {', '.join(missing)} not installed (used by {example.source!r})"
        if os.environ.get("CI"):
            pytest.fail(message + " -- CI must install it (see .ci/run)")
        pytest.skip(message)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_readme_example(tour, example):
    if example.not_run:
        pytest.skip(f"README.md:{example.line} not run ({example.not_run}): {example.source}")
    require_tools(example)
    actual = tour.output(example)
    if not R.matches(example.expected, actual):
        pytest.fail(f"README output is stale; `make readme` would change it so:\n{R.diff(example, actual)}\n\n"
                    "complete output:\n" + "\n".join(actual), pytrace=False)


def test_the_tour_is_there():
    """The tour builds data/ first and runs its other commands on that build; the blocks that
    are not run say why."""
    examples = EXAMPLES
    run = [e for e in examples if not e.not_run]
    assert run[0].source == "kg build data", "the tour starts by building data/"
    assert len(run) >= 15
    assert {e.kind for e in run} == {"console", "pycon"}
    assert all(e.not_run.strip() for e in examples if e.not_run)


# --- the comparison rules themselves -------------------------------------------------------

def test_elision_covers_lines_but_not_changed_ones():
    assert R.matches(["a", "  ...", "z"], ["a", "b", "c", "z"])
    assert R.matches(["a", "...", "z"], ["a", "z"])
    assert not R.matches(["a", "...", "z"], ["a", "b", "y"])
    assert not R.matches(["a", "b"], ["a", "b", "c"])          # no elision: nothing extra allowed
    assert not R.matches(["documents read  158"], ["documents read  161"])


def test_only_masked_fields_and_trailing_space_are_loose():
    assert R.matches(["seconds                     6.19"], ["seconds                    27.96"])
    assert R.matches(["name  "], ["name"])
    assert not R.matches(["triples written  102755"], ["triples written  105706"])
    assert not R.matches(["  name"], ["name"])                    # leading space is output


def test_rewrite_keeps_elisions_and_masked_figures_and_replaces_the_rest():
    expected = ["documents read  158", "seconds  6.19", "warnings:", "  ...", "  last  1"]
    actual = ["documents read  161", "seconds  9.02", "warnings:", "  a  5", "  b  2", "  last  1", "new"]
    new = R.rewrite(expected, actual)
    assert new == ["documents read  161", "seconds  6.19", "warnings:", "  ...", "  last  1", "new"]
    assert R.matches(new, actual)


def test_parse_reads_commands_outputs_and_markers(tmp_path):
    text = ("intro\n```console\n$ kg build data\nstored  3\n\n$ kg show X | jq .a\n1\n```\n"
            "<!-- not run: needs a server -->\n\n```console\n$ kg serve &\n```\n"
            "```pycon\n>>> for i in range(2):\n...     print(i)\n0\n...\n>>> 1 + 1\n2\n```\n"
            "```sh\nmake test\n```\n")
    blocks = R.parse(text)
    got = [(e.kind, e.line, e.source, e.expected, e.not_run) for e in R.examples(blocks)]
    assert got == [
        ("console", 3, "kg build data", ["stored  3"], None),
        ("console", 6, "kg show X | jq .a", ["1"], None),
        ("console", 12, "kg serve &", [], "needs a server"),
        ("pycon", 15, "for i in range(2):\n    print(i)", ["0", "..."], None),
        ("pycon", 19, ">>> 1 + 1"[4:], ["2"], None),
    ]
    assert R.examples(blocks)[1].tools() == ["jq"]


def test_write_updates_a_readme_from_a_real_run(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("```console\n$ printf 'a\\nb\\nc\\n'\na\n...\nold\n```\n\n"
                      "```pycon\n>>> print('x')\ny\n```\n", encoding="utf-8")
    R.write(readme, tmp_path / "run")
    assert readme.read_text(encoding="utf-8") == ("```console\n$ printf 'a\\nb\\nc\\n'\na\n...\nc\n```\n\n"
                                                  "```pycon\n>>> print('x')\nx\n```\n")


def test_a_missing_jq_skips_outside_ci_and_fails_in_ci(tmp_path, monkeypatch):
    example = R.examples(R.parse("```console\n$ kg show X --json | jq .a\n1\n$ kg stats\n```\n"))
    monkeypatch.setenv("PATH", str(tmp_path))             # no jq here
    assert [R.missing_tools(e) for e in example] == [["jq"], []]
    require_tools(example[1])                               # needs nothing: runs
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="jq not installed"):
        require_tools(example[0])
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must install it"):
        require_tools(example[0])


def test_a_background_command_must_be_marked_not_run(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("```console\n$ sleep 600 &   # a server\n$ true && echo ok\nok\n```\n", encoding="utf-8")
    tour = R.Tour(tmp_path / "run", readme)
    with pytest.raises(RuntimeError, match="mark its block"):
        tour.output(tour.examples[1])
    readme.write_text("<!-- not run: a server -->\n" + readme.read_text(encoding="utf-8"), encoding="utf-8")
    tour = R.Tour(tmp_path / "run2", readme)
    assert tour.examples[0].not_run == "a server"
