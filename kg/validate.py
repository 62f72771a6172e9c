"""Validate a graph against ``ontology/shapes.ttl`` with pyshacl and report readably.

Validation runs over ONE graph: the union of all document graphs. Datasets and stores are
flattened to a plain rdflib Graph first, so that what is validated does not depend on how a
pyshacl version treats named graphs, and so that the derived graph
(:data:`kg.rdf.terms.DERIVED_GRAPH`), which is not source data, is left out.

The ontology is passed to pyshacl as ``ont_graph`` with ``inference="none"``: pyshacl mixes
it into (a copy of) the data graph, so ``sh:class ckg:Entity`` accepts a ``ckg:Country``
through ``rdfs:subClassOf`` without running RDFS inference over the data. pyshacl runs in
advanced mode (SHACL-AF) for the shapes' SPARQL targets.

Example:
    >>> import rdflib
    >>> validate(rdflib.Graph()).conforms
    True
"""

from __future__ import annotations

import logging

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph
import pyshacl
import rdflib
from rdflib.namespace import RDF, SH
from rdflib.term import BNode, Literal, Node, URIRef

from kg.rdf import ontology, terms

if TYPE_CHECKING:
    from kg.store import KGStore

DataInput = rdflib.Graph | pyoxigraph.Store | pyoxigraph.Dataset | str | bytes | Path

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result. Nodes are written compactly (``ckg:party``, ``<iri>``,
    ``"2012"^^xsd:string``); ``path``/``value`` are ``None`` when the result has none."""

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    source_shape: str | None = None


@dataclass
class ValidationReport:
    """Whether the graph conforms, and every result pyshacl reported."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)

    def messages(self) -> set[str]:
        """The distinct messages of the results."""
        return {r.message for r in self.results}

    def __str__(self) -> str:
        return format_report(self)


def _namespaces() -> rdflib.namespace.NamespaceManager:
    nm = rdflib.namespace.NamespaceManager(rdflib.Graph(), bind_namespaces="none")
    for prefix, namespace in terms.PREFIXES.items():
        nm.bind(prefix, namespace, override=True)
    nm.bind("sh", terms.SH, override=True)
    return nm


_NM = _namespaces()


def _show(node: Node | None, graph: rdflib.Graph | None = None) -> str | None:
    """A compact, readable form of a node (prefixed name, <IRI>, literal, SHACL path)."""
    if node is None:
        return None
    if isinstance(node, BNode):
        inverse = graph.value(node, SH.inversePath) if graph is not None else None
        if inverse is not None:
            return "^" + (_show(inverse, graph) or "?")
        return "_:" + str(node)
    if isinstance(node, URIRef):
        try:
            prefix, _, local = _NM.compute_qname(str(node), generate=False)
            if local:
                return f"{prefix}:{local}"
        except (KeyError, ValueError):
            pass
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3(_NM)
    return str(node)


#: Graphs that are not source data: the derived graph and the query view (kg.view).
_NOT_SOURCE = (terms.DERIVED_GRAPH, terms.VIEW_GRAPH)


def _oxigraph_to_graph(items: Iterable[pyoxigraph.Quad | pyoxigraph.Triple]) -> rdflib.Graph:
    """Triples/quads from pyoxigraph as one rdflib Graph, the derived graph and the query
    view (restatements, not source data) left out."""
    triples = [
        pyoxigraph.Triple(q.subject, q.predicate, q.object)
        for q in items
        if not (isinstance(q, pyoxigraph.Quad) and q.graph_name in _NOT_SOURCE)
    ]
    graph = rdflib.Graph()
    if triples:
        text = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
        graph.parse(data=text.decode("utf-8"), format="nt")
    return graph


def _to_graph(data: DataInput) -> rdflib.Graph:
    """Flatten the input to one rdflib Graph: the union of its graphs minus the derived one."""
    if isinstance(data, pyoxigraph.Store):
        return _oxigraph_to_graph(data.quads_for_pattern(None, None, None, None))
    if isinstance(data, pyoxigraph.Dataset):
        return _oxigraph_to_graph(iter(data))
    if isinstance(data, Path):
        return _oxigraph_to_graph(pyoxigraph.parse(path=str(data)))
    if isinstance(data, (str, bytes)):
        return _oxigraph_to_graph(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_QUADS))
    if isinstance(data, rdflib.ConjunctiveGraph):  # rdflib.Dataset is a subclass
        left_out = {URIRef(g.value) for g in _NOT_SOURCE}
        graph = rdflib.Graph()
        for s, p, o, g in data.quads((None, None, None, None)):
            graph_id = g.identifier if isinstance(g, rdflib.Graph) else g
            if graph_id not in left_out:
                graph.add((s, p, o))
        return graph
    if isinstance(data, rdflib.Graph):
        return data
    raise TypeError(f"cannot validate {type(data).__name__}: give an rdflib Graph/Dataset, "
                    "a pyoxigraph Store/Dataset, N-Quads text or a file path")


def _results(results_graph: rdflib.Graph) -> list[ValidationResult]:
    """The results of a pyshacl report graph, sorted; results that would print identically
    (two constraints of one shape failing on the same node) are kept once."""
    out: set[ValidationResult] = set()
    for result in results_graph.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in results_graph.objects(result, SH.resultMessage))
        severity = results_graph.value(result, SH.resultSeverity)
        out.add(
            ValidationResult(
                focus=_show(results_graph.value(result, SH.focusNode)) or "?",
                path=_show(results_graph.value(result, SH.resultPath), results_graph),
                value=_show(results_graph.value(result, SH.value)),
                message=" / ".join(messages) if messages else "(no message)",
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                source_shape=_show(results_graph.value(result, SH.sourceShape), results_graph),
            )
        )
    return sorted(out, key=lambda r: (_SEVERITY_ORDER.get(r.severity, 9), r.message, r.focus,
                                      r.path or "", r.value or ""))


def validate(
    data: DataInput,
    *,
    shapes: rdflib.Graph | None = None,
    ont_graph: rdflib.Graph | None = None,
) -> ValidationReport:
    """Validate ``data`` (see :data:`DataInput`) against the project's SHACL shapes.

    Args:
        data: an rdflib Graph (used as is), an rdflib Dataset, a pyoxigraph Store or Dataset
            (flattened to the union of their graphs, the derived graph left out), N-Quads
            text, or the path of an RDF file.
        shapes: shapes graph; default :func:`kg.rdf.ontology.load_shapes_rdflib`.
        ont_graph: ontology mixed into the data for ``rdfs:subClassOf``; default
            :func:`kg.rdf.ontology.load_ontology_rdflib`.

    The data graph is not modified.
    """
    # rdflib converts every xsd:date to a Python date and logs a traceback for a BC one
    # ("-0490-01-01", valid XSD 1.1, outside Python's years): the shapes check the lexical
    # form instead (ckgsh:IntervalShape), so that log is noise
    rdflib_terms = logging.getLogger("rdflib.term")
    level = rdflib_terms.level
    rdflib_terms.setLevel(logging.ERROR)
    try:
        graph = _to_graph(data)
        return _validate(graph, shapes, ont_graph)
    finally:
        rdflib_terms.setLevel(level)


def _validate(graph: rdflib.Graph, shapes: rdflib.Graph | None, ont_graph: rdflib.Graph | None) -> ValidationReport:
    conforms, results_graph, _ = pyshacl.validate(
        graph,
        shacl_graph=shapes if shapes is not None else ontology.load_shapes_rdflib(),
        ont_graph=ont_graph if ont_graph is not None else ontology.load_ontology_rdflib(),
        inference="none",
        # SHACL-AF for SPARQL targets: checks that compare nodes (dates in order, one side per
        # number) search the graph once instead of parsing a query per focus node (see
        # ontology/shapes.ttl); the shapes have no rules, so nothing is inferred
        advanced=True,
        abort_on_first=False,
        allow_warnings=True,
        inplace=False,
    )
    assert isinstance(results_graph, rdflib.Graph)
    return ValidationReport(conforms=bool(conforms), results=_results(results_graph))


def format_report(report: ValidationReport, examples: int = 5) -> str:
    """A readable report: results grouped by severity and message, most frequent first,
    with a count and up to ``examples`` example nodes for each group."""
    if report.conforms and not report.results:
        return "Conforms: yes (no SHACL results)."
    groups: dict[tuple[str, str], list[ValidationResult]] = defaultdict(list)
    for result in report.results:
        groups[(result.severity, result.message)].append(result)
    counts: dict[str, int] = defaultdict(int)
    for result in report.results:
        counts[result.severity] += 1
    summary = ", ".join(f"{n} {sev.lower()}{'s' if n != 1 else ''}"
                        for sev, n in sorted(counts.items(), key=lambda kv: _SEVERITY_ORDER.get(kv[0], 9)))
    lines = [
        (f"Conforms: {'yes' if report.conforms else 'no'}: {len(report.results)} result"
         f"{'s' if len(report.results) != 1 else ''} ({summary}) in {len(groups)} kind"
         f"{'s' if len(groups) != 1 else ''}.")
    ]
    ordered = sorted(groups.items(), key=lambda kv: (_SEVERITY_ORDER.get(kv[0][0], 9), -len(kv[1]), kv[0][1]))
    for (severity, message), items in ordered:
        lines.append("")
        lines.append(f"[{severity}] x{len(items)}: {message}")
        for item in items[:examples]:
            detail = f"  - {item.focus}"
            if item.path:
                detail += f"  path {item.path}"
            if item.value:
                detail += f"  value {item.value}"
            lines.append(detail)
        if len(items) > examples:
            lines.append(f"  ... and {len(items) - examples} more")
    return "\n".join(lines)


def validate_store(store: KGStore) -> ValidationReport:
    """Validate everything a :class:`kg.store.KGStore` holds (derived graph excluded)."""
    return validate(store.raw)
