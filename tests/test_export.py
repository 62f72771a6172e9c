"""Exports (kg.exporter): every format parses back to the store's content, deterministically
and atomically."""

from __future__ import annotations

import doctest
import io
import random
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Quad
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

import kg.exporter
from kg.exporter import ExportError, JsonLdFormat, NTriplesFormat, export, format_for, formats
from kg.rdf import terms
from kg.store import KGStore, _RdflibConverter, open_store
from test_hardening_store import RIOT, require_riot

# rdflib >= 7.5 trips over its own deprecations (default_context, ConjunctiveGraph in parsers)
pytestmark = [
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

XSD = terms.XSD
RDF_TYPE = NamedNode(terms.RDF + "type")
SHARED = Quad(NamedNode(terms.DBR + "France"), RDF_TYPE, terms.Country)  # stated in every document


def doc_quads(name: str, sides: int = 2) -> tuple[str, list[Quad]]:
    doc = terms.DOCUMENT + name
    g = NamedNode(doc)
    conflict = NamedNode(terms.RESOURCE + name)
    quads = [
        Quad(g, terms.contentHash, Literal(f"sha256:{name}"), g),
        Quad(g, terms.describes, conflict, g),
        Quad(conflict, RDF_TYPE, terms.MilitaryConflict, g),
        Quad(conflict, terms.dateText, Literal('28 July 1914 – "late"\n\\u0041 \t é 😀'), g),
        Quad(conflict, terms.notes, Literal("note", language="en"), g),
        Quad(conflict, terms.startDate, Literal("1914-07-28", datatype=NamedNode(XSD + "date")), g),
        Quad(conflict, terms.ongoing, Literal("false", datatype=NamedNode(XSD + "boolean")), g),
        Quad(SHARED.subject, SHARED.predicate, SHARED.object, g),
    ]
    for n in range(1, sides + 1):
        side = NamedNode(f"{terms.NODE}{name}-side-{n}")
        part = NamedNode(f"{terms.NODE}{name}-side-{n}-p1")
        quads += [
            Quad(conflict, terms.side, side, g),
            Quad(side, RDF_TYPE, terms.Side, g),
            Quad(side, terms.sideNumber, Literal(str(n), datatype=NamedNode(XSD + "integer")), g),
            Quad(side, terms.participation, part, g),
            Quad(part, RDF_TYPE, terms.Participation, g),
            Quad(part, terms.party, NamedNode(f"{terms.DBR}Party_{n}"), g),
            Quad(part, terms.strength, Literal("1.5", datatype=NamedNode(XSD + "decimal")), g),
        ]
    return doc, quads


DOCS = [doc_quads("Battle_of_A"), doc_quads("Battle_of_B", sides=3), doc_quads("Siege_of_C", sides=1)]


def fill(store: KGStore, order_seed: int | None = None) -> None:
    docs = list(DOCS)
    if order_seed is not None:
        random.Random(order_seed).shuffle(docs)
    for doc, quads in docs:
        quads = list(quads)
        if order_seed is not None:
            random.Random(order_seed).shuffle(quads)
        store.replace_graph(doc, quads)


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "store") as s:
        fill(s)
        yield s


FORMATS = ["ttl", "nt", "nq", "trig", "jsonld"]
RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}


def union_graph(ds: rdflib.Dataset) -> rdflib.Graph:
    g = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def assert_isomorphic(expected: rdflib.Graph, got: rdflib.Graph, what: str) -> None:
    if not isomorphic(expected, got):
        _, only_expected, only_got = graph_diff(to_isomorphic(expected), to_isomorphic(got))
        pytest.fail(
            f"{what} differs.\nonly in the store:\n{only_expected.serialize(format='nt')}\n"
            f"only in the export:\n{only_got.serialize(format='nt')}"
        )


def named_graphs(ds: rdflib.Dataset) -> dict[str, rdflib.Graph]:
    return {str(g.identifier): g for g in ds.graphs() if len(g) and str(g.identifier) != "urn:x-rdflib:default"}


# --- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FORMATS)
def test_export_parses_back_with_rdflib(store: KGStore, tmp_path: Path, name: str) -> None:
    fmt = format_for(name)
    out = tmp_path / f"kg{fmt.extension}"
    written = export(store, name, out)
    expected = store.as_rdflib()
    if fmt.dataset:
        assert written == store.count()
        got = rdflib.Dataset()
        got.parse(out, format=RDFLIB_FORMAT[name])
        exp_graphs, got_graphs = named_graphs(expected), named_graphs(got)
        assert sorted(got_graphs) == sorted(exp_graphs) == store.graphs()
        for iri, g in exp_graphs.items():
            assert_isomorphic(g, got_graphs[iri], f"{name}: graph {iri}")
        assert len(got) == len(expected)
    else:
        union = union_graph(expected)
        assert written == len(union) == store.count() - (len(DOCS) - 1)  # SHARED deduplicated
        got_graph = rdflib.Graph()
        got_graph.parse(out, format=RDFLIB_FORMAT[name])
        assert_isomorphic(union, got_graph, name)


@pytest.mark.parametrize("name", FORMATS)
def test_export_parses_back_with_pyoxigraph(store: KGStore, tmp_path: Path, name: str) -> None:
    fmt = format_for(name)
    out = tmp_path / f"kg{fmt.extension}"
    export(store, fmt, out)
    parsed = list(ox.parse(path=out, format=fmt.rdf_format))
    if fmt.dataset:
        assert len(parsed) == store.count()
        assert set(parsed) == set(store.quads())
    else:
        assert len(parsed) == len({q.triple for q in parsed})  # no duplicates written
        assert {q.triple for q in parsed} == {q.triple for q in store.quads()}


@pytest.mark.parametrize("name", FORMATS)
def test_export_is_byte_identical_across_runs_and_insertion_orders(store: KGStore, tmp_path: Path, name: str) -> None:
    ext = format_for(name).extension
    first, second, other = tmp_path / f"1{ext}", tmp_path / f"2{ext}", tmp_path / f"3{ext}"
    export(store, name, first)
    export(store, name, second)
    assert first.read_bytes() == second.read_bytes()
    with open_store(tmp_path / "shuffled") as s2:
        fill(s2, order_seed=42)
        export(s2, name, other)
    assert first.read_bytes() == other.read_bytes()


@pytest.mark.parametrize("name", FORMATS)
def test_blank_nodes_are_labelled_deterministically(tmp_path: Path, name: str) -> None:
    ext = format_for(name).extension
    outputs = []
    for i in range(2):
        with open_store(tmp_path / f"s{i}") as s:
            doc = terms.DOCUMENT + "W"
            g = NamedNode(doc)
            w1, w2 = BlankNode(), BlankNode()  # random labels, different in each store
            s.replace_graph(doc, [
                Quad(g, terms.warning, w1, g), Quad(w1, terms.warningKind, Literal("a"), g),
                Quad(g, terms.warning, w2, g), Quad(w2, terms.warningKind, Literal("b"), g),
            ])
            out = tmp_path / f"w{i}{ext}"
            assert export(s, name, out) == 4
            outputs.append(out.read_bytes())
            parsed = list(ox.parse(path=out, format=format_for(name).rdf_format))
            assert len(parsed) == 4
    assert outputs[0] == outputs[1]


def test_turtle_uses_project_prefixes(store: KGStore, tmp_path: Path) -> None:
    out = tmp_path / "kg.ttl"
    export(store, "turtle", out)
    text = out.read_text(encoding="utf-8")
    assert f"@prefix ckg: <{terms.CKG}> ." in text
    assert "@prefix res: " in text and "res:Battle_of_A" in text
    assert "ns1:" not in text
    assert "😀" in text  # UTF-8, not escaped


def test_jsonld_has_a_context_and_compact_iris(store: KGStore, tmp_path: Path) -> None:
    out = tmp_path / "kg.jsonld"
    export(store, "jsonld", out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith('{\n"@context": {\n  "ckg": ')
    assert '"@type": ["ckg:MilitaryConflict"]' in text
    assert '"@id": "doc:Battle_of_A", "@graph": [' in text
    assert '{"@value": "1914-07-28", "@type": "xsd:date"}' in text


def test_jsonld_leaves_out_a_prefix_that_clashes_with_an_iri_scheme(tmp_path: Path) -> None:
    with open_store(in_memory=True) as s:
        doc = terms.DOCUMENT + "G"
        g = NamedNode(doc)
        s.replace_graph(doc, [Quad(g, terms.place, NamedNode("geo:52.5,13.4"), g),
                              Quad(g, NamedNode(terms.GEO + "lat"), Literal("52.5"), g)])
        out = tmp_path / "g.jsonld"
        export(s, "jsonld", out)
        text = out.read_text()
        assert '"geo":' not in text and '"geo:52.5,13.4"' in text
        assert set(ox.parse(path=out, format=ox.RdfFormat.JSON_LD)) == set(s.quads())
        ds = rdflib.Dataset()
        ds.parse(out, format="json-ld")
        assert (rdflib.URIRef(doc), rdflib.URIRef(terms.place.value), rdflib.URIRef("geo:52.5,13.4")) in union_graph(ds)


# --- rdflib reads every local name (issue 12) ---------------------------------------------------

# Characters of Turtle local names: plain name characters, the ones Turtle must escape
# (PN_LOCAL_ESC), percent escapes, and non-ASCII ones allowed or not allowed in a local
# name (U+00B7 and U+0300 only after the first character, U+00D7 never).
_LOCAL_PIECES = list("aZ09_-.:~!$&'()*+,;=/?#@%") + ["%20", "%2E", "é", "·", "\u0300", "\u203f", "×", "حلب", "😀"]
_PROBE_GRAPH = NamedNode(terms.DOCUMENT + "probe")


def _rdflib_quads(data: bytes, name: str) -> set[tuple]:
    """(s, p, o, graph IRI or "") as rdflib reads ``data`` in format ``name``."""
    if format_for(name).dataset:
        ds = rdflib.Dataset()
        ds.parse(data=data, format=RDFLIB_FORMAT[name])
        return {(s, p, o, "" if str(g) == "urn:x-rdflib:default" else str(g)) for s, p, o, g in ds.quads()}
    return {(s, p, o, "") for s, p, o in rdflib.Graph().parse(data=data, format=RDFLIB_FORMAT[name])}


@settings(max_examples=300, deadline=None)
@given(local=st.lists(st.sampled_from(_LOCAL_PIECES), max_size=6).map("".join))
def test_rdflib_reads_back_any_local_name(local: str) -> None:
    """rdflib's Turtle/TriG parser drops a final escaped dot (res:Washington_D.C\\.): every
    export, with the IRI as subject, object, datatype and graph name, reads back in rdflib."""
    try:
        node = NamedNode(terms.RESOURCE + local)
    except ValueError:  # not an IRI at all (a lone "%")
        assume(False)
        return
    graph = NamedNode(terms.DOCUMENT + local)
    quads = [Quad(node, terms.notes, Literal("as subject"), _PROBE_GRAPH),
             Quad(_PROBE_GRAPH, terms.place, node, _PROBE_GRAPH),
             Quad(_PROBE_GRAPH, terms.notes, Literal("1", datatype=node), _PROBE_GRAPH),
             Quad(_PROBE_GRAPH, terms.notes, Literal("in a graph named like it"), graph)]
    with open_store(in_memory=True) as s:
        s.add_quads(quads)
        convert = _RdflibConverter(rdflib)
        for name in FORMATS:
            buf = io.BytesIO()
            export(s, name, buf)
            keep_graph = format_for(name).dataset
            expected = {(convert(q.subject), convert(q.predicate), convert(q.object),
                         q.graph_name.value if keep_graph else "") for q in quads}
            assert _rdflib_quads(buf.getvalue(), name) == expected, (name, buf.getvalue().decode())


# --- the whole data/ folder, read back by rdflib, pyoxigraph and Jena riot ------------------------


@pytest.fixture(scope="module")
def data_exports(data_store: KGStore, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The whole store of data/ (conftest's ``data_store``; build log included) in every
    format, as `export()` writes it. The wikitext articles bring an IRI whose local name
    ends in a dot (res:Washington_D.C.)."""
    folder = tmp_path_factory.mktemp("exports")
    paths = {}
    for fmt in formats():
        paths[fmt.name] = folder / f"data{fmt.extension}"
        export(data_store, fmt, paths[fmt.name])
    return paths


def test_the_data_store_has_names_ending_in_a_dot(data_store: KGStore, data_exports: dict[str, Path]) -> None:
    """The case the rdflib tests below are about is really in the data (and has no blank
    nodes, so that isomorphism is set equality)."""
    iris = {t.value for q in data_store.quads() for t in (q.subject, q.object) if isinstance(t, NamedNode)}
    # ("Full list.." of the American Revolutionary War was one too, until placeholders were
    # no longer entities: issue 13)
    assert terms.RESOURCE + "Washington_D.C." in iris
    assert not any(isinstance(t, BlankNode) for q in data_store.quads() for t in (q.subject, q.object, q.graph_name))
    text = data_exports["ttl"].read_text(encoding="utf-8")
    assert f"<{terms.RESOURCE}Washington_D.C.>" in text and "res:Washington_D.C\\." not in text


@pytest.mark.parametrize("name", FORMATS)
def test_whole_data_export_reads_back_in_rdflib_and_pyoxigraph(
        data_store: KGStore, data_exports: dict[str, Path], name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fmt = format_for(name)
    path = data_exports[name]
    stored = set(data_store.quads())
    expected = stored if fmt.dataset else {Quad(q.subject, q.predicate, q.object) for q in stored}
    parsed = list(ox.parse(path=path, format=fmt.rdf_format))
    assert len(parsed) == len(expected) and set(parsed) == expected, f"{name}: pyoxigraph reads another graph"

    # rdflib's default literal normalisation rewrites some lexical forms ("…Z"^^xsd:dateTime
    # becomes "…+00:00"), which would hide a lexical difference: compare the exact forms
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)
    convert = _RdflibConverter(rdflib)
    want = {(convert(q.subject), convert(q.predicate), convert(q.object),
             "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value) for q in expected}
    got = _rdflib_quads(path.read_bytes(), name)
    assert got == want, f"{name}: rdflib reads {len(got - want)} quads not stored, misses {len(want - got)}"


def test_whole_data_export_passes_jena_riot(data_exports: dict[str, Path]) -> None:
    require_riot()
    # Debian's Jena cannot read JSON-LD (see .ci/riot.sh): the other four formats
    files = [str(data_exports[name]) for name in ("ttl", "nt", "nq", "trig")]
    proc = subprocess.run(["bash", str(RIOT), *files], capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr[-5000:]


# --- selection ----------------------------------------------------------------------------------


def test_export_one_graph_or_some_graphs(store: KGStore, tmp_path: Path) -> None:
    (doc_a, qa), (doc_b, qb), _ = DOCS
    out = tmp_path / "a.nq"
    assert export(store, "nq", out, graph=doc_a) == len(qa)
    assert set(ox.parse(path=out, format=ox.RdfFormat.N_QUADS)) == set(qa)
    assert export(store, "trig", tmp_path / "ab.trig", graphs=[doc_b, doc_a]) == len(qa) + len(qb)
    assert export(store, "ttl", tmp_path / "a.ttl", graph=doc_a) == len(qa)
    with pytest.raises(LookupError):
        export(store, "nq", tmp_path / "x.nq", graph=terms.DOCUMENT + "Nope")
    with pytest.raises(ValueError):
        export(store, "nq", tmp_path / "x.nq", graph=doc_a, graphs=[doc_b])


def test_default_graph_content_is_exported(tmp_path: Path) -> None:
    with open_store(in_memory=True) as s:
        fill(s)
        extra = Quad(NamedNode(terms.RESOURCE + "X"), terms.notes, Literal("in the default graph"))
        s.add_quads([extra])
        out = tmp_path / "all.nq"
        assert export(s, "nq", out) == s.count()
        lines = out.read_bytes().splitlines()
        assert lines[0].decode() == f"{extra.triple} ."  # default graph first


@pytest.mark.parametrize("name", FORMATS)
def test_empty_store_exports_an_empty_document(tmp_path: Path, name: str) -> None:
    with open_store(in_memory=True) as s:
        out = tmp_path / f"empty{format_for(name).extension}"
        assert export(s, name, out) == 0
        assert list(ox.parse(path=out, format=format_for(name).rdf_format)) == []


# --- registry ----------------------------------------------------------------------------------


def test_format_registry_lookups() -> None:
    assert [f.name for f in formats()] == FORMATS
    for f in formats():
        assert format_for(f.name) is f
        assert format_for(f.extension) is f
        assert format_for(f.extension.lstrip(".")) is f
        assert format_for(f.media_type) is f
        assert format_for(f.media_type.upper() + "; charset=utf-8") is f
        assert format_for(f"some/dir/file{f.extension}") is f
    assert format_for("turtle").media_type == "text/turtle"
    assert format_for("application/n-triples").extension == ".nt"
    with pytest.raises(ValueError, match="unknown export format"):
        format_for("xml")


def test_format_guessed_from_file_name(store: KGStore, tmp_path: Path) -> None:
    out = tmp_path / "kg.trig"
    assert export(store, None, out) == store.count()
    assert out.read_bytes().startswith(b"@prefix ckg:")


# --- streams --------------------------------------------------------------------------------------


def test_export_to_a_binary_stream_and_to_stdout(store: KGStore, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    buf = io.BytesIO()
    export(store, "nt", buf)
    export(store, "nt", tmp_path / "kg.nt")
    assert buf.getvalue() == (tmp_path / "kg.nt").read_bytes()
    export(store, "nt", "-")
    assert capsysbinary.readouterr().out == buf.getvalue()


# --- atomicity ---------------------------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_failed_serialisation_keeps_the_previous_file(store: KGStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out_dir = tmp_path / "out"
    out = out_dir / "kg.ttl"
    export(store, "ttl", out)
    before = out.read_bytes()

    def broken_serialize(items, output, *args, prefixes=None, **kwargs):
        # like the real one: the prefix lines, then part of the triples, then a failure
        output.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in (prefixes or {}).items()).encode())
        for i, _ in enumerate(items):
            output.write(b"res:A ckg:p ")
            if i == 5:
                raise OSError("disk on fire")

    monkeypatch.setattr(ox, "serialize", broken_serialize)
    doc, quads = doc_quads("Battle_of_Z")
    store.replace_graph(doc, quads)  # different content, to make a stale write detectable
    with pytest.raises(OSError, match="disk on fire"):
        export(store, "ttl", out)
    assert out.read_bytes() == before
    assert leftovers(out_dir) == []


def test_a_file_that_does_not_parse_back_to_the_same_count_is_not_published(
    store: KGStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "kg.nt"
    export(store, "nt", out)
    before = out.read_bytes()
    original = NTriplesFormat.write

    def lossy(self, content, stream):
        buf = io.BytesIO()
        original(self, content, buf)
        stream.write(b"".join(buf.getvalue().splitlines(keepends=True)[1:]))  # drop a line

    monkeypatch.setattr(NTriplesFormat, "write", lossy)
    with pytest.raises(ExportError, match="parses back to"):
        export(store, "nt", out)
    assert out.read_bytes() == before
    assert leftovers(tmp_path) == []

    def garbage(self, content, stream):
        stream.write(b"<not an iri> <p> .\n")

    monkeypatch.setattr(JsonLdFormat, "write", garbage)
    with pytest.raises(ExportError, match="does not parse"):
        export(store, "jsonld", tmp_path / "kg.jsonld")
    assert not (tmp_path / "kg.jsonld").exists()
    assert leftovers(tmp_path) == []


def test_export_keeps_the_target_file_mode(store: KGStore, tmp_path: Path) -> None:
    out = tmp_path / "kg.nq"
    out.write_bytes(b"")
    out.chmod(0o640)
    export(store, "nq", out)
    assert out.stat().st_mode & 0o777 == 0o640


def test_docstring_examples() -> None:
    result = doctest.testmod(kg.exporter, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5 and result.failed == 0
