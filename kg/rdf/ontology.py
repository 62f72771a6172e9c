"""Where the ontology, the SHACL shapes and the rules live, and how to load them.

The files are kept at the top of the repository, outside the package::

    ontology/conflict-kg.ttl   OWL ontology (every ckg: term of kg.rdf.terms)
    ontology/shapes.ttl        SHACL shapes a correct graph conforms to
    ontology/rules/*.rq        SPARQL CONSTRUCT rules (compatibility view, derived relations)

They are found, in this order, in:

1. ``$KG_ONTOLOGY_DIR`` when set;
2. ``<repo>/ontology``, i.e. ``Path(__file__).resolve().parents[2] / "ontology"``: this is
   what an editable install (``pip install -e .``, which ``make venv`` does) and a source
   checkout see;
3. ``kg/ontology`` inside the installed package, for a future non-editable wheel that copies
   the folder in.

The files are written with the default base ``https://w3id.org/conflict-kg/``. When
``$KG_BASE`` overrides the base (see :mod:`kg.rdf.terms`), :func:`read_text` rewrites that base
so that the ontology, shapes and rules speak about the same IRIs as the mapper.
"""

from __future__ import annotations

import os
from pathlib import Path

import rdflib
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, parse

from kg.rdf import terms

#: The base the files in ``ontology/`` are written with.
DEFAULT_BASE = "https://w3id.org/conflict-kg/"
#: IRI of the ontology (also the subject of its ``owl:Ontology`` triple).
ONTOLOGY_IRI = terms.BASE + "ontology"
#: IRI of the shapes graph.
SHAPES_IRI = terms.BASE + "shapes"

_ENV_DIR = "KG_ONTOLOGY_DIR"


def ontology_dir() -> Path:
    """The folder holding ``conflict-kg.ttl``, ``shapes.ttl`` and ``rules/``.

    Raises:
        FileNotFoundError: when no candidate folder holds ``conflict-kg.ttl``; the message
            lists where it looked and how to fix it.

    >>> (ontology_dir() / "conflict-kg.ttl").is_file()
    True
    """
    candidates: list[Path] = []
    env = os.environ.get(_ENV_DIR)
    if env:
        candidates.append(Path(env))
    here = Path(__file__).resolve()
    candidates.append(here.parents[2] / "ontology")
    candidates.append(here.parents[1] / "ontology")
    for candidate in candidates:
        if (candidate / "conflict-kg.ttl").is_file():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(
        f"ontology folder not found (looked in {looked}); install the project in editable "
        f"mode (pip install -e .) from a checkout, or set ${_ENV_DIR} to the ontology/ folder"
    )


def ontology_path() -> Path:
    """Path of the OWL ontology in Turtle (``ontology/conflict-kg.ttl``)."""
    return ontology_dir() / "conflict-kg.ttl"


def shapes_path() -> Path:
    """Path of the SHACL shapes in Turtle (``ontology/shapes.ttl``)."""
    return ontology_dir() / "shapes.ttl"


def rules_dir() -> Path:
    """Folder of the SPARQL CONSTRUCT rules (``ontology/rules/``)."""
    return ontology_dir() / "rules"


def rebase(text: str) -> str:
    """Rewrite the default IRI base of the ontology files to the configured ``terms.BASE``.

    >>> rebase("<https://w3id.org/conflict-kg/ontology#Side>") == f"<{terms.CKG}Side>"
    True
    """
    if terms.BASE == DEFAULT_BASE:
        return text
    return text.replace(DEFAULT_BASE, terms.BASE)


def read_text(path: Path) -> str:
    """Read an ontology, shapes or rule file as UTF-8, rebased with :func:`rebase`."""
    return rebase(path.read_text(encoding="utf-8"))


def _load_rdflib(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=read_text(path), format="turtle")
    for prefix, namespace in terms.PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def load_ontology_rdflib() -> rdflib.Graph:
    """The ontology as a fresh rdflib :class:`~rdflib.Graph` (safe to modify)."""
    return _load_rdflib(ontology_path())


def load_shapes_rdflib() -> rdflib.Graph:
    """The SHACL shapes as a fresh rdflib :class:`~rdflib.Graph` (safe to modify)."""
    return _load_rdflib(shapes_path())


def ontology_quads(graph: NamedNode | DefaultGraph | None = None) -> list[Quad]:
    """The ontology as pyoxigraph quads in ``graph`` (the default graph when ``None``),
    ready for ``Store.extend``.

    >>> any(q.subject == terms.Side for q in ontology_quads())
    True
    """
    target = graph if graph is not None else DefaultGraph()
    triples = parse(read_text(ontology_path()), format=RdfFormat.TURTLE)
    return [Quad(t.subject, t.predicate, t.object, target) for t in triples]
