"""The tree of a list field (kg.infobox.grammar) on real corpus fields, node by node.

Fields come from both readers: the wtf YAML of data/wikipedia and the raw wikitext of
data/wikitext ({{ubl}}, <br>, italic headings), plus one {{plainlist}} snippet (the corpus
has no list field written with it). Each expected tree was written from reading the
field's source in the article file, line by line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.document import Field, Link, ReadWarning
from kg.infobox.commanders import COMMANDER_GRAMMAR
from kg.infobox.units import UNIT_GRAMMAR
from kg.infobox.grammar import PARTY_GRAMMAR, EntryNode, FieldTree, Grammar, HeadingNode, build_tree
from kg.readers import read_document
from kg.readers.wikitext import wikitext_field

ROOT = Path(__file__).resolve().parents[1]


def corpus_field(source: str, name: str) -> Field:
    return read_document(ROOT / "data" / source).conflict_infobox.fields[name]


def node_shape(node: EntryNode | HeadingNode) -> tuple:
    """A heading: ``(H, text, colon)``; an entry: ``(E, name, flag, image names, link
    pages, parentheticals, heading in scope, continuation lines)``."""
    if isinstance(node, HeadingNode):
        return ("H", node.text, node.colon)
    entry = node.entry
    return ("E", node.text, entry.flag.text if entry.flag else None, [p.text for p in entry.images],
            [link.page for link in node.links], [p.text for p in node.parens],
            node.heading.text if node.heading else None, [line.text for line in node.notes])


def shape(tree: FieldTree) -> list[tuple]:
    """Each line: ``(index, kind, level, nodes)``."""
    return [(line.line.index, line.kind, line.level, [node_shape(n) for n in line.nodes]) for line in tree.lines]


# --- wtf YAML (data/wikipedia) -----------------------------------------------------------

def test_images_levels_and_a_heading_after_blank_lines() -> None:
    # combatant1 of the Battle of Sarrin: flag-template image names before YPG and YPJ,
    # bullets, and "Airstrikes:" between blank lines heading CJTF–OIR
    warnings: list[ReadWarning] = []
    tree = build_tree(corpus_field("wikipedia/syria/battle_of_sarrin_(june–july_2015).md", "combatant1"),
                      warnings, PARTY_GRAMMAR)
    assert shape(tree) == [
        (0, "items", 0, [("E", "Syrian Kurdistan", None, [], ["undefined"], [], None, [])]),
        (1, "items", 1, [("E", "YPG", None, ["People's Protection Units Flag.svg"],
                          ["People's Protection Units"], [], None, [])]),
        (2, "items", 1, [("E", "YPJ", None, ["YPJ Flag.svg"], ["Women's Protection Units"], [], None, [])]),
        (3, "items", 0, [("E", "Free Syrian Army", None, [], ["Free Syrian Army"], [], None, [])]),
        (4, "blank", 0, []),
        (5, "items", 0, [("H", "Airstrikes", True)]),
        (6, "blank", 0, []),
        (7, "items", 0, [("E", "CJTF–OIR", None, [], ["Combined Joint Task Force – Operation Inherent Resolve"],
                          [], "Airstrikes", [])]),
    ]
    assert [w.kind for w in warnings] == ["image-name", "image-name"]
    heading = tree.lines[5].nodes[0]
    assert isinstance(heading, HeadingNode) and not heading.support and heading.claim is None


def test_entries_sharing_a_line_and_a_loose_support_heading() -> None:
    # Daraa campaign: six parties on one line (flags and wide gaps part them), then
    # "Support:" over flagged countries each after a blank line (wtf's loose style: the
    # blank lines do not end the heading)
    tree = build_tree(corpus_field("wikipedia/syria/daraa_governorate_campaign.md", "combatant1"), [], PARTY_GRAMMAR)
    assert shape(tree) == [
        (0, "items", 0, [
            ("E", "Syrian Arab Republic", None, [], ["Syrian Arab Republic"], [], None, []),
            ("E", "Iran", "🇮🇷", [], ["iran"], [], None, []),
            ("E", "Russia", "🇷🇺", [], ["russia"], [], None, []),
            ("E", "Palestine Liberation Army", None, [], ["Palestine Liberation Army"], [], None, []),
            ("E", "Hezbollah", None, [], ["Hezbollah"], [], None, []),
            ("E", "LAAG", None, [], ["Liwa Assad Allah al-Ghalib fi al-Iraq wa al-Sham"], [], None, []),
        ]),
        (1, "items", 0, [("H", "Support", True)]),
        (2, "blank", 0, []),
        (3, "items", 0, [("E", "Iraq", "🇮🇶", [], [], [], "Support", [])]),
        (4, "blank", 0, []),
        (5, "items", 0, [("E", "Lebanon", "🇱🇧", [], [], [], "Support", [])]),
    ]
    assert tree.lines[1].heading_only and tree.lines[1].nodes[0].support       # type: ignore[union-attr]


def test_flag_only_line_before_supported_by() -> None:
    # Kyiv offensive: "🇷🇺" alone, then "Supported by:", then Belarus
    tree = build_tree(corpus_field("wikipedia/ukraine/kyiv_offensive_(2022).md", "combatant1"), [], PARTY_GRAMMAR)
    assert shape(tree) == [
        (0, "items", 0, [("E", "", "🇷🇺", [], [], [], None, [])]),
        (1, "items", 0, [("H", "Supported by", True)]),
        (2, "items", 0, [("E", "Belarus", "🇧🇾", [], ["belarus"], [], "Supported by", [])]),
    ]


def test_icon_only_bullet_keeps_its_place_in_the_outline() -> None:
    # Battle of Hostomel units2 starts with "* " (a unit that was only an icon) over "**"
    # units: an empty-bullet line, with a warning
    warnings: list[ReadWarning] = []
    tree = build_tree(corpus_field("wikipedia/ukraine/battle_of_hostomel.md", "units2"), warnings, UNIT_GRAMMAR)
    got = shape(tree)
    assert got[:4] == [
        (0, "empty-bullet", 1, []),
        (1, "items", 2, [("E", "Artillery units of 72nd Mechanized Brigade (Ukraine)", None, [],
                          ["72nd Mechanized Brigade (Ukraine)"], [], None, [])]),
        (2, "items", 2, [("E", "Georgian Legion", None, [], ["Georgian Legion (Ukraine)"], [], None, [])]),
        (3, "items", 1, [("E", "Ukrainian Air Assault Forces", None, [], ["Ukrainian Air Assault Forces"], [],
                          None, [])]),
    ]
    assert got[6] == (6, "items", 2, [("E", "3rd Spetsnaz Regiment", None, [], ["Spetsnaz"], [], None, [])])
    assert got[-1] == (15, "items", 0, [("E", "Irregular civilian volunteers (militia)", "🇺🇦", [],
                                         ["Irregular military"], [], None, [])])
    assert [line.line.index for line in tree.item_lines()][:2] == [0, 1]
    assert warnings[0].kind == "empty-entry"


def test_kia_heading_and_qualifier_lines() -> None:
    # Battle of Aleppo commander1: roles in brackets on the line under each name (qualifier
    # lines), one opening the line of the next name, then "KIA:" over the rest
    tree = build_tree(corpus_field("wikipedia/syria/battle_of_aleppo_(2012–2016).md", "commander1"), [],
                      COMMANDER_GRAMMAR)
    got = shape(tree)
    assert got[:2] == [
        (0, "items", 0, [("E", "Ali Abdullah Ayyoub", None, [], ["Ali Abdullah Ayyoub"],
                          ["Chief of the General Staff"], None, [])]),
        (1, "qualifier", 0, []),
    ]
    assert got[9] == (9, "items", 0, [("E", "Maher al-Assad", None, [], ["Maher al-Assad"], ["4th Division"],
                                       None, [])])
    assert [p.text for p in tree.lines[9].leading] == ["Russian intervention force commander"]
    assert got[8][3][0][5] == ["Russian intervention force commander"]     # Zhuravlyov's role
    kia = next(line for line in tree.lines if line.line.index == 13)
    assert shape(FieldTree(tree.scanned, [kia])) == [(13, "items", 0, [("H", "KIA", True)])]
    assert kia.nodes[0].kia                                                  # type: ignore[union-attr]
    after = [node_shape(n) for n in tree.entries() if n.entry.line > 13]
    assert after == [
        ("E", "Abbas Samii", None, [], [], ["Republican Guard Commander"], "KIA", []),
        ("E", "Jabbar Drisawi", None, [], [], ["IRGC General"], "KIA", []),
        ("E", "Zaino Berri", None, [], [], ["al-Berri tribe leader"], "KIA", []),
        ("E", "Hossein Hamadani", None, [], [], ["IRGC General"], "KIA", []),
        ("E", "Mohammad Rafi", None, [], [], ["Liwa al-Quds Colonel"], "KIA", []),
    ]


def test_role_line_continues_the_commander_above() -> None:
    # Early insurgency phase, commander1: "Bashar al-Assad" / "President of Syria"
    tree = build_tree(corpus_field("wikipedia/syria/early_insurgency_phase_of_the_syrian_civil_war.md",
                                   "commander1"), [], COMMANDER_GRAMMAR)
    assert shape(tree)[:4] == [
        (0, "items", 0, [("E", "Bashar al-Assad", None, [], ["Bashar al-Assad"], [], None, ["President of Syria"])]),
        (1, "continuation", 0, []),
        (2, "blank", 0, []),
        (3, "items", 0, [("E", "Adel Safar", None, [], ["Adel Safar"], [], None, ["Prime Minister of Syria"])]),
    ]


def test_claim_heading_node() -> None:
    # Battle of Sumy casualties: "Per Ukraine: …" — the heading node names its claimant
    field = corpus_field("wikipedia/ukraine/battle_of_sumy.md", "casualties2")
    tree = build_tree(field, [], Grammar("figure"))
    heading = next(node for node in tree.nodes() if isinstance(node, HeadingNode))
    assert heading.text == "Per Ukraine"
    assert heading.claim is not None and heading.claim.name == "Ukraine"


# --- raw wikitext (data/wikitext) --------------------------------------------------------

def test_wikitext_br_and_italic_supported_by() -> None:
    # Bosworth combatant2: [[File:…]] icons, "(…Lancastrian)" with a link inside, <br>,
    # ''Supported by:'' and the Kingdom of France
    tree = build_tree(corpus_field("wikitext/Battle_of_Bosworth_Field.wiki", "combatant2"), [], PARTY_GRAMMAR)
    assert shape(tree) == [
        (0, "items", 0, [("E", "House of Tudor", None, [], ["House of Tudor"], ["Lancastrian"], None, [])]),
        (1, "items", 0, [("H", "Supported by", True)]),
        (2, "items", 0, [("E", "Kingdom of France", None, [], ["Kingdom of France"], [], "Supported by", [])]),
    ]
    assert [link.page for link in tree.entries()[0].parens[0].inner] == ["House of Lancaster"]


def test_wikitext_ubl() -> None:
    # Bosworth commander1: {{ubl|…}} of seven people, {{KIA}} rendered as †
    tree = build_tree(corpus_field("wikitext/Battle_of_Bosworth_Field.wiki", "commander1"), [], COMMANDER_GRAMMAR)
    assert [(line.line.index, line.kind, [node_shape(n)[1:5] for n in line.nodes]) for line in tree.lines] == [
        (0, "items", [("King Richard III †", None, [], ["Richard III of England"])]),
        (1, "items", [("John Howard, Duke of Norfolk †", None, [], ["John Howard, 1st Duke of Norfolk"])]),
        (2, "items", [("Henry Percy, Earl of Northumberland", None, [], ["Henry Percy, 4th Earl of Northumberland"])]),
        (3, "items", [("John de la Pole, Earl of Lincoln", None, [], ["John de la Pole, Earl of Lincoln"])]),
        (4, "items", [("Sir Richard Ratcliffe †", None, [], ["Richard Ratcliffe"])]),
        (5, "items", [("Thomas Howard, Earl of Surrey", None, [], ["Thomas Howard, 2nd Duke of Norfolk"])]),
        (6, "items", [("Viscount Francis Lovell", None, [], ["Francis Lovell, Viscount Lovell"])]),
    ]
    assert [p.text for p in tree.lines[5].entries[0].parens] == ["POW"]


def test_wikitext_br_with_a_parenthetical_inside_the_link() -> None:
    # Marathon commander2: [[Hippias (tyrant)|Hippias (deposed<br/>Athenian tyrant)]]: the
    # parenthetical is inside the anchor, so it is part of the entry's name pieces
    tree = build_tree(corpus_field("wikitext/Battle_of_Marathon__infobox_only_wikiline_spec.wiki", "commander2"), [],
                      COMMANDER_GRAMMAR)
    assert shape(tree) == [
        (0, "items", 0, [("E", "Datis", None, [], ["Datis"], [], None, [])]),
        (1, "items", 0, [("E", "Artaphernes", None, [], ["Artaphernes (son of Artaphernes)"], [], None, [])]),
        (2, "items", 0, [("E", "Hippias (deposed Athenian tyrant)", None, [], ["Hippias (tyrant)"], [], None, [])]),
    ]


def test_wikitext_plainlist_levels() -> None:
    # {{plainlist}} with a deeper bullet (the shape of tests/fixtures/wikitext/templates.yaml
    # plainlist-keeps-deeper-bullets, Gettysburg's units): the reader keeps "**" as one level
    field = wikitext_field("units1", "{{plainlist|\n* [[Army of the Potomac]]\n** [[I Corps (Union Army)|I Corps]]\n"
                                     "* [[United States Navy|Navy]]\n}}")
    tree = build_tree(field, [], UNIT_GRAMMAR)
    assert shape(tree) == [
        (0, "items", 0, [("E", "Army of the Potomac", None, [], ["Army of the Potomac"], [], None, [])]),
        (1, "items", 1, [("E", "I Corps", None, [], ["I Corps (Union Army)"], [], None, [])]),
        (2, "items", 0, [("E", "Navy", None, [], ["United States Navy"], [], None, [])]),
    ]


# --- scoping rules the corpus has no instance of, in its shapes --------------------------

@pytest.mark.parametrize("text, headings", [
    # tight: the blank line ends "Supported by:" (warning heading-ended)
    ("Free Syrian Army\nSupported by:\nTurkey\n\nAhrar al-Sham", ["Supported by", None]),
    # loose (wtf style): blank lines between every entry do not end it
    ("Free Syrian Army\nSupported by:\n\nTurkey\n\nAhrar al-Sham", ["Supported by", "Supported by"]),
])
def test_blank_line_ends_a_tight_heading(text: str, headings: list[str | None]) -> None:
    warnings: list[ReadWarning] = []
    tree = build_tree(Field("combatant1", text), warnings, PARTY_GRAMMAR)
    got = [(n.text, n.heading.text if n.heading else None) for n in tree.entries()]
    assert got == [("Free Syrian Army", None), ("Turkey", headings[0]), ("Ahrar al-Sham", headings[1])]
    assert [w.kind for w in warnings] == (["heading-ended"] if headings[1] is None else [])


def test_commanders_heading_is_not_ended_by_a_blank_line() -> None:
    tree = build_tree(Field("commander1", "KIA:\nAbbas Samii\n\nJabbar Drisawi"), [], COMMANDER_GRAMMAR)
    assert [n.heading.text if n.heading else None for n in tree.entries()] == ["KIA", "KIA"]


# --- names around links (session 5, blind5 misses) -------------------------------------------

def entry_names(tree: FieldTree) -> list[tuple[str, list[str]]]:
    return [(node.text, [link.page for link in node.links]) for node in tree.entries()]


@pytest.mark.parametrize(("source", "name", "expected"), [
    # Title-case words after a whole unit's link start a name of their own (real corpus)
    ("wikipedia/syria/battle_of_raqqa_(2013).md", "units2",
     [("Syrian Arab Army", ["Syrian Arab Army"]), ("17th Division", ["17th Division (Syria)"]),
      ("Syrian Air Force", ["Syrian Air Force"]), ("Local police", [])]),
    ("wikipedia/syria/battle_of_rastan_(2011).md", "combatant1",
     [("Free Syrian Army", ["Free Syrian Army"]), ("Civilian rebels", [])]),
])
def test_title_case_words_after_a_link_are_another_name(source: str, name: str, expected: list) -> None:
    grammar = UNIT_GRAMMAR if name.startswith("units") else PARTY_GRAMMAR
    assert entry_names(build_tree(corpus_field(source, name), [], grammar)) == expected


def test_abbreviations_before_a_common_noun_continue_the_link_before_them() -> None:
    # Battle of Qalamoun (2013-2014), units1 (blind5): "* [[Saidnaya]] NDF militias" is one
    # name, the NDF militias of Saidnaya; in the corpus' shape "[[Homs]] SAA units" too
    tree = build_tree(corpus_field("../tests/gold/blind5/articles/syria/battle_of_qalamoun_(2013–2014).md",
                                   "units1"), [], UNIT_GRAMMAR)
    assert ("Saidnaya NDF militias", ["Saidnaya"]) in entry_names(tree)
    field = Field("units1", "* Homs SAA units\n* Homs Local police", [Link("Homs"), Link("Homs")])
    assert entry_names(build_tree(field, [], UNIT_GRAMMAR)) == [
        ("Homs SAA units", ["Homs"]), ("Homs", ["Homs"]), ("Local police", [])]


def test_links_one_space_apart_before_a_unit_designation_are_one_name() -> None:
    # Battle of Tabqa, units1 (blind6): "*  [[Patriotic Union of Kurdistan|PUK]] [[Peshmerga]]
    # Counterterrorism Group" is one unit written as shown, not PUK, Peshmerga and
    # Counterterrorism Group
    tree = build_tree(corpus_field("../tests/gold/blind6/articles/syria/battle_of_tabqa.md", "units1"), [],
                      UNIT_GRAMMAR)
    assert entry_names(tree)[-1] == ("PUK Peshmerga Counterterrorism Group", ["Patriotic Union of Kurdistan",
                                                                             "Peshmerga"])
    # the same chain of three links; not after a wide gap, nor when a link is a whole unit
    # (its anchor ends in a unit noun), nor without a unit noun at the end
    field = Field("units1", "* A B C Special Group\n* A B  Special Group\n* Azov Regiment B Counterterrorism Group\n"
                  "* A B Local police",
                  [Link("A"), Link("B"), Link("C"), Link("A"), Link("B"), Link("Azov Regiment"), Link("B"),
                   Link("A"), Link("B")])
    assert [name for name, _ in entry_names(build_tree(field, [], UNIT_GRAMMAR))] == [
        "A B C Special Group", "A", "B", "Special Group", "Azov Regiment", "B", "Counterterrorism Group", "A", "B",
        "Local police"]


@pytest.mark.parametrize(("source", "name", "expected"), [
    # two links one space apart before words that are no unit's designation stay apart
    # (real corpus): Ras al-Ayn's combatant3 "[[al-Nusra Front]] [[Ghuraba al-Sham]]
    # Supported by:", Shusha's combatant2 "[[Azerbaijan]] [[Chechen]] militants"
    ("wikipedia/syria/battle_of_ras_al-ayn_(2012–13).md", "combatant3",
     [("al-Nusra Front", ["al-Nusra Front"]), ("Ghuraba al-Sham", ["Ghuraba al-Sham (jihadist group)"]),
      ("Turkey", ["turkey"])]),
    ("wikipedia/caucasus/battle_of_shusha_(1992).md", "combatant2",
     [("Azerbaijan", ["azerbaijan"]), ("Chechen militants", ["Shamil Basayev#Nagorno-Karabakh conflict"])]),
])
def test_links_before_other_words_stay_apart(source: str, name: str, expected: list) -> None:
    assert entry_names(build_tree(corpus_field(source, name), [], PARTY_GRAMMAR))[-len(expected):] == expected


@pytest.mark.parametrize("grammar", [UNIT_GRAMMAR, PARTY_GRAMMAR, COMMANDER_GRAMMAR])
def test_two_links_joined_by_and_are_two_entries(grammar: Grammar) -> None:
    # Siege of Mariupol, units2 (blind5): "* [[National Police of Ukraine|National Police]]
    # and [[State Border Guard Service of Ukraine|State Border Guard]] forces"; the same in
    # every list field ("&" too); plain words with "and" stay one name ("Islamic Unity and
    # Liberation Front", Raqqa 2013) and so does "[[Ba'ath Brigades]] and other [[Ba'ath
    # Party]] militias" (early insurgency combatant1: more than a conjunction between)
    tree = build_tree(corpus_field("../tests/gold/blind5/articles/ukraine/siege_of_mariupol.md", "units2"),
                      [], grammar)
    assert [(n, p) for n, p in entry_names(tree) if "Police" in n or "Border" in n] == [
        ("National Police", ["National Police of Ukraine"]),
        ("State Border Guard forces", ["State Border Guard Service of Ukraine"])]
    field = Field("combatant1", "* A & B\n* Islamic Unity and Liberation Front", [Link("A"), Link("B")])
    assert [n for n, _ in entry_names(build_tree(field, [], grammar))] == ["A", "B", "Islamic Unity and Liberation Front"]
    insurgency = build_tree(corpus_field("wikipedia/syria/early_insurgency_phase_of_the_syrian_civil_war.md",
                                         "combatant1"), [], grammar)
    assert "Ba'ath Brigades and other Ba'ath Party militias" in [n for n, _ in entry_names(insurgency)]
