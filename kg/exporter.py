"""Deterministic, atomic exports of the store in the usual RDF formats.

A registry maps names, extensions and media types to :class:`ExportFormat` classes, like
rdflib's plugin registry; :func:`register_format` adds one. Built in:

======== ========= ===================== ========================================
name     extension media type            content
======== ========= ===================== ========================================
ttl      .ttl      text/turtle           union of the graphs, deduplicated
nt       .nt       application/n-triples union of the graphs, deduplicated
nq       .nq       application/n-quads   every graph kept
trig     .trig     application/trig      every graph kept
jsonld   .jsonld   application/ld+json   every graph kept, with a ``@context``
======== ========= ===================== ========================================

Determinism: the same store content gives byte-identical files on every run and machine.
The engine dumps each graph as canonical N-Triples, the lines are sorted as bytes (UTF-8
byte order == code point order, independent of locale), and the serialisers are fed that
order; prefixes come from ``terms.PREFIXES`` in their fixed order, so there is never an
``ns1:``. Quad formats are grouped by graph (default graph first, then graph IRIs sorted),
each graph's lines sorted. Blank nodes, whose labels are random per build, are relabelled
with RDFC-1.0 canonicalisation first (only when there are any: our IRIs are flat and the
mapper mints none, and RDFC-1.0 is exponential in the worst case).

Readable by rdflib: Turtle and TriG use prefixed names wherever pyoxigraph's writer can, except
for local names that end in a dot. Turtle writes those with an escaped dot
(``res:Washington_D.C\\.``), and rdflib's parser (notation3.py, 7.6 and before) drops a final
``.`` of a local name without looking at the backslash before it, then fails with
``BadSyntax``; such IRIs are written in full (``<…/Washington_D.C.>``). That is the only
local-name shape rdflib misreads: a property-based test (tests/test_export.py) writes local
names drawn from every character class Turtle escapes or allows and reads them back.

Atomicity: a file is written to a temporary file beside the target, flushed and fsynced,
re-parsed with pyoxigraph's strict parser, its triple/quad count checked against what was
written, and only then renamed over the target; on any failure the previous file is left
untouched and the temporary file removed. ``out='-'`` or a binary stream is written to
directly (no check possible).

>>> from pyoxigraph import Literal, NamedNode, Quad
>>> from kg.store import open_store
>>> from kg.rdf import terms
>>> store = open_store(in_memory=True)
>>> store.add_quads([Quad(NamedNode(terms.RESOURCE + "X"), terms.startDate, Literal("1914"),
...                       NamedNode(terms.DOCUMENT + "X"))])
>>> import io; buf = io.BytesIO()
>>> export(store, "ttl", buf)
1
>>> buf.getvalue().decode().splitlines()[-1]
'res:X ckg:startDate "1914" .'
"""

from __future__ import annotations

import abc

import io
import itertools
import json
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, ClassVar, TypeVar, cast

import pyoxigraph as ox

from kg.errors import KGError
from kg.rdf import terms
from kg.store import KGStore

__all__ = [
    "ExportError",
    "ExportFormat",
    "JsonLdFormat",
    "NQuadsFormat",
    "NTriplesFormat",
    "SortedContent",
    "TriGFormat",
    "TurtleFormat",
    "export",
    "format_for",
    "formats",
    "full_iris_for_rdflib",
    "register_format",
    "sorted_content",
]


class ExportError(KGError):
    """An export failed its check (the previous file, if any, is intact)."""


# --- sorted content ------------------------------------------------------------------------


@dataclass
class SortedContent:
    """The quads to export, in canonical order, as sorted N-Triples lines per graph.

    ``blocks`` holds ``(graph, lines)``: graph is None for the default graph (or for the
    merged union of a triple format), else the graph term's N-Triples form (``b"<iri>"``);
    lines are ``b"<s> <p> <o> .\\n"``, sorted, unique.
    """

    blocks: list[tuple[bytes | None, list[bytes]]]
    dataset: bool
    prefixes: dict[str, str]

    @property
    def count(self) -> int:
        """Number of triples (triple formats) or quads (quad formats)."""
        return sum(len(lines) for _, lines in self.blocks)

    def lines(self) -> Iterator[bytes]:
        """N-Triples lines (triple formats) or N-Quads lines (quad formats), in order."""
        for graph, lines in self.blocks:
            if graph is None:
                yield from lines
            else:
                suffix = b" " + graph + b" .\n"
                for line in lines:
                    yield line[:-3] + suffix  # drop b" .\n"

    def quads(self, batch: int = 20_000) -> Iterator[ox.Quad]:
        """The same order as pyoxigraph Quads (default-graph quads for triple formats).

        Parsed back in batches so that no second copy of the whole export is built; blank
        node labels are kept (``rename_blank_nodes`` is off by default).
        """
        for graph, lines in self.blocks:
            rdf_format = ox.RdfFormat.N_TRIPLES
            it = iter(lines)
            while chunk := list(itertools.islice(it, batch)):
                data = b"".join(chunk)
                if graph is None:
                    yield from ox.parse(data, format=rdf_format)
                else:
                    term = _parse_graph_term(graph)
                    for q in ox.parse(data, format=rdf_format):
                        yield ox.Quad(q.subject, q.predicate, q.object, term)

    def triples(self) -> Iterator[ox.Triple]:
        for q in self.quads():
            yield q.triple


def _parse_graph_term(graph: bytes) -> ox.NamedNode | ox.BlankNode:
    if graph.startswith(b"_:"):
        return ox.BlankNode(graph[2:].decode())
    return ox.NamedNode(graph[1:-1].decode())


def _graph_bytes(term: ox.NamedNode | ox.BlankNode) -> bytes:
    return str(term).encode()


def _graph_sort_key(term: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> tuple[int, bytes]:
    return (0, b"") if isinstance(term, ox.DefaultGraph) else (1, _graph_bytes(term))


def _split(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _may_have_bnode(lines: Iterable[bytes]) -> bool:
    # A blank node is a subject (line starts with "_:") or an object (" _:" before it). The
    # test can fire on a literal containing " _:" too: that only costs a canonicalisation.
    return any(line.startswith(b"_:") or b" _:" in line for line in lines)


def sorted_content(
    store: KGStore | ox.Store,
    *,
    dataset: bool,
    graphs: list[str] | None = None,
    prefixes: dict[str, str] | None = None,
) -> SortedContent:
    """Collect the store's content (or some named graphs) in canonical order.

    ``dataset=False`` merges the graphs into one deduplicated set of triples. Each graph is
    read in one snapshot; a writer running meanwhile may land between two graphs' reads.

    >>> from kg.store import open_store
    >>> store = open_store(in_memory=True)
    >>> store.update('INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/b> <https://e.org/p> 1 . '
    ...              '<https://e.org/a> <https://e.org/p> 2 } }')
    >>> [line.decode()[:16] for line in sorted_content(store, dataset=True).lines()]
    ['<https://e.org/a', '<https://e.org/b']
    """
    raw = store.raw if isinstance(store, KGStore) else store
    if graphs is None:
        selected: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = list(raw.named_graphs())
        if next(iter(raw.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
            selected.append(ox.DefaultGraph())
    else:
        selected = []
        for iri in graphs:
            node = ox.NamedNode(iri)
            if not raw.contains_named_graph(node):
                raise LookupError(f"export: no graph {iri!r} in the store")
            selected.append(node)
    selected = sorted(set(selected), key=_graph_sort_key)

    blocks: list[tuple[bytes | None, list[bytes]]] = []
    if dataset:
        for g in selected:
            lines = sorted(set(_split(raw.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b"")))
            blocks.append((None if isinstance(g, ox.DefaultGraph) else _graph_bytes(g), lines))
    else:
        merged: set[bytes] = set()
        for g in selected:
            merged.update(_split(raw.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b""))
        blocks.append((None, sorted(merged)))

    has_bnode_graph = any(isinstance(g, ox.BlankNode) for g in selected)
    if has_bnode_graph or any(_may_have_bnode(lines) for _, lines in blocks):
        blocks = _canonical_blocks(blocks, dataset)
    return SortedContent(blocks=blocks, dataset=dataset, prefixes=dict(prefixes or terms.PREFIXES))


def _canonical_blocks(blocks: list[tuple[bytes | None, list[bytes]]], dataset: bool) -> list[tuple[bytes | None, list[bytes]]]:
    """Relabel blank nodes with RDFC-1.0 so that their labels depend only on the content."""
    content = SortedContent(blocks=blocks, dataset=dataset, prefixes={})
    ds = ox.Dataset(content.quads())
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    names = sorted({q.graph_name for q in ds}, key=_graph_sort_key)
    out: list[tuple[bytes | None, list[bytes]]] = []
    for g in names:
        data = ox.serialize((q.triple for q in ds.quads_for_graph_name(g)), format=ox.RdfFormat.N_TRIPLES)
        assert data is not None
        out.append((None if isinstance(g, ox.DefaultGraph) else _graph_bytes(g), sorted(_split(data))))
    return out


# --- formats and registry ------------------------------------------------------------------


class ExportFormat(abc.ABC):
    """One export format: names, extension, media type and a ``write`` method.

    ``dataset`` says whether named graphs are kept (quad formats) or merged (triple
    formats); ``rdf_format`` is what the written file is re-parsed with to check it.
    Subclass and decorate with :func:`register_format` to add a format.
    """

    name: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    extension: ClassVar[str]
    media_type: ClassVar[str]
    dataset: ClassVar[bool]
    rdf_format: ClassVar[ox.RdfFormat]

    @abc.abstractmethod
    def write(self, content: SortedContent, out: BinaryIO) -> None:
        """Write the sorted content in this format to a binary stream."""

    def __repr__(self) -> str:
        return f"<ExportFormat {self.name} {self.extension} {self.media_type}>"


_REGISTRY: dict[str, ExportFormat] = {}
_ORDER: list[ExportFormat] = []
F = TypeVar("F", bound=type[ExportFormat])


def register_format(cls: F) -> F:
    """Class decorator: register a format under its name, aliases, extension, media type.

    >>> @register_format
    ... class Rdfxml(ExportFormat):
    ...     name, extension, media_type, dataset = "rdfxml", ".rdf", "application/rdf+xml", False
    ...     rdf_format = ox.RdfFormat.RDF_XML
    ...     def write(self, content, out):
    ...         ox.serialize(content.triples(), out, format=ox.RdfFormat.RDF_XML, prefixes=content.prefixes)
    >>> format_for("application/rdf+xml").name
    'rdfxml'
    >>> _unregister("rdfxml")
    """
    fmt = cls()
    keys = {fmt.name, *fmt.aliases, fmt.extension.lstrip("."), fmt.media_type}
    for key in keys:
        _REGISTRY[key.lower()] = fmt
    _ORDER.append(fmt)
    return cls


def _unregister(name: str) -> None:
    fmt = _REGISTRY.get(name)
    if fmt is None:
        return
    for key in [k for k, v in _REGISTRY.items() if v is fmt]:
        del _REGISTRY[key]
    _ORDER.remove(fmt)


def formats() -> list[ExportFormat]:
    """The registered formats, in registration order.

    >>> [f.name for f in formats()]
    ['ttl', 'nt', 'nq', 'trig', 'jsonld']
    """
    return list(_ORDER)


def format_for(key: str | os.PathLike[str]) -> ExportFormat:
    """Find a format by name (``ttl``, ``turtle``), extension (``.nq``, ``nq``), media type
    (``application/ld+json; charset=utf-8``) or file name (``out/kg.trig``).

    >>> format_for("turtle").name, format_for(".nt").name, format_for("text/turtle").name
    ('ttl', 'nt', 'ttl')
    >>> format_for("dump/kg.jsonld").media_type
    'application/ld+json'
    """
    text = os.fspath(key).strip().lower()
    candidates = [text, text.split(";", 1)[0].strip(), text.lstrip(".")]
    suffix = Path(text).suffix
    if suffix:
        candidates.append(suffix.lstrip("."))
    for candidate in candidates:
        if candidate in _REGISTRY:
            return _REGISTRY[candidate]
    known = ", ".join(f"{f.name} ({f.extension}, {f.media_type})" for f in _ORDER)
    raise ValueError(f"unknown export format {os.fspath(key)!r}; known: {known}")


@register_format
class TurtleFormat(ExportFormat):
    """Turtle via pyoxigraph's writer (rdflib's is quadratic on our IRIs, see engine notes)."""

    name, aliases, extension, media_type = "ttl", ("turtle",), ".ttl", "text/turtle"
    dataset = False
    rdf_format = ox.RdfFormat.TURTLE

    def write(self, content: SortedContent, out: BinaryIO) -> None:
        # Sorted input matters: the writer only groups *consecutive* triples of a subject.
        with _PrefixHeader(out, content.prefixes) as sink:
            ox.serialize(content.triples(), cast(IO[bytes], sink), format=ox.RdfFormat.TURTLE, prefixes=content.prefixes)


@register_format
class NTriplesFormat(ExportFormat):
    """Canonical N-Triples: the engine's own lines, sorted; no re-serialisation needed."""

    name, aliases, extension, media_type = "nt", ("ntriples", "n-triples"), ".nt", "application/n-triples"
    dataset = False
    rdf_format = ox.RdfFormat.N_TRIPLES

    def write(self, content: SortedContent, out: BinaryIO) -> None:
        _write_lines(content.lines(), out)


@register_format
class NQuadsFormat(ExportFormat):
    """N-Quads, grouped by graph (default graph first), each graph's lines sorted."""

    name, aliases, extension, media_type = "nq", ("nquads", "n-quads"), ".nq", "application/n-quads"
    dataset = True
    rdf_format = ox.RdfFormat.N_QUADS

    def write(self, content: SortedContent, out: BinaryIO) -> None:
        _write_lines(content.lines(), out)


@register_format
class TriGFormat(ExportFormat):
    """TriG via pyoxigraph's writer; one ``<graph> { … }`` block per graph."""

    name, aliases, extension, media_type = "trig", (), ".trig", "application/trig"
    dataset = True
    rdf_format = ox.RdfFormat.TRIG

    def write(self, content: SortedContent, out: BinaryIO) -> None:
        with _PrefixHeader(out, content.prefixes) as sink:
            ox.serialize(content.quads(), cast(IO[bytes], sink), format=ox.RdfFormat.TRIG, prefixes=content.prefixes)


class _PrefixHeader:
    """A write-through stream that swaps the serializer's ``@prefix`` lines for ours and
    writes in full the prefixed names rdflib cannot read (see :func:`full_iris_for_rdflib`).

    pyoxigraph 0.5.13's Turtle/TriG writers do not keep the order of the ``prefixes`` dict:
    they print them in an internal hash order (stable between runs here, but nothing
    promises it across versions or platforms). The header is part of the bytes we promise
    to keep identical, so the writer's first ``len(prefixes)`` lines are checked to be
    ``@prefix`` lines and replaced by the same declarations in ``terms.PREFIXES`` order.
    The body is passed on in whole lines (the writer escapes newlines in literals, so a line
    never ends inside a term). The serializer writes in 8 KiB chunks, so this costs nothing
    measurable.
    """

    def __init__(self, out: BinaryIO, prefixes: dict[str, str]) -> None:
        self._out = out
        self._prefixes = prefixes
        self._header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items()).encode()
        self._skip = len(prefixes)
        self._pending = b""
        self._started = False  # anything written yet (an empty graph writes nothing at all)

    def __enter__(self) -> _PrefixHeader:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            return
        if self._skip and self._pending:
            raise ExportError(f"serializer header ended early: {self._pending[:200]!r}")
        if self._pending:
            self._out.write(full_iris_for_rdflib(self._pending, self._prefixes))
            self._pending = b""

    def write(self, data: bytes) -> int:
        size = len(data)  # report it all written: a short count makes the caller write again
        self._pending += bytes(data)
        if self._skip:
            while self._skip and b"\n" in self._pending:
                line, self._pending = self._pending.split(b"\n", 1)
                if not line.startswith(b"@prefix "):
                    raise ExportError(f"unexpected serializer header line {line[:200]!r}")
                self._skip -= 1
            if self._skip:
                return size
            self._out.write(self._header)
        end = self._pending.rfind(b"\n") + 1
        if end:
            body, self._pending = self._pending[:end], self._pending[end:]
            self._out.write(full_iris_for_rdflib(body, self._prefixes))
        return size

    def flush(self) -> None:
        self._out.flush()


# A term of pyoxigraph's Turtle/TriG output: a string literal (never multi-line there), an
# IRI, or a run of other non-space characters (prefixed name, keyword, punctuation).
_TURTLE_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|<[^>]*>|[^\s"<]+')
# A prefixed name (after an optional ``^^`` of a datatype) whose local part ends in an
# escaped dot: an odd run of backslashes before the final "." (``\\`` is not a local-name
# escape, so the run is always 1 in practice).
_DOT_ENDED_NAME = re.compile(rb"(\^\^)?([A-Za-z][A-Za-z0-9_.-]*)?:((?:[^\\]|\\.)*\\\.)")
_LOCAL_ESCAPE = re.compile(rb"\\(.)")


def full_iris_for_rdflib(text: bytes, prefixes: dict[str, str]) -> bytes:
    r"""Turtle/TriG ``text`` (whole lines) with every prefixed name whose local part ends in
    an escaped dot written as a full IRI, which rdflib's parser misreads (module docstring).

    >>> full_iris_for_rdflib(b'res:Washington_D.C\\. rdfs:label "res:x\\\\." .\n', terms.PREFIXES)
    b'<https://w3id.org/conflict-kg/resource/Washington_D.C.> rdfs:label "res:x\\\\." .\n'
    """
    if b"\\." not in text:  # the common case: nothing to do
        return text

    def replace(token: re.Match[bytes]) -> bytes:
        found = _DOT_ENDED_NAME.fullmatch(token.group())
        if found is None:
            return token.group()
        namespace = prefixes.get((found.group(2) or b"").decode())
        if namespace is None:  # pragma: no cover - the writer only uses declared prefixes
            return token.group()
        local = _LOCAL_ESCAPE.sub(rb"\1", found.group(3))
        return (found.group(1) or b"") + b"<" + namespace.encode() + local + b">"

    return _TURTLE_TOKEN.sub(replace, text)


@register_format
class JsonLdFormat(ExportFormat):
    """JSON-LD 1.1 with a ``@context`` of the project prefixes, one node object per line.

    pyoxigraph 0.5.13 does write JSON-LD, but ignores ``prefixes`` (no ``@context``, full
    IRIs everywhere) and puts the whole file on one line, which makes published dumps
    unreadable and undiffable; this writer streams the same sorted quads instead:
    ``{"@context": {…}, "@graph": [node, …, {"@id": graph, "@graph": [node, …]}]}``.
    Literal values keep their exact lexical form (``{"@value": "5", "@type": "xsd:integer"}``,
    never JSON numbers), ``rdf:type`` IRIs go to ``@type``.
    """

    name, aliases, extension, media_type = "jsonld", ("json-ld",), ".jsonld", "application/ld+json"
    dataset = True
    rdf_format = ox.RdfFormat.JSON_LD

    def write(self, content: SortedContent, out: BinaryIO) -> None:
        context = _jsonld_context(content)
        compact = _Compactor(context)
        dumps = _json_dumps
        out.write(b'{\n"@context": {\n')
        out.write(",\n".join(f"  {dumps(p)}: {dumps(ns)}" for p, ns in context.items()).encode())
        out.write(b'\n},\n"@graph": [')
        first_top = True
        for graph, lines in content.blocks:
            nodes = _jsonld_nodes(SortedContent([(graph, lines)], True, {}).quads(), compact)
            if graph is None:
                for node in nodes:
                    out.write(b"\n" if first_top else b",\n")
                    out.write(dumps(node).encode())
                    first_top = False
            else:
                out.write(b"\n" if first_top else b",\n")
                first_top = False
                gid = graph.decode() if graph.startswith(b"_:") else compact(graph[1:-1].decode())
                out.write(b'{"@id": ' + dumps(gid).encode() + b', "@graph": [')
                for i, node in enumerate(nodes):
                    out.write(b"\n  " if i == 0 else b",\n  ")
                    out.write(dumps(node).encode())
                out.write(b"\n]}")
        out.write(b"\n]\n}\n")


def _json_dumps(value: Any) -> str:
    # ensure_ascii=False: readable UTF-8; control characters are still escaped.
    return json.dumps(value, ensure_ascii=False)


def _jsonld_context(content: SortedContent) -> dict[str, str]:
    """The prefixes usable as a JSON-LD context.

    JSON-LD reads any ``p:rest`` (rest not starting with ``//``) as a compact IRI when ``p``
    is in the context, so a full IRI whose scheme is a prefix name (``geo:52.5,13.4`` is a
    real URI scheme) would be silently rewritten on reading. Such prefixes are left out.
    """
    names = [p for p in content.prefixes if p and p != "_"]
    if not names:
        return {}
    risky = re.compile(rb"<(" + b"|".join(re.escape(p.encode()) for p in names) + rb"):(?!//)")
    clash: set[str] = set()
    for graph, lines in content.blocks:
        for text in ([graph] if graph else []) + lines:
            for m in risky.finditer(text):
                clash.add(m.group(1).decode())
    return {p: ns for p, ns in content.prefixes.items() if p in names and p not in clash}


class _Compactor:
    """IRI -> ``prefix:local`` with the longest matching namespace (cached)."""

    def __init__(self, context: dict[str, str]) -> None:
        self._by_length = sorted(((ns, p) for p, ns in context.items()), key=lambda x: -len(x[0]))
        self._cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        cached = self._cache.get(iri)
        if cached is not None:
            return cached
        result = iri
        for ns, prefix in self._by_length:
            if iri.startswith(ns):
                local = iri[len(ns) :]
                if not local.startswith("//"):  # "p://x" would be read as an absolute IRI
                    result = f"{prefix}:{local}"
                    break
        if len(self._cache) < 200_000:  # predicates and classes repeat; entity IRIs less so
            self._cache[iri] = result
        return result


_RDF_TYPE = terms.RDF + "type"
_XSD_STRING = terms.XSD + "string"
_RDF_LANGSTRING = terms.RDF + "langString"
_RDF_DIRLANGSTRING = terms.RDF + "dirLangString"


def _jsonld_term(term: Any, compact: Callable[[str], str]) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"@id": compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"@id": str(term)}
    if isinstance(term, ox.Literal):
        value: dict[str, str] = {"@value": term.value}
        dt = term.datatype.value
        if term.language is not None:
            value["@language"] = term.language
            if term.direction is not None:
                value["@direction"] = str(term.direction)
        elif dt not in (_XSD_STRING, _RDF_LANGSTRING, _RDF_DIRLANGSTRING):
            value["@type"] = compact(dt)
        return value
    raise ValueError(f"JSON-LD export: unsupported term {term!r} (RDF 1.2 triple terms)")


def _jsonld_nodes(quads: Iterator[ox.Quad], compact: Callable[[str], str]) -> Iterator[dict[str, Any]]:
    """Group consecutive quads by subject into node objects (input sorted by subject)."""
    for subject, group in itertools.groupby(quads, key=lambda q: q.subject):
        sid = compact(subject.value) if isinstance(subject, ox.NamedNode) else str(subject)
        node: dict[str, Any] = {"@id": sid}
        props: dict[str, list[dict[str, str]]] = {}
        types: list[str] = []
        for q in group:
            pred = q.predicate.value
            if pred == _RDF_TYPE and isinstance(q.object, (ox.NamedNode, ox.BlankNode)):
                types.append(_jsonld_term(q.object, compact)["@id"])
                continue
            props.setdefault(compact(pred), []).append(_jsonld_term(q.object, compact))
        if types:
            node["@type"] = types
        node.update(props)
        yield node


def _write_lines(lines: Iterable[bytes], out: BinaryIO) -> None:
    for chunk in _batched(lines, 10_000):
        out.write(b"".join(chunk))


def _batched(items: Iterable[bytes], n: int) -> Iterator[list[bytes]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, n)):
        yield chunk


# --- export ----------------------------------------------------------------------------------


def export(
    store: KGStore | ox.Store,
    fmt: str | ExportFormat | None,
    out: str | os.PathLike[str] | BinaryIO,
    graph: str | None = None,
    graphs: list[str] | None = None,
    *,
    prefixes: dict[str, str] | None = None,
) -> int:
    """Write the store (or one graph, or some graphs) to ``out``; return the number of
    triples (triple formats) or quads (quad formats) written.

    ``fmt``: a name, extension or media type (see :func:`format_for`), or None to take it
    from ``out``'s file name. ``out``: a path (written atomically and verified), ``'-'`` for
    standard output, or a binary stream.

    >>> from kg.store import open_store
    >>> store = open_store(in_memory=True)
    >>> store.update('INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/s> ckg:p "x" } }')
    >>> import io; buf = io.BytesIO()
    >>> export(store, "nq", buf)
    1
    >>> buf.getvalue()
    b'<https://e.org/s> <https://w3id.org/conflict-kg/ontology#p> "x" <https://e.org/g> .\\n'
    """
    if graph is not None and graphs is not None:
        raise ValueError("export: give graph= or graphs=, not both")
    if fmt is None:
        if isinstance(out, (str, os.PathLike)) and os.fspath(out) != "-":
            fmt = format_for(Path(os.fspath(out)).suffix or os.fspath(out))
        else:
            raise ValueError("export: no format given and none can be guessed from a stream")
    export_format = fmt if isinstance(fmt, ExportFormat) else format_for(fmt)
    selection = [graph] if graph is not None else graphs
    content = sorted_content(store, dataset=export_format.dataset, graphs=selection, prefixes=prefixes)

    if isinstance(out, (str, os.PathLike)):
        if os.fspath(out) == "-":
            stream = sys.stdout.buffer
            export_format.write(content, stream)
            stream.flush()
        else:
            _atomic_write(Path(os.fspath(out)), export_format, content)
    else:
        stream = out
        if isinstance(out, io.TextIOBase):
            buffer = getattr(out, "buffer", None)
            if buffer is None:
                raise TypeError("export: out must be a binary stream (text streams have no .buffer)")
            out.flush()
            stream = buffer
        export_format.write(content, stream)
        stream.flush()
    return content.count


def _atomic_write(target: Path, export_format: ExportFormat, content: SortedContent) -> None:
    """Write beside the target, fsync, verify by strict re-parse, then rename over it."""
    parent = target.parent if str(target.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    # A dot-name in the same folder: os.replace is atomic only within one file system. The
    # name carries the writer's pid, so that a later export can tell a file left by a killed
    # writer (kill -9, OOM killer: no Python cleanup runs) from one being written now.
    _remove_stale_temp_files(parent, target.name)
    while True:
        tmp = parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            # O_EXCL: never reuse someone else's file; mode 0o666 lets the umask decide,
            # like a normal open() (mkstemp would force 0600).
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as f:
            export_format.write(content, f)
            f.flush()
            os.fsync(f.fileno())
        expected = content.count
        try:
            found = sum(1 for _ in ox.parse(path=tmp, format=export_format.rdf_format))
        except (SyntaxError, ValueError) as exc:
            raise ExportError(f"export to {target}: the written {export_format.name} does not parse: {exc}") from exc
        if found != expected:
            raise ExportError(
                f"export to {target}: wrote {expected} {'quads' if export_format.dataset else 'triples'} "
                f"but the file parses back to {found}"
            )
        try:
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))  # keep the old file's mode
        except FileNotFoundError:
            pass
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(parent)


_LEGACY_TMP_AGE = 24 * 3600  # seconds; for ".name.<hex>.tmp" files of older versions (no pid)


def _remove_stale_temp_files(folder: Path, name: str) -> list[str]:
    """Remove ``.<name>.<pid>.<hex>.tmp`` files whose writer process is gone; returns their
    names. Files of a live process (this one included: another thread may be exporting)
    are kept; so is anything not named like ours. POSIX only (no safe liveness probe on
    Windows, where ``os.kill`` terminates)."""
    if os.name != "posix":
        return []
    prefix = f".{name}."
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
            continue
        middle = entry.name[len(prefix):-len(".tmp")].split(".")
        if len(middle) == 2 and middle[0].isdigit() and re.fullmatch(r"[0-9a-f]{8}", middle[1]):
            if _pid_alive(int(middle[0])):
                continue
        elif len(middle) == 1 and re.fullmatch(r"[0-9a-f]{8}", middle[0]):
            try:
                if time.time() - entry.stat(follow_symlinks=False).st_mtime < _LEGACY_TMP_AGE:
                    continue
            except OSError:
                continue
        else:
            continue
        try:
            os.unlink(entry.path)
            removed.append(entry.name)
        except FileNotFoundError:
            pass
    return removed


def _pid_alive(pid: int) -> bool:
    if pid <= 0 or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); not possible or needed on Windows."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
