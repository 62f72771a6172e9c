"""Cards read on a real store built from data/: each item once, one name per conflict,
one description per conflict, and partial targets with "did you mean" (issue 12, item 3)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, SAMPLE_AS_RECEIVED, SAMPLE_CLEAN

from kg.cards import MAX_CANDIDATES, AmbiguousTarget, card, resolve_target
from kg.identity import resource_iri

ALEPPO = "Battle of Aleppo (2012–2016)"
ARW = DATA / "wikitext" / "American_Revolutionary_War__infobox_only_wikiline_spec.wiki"
ARW_REVISIONS = [ARW, DATA / "wikitext" / "American_Revolutionary_War.wiki",
                 DATA / "wikitext" / "American_Revolutionary_War__gensim_testdata_rev717770601.wiki"]
# the bullets of |result= in ARW (read by hand from the file); the other revisions list others
ARW_RESULT_ITEMS = ["British recognition of American independence", "British retention of Canada and Gibraltar",
                    "End of the First British Empire", "Peace of Paris", "Spanish conquest of British West Florida"]
ARABIC = re.compile("[\u0600-\u06ff]")


def kg(*args: str, store: Path, check: int | None = 0) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "kg", "--store", str(store), *args]
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=300, check=False)
    if check is not None:
        assert result.returncode == check, f"exit {result.returncode}\nstdout:{result.stdout}\nstderr:{result.stderr}"
    return result


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    """The Aleppo article twice (clean, and as received: two documents, one title) and three
    revisions of the American Revolutionary War, built with `kg build`."""
    folder = tmp_path_factory.mktemp("cards")
    docs = folder / "docs"
    docs.mkdir()
    for path in [SAMPLE_CLEAN, SAMPLE_AS_RECEIVED, *ARW_REVISIONS]:
        shutil.copy(path, docs / path.name)
    location = folder / "store"
    kg("build", str(docs), "--no-progress", store=location)
    return location


@pytest.fixture(scope="module")
def store(store_path: Path):
    from kg.store import open_store

    opened = open_store(store_path, read_only=True)
    yield opened
    opened.close()


# --- types ---------------------------------------------------------------------------
def test_types_are_listed_once_most_specific_first(store, store_path: Path) -> None:
    syria = card(store, "Syria")
    # Syria is a party (Country, from the combatant flags) and a place of the battle
    assert syria["type"] == "https://w3id.org/conflict-kg/ontology#Country"
    assert syria["types"][0] == syria["type"]
    assert len(syria["types"]) == len(set(syria["types"]))
    ckg = [t for t in syria["types"] if t.startswith("https://w3id.org/conflict-kg/ontology#")]
    assert ckg[-1] == "https://w3id.org/conflict-kg/ontology#Entity"  # the root comes last
    assert syria["types"][: len(ckg)] == ckg  # other vocabularies after the project's
    line = next(x for x in kg("show", "Syria", store=store_path).stdout.splitlines() if x.startswith("  types: "))
    names = line.removeprefix("  types: ").split(", ")
    assert names[0] == "Country"
    assert len(names) == len(set(names)), line  # dbo:Country and ckg:Country print once


# --- mentioned in --------------------------------------------------------------------
def test_mentioned_in_one_distinct_line_per_document(store, store_path: Path) -> None:
    hezbollah = card(store, "Hezbollah")
    docs = [m for m in hezbollah["mentioned_in"] if m["title"] == ALEPPO]
    assert sorted(m["path"] for m in docs) == sorted(
        str(store_path.parent / "docs" / p.name) for p in (SAMPLE_CLEAN, SAMPLE_AS_RECEIVED))
    assert len({m["iri"] for m in hezbollah["mentioned_in"]}) == len(hezbollah["mentioned_in"])
    lines = [x for x in kg("show", "Hezbollah", store=store_path).stdout.splitlines() if x.startswith("  mentioned in ")]
    assert len(lines) == len(hezbollah["mentioned_in"])
    assert len(set(lines)) == len(lines), "\n".join(lines)
    for path in (SAMPLE_CLEAN.name, SAMPLE_AS_RECEIVED.name):
        assert sum(path in line for line in lines) == 1


# --- one name per conflict -----------------------------------------------------------
def test_ally_conflict_names_one_english_name_per_conflict(store) -> None:
    """The article's title has an Arabic label too; it must not add a second name."""
    syria = card(store, "Syria")
    hezbollah = next(a for a in syria["allies"] if a["label"] == "Hezbollah")
    assert hezbollah["conflicts"] == 1
    assert hezbollah["conflict_names"] == [ALEPPO]
    for relation in syria["allies"] + syria["opponents"]:
        assert len(relation["conflict_names"]) == relation["conflicts"], relation
        assert not any(ARABIC.search(name) for name in relation["conflict_names"]), relation
    for conflict in syria["conflicts"]:
        assert not ARABIC.search(conflict["label"]), conflict


def test_conflict_facts_come_from_one_document(store) -> None:
    """Three revisions describe the war with different results: the card shows the
    primary source's result items, not the union of all three."""
    war = card(store, "American Revolutionary War")
    assert len(war["sources"]) == 3
    assert war["primary_source"].endswith(ARW.name)
    assert war["result_items"] == ARW_RESULT_ITEMS
    assert war["result"] == "American-Allied victory:"


# --- partial targets -----------------------------------------------------------------
def test_exact_label_ignoring_case_wins(store) -> None:
    assert resolve_target(store, "hEZBOLLAH", partial=True) == ("entity", resource_iri("Hezbollah"))


def test_unique_partial_match_is_shown(store, store_path: Path) -> None:
    assert resolve_target(store, "Aleppo (2012", partial=True) == ("conflict", resource_iri(ALEPPO))
    result = kg("show", "Aleppo (2012", store=store_path)
    assert result.stdout.splitlines()[0] == ALEPPO
    # words in another order, when no label contains the text as typed
    assert resolve_target(store, "aleppo 2016 battle", partial=True)[1] == resource_iri(ALEPPO)


def test_partial_match_needs_partial(store) -> None:
    """Other callers (export --conflict, analysis) keep exact resolution."""
    from kg.cards import TargetNotFound

    with pytest.raises(TargetNotFound):
        resolve_target(store, "Aleppo (2012")


def test_several_partial_matches_list_did_you_mean(store, store_path: Path) -> None:
    with pytest.raises(AmbiguousTarget) as info:
        resolve_target(store, "hezbol", partial=True)
    candidates = info.value.candidates
    assert info.value.suggestions
    assert candidates[0]["iri"] == resource_iri("Hezbollah")  # the shortest label starting with it
    assert all("hezbol" in c["label"].casefold() for c in candidates)
    result = kg("show", "hezbol", store=store_path, check=1)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "kg: nothing is called 'hezbol'; did you mean:"
    assert lines[1].startswith("  Hezbollah  <")
    assert len(lines) - 1 == len(candidates)


def test_did_you_mean_is_capped(store, store_path: Path) -> None:
    with pytest.raises(AmbiguousTarget) as info:
        resolve_target(store, "a", partial=True)
    assert len(info.value.candidates) == MAX_CANDIDATES
    result = kg("show", "a", store=store_path, check=1)
    assert len(result.stderr.splitlines()) == 1 + MAX_CANDIDATES


def test_nothing_similar_is_not_found(store_path: Path) -> None:
    result = kg("show", "Zzyzx", store=store_path, check=1)
    assert "nothing in the graph is called 'Zzyzx'" in result.stderr


def test_show_json_of_partial_target(store_path: Path) -> None:
    result = json.loads(kg("show", "--json", "Aleppo (2012", store=store_path).stdout)
    assert result["kind"] == "conflict" and result["title"] == ALEPPO
