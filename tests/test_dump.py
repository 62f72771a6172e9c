"""MediaWiki XML dumps (kg.readers.dump): writing, streaming back, skipping, bounded memory."""

from __future__ import annotations

import bz2
import csv
import tracemalloc
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from kg.infobox import parse_conflict
from kg.readers.dump import DumpPage, DumpStats, is_dump_path, iter_dump, iter_dump_pages, write_dump
from kg.readers.wikitext import read_wikitext

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "wikitext"
WIKI_FILES = sorted(FIXTURES.glob("*.wiki"))
with (FIXTURES / "wikitext_sources.tsv").open(encoding="utf-8", newline="") as handle:
    SOURCES = {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def page_title(path: Path) -> str:
    """A unique page title per fixture (three fixtures are copies of one article)."""
    title = SOURCES[path.name]["title"]
    suffix = path.stem.partition("__")[2]
    return f"{title} ({suffix.replace('_', ' ')})" if suffix else title


def comparable(doc) -> dict:
    data = asdict(doc)
    for key in ("path", "extra"):
        data.pop(key)
    return data


@pytest.fixture(scope="module")
def fixture_dump(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dump") / "fixtures.xml.bz2"
    pages = [(page_title(p), p.read_text(encoding="utf-8")) for p in WIKI_FILES]
    assert write_dump(pages, path) == 8
    return path


def test_dump_streams_back_the_same_documents(fixture_dump):
    stats = DumpStats()
    docs = list(iter_dump(fixture_dump, stats))
    conflict_files = [p for p in WIKI_FILES if "Donnelly" not in p.name]
    assert [d.title for d in docs] == [page_title(p) for p in conflict_files]
    for doc, path in zip(docs, conflict_files):
        from_file = read_wikitext(path, title=page_title(path))
        assert comparable(doc) == comparable(from_file), path.name
        assert doc.path == f"{fixture_dump}::{page_title(path)}"
        assert doc.extra["dump"] == str(fixture_dump)
        assert doc.extra["revision_timestamp"] == "2020-01-01T00:00:00Z"
        assert parse_conflict(doc) is not None
    assert (stats.pages_seen, stats.yielded, stats.skipped) == (8, 7, 1)
    assert stats.skipped_by_reason == {"no-conflict-infobox": 1}
    assert str(stats) == "8 pages: 7 read, 1 skipped (no-conflict-infobox 1)"


def test_dump_is_real_bz2_and_mediawiki_xml(fixture_dump):
    with bz2.open(fixture_dump, "rt", encoding="utf-8") as stream:
        head = stream.read(400)
    assert head.startswith('<?xml version="1.0" encoding="utf-8"?>\n<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/"')
    pages = list(iter_dump_pages(fixture_dump))
    assert [p.ns for p in pages] == [0] * 8
    assert [p.page_id for p in pages] == list(range(1, 9))
    assert pages[0].text == WIKI_FILES[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["plain.xml", "gzipped.xml.gz", "compressed.xml.bz2"])
def test_skips_namespaces_redirects_and_pages_without_conflict(tmp_path, name):
    gettysburg = (FIXTURES / "Battle_of_Gettysburg__infobox_only_wikiline_spec.wiki").read_text(encoding="utf-8")
    pages = [
        DumpPage("Battle of Gettysburg", gettysburg),
        DumpPage("Gettysburg battle", "#REDIRECT [[Battle of Gettysburg]]", redirect="Battle of Gettysburg"),
        DumpPage("Gettysburg fight", "#redirect [[Battle of Gettysburg]]"),   # no <redirect> element
        DumpPage("Template:Infobox military conflict", "{{Infobox military conflict|conflict=X}}", ns=10),
        DumpPage("Talk:Battle of Gettysburg", gettysburg, ns=1),
        DumpPage("Gettysburg, Pennsylvania", "{{Infobox settlement|name=Gettysburg}} A borough."),
        DumpPage("Mentions only", "Text about the Infobox military conflict template, no template."),
        DumpPage("Empty", ""),
        DumpPage("Odd & <strange> \"title\"", "{{Infobox military conflict|conflict=Odd|combatant1=[[A & B]]}}"),
    ]
    path = tmp_path / name
    assert write_dump(pages, path) == len(pages)
    stats = DumpStats()
    docs = list(iter_dump(path, stats))
    assert [d.title for d in docs] == ["Battle of Gettysburg", 'Odd & <strange> "title"']
    assert docs[1].conflict_infobox.get("combatant1").links[0].page == "A & B"
    assert stats.skipped_by_reason == {"redirect": 2, "namespace": 2, "no-conflict-infobox": 2, "empty": 1}
    assert (stats.pages_seen, stats.yielded) == (9, 2)
    everything = list(iter_dump(path, conflicts_only=False))
    assert [d.title for d in everything] == ["Battle of Gettysburg", "Gettysburg, Pennsylvania",
                                             "Mentions only", 'Odd & <strange> "title"']


OLD_DUMP = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.3/" version="0.3" xml:lang="en">
  <siteinfo>
    <sitename>Wikipedia</sitename>
    <namespaces>
      <namespace key="0" />
      <namespace key="10">Template</namespace>
    </namespaces>
  </siteinfo>
  <page>
    <title>Template:Infobox military conflict</title>
    <id>1</id>
    <revision><id>5</id><text xml:space="preserve">{{Infobox military conflict|conflict=T}}</text></revision>
  </page>
  <page>
    <title>Battle of Y</title>
    <id>2</id>
    <revision><id>10</id><timestamp>2001-01-01T00:00:00Z</timestamp>
      <text xml:space="preserve">{{Infobox military conflict|conflict=Old|commander1=[[Abu Ahmad]]{{KIA}}}}</text></revision>
    <revision><id>11</id><timestamp>2002-02-02T00:00:00Z</timestamp>
      <text xml:space="preserve">{{Infobox military conflict|conflict=New|commander1=[[Abu Bakr]]{{KIA}}}}</text></revision>
  </page>
</mediawiki>
"""


def test_old_dump_without_ns_and_with_history(tmp_path):
    """export-0.3 has no <ns> (the title prefix decides) and a page may carry several
    revisions: each is a document of its own, named by its revision id, with its
    timestamp; iter_dump_pages still gives the last one only."""
    path = tmp_path / "history.xml"
    path.write_text(OLD_DUMP, encoding="utf-8")
    stats = DumpStats()
    docs = list(iter_dump(path, stats))
    assert [(d.title, d.conflict_infobox.get("conflict").text) for d in docs] == [
        ("Battle of Y", "Old"), ("Battle of Y", "New")]
    assert [d.path for d in docs] == [f"{path}::Battle of Y#10", f"{path}::Battle of Y#11"]
    assert [(d.extra["revision_id"], d.extra["revision_timestamp"], d.extra["page_id"]) for d in docs] == [
        ("10", "2001-01-01T00:00:00Z", "2"), ("11", "2002-02-02T00:00:00Z", "2")]
    assert [c.kia for c in parse_conflict(docs[1]).sides[0].commanders] == [True]
    assert stats.skipped_by_reason == {"namespace": 1}
    assert [(p.title, p.revision_id, p.history) for p in iter_dump_pages(path)] == [
        ("Template:Infobox military conflict", 5, False), ("Battle of Y", 11, True)]


def test_write_dump_drops_characters_xml_cannot_carry(tmp_path):
    path = tmp_path / "control.xml"
    write_dump([("Battle of Z", "{{Infobox military conflict|conflict=Z\x01\x0b|combatant1=[[A]]\r\n}}")], path)
    (doc,) = list(iter_dump(path))
    assert doc.conflict_infobox.get("conflict").text == "Z"


def test_is_dump_path():
    assert is_dump_path("enwiki-latest-pages-articles1.xml-p10p30302.bz2")
    assert is_dump_path("x/dump.xml.bz2") and is_dump_path("dump.XML") and is_dump_path("d.xml.gz")
    assert not is_dump_path("article.wiki") and not is_dump_path("article.md")


# ---------------------------------------------------------------------------------------
# bounded memory

#: A compact conflict page in the style of the fixtures (flag, {{KIA}}, {{coord}}, <br>
#: lists, a reference, a body with a section and links): small, so the traced run is quick.
PAGE = (
    "{{{{Infobox military conflict\n"
    "|conflict={name}\n"
    "|partof=the [[First Persian invasion of Greece]]\n"
    "|date=September {year} BC\n"
    "|place=[[Marathon, Greece]]\n"
    "|coordinates={{{{Coord|38|07|05|N|23|58|42|E}}}}\n"
    "|combatant1=[[Classical Athens|Athens]]<br />[[Plataea]]\n"
    "|combatant2={{{{flagcountry|Iran}}}}\n"
    "|commander1=[[Miltiades]]<br />[[Callimachus (polemarch)|Callimachus]]{{{{KIA}}}}\n"
    "|strength1={strength:,}–10,000 Athenians,<br />1,000 Plataeans\n"
    "|casualties1={dead} Athenians<ref>Herodotus</ref>\n"
    "}}}}\n"
    "The '''{name}''' was fought in {year} BC.\n\n"
    "== Background ==\n"
    "Text about [[Miltiades]] and {dead} men and a [[Link target {n}|link]].\n"
)


def generated_pages(count: int) -> Iterator[tuple[str, str]]:
    """Renamed copies of :data:`PAGE` with perturbed names and numbers; every fourth page
    has no conflict infobox. A generator: nothing is kept."""
    for n in range(count):
        name = f"Battle of Marathon {n}"
        text = PAGE.format(name=name, year=400 + n % 90, strength=9000 + n, dead=192 + n % 50, n=n)
        if n % 4 == 3:
            text = text.replace("{{Infobox military conflict", "{{Infobox person")
        yield name, text


def peak_while_streaming(path: Path) -> tuple[int, int]:
    """Pages read and the peak of traced memory while streaming the dump."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        count = 0
        for doc in iter_dump(path):
            assert doc.conflict_infobox is not None
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


def test_memory_stays_bounded_on_2000_pages(tmp_path):
    small, large = tmp_path / "small.xml.bz2", tmp_path / "large.xml.bz2"
    write_dump(generated_pages(200), small)
    write_dump(generated_pages(2000), large)
    peak_while_streaming(small)         # warm up: caches (country names, regexes) fill once
    small_count, small_peak = peak_while_streaming(small)
    large_count, large_peak = peak_while_streaming(large)
    assert (small_count, large_count) == (150, 1500)
    # Ten times the pages, about the same peak: nothing accumulates per page. (Keeping the
    # 1,500 Documents would take about 12 MB, keeping the parsed XML of the pages over 3 MB;
    # the stream peaks at well under 1 MB.)
    assert large_peak < 2 * small_peak + 500_000, (small_peak, large_peak)
    assert large_peak < 8_000_000, large_peak
