"""SPARQL CONSTRUCT rules: the compatibility view and the derived relations.

Each rule is one file ``ontology/rules/<name>.rq``; its leading ``#`` comment block says what
it derives. The rules read the union of all graphs of the store and :func:`derive` returns
what they construct as quads in :data:`kg.rdf.terms.DERIVED_GRAPH`.

Invariant: a rule's WHERE clause only reads source vocabulary (``ckg:``, ``rdfs:label``,
``geo:``), never a term that some rule constructs (``wdt:``, ``dbo:``, ``ckg:alliedWith``,
``ckg:opposed``, ``ckg:Alliance``/``ckg:Opposition`` nodes and their ``ckg:between``,
``ckg:inConflict``). That is what makes it safe to query the union of *all* graphs, the
derived graph included, with Oxigraph's fast ``use_default_graph_as_union=True``: a derived
graph left over from an earlier run cannot feed back into the rules. (The relation nodes
carry ``ckg:intervalStart``/``ckg:intervalEnd`` like the participations the rules read, but
the rules only read them on a node reached by ``ckg:participation``, which a relation node
never is.) :func:`materialise` clears the derived graph first anyway.

The qualified relation nodes (IRIs under :data:`kg.rdf.terms.RELATION_NODE`, minted by the
rules from a hash of what they relate) belong to their parties and conflict: incremental
derivation (:func:`rederive`) recomputes every quad of a relation node that links to one of
the IRIs it is given.

Example:
    >>> from pyoxigraph import Store
    >>> sorted(r.name for r in load_rules())[:2]
    ['allied-with', 'combatant']
    >>> derive(Store())
    []
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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


# --- incremental derivation ------------------------------------------------------------
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_TEMPLATE = re.compile(r"CONSTRUCT\s*\{(.*?)\}\s*WHERE", re.IGNORECASE | re.DOTALL)


def template_variables(rule: Rule) -> list[str]:
    """The variables of a rule's CONSTRUCT template in subject or object position (the
    predicates of every template are constants).

    >>> sorted(template_variables(next(r for r in load_rules() if r.name == "allied-with")))
    ['a', 'alliance', 'b', 'conflict', 'end', 'start']
    """
    match = _TEMPLATE.search(rule.query)
    if match is None:
        raise ValueError(f"rule {rule.name}: no CONSTRUCT template")
    return sorted(set(re.findall(r"\?(\w+)", match.group(1))))


def restrict(query: str, variable: str, iris: list[str]) -> str:
    """``query`` with ``VALUES ?variable { <iri> … }`` opening every ``WHERE`` group that
    mentions the variable, so that sub-selects are seeded too (the rules never reuse a
    template variable's name for another, inner variable).

    >>> restrict("CONSTRUCT { ?a ?p ?b } WHERE { ?a ?p ?b }", "a", ["https://e.org/x"])
    'CONSTRUCT { ?a ?p ?b } WHERE { VALUES ?a { <https://e.org/x> } ?a ?p ?b }'
    """
    values = f" VALUES ?{variable} {{ {' '.join(f'<{iri}>' for iri in iris)} }}"
    mention = re.compile(rf"\?{variable}\b")
    out = query
    for match in reversed(list(_WHERE.finditer(query))):
        start = match.end()
        depth, end = 1, start
        while depth and end < len(query):
            depth += {"{": 1, "}": -1}.get(query[end], 0)
            end += 1
        if mention.search(query[start:end]):
            out = out[:start] + values + out[start:]
    return out


def derive_about(store: Store, iris: set[str], rules: list[Rule] | None = None) -> set[Quad]:
    """The derived quads whose subject or object is one of ``iris``: each rule run with each
    of its template variables bound to them (a subset of :func:`derive`'s output, equal to
    its quads that touch ``iris``)."""
    ordered = sorted(iris)
    out: set[Quad] = set()
    for rule in rules if rules is not None else load_rules():
        for variable in template_variables(rule):
            if re.search(rf"\bAS\s+\?{variable}\b", rule.query, re.IGNORECASE):
                continue  # computed by BIND (a literal in every rule): never one of the IRIs
            for start in range(0, len(ordered), 500):  # VALUES blocks of bounded size
                restricted = Rule(rule.name, rule.description, restrict(rule.query, variable, ordered[start:start + 500]))
                out.update(Quad(t.subject, t.predicate, t.object, DERIVED_GRAPH) for t in run_rule(store, restricted))
    return _with_relation_nodes({q for q in out if _touches(q, iris)}, out)


def _touches(quad: Quad, iris: set[str]) -> bool:
    return (isinstance(quad.subject, NamedNode) and quad.subject.value in iris) or \
        (isinstance(quad.object, NamedNode) and quad.object.value in iris)


def _relation_node(term: object) -> bool:
    return isinstance(term, NamedNode) and term.value.startswith(terms.RELATION_NODE)


def _with_relation_nodes(touching: set[Quad], pool: Iterable[Quad]) -> set[Quad]:
    """``touching`` and every quad of ``pool`` about a relation node among their subjects (a
    node linked to the given IRIs carries its interval and type too)."""
    nodes = {q.subject for q in touching if _relation_node(q.subject)}
    return touching | {q for q in pool if q.subject in nodes}


def rederive(store: Store, iris: set[str], rules: list[Rule] | None = None) -> tuple[int, int]:
    """Bring :data:`DERIVED_GRAPH` up to date after changes that only involve ``iris``: the
    derived quads touching them (subject or object) are recomputed and the difference
    applied in one transaction; no other derived quad is read or written. Returns (removed,
    added).

    The caller's part is to name every IRI whose derived facts may change: the nodes of the
    documents that changed (old and new versions), the entities whose identity-graph facts
    changed, and the conflicts whose parties' labels changed (``dbo:combatant`` is a label).
    """
    old = {q for iri in iris for pattern in ((NamedNode(iri), None), (None, NamedNode(iri)))
           for q in store.quads_for_pattern(pattern[0], None, pattern[1], DERIVED_GRAPH)}
    new = derive_about(store, iris, rules)
    # a relation node's other quads (type, interval) go with it, whichever side it is on
    nodes = {q.subject for q in old | new if _relation_node(q.subject)}
    old |= {q for node in nodes for q in store.quads_for_pattern(node, None, None, DERIVED_GRAPH)}
    removed, added = old - new, new - old
    ops = []
    if removed:
        ops.append("DELETE DATA { GRAPH %s {\n%s .\n} }" % (DERIVED_GRAPH, " .\n".join(str(q.triple) for q in removed)))
    if added:
        ops.append("INSERT DATA { GRAPH %s {\n%s .\n} }" % (DERIVED_GRAPH, " .\n".join(str(q.triple) for q in added)))
    if ops:
        store.update(" ;\n".join(ops))
    return len(removed), len(added)
