"""The RDF of dates and periods (issue 15): the typed ckg:startDate/ckg:endDate/ckg:asOf
literals stay as they were, and every node with a date gets one ckg:edtf literal that
says the same dates (plus circa, seasons, open ends), valid for the ``edtf`` package.
Real articles of several corpora, mapped by the real mapper."""

from __future__ import annotations

from collections import defaultdict

import edtf
import pytest

from kg import time
from kg.infobox import parse_conflict
from kg.rdf import terms as T
from kg.rdf.mapping import map_document
from kg.readers import read_document

ARTICLES = [
    "data/wikipedia/syria/battle_of_aleppo_(2012–2016).md",
    "data/wikipedia/ukraine/russo-ukrainian_war.md",
    "data/wikipedia/caucasus/battle_of_shusha_(1992).md",
    "data/wikitext/American_Revolutionary_War.wiki",
    "data/wikitext/Battle_of_Marathon__infobox_only_wikiline_spec.wiki",
]


def _nodes(path: str) -> dict[str, dict[str, list]]:
    doc = read_document(path)
    nodes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for quad in map_document(doc, parse_conflict(doc)):
        nodes[quad.subject.value][quad.predicate.value].append(quad.object)
    return nodes


@pytest.fixture(scope="module", params=ARTICLES)
def nodes(request):
    return _nodes(request.param)


def test_every_edtf_literal_is_valid_and_agrees_with_the_typed_dates(nodes):
    seen = 0
    for properties in nodes.values():
        for literal in properties.get(T.edtf.value, []):
            seen += 1
            assert literal.datatype == T.EDTF
            assert edtf.is_valid_edtf(literal.value), literal.value
            period = time.from_edtf(literal.value)
            assert period is not None
            starts = [d.value for d in properties.get(T.startDate.value, []) + properties.get(T.asOf.value, [])]
            ends = [d.value for d in properties.get(T.endDate.value, [])]
            assert starts == ([period.start.iso()] if period.start else [])
            if T.asOf.value not in properties:
                assert ends == ([period.end.iso()] if period.end else [])
            assert (T.ongoing.value in properties) == period.ongoing or T.asOf.value in properties
    assert seen >= 1


def test_every_dated_node_has_its_edtf(nodes):
    for iri, properties in nodes.items():
        if T.startDate.value in properties or T.endDate.value in properties or T.asOf.value in properties:
            assert len(properties.get(T.edtf.value, [])) == 1, iri


def _edtf_by_period_text(path: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for properties in _nodes(path).values():
        for text in properties.get(T.periodText.value, []) + properties.get(T.dateText.value, []):
            found[text.value] |= {lit.value for lit in properties.get(T.edtf.value, [])}
    return found


def test_hand_checked_periods_of_aleppo():
    found = _edtf_by_period_text(ARTICLES[0])
    assert found["19 July 2012 – 22 December 2016"] == {"2012-07-19/2016-12-22"}
    assert found["from 2013"] == {"2013/"}
    assert found["since mid-2016"] == {"2016/"}
    assert found["2015–2016"] == {"2015/2016"}


def test_bc_dates_keep_their_xsd_year_and_count_astronomically_in_edtf():
    nodes = _nodes(ARTICLES[-1])
    conflict = next(p for p in nodes.values() if T.dateText.value in p)
    assert [d.value for d in conflict[T.startDate.value]] == ["-0490"]
    assert [d.value for d in conflict[T.edtf.value]] == ["-0489"]
