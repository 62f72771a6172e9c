"""A build reads an unchanged file again when the code that reads it changed (an upgrade, a
fixed parsing rule): each document records the reader fingerprint it was read with
(:func:`kg.process.reader_fingerprint`) in the build log. Real on-disk stores, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.process
from conftest import CORPUS, DATA, ROOT
from kg.builder import BUILD_LOG_GRAPH, PROV_GENERATED, build, remove
from kg.cli import main
from kg.document import Document
from kg.identity import document_iri
from kg.infobox.records import ConflictRecord
from kg.process import NOT_READER_SOURCES, reader_source_files
from kg.rdf import terms as T
from kg.sparql import select
from kg.store import open_store

ARTICLES = [CORPUS / "syria/battle_of_hosn.md", CORPUS / "ukraine/2022_snake_island_campaign.md"]
NEWS = sorted((DATA / "news").glob("fakes_*.txt"))[:1]
OTHER = "sha256:" + "0" * 64  # a reader fingerprint no code has


def _iris(paths: list[Path]) -> list[str]:
    return [document_iri(str(p)) for p in paths]


def _stamps(store) -> dict[str, str]:
    """When each document was last written (the build log's ingestion times)."""
    return {q.subject.value: q.object.value
            for q in store.raw.quads_for_pattern(None, PROV_GENERATED, None, T.BUILD_LOG_GRAPH)}


def _results(store, article: Path) -> list[str]:
    """The ckg:result statements of the conflict an article describes."""
    iri = document_iri(str(article))
    return [row["r"] for row in select(store, f"SELECT ?r WHERE {{ GRAPH <{iri}> {{ <{iri}> ckg:describes ?c . "
                                              "?c ckg:result ?r } }")]


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Two articles and one news report built into a fresh on-disk store, at a fixed time."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    store = open_store(tmp_path / "store")
    report = build(store, [*ARTICLES, *NEWS], progress=False, workers=1)
    assert report.failed == [] and report.count("stored") == len(ARTICLES) + len(NEWS), report.summary()
    assert report.reread == []
    yield store
    store.close()


def test_every_document_records_the_reader_it_was_read_with(built) -> None:
    readers = built.document_readers()
    assert readers == {iri: kg.process.reader_fingerprint() for iri in _iris([*ARTICLES, *NEWS])}


def test_a_new_reader_reads_unchanged_files_again_and_its_facts_replace_the_old(
        built, monkeypatch: pytest.MonkeyPatch) -> None:
    assert all(_results(built, a) for a in ARTICLES)  # both articles state a result
    # the "new version": a parsing rule that no longer reads the result field
    parse = kg.process.parse_conflict

    def without_result(doc: Document) -> ConflictRecord | None:
        record = parse(doc)
        if record is not None:
            record.result = None
        return record

    monkeypatch.setattr(kg.process, "parse_conflict", without_result)
    monkeypatch.setattr(kg.process, "reader_fingerprint", lambda: OTHER)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    report = build(built, [*ARTICLES, *NEWS], progress=False, workers=1)
    assert report.failed == [], report.summary()
    assert report.count("unchanged") == len(NEWS)  # news: read again, linked the same, not rewritten
    assert report.count("stored") == len(ARTICLES)
    assert sorted(report.reread) == sorted(_iris([*ARTICLES, *NEWS]))
    assert f"{'re-read (reader changed)':<24}{len(ARTICLES) + len(NEWS):>8}" in report.summary().splitlines()
    assert all(_results(built, a) == [] for a in ARTICLES)  # the new reading is what the store holds
    assert set(built.document_readers().values()) == {OTHER}
    # and once read by it, the next build with the same reader skips them
    again = build(built, [*ARTICLES, *NEWS], progress=False, workers=1)
    assert again.count("unchanged") == len(ARTICLES) + len(NEWS) and again.reread == [], again.summary()


def test_the_same_reader_skips_unchanged_files_and_rewrites_nothing(built, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _stamps(built)
    quads = set(built.raw)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # a rewrite would change the stamps
    report = build(built, [*ARTICLES, *NEWS], progress=False, workers=1)
    assert report.count("unchanged") == len(ARTICLES) + len(NEWS) and report.count("stored") == 0, report.summary()
    assert report.reread == [] and "re-read" not in report.summary()
    assert _stamps(built) == before and set(built.raw) == quads


def test_a_store_built_before_readers_were_recorded_is_read_again_once(built) -> None:
    built.update(f"DELETE WHERE {{ GRAPH <{BUILD_LOG_GRAPH}> {{ ?d <{T.readerFingerprint.value}> ?f }} }}")
    assert built.document_readers() == {}
    first = build(built, [*ARTICLES, *NEWS], progress=False, workers=1)
    assert first.count("stored") == len(ARTICLES) and sorted(first.reread) == sorted(_iris([*ARTICLES, *NEWS]))
    assert set(built.document_readers()) == set(_iris([*ARTICLES, *NEWS]))
    second = build(built, [*ARTICLES, *NEWS], progress=False, workers=1)
    assert second.count("unchanged") == len(ARTICLES) + len(NEWS) and second.reread == [], second.summary()


def test_the_cli_says_why_an_unchanged_build_reads_files(built, tmp_path: Path) -> None:
    built.update(f"DELETE WHERE {{ GRAPH <{BUILD_LOG_GRAPH}> {{ <{_iris(ARTICLES)[0]}> ?p ?f }} }}")
    built.close()
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "store"), "build", "--json", "--progress",
                                       str(ARTICLES[0])])
    assert result.exit_code == 0, result.output
    assert "1 stored document(s) were read by another reader" in result.stderr
    assert json.loads(result.stdout)["reread_reader_changed"] == 1


def test_remove_leaves_no_reader_fingerprint_behind(built, tmp_path: Path) -> None:
    gone, kept = _iris(ARTICLES)
    remove(built, [ARTICLES[0]])
    assert gone not in built.document_readers() and kept in built.document_readers()
    built.close()
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "store"), "remove", str(ARTICLES[1])])
    assert result.exit_code == 0, result.output
    with open_store(tmp_path / "store") as store:
        assert set(store.document_readers()) == set(_iris(NEWS))  # the news report's, only


#: Run in a fresh interpreter: the per-document path (kg.process.process_item, what the
#: local pool's and Dask's workers call) on an article of each reader, a dump page and a
#: news report; prints the kg modules it imported and the files under kg/ it opened.
_PROBE = r"""
import json, sys
from pathlib import Path
opened = set()
sys.addaudithook(lambda event, args: opened.add(str(args[0])) if event == "open" and isinstance(args[0], str) else None)
import kg.process
from kg.process import WorkItem, process_item
for path in sys.argv[1:]:
    result = process_item(WorkItem(path, "sha256:probe"), {})
    assert result.status in ("processed", "skipped"), (path, result.reason)
page = Path(sys.argv[1 + [p.endswith(".wiki") for p in sys.argv[1:]].index(True)])
result = process_item(WorkItem("dump.xml::" + page.stem, "sha256:probe", page.read_text(), page.stem), {})
assert result.status == "processed", result.reason
package = Path(kg.process.__file__).resolve().parent
modules = [Path(m.__file__).resolve() for name, m in sorted(sys.modules.items())
           if (name == "kg" or name.startswith("kg.")) and getattr(m, "__file__", None)]
files = {str(p.relative_to(package).as_posix()) for p in modules}
files |= {Path(f).resolve().relative_to(package).as_posix() for f in opened
          if Path(f).resolve().is_relative_to(package) and "__pycache__" not in f}
print(json.dumps(sorted(files)))
"""


def test_the_reader_fingerprint_covers_every_kg_file_the_per_document_path_uses() -> None:
    inputs = [ARTICLES[0], *sorted((DATA / "wikitext").glob("*.wiki"))[:2], *NEWS,
              DATA / "samples" / "battle_of_aleppo_(2012–2016).as-received.md"]
    probe = subprocess.run([sys.executable, "-c", _PROBE, *map(str, inputs)], capture_output=True, text=True,
                           cwd=ROOT, check=True)
    used = set(json.loads(probe.stdout))
    assert {"infobox/figure_words.tsv", "time_words.tsv", "readers/wikitext/templates.py"} <= used  # the probe works
    covered = set(dict(reader_source_files()))
    missing = sorted(used - covered - set(NOT_READER_SOURCES))
    assert missing == [], (f"{missing}: used per document but not in kg.process.READER_SOURCES; add them "
                           "(or to NOT_READER_SOURCES, with why their code does not decide a document's quads)")


def test_the_reader_fingerprint_is_the_same_in_another_process() -> None:
    other = subprocess.run([sys.executable, "-c", "import kg.process; print(kg.process.reader_fingerprint())"],
                           capture_output=True, text=True, cwd=ROOT, check=True).stdout.strip()
    assert other == kg.process.reader_fingerprint() and other.startswith("sha256:") and len(other) == 71


def test_exports_leave_the_reader_fingerprints_out(built, tmp_path: Path) -> None:
    built.close()
    out = tmp_path / "all.nq"
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "store"), "export", "--format", "nq", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "contentHash" in text and "readerFingerprint" not in text and "linkerFingerprint" not in text
