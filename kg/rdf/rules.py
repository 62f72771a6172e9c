"""SPARQL CONSTRUCT rules: the compatibility view and the derived relations.

Each rule is one file ``ontology/rules/<name>.rq``; its leading ``#`` comment block says what
it derives. The rules read the union of all graphs of the store and :func:`derive` returns
what they construct as quads in :data:`kg.rdf.terms.DERIVED_GRAPH`.

Invariant: a rule's WHERE clause only reads source vocabulary (``ckg:``, ``rdfs:label``,
``geo:``), never a term that some rule constructs (``wdt:``, ``dbo:``, ``ckg:alliedWith``,
``ckg:opposed``). That is what makes it safe to query the union of *all* graphs, the derived
graph included, with Oxigraph's fast ``use_default_graph_as_union=True``: a derived graph
left over from an earlier run cannot feed back into the rules. :func:`materialise` clears the
derived graph first anyway.

Example:
    >>> from pyoxigraph import Store
    >>> sorted(r.name for r in load_rules())[:2]
    ['allied-with', 'combatant']
    >>> derive(Store())
    []
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Quad, QueryTriples, Store, Triple

from kg.rdf import ontology, terms

#: The named graph the rules write to.
DERIVED_GRAPH: NamedNode = terms.DERIVED_GRAPH


@dataclass(frozen=True)
class Rule:
    """One CONSTRUCT rule: ``name`` is the file stem, ``description`` its header comment."""

    name: str
    description: str
    query: str
    path: Path | None = None


def _header(text: str) -> str:
    """The leading ``#`` comment block of a query, as one line of prose."""
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        lines.append(stripped.lstrip("#").strip())
    return " ".join(part for part in lines if part)


def load_rules(directory: Path | None = None) -> list[Rule]:
    """Every ``*.rq`` rule of ``directory`` (default :func:`kg.rdf.ontology.rules_dir`),
    sorted by name, with the IRI base rebased to ``terms.BASE``.

    Raises:
        ValueError: when a rule file is not a CONSTRUCT query or has no header comment.
    """
    folder = directory if directory is not None else ontology.rules_dir()
    rules: list[Rule] = []
    for path in sorted(folder.glob("*.rq")):
        text = ontology.read_text(path)
        description = _header(text)
        if not description:
            raise ValueError(f"{path}: a rule must start with a '#' comment saying what it derives")
        if "CONSTRUCT" not in text.upper():
            raise ValueError(f"{path}: a rule must be a SPARQL CONSTRUCT query")
        rules.append(Rule(name=path.stem, description=description, query=text, path=path))
    return rules


def run_rule(store: Store, rule: Rule) -> list[Triple]:
    """The triples one rule constructs over the union of all graphs of ``store``."""
    result = store.query(rule.query, use_default_graph_as_union=True)
    if not isinstance(result, QueryTriples):
        raise ValueError(f"rule {rule.name}: not a CONSTRUCT query")
    return [t for t in result if isinstance(t, Triple)]


def derive(store: Store, rules: list[Rule] | None = None) -> list[Quad]:
    """Run every rule over the union of all graphs of ``store``.

    Returns the constructed triples, without duplicates and in a stable order, as quads in
    :data:`DERIVED_GRAPH`. The store is not modified (see :func:`materialise`).
    """
    seen: set[Quad] = set()
    out: list[Quad] = []
    for rule in rules if rules is not None else load_rules():
        for triple in run_rule(store, rule):
            quad = Quad(triple.subject, triple.predicate, triple.object, DERIVED_GRAPH)
            if quad not in seen:
                seen.add(quad)
                out.append(quad)
    return out


def materialise(store: Store, rules: list[Rule] | None = None) -> int:
    """Replace the contents of :data:`DERIVED_GRAPH` in ``store`` with :func:`derive`'s
    output; returns the number of quads written."""
    if store.contains_named_graph(DERIVED_GRAPH):
        store.clear_graph(DERIVED_GRAPH)
    quads = derive(store, rules)
    store.extend(quads)
    return len(quads)
