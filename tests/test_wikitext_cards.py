"""Issue 8: the raw wikitext articles build, and their cards have sides, commanders and
numeric strengths and casualties (read back from the graph, not the parser)."""

from __future__ import annotations

import pytest

import kg
from conftest import DATA
from kg.builder import build


@pytest.fixture(scope="module")
def wikitext_store(tmp_path_factory):
    store = kg.open_store(tmp_path_factory.mktemp("wikitext") / "store")
    report = build(store, [DATA / "wikitext"], progress=False)
    assert report.failed == [] and report.count("stored") == 8, report.summary()
    yield store
    store.close()


def _numbers(quantities):
    return [q["value"] if q["value"] is not None else q["min"] for q in quantities
            if q["value"] is not None or q["min"] is not None]


@pytest.mark.parametrize("title", ["Battle of Gettysburg", "Battle of Bosworth Field", "Battle of Marathon",
                                   "American Revolutionary War"])
def test_cards_have_sides_commanders_and_numbers(wikitext_store, title):
    card = kg.card(wikitext_store, title)
    assert card["kind"] == "conflict" and len(card["sides"]) >= 2
    for side in card["sides"][:2]:
        assert side["parties"] and side["commanders"]
    strengths = [n for side in card["sides"] for n in _numbers(side["strength"])]
    casualties = [n for side in card["sides"] for n in _numbers(side["casualties"])]
    assert strengths and casualties and all(isinstance(n, int) and n > 0 for n in strengths + casualties)


def test_gettysburg_figures(wikitext_store):
    card = kg.card(wikitext_store, "Battle of Gettysburg")
    union, confederacy = card["sides"][0], card["sides"][1]
    assert 104256 in _numbers(union["strength"])
    assert any(q["min"] == 71000 and q["max"] == 75000 for q in confederacy["strength"])
    assert card["start"] == "1863-07-01" and card["end"] == "1863-07-03"


def test_kia_survives_in_wikitext(wikitext_store):
    marathon = kg.card(wikitext_store, "Battle of Marathon")
    killed = {c["label"] for side in marathon["sides"] for c in side["commanders"] if c["kia"]}
    assert {"Callimachus (polemarch)", "Stesilaos"} <= killed  # {{KIA}}, lost by wtf_wikipedia


def test_page_without_a_conflict_infobox_describes_nothing(wikitext_store):
    iri = "https://w3id.org/conflict-kg/document/wikitext/Donnelly's_Bar_and_Kay's_Tavern_attacks.wiki"
    card = kg.card(wikitext_store, iri)
    assert card["kind"] == "wikipedia" and card["describes"] == [] and card["mentions"]


def test_several_revisions_of_one_conflict_still_conform(wikitext_store):
    """Three revisions of the American Revolutionary War describe one conflict; generic
    unlinked unit names are scoped per document, so their deployments must be too."""
    from kg.validate import format_report, validate_store

    report = validate_store(wikitext_store)
    assert report.conforms, format_report(report)
