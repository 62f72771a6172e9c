"""Issue 9, items 1-5: hostile input is quarantined or neutralised, never trusted.

Each test reproduces the attack or fault. Guards and the tests that fail without them:
YAML features (load_yaml's node checks), nesting pre-scan (nesting_depth), size caps
(MAX_* checks before parsing), strict decoding (decode_bytes), encoding repair
(repair_text), IRI minting (iri_segment), literal cleaning (clean_text).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
from conftest import DATA
from kg.builder import build
from kg.exporter import export, format_for
from kg.identity import name_iri, normalise_title, resource_iri
from kg.rdf.mapping import clean_text
from kg.readers import read_document
from kg.readers.encoding import repair_text

HOSN = (DATA / "wikipedia" / "syria" / "battle_of_hosn.md").read_text(encoding="utf-8")
FRONT, BODY = HOSN.split("\n---\n", 1)


def _article(front_extra: str = "", title: str = "Battle of Test") -> str:
    return f"---\ntitle: {title}\n{front_extra}\ninfoboxes:\n  - combatant1:\n      text: Iran\n    combatant2:\n      text: Iraq\n---\nBody.\n"


def _build(tmp_path: Path, name: str, content: str | bytes) -> kg.builder.BuildReport:
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    target = folder / name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    good = folder / "battle_of_hosn.md"
    good.write_text(HOSN, encoding="utf-8")
    store = kg.open_store(tmp_path / "store")
    report = build(store, [folder], progress=False)
    store.close()
    return report


def _outcome(report, name):
    return next(o for o in report.outcomes if o.path.endswith(name))


# --- 1. YAML features ----------------------------------------------------------------
BOMB = textwrap.dedent("""\
    ---
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    title: bomb
    ---
    """)

HOSTILE_YAML = [
    ("alias-bomb", BOMB, "yaml-alias"),
    ("recursive-alias", "---\ntitle: x\nloop: &a [*a]\n---\n", "yaml-alias"),
    ("python-tag", "---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n", "yaml-tag"),
    ("binary-tag", "---\ntitle: x\nimg: !!binary aGVsbG8=\n---\n", "yaml-tag"),
    ("duplicate-key", "---\ntitle: first\ntitle: second\n---\n", "yaml-duplicate-key"),
    ("deep-flow", "---\ntitle: x\nd: " + "[" * 100 + "]" * 100 + "\n---\n", "yaml-too-deep"),
]


@pytest.mark.parametrize("name,text,code", HOSTILE_YAML, ids=[h[0] for h in HOSTILE_YAML])
def test_hostile_yaml_is_quarantined_and_the_build_goes_on(tmp_path, name, text, code):
    report = _build(tmp_path, f"{name}.md", text)
    outcome = _outcome(report, f"{name}.md")
    assert (outcome.status, outcome.code) == ("quarantined", code)
    assert f"{name}.md" in outcome.reason
    assert _outcome(report, "battle_of_hosn.md").status == "stored"
    with kg.open_store(tmp_path / "store", read_only=True) as store:
        assert not any(name in g for g in store.graphs())


def test_the_alias_bomb_is_refused_before_anything_is_expanded():
    from kg.readers.wtf_markdown import UnsafeYAML, load_yaml

    assert len(BOMB) < 700  # 9**9 strings once traversed
    with pytest.raises(UnsafeYAML) as refused:
        load_yaml(BOMB.strip("-\n"))
    assert refused.value.code == "yaml-alias"


DEEP = "---\ntitle: x\nd: " + "[" * 40_000 + "]" * 40_000 + "\n---\n"


def test_deep_nesting_is_refused_before_the_yaml_parser_sees_it(tmp_path, monkeypatch):
    """Whatever the installed libyaml does with 40,000 levels (older releases segfault,
    PyYAML 6.0.4 refuses), our loader refuses first: the parser is never called."""
    import kg.readers.wtf_markdown as reader
    from kg.readers.wtf_markdown import UnsafeYAML

    def never(*_args, **_kwargs):
        raise AssertionError("the YAML parser was called on a too-deep document")

    monkeypatch.setattr(reader.yaml, "compose", never)
    with pytest.raises(UnsafeYAML) as refused:
        reader.load_yaml(DEEP.strip("-\n"))
    assert refused.value.code == "yaml-too-deep"


def test_deep_nesting_is_quarantined_and_the_build_goes_on(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "deep.md").write_text(DEEP, encoding="utf-8")
    (folder / "battle_of_hosn.md").write_text(HOSN, encoding="utf-8")
    ours = subprocess.run([sys.executable, "-m", "kg", "--store", str(tmp_path / "s"), "build", str(folder),
                           "--no-progress", "--json"], capture_output=True, text=True, timeout=300)
    assert ours.returncode == 1, ours.stderr
    report = json.loads(ours.stdout)
    assert report["stored"] == 1
    assert [f["code"] for f in report["failed"]] == ["yaml-too-deep"]


# --- 2. implicit typing --------------------------------------------------------------
@pytest.mark.parametrize("value", ["NO", "on", "12:30:00", "010", "0x1F", "~", "2016-12-22", "1e3", ".inf"])
def test_yaml_scalars_reach_the_graph_as_source_strings(tmp_path, value):
    text = f"---\ntitle: {value}\nshortDescription: {value}\ninfoboxes:\n  - date:\n      text: {value}\n    combatant1:\n      text: {value}\n    combatant2:\n      text: Iraq\n---\n"
    path = tmp_path / "typed.md"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    assert doc.title == value and doc.short_description == value
    assert doc.conflict_infobox.fields["date"].text == value
    store = kg.open_store(in_memory=True)
    build(store, [path], progress=False)
    titles = kg.query(store, "SELECT ?t WHERE { ?d dcterms:title ?t }")
    assert [row["t"] for row in titles] == [value]


# --- 3. size caps and encodings ------------------------------------------------------
def test_size_caps_are_checked_before_parsing(tmp_path, monkeypatch):
    import kg.readers.wtf_markdown as reader

    def never(*_args, **_kwargs):
        raise AssertionError("YAML was parsed before the size check")

    monkeypatch.setattr(reader, "MAX_FRONT_MATTER_CHARS", 1000)
    monkeypatch.setattr(reader, "load_yaml", never)
    path = tmp_path / "big.md"
    path.write_text("---\ntitle: x\npad: " + "y" * 5000 + "\n---\nbody\n", encoding="utf-8")
    with pytest.raises(kg.readers.DocumentError) as info:
        read_document(path)
    assert info.value.code == "too-large" and info.value.field == "front matter"
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 100)
    with pytest.raises(kg.readers.DocumentError) as info:
        read_document(path)
    assert info.value.code == "too-large" and "limit is 100" in str(info.value)


def test_invalid_utf8_is_refused_with_the_byte_offset(tmp_path):
    report = _build(tmp_path, "latin1.md", _article().replace("Iran", "Ir\u00e1n").encode("latin-1"))
    outcome = _outcome(report, "latin1.md")
    assert (outcome.status, outcome.code) == ("quarantined", "encoding")
    assert "not valid UTF-8 at byte" in outcome.reason and "latin1.md" in outcome.reason


@pytest.mark.parametrize("encoding,note", [("utf-8-sig", "removed a UTF-8 byte order mark"),
                                           ("utf-16", "decoded UTF-16 (byte order mark found)")])
def test_boms_are_handled_and_recorded(tmp_path, encoding, note):
    path = tmp_path / "bom.md"
    path.write_bytes(_article().encode(encoding))
    doc = read_document(path)
    assert doc.title == "Battle of Test"
    assert [w.message for w in doc.warnings if w.kind == "decoding"] == [note]


def test_no_replacement_character_ever_appears(tmp_path):
    store = kg.open_store(in_memory=True)
    build(store, [DATA / "samples", DATA / "news"], progress=False)
    rows = kg.query(store, 'SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), "\\uFFFD")) } }')
    assert rows == []


# --- 4. encoding repair only where damaged -------------------------------------------
def test_clean_news_stay_byte_identical():
    for path in sorted((DATA / "samples").glob("*.txt")):
        original = path.read_text(encoding="utf-8")
        assert read_document(path).body == original
    assert any("\u2019" in read_document(p).body for p in (DATA / "samples").glob("*.txt"))  # curly quotes kept


def test_repair_is_idempotent_and_recorded():
    damaged = (DATA / "samples" / "battle_of_aleppo_(2012–2016).as-received.md").read_text(encoding="utf-8")
    once = repair_text(damaged)
    assert once.repaired and once.repair_steps == "encode macroman, decode utf-8"
    twice = repair_text(once.text)
    assert not twice.repaired and twice.text == once.text


def test_unrecoverable_damage_is_kept_verbatim_and_flagged(tmp_path):
    broken = "The \u00e2\u20ac\u0153quoted\u00e2\u20ac"  # mojibake with a lost byte
    result = repair_text(broken)
    assert result.suspicious
    path = tmp_path / "damaged.md"
    path.write_text(_article(f"shortDescription: '{broken}'"), encoding="utf-8")
    doc = read_document(path)
    assert any(w.kind == "encoding-suspicious" for w in doc.warnings)
    assert "quoted" in doc.short_description


# --- 5. IRIs and literals ------------------------------------------------------------
def _valid(iri: str) -> bool:
    try:
        node = pyoxigraph.NamedNode(iri)
    except (ValueError, UnicodeEncodeError):
        return False
    data = pyoxigraph.serialize([pyoxigraph.Triple(node, node, node)], format=pyoxigraph.RdfFormat.N_TRIPLES)
    return len(list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES))) == 1 and \
        len(rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")) == 1


NASTY = ["", " ", "<>\"{}|^`\\", "#", "%", "%41", "a\nb", "\t", "\x00", "\ud800", "\udfff", "a b", "a_b",
         "e\u0301", "\u00e9", "\ufffe", "\U0010ffff", "\ue000", "x/../y", "?q=1", "http://x", "'", "\u202e"]


@pytest.mark.parametrize("title", NASTY, ids=[repr(t) for t in NASTY])
def test_nasty_titles_give_valid_iris(title):
    assert _valid(resource_iri(title)) and _valid(name_iri(title))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40))
def test_every_minted_iri_is_valid(title):
    assert _valid(resource_iri(title))


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=20), st.text(max_size=20))
def test_equal_titles_one_iri_distinct_titles_never_collide(a, b):
    same = normalise_title(a) == normalise_title(b)
    assert (resource_iri(a) == resource_iri(b)) == same


def test_nfc_and_nfd_are_one_title():
    assert resource_iri("Battle of Sa\u0301rospatak") == resource_iri(unicodedata.normalize("NFC", "Battle of Sa\u0301rospatak"))


def test_a_title_crafted_to_inject_triples_injects_nothing(tmp_path):
    evil = 'X> <http://evil/s> <http://evil/p> <http://evil/o> .\\n<http://a'
    store = kg.open_store(in_memory=True)
    path = tmp_path / "evil.md"
    path.write_text(_article(title=f'"{evil}"').replace("text: Iran", f"text: '{evil}'"), encoding="utf-8")
    build(store, [path], progress=False)
    out = tmp_path / "out.nt"
    export(store, format_for("nt"), out)
    data = out.read_bytes()
    # The attacker's text is in the file, but only inside quoted literals: read as plain
    # text (no RDF parser), what lies outside the literals never names an evil IRI.
    assert b"<http://evil/s>" in data
    assert b"<http://evil/" not in _outside_literals(data)
    triples = list(pyoxigraph.parse(path=str(out), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert not any(str(t.subject) == "<http://evil/s>" for t in triples)
    assert len(triples) == len(set(triples)) == len(data.splitlines())
    # and kept whole as data: the document's title is the title, line break included
    title = pyoxigraph.NamedNode("http://purl.org/dc/terms/title")
    assert [t.object.value for t in triples if t.predicate == title] == [evil.replace("\\n", "\n")]


def _outside_literals(ntriples: bytes) -> bytes:
    """N-Triples with every quoted literal emptied (escapes inside a literal respected)."""
    return re.sub(rb'"(?:[^"\\\n]|\\.)*"', b'""', ntriples)


def test_outside_literals_sees_an_injected_triple():
    """The check above can fail: a title pasted into an IRI unescaped starts a new triple."""
    naive = b'<https://e.org/X> <http://evil/s> <http://evil/p> <http://evil/o> .> <https://e.org/p> "a \\" <http://evil/x>" .\n'
    assert _outside_literals(naive) == b'<https://e.org/X> <http://evil/s> <http://evil/p> <http://evil/o> .> <https://e.org/p> "" .\n'
    assert b"<http://evil/" in _outside_literals(naive)


def test_control_characters_and_lone_surrogates_are_removed_from_literals(tmp_path):
    assert clean_text("a\x00b\x1b[31mc\ud800d\ufffe") == "ab[31mcd"
    path = tmp_path / "ctl.md"
    path.write_text(_article(title='"Battle\\a of \\eBell\\x7f"'), encoding="utf-8")  # YAML escapes
    store = kg.open_store(in_memory=True)
    build(store, [path], progress=False)
    out = tmp_path / "ctl.ttl"
    export(store, format_for("ttl"), out)
    text = out.read_text(encoding="utf-8")
    assert read_document(path).title == "Battle\x07 of \x1bBell\x7f"
    assert "\x07" not in text and "\x1b" not in text and "\x7f" not in text and "Battle of Bell" in text
    assert len(rdflib.Graph().parse(out, format="turtle")) > 10


def test_typed_literals_keep_their_lexical_form(corpus_store):
    rows = kg.query(corpus_store, """SELECT DISTINCT ?lat WHERE { ?c geo:lat ?lat } ORDER BY ?lat LIMIT 50""")
    lexical = [r["l"] for r in kg.query(corpus_store, "SELECT DISTINCT (STR(?lat) AS ?l) WHERE { ?c geo:lat ?lat }")]
    assert "36.21667" in lexical and rows
    years = kg.query(corpus_store, 'SELECT DISTINCT (STR(?d) AS ?s) (DATATYPE(?d) AS ?t) WHERE { ?c ckg:startDate ?d } ')
    for row in years:
        kind = row["t"].rsplit("#", 1)[1]
        assert {"gYear": 4, "gYearMonth": 7, "date": 10}[kind] == len(row["s"].lstrip("-")), row
