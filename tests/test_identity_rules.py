"""Identity rules of issue 13: never merge across sides; titles that differ only in dash or
year form are one page. Pure tests on surface forms shaped like the corpus' own."""

from __future__ import annotations

from kg.rdf import terms as T
from kg.resolution import Surface, resolve, title_fold

R = T.RESOURCE
DOC_A = "https://w3id.org/conflict-kg/document/syria/battle_a.md"
DOC_B = "https://w3id.org/conflict-kg/document/syria/battle_b.md"


def surface(graph, key, name, page=None, fields=()):
    return Surface(graph, key, name, page, key, (), tuple(fields))


def test_an_unlinked_name_does_not_merge_into_an_entity_its_document_lists_on_the_other_side():
    # Article A links the anchor "Islamic Front" to the Syrian coalition's page. Article B
    # lists that coalition on side 2 and, on side 1, an unlinked "Islamic Front" - another
    # group of the same name that fought it.
    surfaces = [
        surface(DOC_A, R + "Islamic_Front_(Syria)", "Islamic Front", "Islamic Front (Syria)", ["combatant2"]),
        surface(DOC_B, R + "Islamic_Front_(Syria)", "Islamic Front (Syria)", "Islamic Front (Syria)", ["combatant2"]),
        surface(DOC_B, T.NAME + "Islamic_Front", "Islamic Front", None, ["combatant1"]),
    ]
    resolution = resolve(surfaces)
    assert resolution.canonical[T.NAME + "Islamic_Front"] == T.NAME + "Islamic_Front"
    assert resolution.ambiguous[T.NAME + "Islamic_Front"] == [R + "Islamic_Front_(Syria)"]


def test_the_same_name_on_the_same_side_still_merges_through_the_anchor():
    surfaces = [
        surface(DOC_A, R + "Islamic_Front_(Syria)", "Islamic Front", "Islamic Front (Syria)", ["combatant2"]),
        surface(DOC_B, R + "Islamic_Front_(Syria)", "Islamic Front (Syria)", "Islamic Front (Syria)", ["combatant2"]),
        surface(DOC_B, T.NAME + "Islamic_Front", "Islamic Front", None, ["units2"]),
    ]
    resolution = resolve(surfaces)
    assert resolution.canonical[T.NAME + "Islamic_Front"] == R + "Islamic_Front_(Syria)"
    assert [e.rule for e in resolution.evidence] == ["anchor"]


def test_titles_that_differ_in_dash_or_year_form_are_one_page():
    # real title pairs: data/aliases.tsv listed the first two by hand before this rule
    pairs = [("Rif Dimashq offensive (November 2012 – February 2013)", "Rif Dimashq offensive (November 2012–February 2013)"),
             ("Syria-Turkey border", "Syria–Turkey border"),
             ("Battle of Ras al-Ayn (2012–13)", "Battle of Ras al-Ayn (2012–2013)")]
    for first, second in pairs:
        surfaces = [surface(DOC_A, R + first.replace(" ", "_"), first, first, ["partof"]),
                    surface(DOC_B, R + second.replace(" ", "_"), second, second, ["partof"])]
        resolution = resolve(surfaces)
        assert len(set(resolution.canonical.values())) == 1, (first, second)
        assert [e.rule for e in resolution.evidence] == ["same-title"]


def test_a_year_range_is_not_confused_with_another():
    assert title_fold("Battle of X (2014–15)") == title_fold("Battle of X (2014–2015)")
    assert title_fold("Battle of X (2014–15)") != title_fold("Battle of X (2014–2016)")
    assert title_fold("Siege of Y (1998–99)") != title_fold("Siege of Y (1998–1999 offensive)")
