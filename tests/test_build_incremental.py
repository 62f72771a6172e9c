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


def test_a_build_without_derivation_leaves_the_next_one_deriving_everything(tmp_path: Path) -> None:
    names = ["caucasus/2020_nagorno-karabakh_war.md", "caucasus/2016_nagorno-karabakh_conflict.md"]
    rest = [p for p in sorted(CORPUS.rglob("*.md")) if p.relative_to(CORPUS).as_posix() not in names][:40]
    with open_store(tmp_path / "store") as store:
        build(store, rest, progress=False)
        build(store, [CORPUS / names[0]], progress=False, derive=False)
        build(store, [CORPUS / names[1]], progress=False)
        assert set(store.quads(DERIVED_GRAPH.value)) == set(derive(store.raw))


# --- identities resolved incrementally through the surface index (kg.surface_index) -----------

#: Added one build at a time to a store holding the rest of the corpus, each chosen for a rule
#: it exercises: an anchor that merges unlinked names of older articles (Military Intelligence
#: Directorate, Desert Hawks Brigade), titles equal up to case or dashes (``Syria-Turkey
#: border``, ``CJTF-OIR``), unlinked names equal to page titles, and Russia against Ukraine.
ONE_BY_ONE = ["syria/battle_of_al-qaryatayn_(2016).md", "syria/battle_of_al-rai_(august_2016).md",
              "ukraine/kyiv_offensive_(2022).md", "ukraine/2022_snake_island_campaign.md"]
#: Added together: ``Siege of eastern Ghouta`` (same title as ``Siege of Eastern Ghouta``),
#: an unlinked ``Aleksandr Lapin`` (an anchor elsewhere), an unlinked battalion that another
#: article's anchor links to its brigade.
AT_ONCE = ["syria/rif_dimashq_offensive_(september_2015).md", "ukraine/battle_of_siversk.md",
           "syria/battle_of_anadan.md"]

#: An article that lists, on side 1, an unlinked ``Hamza Division`` and ``Desert Hawks
#: Brigade`` - names that other articles' anchors link to pages this one lists on side 2:
#: the names must not merge into their opponents (rule 4's guard across sides).
OPPOSING = """---
title: Battle of Identinc Ridge
author: Wikipedia
infoboxes:
  - conflict:
      text: Battle of Identinc Ridge
    partof:
      text: the Syrian Civil War
      links:
        - type: internal
          page: Syrian Civil War
    date:
      text: 3 March 2016
    combatant1:
      text: |-
        Hamza Division
        Desert Hawks Brigade
    combatant2:
      text: |-
        Hamza Division (Aleppo)
        Suqur al-Sahara
      links:
        - type: internal
          page: Hamza Division (Aleppo)
        - type: internal
          page: Suqur al-Sahara
    result:
      text: Inconclusive
---
"""


def _export(store, out: Path) -> list[str]:
    """The N-Quads export of every graph but the build log, as ``kg export`` writes it."""
    from kg.builder import BUILD_LOG_GRAPH
    from kg.exporter import export, format_for

    export(store, format_for("nq"), out, graphs=[g for g in store.graphs() if g != BUILD_LOG_GRAPH])
    return out.read_text(encoding="utf-8").splitlines()


def _graph_diff(expected: list[str], got: list[str], limit: int = 40) -> str:
    missing, extra = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
    lines = [f"{len(missing)} quads missing, {len(extra)} extra"]
    lines += [f"- {q}" for q in missing[:limit]] + [f"+ {q}" for q in extra[:limit]]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def incremental_and_scratch(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    folder = tmp_path_factory.mktemp("identinc")
    opposing = folder / "extra" / "battle_of_identinc_ridge.md"
    opposing.parent.mkdir()
    opposing.write_text(OPPOSING, encoding="utf-8")
    late = [CORPUS / name for name in ONE_BY_ONE + AT_ONCE]
    everything = [*sorted(CORPUS.rglob("*.md")), opposing]
    rest = [p for p in everything if p not in late and p != opposing]
    reports = []
    with pytest.MonkeyPatch.context() as patch, open_store(folder / "incremental") as store:
        patch.setenv("SOURCE_DATE_EPOCH", "1600000000")
        build(store, rest, progress=False)
        for batch in [*([p] for p in late[:len(ONE_BY_ONE)]), [opposing], late[len(ONE_BY_ONE):]]:
            reports.append(build(store, batch, progress=False))
        incremental = _export(store, folder / "incremental.nq")
    with pytest.MonkeyPatch.context() as patch, open_store(folder / "scratch") as store:
        patch.setenv("SOURCE_DATE_EPOCH", "1600000000")
        build(store, everything, progress=False)
        scratch = _export(store, folder / "scratch.nq")
    return reports, incremental, scratch


def test_adding_articles_one_by_one_and_together_gives_the_graph_of_a_build_from_scratch(
        incremental_and_scratch: tuple) -> None:
    _, incremental, scratch = incremental_and_scratch
    assert len(scratch) > 50_000
    assert incremental == scratch, _graph_diff(scratch, incremental)


def test_each_added_article_was_resolved_through_the_surface_index(incremental_and_scratch: tuple) -> None:
    reports = incremental_and_scratch[0]
    assert [r.count("stored") for r in reports] == [1, 1, 1, 1, 1, len(AT_ONCE)]
    # changed_entities is only known to the incremental refresh (a whole-store one leaves None)
    assert all(r.identity.changed_entities is not None for r in reports)
    assert any(r.identity.rewritten_documents for r in reports)  # older articles were renamed


def test_the_opposing_names_stay_apart_and_are_reported_ambiguous(incremental_and_scratch: tuple) -> None:
    scratch = incremental_and_scratch[2]
    ambiguous = [q for q in scratch if "AmbiguousName" in q]
    assert len(ambiguous) >= 1
