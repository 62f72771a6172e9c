"""How the numbers changed (issue 15, item 6): revisions as dated documents, `kg history`,
the figure-history query, the history plot, and the latest revision for the view.

Every expected figure below was read off the wikitext of the revisions in data/wikitext/
(the infobox of each file), not copied from the tool's output:

* 2016 (revision 717770601): casualties2 "4,000 army troops killed in battle (North America
  only)", casualties1 "6,824 killed in battle", strength2 "39,196 (average, North America
  only)", Loyalists "19,000 (total number that served)", German auxiliaries "30,000",
  casualties1 "Overall casualties up to 50,000", strength1 "12,000 French (in America)";
* 2019 full article: casualties2 Army "~9,372 killed in battle" and "43,633 total dead",
  casualties1 "6,800 killed in battle", strength2 Army "48,000 (America peak)", Loyalists
  "25,000 (total served)", Hanoverians "2,365 (total served)" (new), German mercenaries
  "29,875 (total served)"; no "up to 50,000", no "12,000 French";
* the wikiline spec revision has the same figures as the full article (only words and
  citation parameters differ).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kg
from helpers import DATA, ROOT
from kg.history import ADDED, CHANGED, REMOVED, SAME, history, latest_revision, revisions
from kg.identity import resource_iri
from kg.readers.revisions import revision_of, timestamp_precision
from kg.sparql import select

WIKITEXT = DATA / "wikitext"
ARW_FILES = [WIKITEXT / "American_Revolutionary_War__gensim_testdata_rev717770601.wiki",
             WIKITEXT / "American_Revolutionary_War.wiki",
             WIKITEXT / "American_Revolutionary_War__infobox_only_wikiline_spec.wiki"]
FIXTURE = ROOT / "tests" / "fixtures" / "revisions" / "American_Revolutionary_War.history.xml"
ARW = resource_iri("American Revolutionary War")


def run_kg(*args: str, store: Path, code: int = 0) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "kg", "--store", str(store), *args],
                            capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert result.returncode == code, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def arw_store(tmp_path_factory) -> Path:
    """The three ARW revision files, built into a real on-disk store."""
    location = tmp_path_factory.mktemp("history") / "store"
    with kg.open_store(location) as store:
        report = kg.build(store, [str(p) for p in ARW_FILES], progress=False)
        assert report.count("stored") == 3
    return location


@pytest.fixture(scope="module")
def dump_store(tmp_path_factory) -> Path:
    """The multi-revision dump fixture, built into a real on-disk store."""
    location = tmp_path_factory.mktemp("history-dump") / "store"
    with kg.open_store(location) as store:
        report = kg.build(store, [str(FIXTURE)], progress=False)
        assert report.count("stored") == 3, report.summary()
    return location


def track(result, field: str, first_text_number: str):
    """The track of ``field`` whose figures include one shown as ``first_text_number``."""
    found = [t for t in result.tracks[field] if any(c is not None and c.show() == first_text_number for c in t.cells)]
    assert len(found) == 1, [[c.show() if c else None for c in t.cells] for t in result.tracks[field]]
    return found[0]


def shown(t) -> list[str | None]:
    return [c.show() if c is not None else None for c in t.cells]


# --- revision dates of files --------------------------------------------------------------


def test_sources_tsv_gives_the_arw_files_their_revision_dates():
    with (WIKITEXT / "wikitext_sources.tsv").open(encoding="utf-8", newline="") as handle:
        rows = {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}
    assert rows[ARW_FILES[0].name]["note"].endswith("revision timestamp 2016-04-29T16:31:10Z")
    assert [revision_of(p).timestamp for p in ARW_FILES] == ["2016-04-29T16:31:10Z", "2019-06", "2019-09"]
    assert revision_of(ARW_FILES[0]).revision_id == "717770601"
    assert revision_of(WIKITEXT / "Battle_of_Wakefield.wiki").timestamp is None    # date unknown: left empty


def test_revisions_tsv_comes_first_and_a_bad_date_is_a_warning(tmp_path):
    shutil.copy(ARW_FILES[2], tmp_path / "a.wiki")
    shutil.copy(ARW_FILES[2], tmp_path / "b.wiki")
    (tmp_path / "revisions.tsv").write_text("file\trevision_timestamp\trevision_id\n"
                                            "a.wiki\t2019-09-14\t915000001\nb.wiki\tSeptember 2019\t\n")
    (tmp_path / "other_sources.tsv").write_text("file\trevision_timestamp\na.wiki\t2001\n")
    from kg.readers import read_document

    a, b = read_document(tmp_path / "a.wiki"), read_document(tmp_path / "b.wiki")
    assert (a.extra["revision_timestamp"], a.extra["revision_id"], a.extra["revision_source"]) == (
        "2019-09-14", "915000001", "revisions.tsv")
    assert "revision_timestamp" not in b.extra
    assert [w.kind for w in b.warnings if w.kind == "bad-revision-date"] == ["bad-revision-date"]


@pytest.mark.parametrize(("text", "precision"), [
    ("2016-04-29T16:31:10Z", "datetime"), ("2019-06-05", "day"), ("2019-06", "month"), ("1783", "year"),
    ("2019-13", None), ("2019-02-30", None), ("June 2019", None), ("2016-04-29T25:00:00Z", None), ("", None)])
def test_timestamp_precision(text, precision):
    assert timestamp_precision(text) == precision


# --- the dump path -------------------------------------------------------------------------


def test_fixture_keeps_each_revisions_infobox_exactly():
    sys.path.insert(0, str(FIXTURE.parent))
    try:
        from make_fixture import OPENING, infobox_end
    finally:
        sys.path.pop(0)
    from kg.readers.dump import iter_dump_revisions

    pages = list(iter_dump_revisions(FIXTURE))
    assert [(p.title, p.revision_id, p.timestamp, p.history) for p in pages] == [
        ("American Revolutionary War", 717770601, "2016-04-29T16:31:10Z", True),
        ("American Revolutionary War", None, "2019-06-01T00:00:00Z", True),
        ("American Revolutionary War", None, "2019-09-01T00:00:00Z", True)]
    for page, source in zip(pages, ARW_FILES):
        text = source.read_text(encoding="utf-8")
        box = text[text.index(OPENING):infobox_end(text)]
        assert page.text.startswith(text[:infobox_end(text)]) and box in page.text
    assert FIXTURE.stat().st_size < 60_000


def test_dump_revisions_build_one_dated_document_each(dump_store):
    with kg.open_store(dump_store, read_only=True) as store:
        rows = select(store, """SELECT ?d ?title ?date (DATATYPE(?date) AS ?type) ?version ?c WHERE {
            GRAPH ?d { ?d a ckg:SourceDocument ; dcterms:title ?title ; schema:dateModified ?date ; ckg:describes ?c
                       OPTIONAL { ?d schema:version ?version } } } ORDER BY STR(?date)""")
        assert [(r["title"], r["date"], r["version"], r["c"]) for r in rows] == [
            ("American Revolutionary War", "2016-04-29T16:31:10Z", "717770601", ARW),
            ("American Revolutionary War", "2019-06-01T00:00:00Z", None, ARW),
            ("American Revolutionary War", "2019-09-01T00:00:00Z", None, ARW)]
        assert {r["type"] for r in rows} == {"http://www.w3.org/2001/XMLSchema#dateTime"}
        assert len({r["d"] for r in rows}) == 3 and all("?revision=" in r["d"] for r in rows)
        assert latest_revision(store, ARW) == rows[-1]["d"]
        result = history(store, "American Revolutionary War", "casualties2")
    assert shown(track(result, "casualties2", "~9,372")) == ["4,000", "~9,372", "~9,372"]
    assert [c["changed"] for c in result.counts()] == [result.counts()[0]["changed"], 0]


def test_dump_store_conforms_to_the_shapes(dump_store):
    from kg.validate import validate_store

    with kg.open_store(dump_store, read_only=True) as store:
        report = validate_store(store)
    assert report.conforms, report


def test_a_date_that_is_not_a_date_breaks_the_shape(dump_store, tmp_path):
    from kg.validate import validate_store

    broken = tmp_path / "broken"
    shutil.copytree(dump_store, broken)
    with kg.open_store(broken) as store:
        store.update("""INSERT { GRAPH ?d { ?d schema:dateModified "June 2019" } }
                        WHERE { GRAPH ?d { ?d schema:version "717770601" } }""")
        report = validate_store(store)
    assert not report.conforms and "dateModified" in str(report)


# --- kg history on the three ARW revision files --------------------------------------------------


def test_revisions_are_ordered_by_date(arw_store):
    with kg.open_store(arw_store, read_only=True) as store:
        revs = revisions(store, ARW)
        assert [(r.number, r.date, r.revision_id, Path(r.path).name) for r in revs] == [
            (1, "2016-04-29T16:31:10Z", "717770601", ARW_FILES[0].name),
            (2, "2019-06", None, ARW_FILES[1].name), (3, "2019-09", None, ARW_FILES[2].name)]
        assert latest_revision(store, ARW) == revs[-1].document


def test_history_shows_the_figures_that_changed(arw_store):
    with kg.open_store(arw_store, read_only=True) as store:
        result = history(store, "American Revolutionary War")
    # British army killed in battle, American killed in battle: numbers changed in 2019
    assert shown(track(result, "casualties2", "4,000")) == ["4,000", "~9,372", "~9,372"]
    assert track(result, "casualties2", "4,000").changes == [None, CHANGED, SAME]
    assert shown(track(result, "casualties1", "6,824")) == ["6,824", "6,800", "6,800"]
    # British army strength; Loyalists and German auxiliaries, each to its own new figure
    assert shown(track(result, "strength2", "39,196")) == ["39,196", "48,000", "48,000"]
    assert shown(track(result, "strength2", "19,000")) == ["19,000", "25,000", "25,000"]
    assert shown(track(result, "strength2", "30,000")) == ["30,000", "29,875", "29,875"]
    # new in 2019: Hanoverians, British army total dead
    assert track(result, "strength2", "2,365").changes == [None, ADDED, SAME]
    assert shown(track(result, "casualties2", "43,633")) == [None, "43,633", "43,633"]
    # gone in 2019
    assert track(result, "casualties1", "up to 50,000").changes == [None, REMOVED, None]
    assert track(result, "strength1", "12,000").changes == [None, REMOVED, None]
    # figures the 2016 and 2019 texts both give unchanged are not changes
    assert track(result, "casualties2", "42,000").changes[1] in ("same", "reworded")
    # the spec revision changes no figure
    assert all(t.changes[2] in (SAME, "reworded", None) for ts in result.tracks.values() for t in ts)
    assert result.counts()[1] == {"changed": 0, "added": 0, "removed": 0, "reworded": 0}


@pytest.mark.parametrize("title", ["Battle of Gettysburg", "Battle of Marathon", "Battle of Bosworth Field",
                                   "American Revolutionary War"])
def test_two_copies_of_one_revision_change_no_figure(tmp_path, title):
    """The same revision as wikitext and as wtf_wikipedia markdown (tests/fixtures/wtf): the
    history pairs every figure; none is changed, added or removed."""
    stem = title.replace(" ", "_")
    wiki = sorted(WIKITEXT.glob(f"{stem}.wiki")) or sorted(WIKITEXT.glob(f"{stem}__infobox_only*.wiki"))
    markdown = ROOT / "tests" / "fixtures" / "wtf" / f"{stem.lower()}.md"
    with kg.open_store(tmp_path / "store") as store:
        kg.build(store, [str(wiki[0]), str(markdown)], progress=False)
        result = history(store, title)
    assert len(result.revisions) == 2
    changes = [t.changes[1] for ts in result.tracks.values() for t in ts]
    assert changes and set(changes) <= {SAME, "reworded"}, changes


def test_kg_history_cli(arw_store):
    out = run_kg("history", "American Revolutionary War", "--field", "casualties2", store=arw_store).stdout
    assert "r1  2016-04-29T16:31:10Z    revision 717770601" in out
    assert "~9,372 *" in out and "43,633 +" in out and "51,000+        (removed)" in out
    assert "r2 → r3: no figure changed" in out and "strength1" not in out
    data = json.loads(run_kg("history", "american revolutionary war", "--json", store=arw_store).stdout)
    assert [r["date"] for r in data["revisions"]] == ["2016-04-29T16:31:10Z", "2019-06", "2019-09"]
    field = next(f for f in data["fields"] if f["field"] == "casualties1")
    figure = next(f for f in field["figures"] if f["label"] == "killed in battle")
    assert [r["value"] for r in figure["revisions"]] == [6824, 6800, 6800]
    assert [r["change"] for r in figure["revisions"]] == [None, "changed", "same"]


def test_kg_history_exit_codes(arw_store):
    unknown = run_kg("history", "American Revolutionary", store=arw_store, code=1)
    assert "did you mean" in unknown.stderr and "American Revolutionary War" in unknown.stderr
    assert "did you mean casualties2" in run_kg("history", "American Revolutionary War", "--field", "casualty2",
                                                store=arw_store, code=2).stderr
    assert "is not a conflict" in run_kg("history", "Kingdom of France", store=arw_store, code=2).stderr


# --- the named query and the plot ---------------------------------------------------------------


def test_figure_history_query_one_row_per_revision_and_figure(arw_store):
    out = run_kg("query", "figure-history", "-p", "conflict=American Revolutionary War", "--format", "json",
                 store=arw_store).stdout
    rows = json.loads(out)
    rows = rows["results"]["bindings"] if isinstance(rows, dict) else rows
    value = lambda row, key: (row.get(key) or {}).get("value") if isinstance(row.get(key), dict) else row.get(key)  # noqa: E731
    keys = [(value(r, "document"), value(r, "field"), value(r, "order")) for r in rows]
    assert len(keys) == len(set(keys))
    dates = [value(r, "revised") for r in rows]
    assert dates == sorted(dates) and dates[0] == "2016-04-29T16:31:10Z"
    per = {}
    for r in rows:
        if value(r, "field") == "casualties2":
            per[value(r, "revised")] = per.get(value(r, "revised"), 0) + 1
    # counted in the wikitext: 9 figures in 2016's casualties2, 17 in each 2019 revision
    assert per == {"2016-04-29T16:31:10Z": 9, "2019-06": 17, "2019-09": 17}


def test_plot_history_writes_a_png(arw_store, tmp_path):
    target = tmp_path / "history.png"
    result = run_kg("plot", "history", "American Revolutionary War", "--field", "casualties2", "-o", str(target),
                    store=arw_store)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "over 3 revisions" in result.stderr
    assert "needs --field" in run_kg("plot", "history", "American Revolutionary War", "-o", str(target),
                                     store=arw_store, code=2).stderr


def test_latest_revision_ignores_undated_copies(tmp_path):
    """An undated document of the page (no revisions.tsv row) counts as older than any dated
    one; with no dated document there is no latest revision."""
    undated = tmp_path / "undated"
    undated.mkdir()
    shutil.copy(ARW_FILES[0], undated / "American_Revolutionary_War__undated_copy.wiki")
    with kg.open_store(tmp_path / "store") as store:
        kg.build(store, [str(undated / "American_Revolutionary_War__undated_copy.wiki")], progress=False)
        assert latest_revision(store, ARW) is None
        kg.build(store, [str(p) for p in ARW_FILES[:2]], progress=False)
        revs = revisions(store, ARW)
        assert [(r.date, Path(r.path).name) for r in revs] == [
            (None, "American_Revolutionary_War__undated_copy.wiki"), ("2016-04-29T16:31:10Z", ARW_FILES[0].name), ("2019-06", ARW_FILES[1].name)]
        assert latest_revision(store, ARW) == revs[-1].document
