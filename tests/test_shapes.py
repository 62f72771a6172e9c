"""Shapes that catch broken graphs (issue 12, item 5): one real, valid document built into a
store, one SPARQL UPDATE that breaks it in one way, and exactly that violation reported."""

from __future__ import annotations

import pyoxigraph
import pytest
from conftest import CORPUS

from kg.sparql import with_prefixes
from kg.validate import ValidationReport, format_report, validate

HOSN = CORPUS / "syria" / "battle_of_hosn.md"
C = "res:Battle_of_Hosn"
# the article (read by hand): "date: 20 March 2014"; Syria and Hezbollah in combatant1; one
# commander Abu Abdullah al-Hamawi and a strength (300 fighters) on side 2; casualties on side 1


@pytest.fixture(scope="module")
def quads(tmp_path_factory) -> list[pyoxigraph.Quad]:
    """Every quad of the Battle of Hosn built into an on-disk store."""
    from kg.builder import build
    from kg.store import open_store

    store = open_store(tmp_path_factory.mktemp("hosn") / "store")
    report = build(store, [HOSN], progress=False)
    assert report.count("stored") == 1, report.summary()
    found = list(store.raw.quads_for_pattern(None, None, None, None))
    store.close()
    return found


def mutated(quads: list[pyoxigraph.Quad], update: str | None) -> ValidationReport:
    store = pyoxigraph.Store()
    store.extend(quads)
    if update:
        store.update(with_prefixes(update))
        assert set(store) != set(quads), "the mutation changed nothing: it no longer fits the data"
    return validate(store)


def test_the_unmutated_document_conforms(quads) -> None:
    report = mutated(quads, None)
    assert report.conforms and report.results == [], format_report(report)


# name: (SPARQL UPDATE, message fragment, expected path or None)
MUTATIONS: dict[str, tuple[str, str, str | None]] = {
    "participation on no side": (
        f"""DELETE {{ GRAPH ?g {{ ?side ckg:participation ?p }} }} WHERE {{ GRAPH ?g {{ {C} ckg:side ?side .
            ?side ckg:sideNumber 1 ; ckg:participation ?p . ?p ckg:party res:Syria }} }}""",
        "A ckg:Participation must be attached to a side", "^ckg:participation"),
    "command on no side": (
        f"""DELETE {{ GRAPH ?g {{ ?side ckg:command ?c }} }} WHERE {{ GRAPH ?g {{ {C} ckg:side ?side .
            ?side ckg:command ?c . ?c ckg:commander name:Abu_Abdullah_al-Hamawi }} }}""",
        "A ckg:Command must be attached to a side", "^ckg:command"),
    "strength on nothing": (
        f"""DELETE {{ GRAPH ?g {{ ?side ckg:strength ?q }} }} WHERE {{ GRAPH ?g {{ {C} ckg:side ?side .
            ?side ckg:sideNumber 2 ; ckg:strength ?q }} }}""",
        "A ckg:StrengthEstimate must be attached to a side", "^ckg:strength"),
    "casualties on nothing": (
        f"""DELETE {{ GRAPH ?g {{ ?side ckg:casualties ?q }} }} WHERE {{ GRAPH ?g {{ {C} ckg:side ?side .
            ?side ckg:sideNumber 1 ; ckg:casualties ?q }} }}""",
        "A ckg:CasualtyEstimate must be attached to a side or", "^ckg:casualties"),
    "conflict ends before it starts": (
        f"""DELETE {{ GRAPH ?g {{ {C} ckg:endDate ?e }} }} INSERT {{ GRAPH ?g {{ {C} ckg:endDate "2014-03-19"^^xsd:date }} }}
            WHERE {{ GRAPH ?g {{ {C} ckg:endDate ?e }} }}""",
        "The conflict ends (2014-03-19) before it starts (2014-03-20)", "ckg:endDate"),
    "conflict ends a year before, across precisions": (
        f"""DELETE {{ GRAPH ?g {{ {C} ckg:endDate ?e }} }} INSERT {{ GRAPH ?g {{ {C} ckg:endDate "2013"^^xsd:gYear }} }}
            WHERE {{ GRAPH ?g {{ {C} ckg:endDate ?e }} }}""",
        "The conflict ends (2013) before it starts (2014-03-20)", "ckg:endDate"),
    "participation period ends before it starts": (
        f"""INSERT {{ GRAPH ?g {{ ?p ckg:startDate "2014-03"^^xsd:gYearMonth ; ckg:endDate "2014-02-28"^^xsd:date }} }}
            WHERE {{ GRAPH ?g {{ {C} ckg:side ?side . ?side ckg:participation ?p . ?p ckg:party res:Hezbollah }} }}""",
        "The participation period ends (2014-02-28) before it starts (2014-03)",
        "ckg:endDate"),
    "BC estimate period ends before it starts": (
        f"""INSERT {{ GRAPH ?g {{ ?q ckg:asOf "-0490"^^xsd:gYear ; ckg:asOfEnd "-0491"^^xsd:gYear }} }}
            WHERE {{ GRAPH ?g {{ {C} ckg:side ?side . ?side ckg:sideNumber 2 ; ckg:strength ?q }} }}""",
        "The period of the estimate (ckg:asOf to ckg:asOfEnd) ends (-0491) before it starts (-0490)", "ckg:asOfEnd"),
    "interval ends before it starts": (
        f"""DELETE {{ GRAPH ?g {{ ?p ckg:intervalEnd ?e }} }} INSERT {{ GRAPH ?g {{ ?p ckg:intervalEnd "2014-03-19"^^xsd:date }} }}
            WHERE {{ GRAPH ?g {{ {C} ckg:side ?side . ?side ckg:participation ?p . ?p ckg:party res:Hezbollah ;
            ckg:intervalEnd ?e }} }}""",
        "The interval ends (2014-03-19) before it starts (2014-03-20)", "ckg:intervalEnd"),
    "interval start as a bare year": (
        f"""DELETE {{ GRAPH ?g {{ ?p ckg:intervalStart ?s }} }} INSERT {{ GRAPH ?g {{ ?p ckg:intervalStart "2014"^^xsd:gYear }} }}
            WHERE {{ GRAPH ?g {{ {C} ckg:side ?side . ?side ckg:participation ?p . ?p ckg:party res:Hezbollah ;
            ckg:intervalStart ?s }} }}""",
        "intervalStart must be an xsd:date (\"2014-01-01\"), not 2014", "ckg:intervalStart"),
    "two sides numbered 1": (
        f"""DELETE {{ GRAPH ?g {{ ?side ckg:sideNumber 2 }} }} INSERT {{ GRAPH ?g {{ ?side ckg:sideNumber 1 }} }}
            WHERE {{ GRAPH ?g {{ {C} ckg:side ?side . ?side ckg:sideNumber 2 }} }}""",
        "Two sides of this conflict are numbered 1", "ckg:side"),
    "described conflict without sides": (
        f"""DELETE {{ GRAPH ?g {{ {C} ckg:side ?side }} }} INSERT {{ GRAPH ?g {{ res:Elsewhere ckg:side ?side }} }}
            WHERE {{ GRAPH ?g {{ {C} ckg:side ?side }} }}""",
        "A conflict that a source document describes (ckg:describes) needs at least one ckg:side", "ckg:side"),
    "party typed Place": (
        """DELETE { GRAPH ?g { res:Hezbollah a ?t } } INSERT { GRAPH ?g { res:Hezbollah a ckg:Place } }
           WHERE { GRAPH ?g { res:Hezbollah a ?t } FILTER(?t IN (ckg:ArmedGroup, ckg:Country, ckg:MilitaryUnit)) }""",
        "This party of a conflict is typed ckg:Place but not ckg:Country", None),
}

#: words that start the advice in a message (pySHACL style: say what to do, not only what is wrong)
ADVICE = ("Add it", "Attach it", "Check the", "Map each", "mint the side IRI", "Type parties")


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_mutation_reports_exactly_its_violation(name: str, quads) -> None:
    update, fragment, path = MUTATIONS[name]
    report = mutated(quads, update)
    assert not report.conforms, f"{name}: accepted\n{format_report(report)}"
    matching = [r for r in report.results if fragment in r.message]
    assert matching, f"{name}: expected {fragment!r} in\n{format_report(report)}"
    assert all(r.severity == "Violation" for r in matching)
    if path is not None:
        assert {r.path for r in matching} == {path}, format_report(report)
    # nothing else broke: the mutation produces only the expected kind of result
    others = {r.message for r in report.results} - {r.message for r in matching}
    assert others == set(), format_report(report)
    assert all(any(advice in r.message for advice in ADVICE) for r in matching), matching[0].message


@pytest.mark.parametrize("update", [
    # a year against a day of that year, either way round: no violation
    f"""DELETE {{ GRAPH ?g {{ {C} ckg:startDate ?s }} }} INSERT {{ GRAPH ?g {{ {C} ckg:startDate "2014"^^xsd:gYear }} }}
        WHERE {{ GRAPH ?g {{ {C} ckg:startDate ?s }} }}""",
    f"""DELETE {{ GRAPH ?g {{ {C} ckg:endDate ?e }} }} INSERT {{ GRAPH ?g {{ {C} ckg:endDate "2014"^^xsd:gYear }} }}
        WHERE {{ GRAPH ?g {{ {C} ckg:endDate ?e }} }}""",
    f"""DELETE {{ GRAPH ?g {{ {C} ckg:endDate ?e }} }} INSERT {{ GRAPH ?g {{ {C} ckg:endDate "2014-03"^^xsd:gYearMonth }} }}
        WHERE {{ GRAPH ?g {{ {C} ckg:endDate ?e }} }}""",
    # BC years in order: 491 BC to 490 BC; the string "-0491" sorts after "-0490"
    f"""INSERT {{ GRAPH ?g {{ ?q ckg:asOf "-0491"^^xsd:gYear ; ckg:asOfEnd "-0490"^^xsd:gYear }} }}
        WHERE {{ GRAPH ?g {{ {C} ckg:side ?side . ?side ckg:sideNumber 2 ; ckg:strength ?q }} }}""",
], ids=["year-start", "year-end", "month-end", "bc-years"])
def test_dates_compared_across_precisions(update: str, quads) -> None:
    report = mutated(quads, update)
    assert report.conforms and report.results == [], format_report(report)


def test_party_typed_place_and_country_is_fine(quads) -> None:
    """Syria is a party and the place of many battles: a country may be a place too."""
    report = mutated(quads, "INSERT DATA { GRAPH <urn:x> { res:Syria a ckg:Place } }")
    assert report.conforms and report.results == [], format_report(report)

