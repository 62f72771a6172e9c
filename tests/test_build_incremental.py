"""A faster build (issue 14): identities resolved before writing, derivation limited to
what a build changed. Real on-disk stores built from data/wikipedia."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg.builder
from conftest import CORPUS
from kg.builder import build, refresh_derived
from kg.process import process_file
from kg.rdf.rules import DERIVED_GRAPH, derive, rederive
from kg.resolution import Surface, load_surfaces, surfaces_from_quads
from kg.sparql import select
from kg.store import open_store

#: Added last, to a store holding the rest of the corpus: articles that share parties,
#: commanders and places with others (Aleppo, Syria, Russia, Ukraine ...).
LATE = ["syria/battle_of_aleppo_(2012–2016).md", "ukraine/2022_snake_island_campaign.md",
        "syria/battle_of_hosn.md"]
#: Articles from several conflicts, for the surface-form readers.
SOME = ["syria/battle_of_aleppo_(2012–2016).md", "ukraine/2022_snake_island_campaign.md", "syria/battle_of_hosn.md",
        "caucasus/2020_nagorno-karabakh_war.md", "caucasus/2016_nagorno-karabakh_conflict.md"]


#: The surface forms of a store as one query: the oracle for the readers that assemble them.
SURFACES_QUERY = """SELECT ?g ?key ?name ?page ?resolved
        (GROUP_CONCAT(DISTINCT STR(?type); separator=" ") AS ?types)
        (GROUP_CONCAT(DISTINCT ?field; separator=" ") AS ?fields) WHERE {
    GRAPH ?g { ?g ckg:surface ?s . ?s ckg:surfaceKey ?key ; ckg:surfaceName ?name ; ckg:resolvesTo ?resolved .
               OPTIONAL { ?s ckg:surfacePage ?page } OPTIONAL { ?s ckg:typeEvidence ?type }
               OPTIONAL { ?s ckg:sourceField ?field } } }
    GROUP BY ?g ?key ?name ?page ?resolved ORDER BY ?g ?key ?name"""


def test_surfaces_read_from_quads_or_the_store_are_those_the_query_gives() -> None:
    quads = [q for name in SOME for q in process_file(CORPUS / name, {}).quads]
    store = open_store(in_memory=True)
    store.add_quads(quads)
    expected = [Surface(r["g"], r["key"], r["name"], r["page"], r["resolved"], tuple(sorted((r["types"] or "").split())),
                        tuple(sorted((r["fields"] or "").split()))) for r in select(store, SURFACES_QUERY)]
    assert len(expected) > 100
    assert len(set(expected)) == len(expected)
    assert set(surfaces_from_quads(quads)) == set(expected)
    assert set(load_surfaces(store)) == set(expected)


@pytest.fixture(scope="module")
def split_build(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """The corpus without LATE, then LATE added by a second build (each build's report, and
    after each build the number of full derivations so far)."""
    path = tmp_path_factory.mktemp("incremental") / "store"
    late = [CORPUS / name for name in LATE]
    rest = [p for p in sorted(CORPUS.rglob("*.md")) if p not in late]
    full: list[int] = []
    with pytest.MonkeyPatch.context() as patch, open_store(path) as store:
        patch.setattr(kg.builder, "refresh_derived", lambda s: full.append(1) or refresh_derived(s))
        first = build(store, rest, progress=False)
        after_first = len(full)
        second = build(store, late, progress=False)
    return path, first, second, [after_first, len(full)]


def test_a_fresh_build_renames_no_document_after_writing_it(split_build: tuple) -> None:
    _, first, _, _ = split_build
    assert first.count("stored") > 100
    assert first.identity.merged_groups > 10            # merges happened ...
    assert first.identity.rewritten_documents == []     # ... before the documents were written
    assert first.identity.reprocessed_documents == []


def test_adding_articles_rederives_only_what_they_touch_and_gives_the_full_derivation(
        split_build: tuple) -> None:
    path, _, second, full_derivations = split_build
    assert second.count("stored") == len(LATE)
    assert full_derivations == [1, 1]  # the second build did not run the rules over the whole store
    with open_store(path, read_only=True) as store:
        derived = set(store.quads(DERIVED_GRAPH.value))
        assert derived == set(derive(store.raw))


def test_rederive_repairs_exactly_the_quads_about_the_given_iris(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        build(store, [CORPUS / name for name in SOME], progress=False)
        full = set(store.quads(DERIVED_GRAPH.value))
        aleppo = next(q.subject.value for q in full if "Aleppo" in q.subject.value)
        touching = {q for q in full if aleppo in (q.subject.value, getattr(q.object, "value", None))}
        store.raw.remove_graph(DERIVED_GRAPH)
        store.raw.extend(full - touching)
        assert rederive(store.raw, {aleppo}) == (0, len(touching))
        assert set(store.quads(DERIVED_GRAPH.value)) == full
