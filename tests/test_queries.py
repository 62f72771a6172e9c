"""Named queries (queries/*.rq), safe parameter binding (kg.queries) and ``kg query``.

Every named query runs on the corpus graph and is checked against answers read by hand from
the articles (data/wikipedia/...). The news queries run on the corpus plus the three sample
news pages of data/samples, mapped by the real mapper (``kg.rdf.mapping.map_document``) as
news documents ``schema:about`` the Battle of Aleppo that ``schema:mentions`` the entities
found in their text at their real offsets.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.queries import (NamedQuery, ParamError, QueryError, UnknownQuery, declare_used_prefixes, format_term,
                        get_query, load_queries, parse_query, query_form, render, run_local)
from kg.rdf import terms as T

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
ALEPPO = T.RESOURCE + "Battle_of_Aleppo_(2012–2016)"

#: Entity names looked for in the sample news texts, and the graph's IRI for each.
NEWS_NAMES = {
    "Bashar_al-Assad": r"Bashar al-Assad|\bAssad\b",
    "Aleppo": r"\bAleppo\b",
    "Iran": r"\bIran\b",
    "Turkey": r"\bTurkey\b",
    "Qatar": r"\bQatar\b",
    "Free_Syrian_Army": r"\bFree Syrian Army\b",
}
#: The sample news pages: file, title, publication date, publisher.
NEWS_SAMPLES = [
    ("bbc_live_2016-12-15_aleppo_evacuation.txt", "Aleppo evacuation suspended (BBC live)", "2016-12-15", "BBC News"),
    ("dailymail_2016-12-13_aleppo_goodbye_messages.txt",
     "Civilians trapped in Aleppo post emotional goodbye messages", "2016-12-13", "Daily Mail"),
    ("itv_live_aleppo_turkey_border.txt", "Thousands flee to Turkey border amid fresh fighting in Aleppo",
     "2016-12-14", "ITV News"),
]


def news_mentions(text: str) -> dict[str, list[tuple[int, int, str]]]:
    """Entity IRI -> spans where the sample text names it."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for local, pattern in NEWS_NAMES.items():
        for match in re.finditer(pattern, text):
            found.setdefault(T.RESOURCE + local, []).append((match.start(), match.end(), match.group()))
    return found


def news_quads() -> list[ox.Quad]:
    """The sample news pages as news documents, through the project's own mapper."""
    from kg.document import Document, Mention, content_hash
    from kg.rdf.mapping import map_document

    quads: list[ox.Quad] = []
    for name, title, published, publisher in NEWS_SAMPLES:
        data = (SAMPLES / name).read_bytes()
        text = data.decode("utf-8")
        doc = Document(path=f"data/samples/{name}", kind="news", title=title, content_hash=content_hash(data),
                       published=published, body=text, extra={"publisher": publisher})
        mentions = [Mention(start, end, exact, iri=iri, confidence=0.9)
                    for iri, spans in news_mentions(text).items() for start, end, exact in spans]
        quads += map_document(doc, None, mentions=mentions, about=[ALEPPO])
    return quads


def make_query_store(corpus_store, path: Path) -> Path:
    """An on-disk store at ``path``: the corpus graph (a checkpoint of the session's corpus
    store) plus the sample news. Used by test_endpoint and test_push too."""
    from kg.store import open_store

    corpus_store.flush()
    corpus_store.raw.backup(str(path))
    store = open_store(path)
    try:
        store.add_quads(news_quads())
        store.flush()
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def query_store_path(corpus_store, tmp_path_factory) -> Path:
    return make_query_store(corpus_store, tmp_path_factory.mktemp("queries") / "store")


@pytest.fixture(scope="module")
def store(query_store_path):
    from kg.store import open_store

    opened = open_store(query_store_path, read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def queries() -> dict[str, NamedQuery]:
    return load_queries()


def rows_of(store, name: str, **params) -> list[dict]:
    """The rows of a named query; required parameters not given take their header example."""
    return run_local(store, render(get_query(name), params, examples=True)).rows


def date_key(text: str) -> tuple[int, str]:
    """An ISO date or year (``-0490``, ``2012-07``, ``2012-07-19``) as a sort key: the year
    as a number (so that 490 BC comes before 480 BC and before any year AD), then the rest."""
    match = re.match(r"(-?\d+)(.*)", text)
    assert match, text
    return int(match.group(1)), match.group(2)


def has_compatibility_types(store) -> bool:
    return bool(store.query("ASK { ?c a <http://dbpedia.org/ontology/MilitaryConflict> }"))


# --- the catalogue ------------------------------------------------------------------------------
REQUIRED = {
    "conflicts-by-place-and-date", "conflict-sides", "conflict-commanders", "commanders-killed", "unit-tree",
    "side-figures", "parties-same-side", "parties-opposite-sides", "party-allies", "party-opponents",
    "news-entities-about-conflict", "news-naming-commander", "part-of-tree", "dbpedia-style", "wikidata-style",
    "entities-without-type", "quantities-with-warnings",
}


def test_at_least_fifteen_named_queries_with_headers(queries):
    assert len(queries) >= 15
    assert set(queries) >= REQUIRED
    for query in queries.values():
        assert query.title and query.title != query.name, query.name
        assert len(query.description) > 40, query.name
        assert query.form == "SELECT", query.name
        for param in query.params:
            # a required parameter shows an example; one that is not has a real default; an
            # optional one (unbound when not given) shows an example in --list
            assert param.meaning and (param.example if param.optional else param.sample) is not None, (query.name, param.name)
            assert param.required == (param.default is None and not param.optional), (query.name, param.name)


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_every_named_query_returns_results_on_the_corpus(store, name):
    rows = rows_of(store, name)
    assert rows, f"{name} returned nothing on the corpus"
    assert all(any(v is not None for v in row.values()) for row in rows)


# --- answers checked against the articles ----------------------------------------------------------
def test_conflicts_by_place_and_date(store):
    rows = rows_of(store, "conflicts-by-place-and-date")
    labels = {r["label"] for r in rows}
    assert {"Battle of Aleppo (2012–2016)", "Battle of Azaz (2012)", "Battle of Anadan"} <= labels
    aleppo = next(r for r in rows if r["label"] == "Battle of Aleppo (2012–2016)")
    assert aleppo["start"] == "2012-07-19" and aleppo["end"] == "2016-12-22"
    assert "Aleppo" in aleppo["places"].split(", ")
    for row in rows:
        assert int(row["start"][:4]) <= 2016 and (row["end"] is None or int(row["end"][:4]) >= 2012)
    later = {r["label"] for r in rows_of(store, "conflicts-by-place-and-date", place="ALEPPO", **{"from": "2017", "to": "2030"})}
    assert "Battle of Aleppo (2012–2016)" not in later


def test_conflict_sides(store):
    rows = rows_of(store, "conflict-sides")
    by_party = {r["partyLabel"]: r for r in rows}
    assert {r["side"] for r in rows} == {1, 2, 3}
    assert by_party["Iran"]["side"] == 1 and by_party["Iran"]["role"] == "belligerent"
    assert by_party["Iran"]["start"] == "2013" and by_party["Iran"]["period"] == "from 2013"
    assert by_party["Hezbollah"]["group"] == "Allied militias"
    assert by_party["Jaysh Halab"]["start"] == by_party["Jaysh Halab"]["end"] == "2016-12"
    assert {by_party[p]["role"] for p in ("Qatar", "Turkey", "France")} == {"supporter"}
    assert by_party["People's Protection Units"]["side"] == 3
    assert len(rows) == 25
    # the same conflict named by its IRI, or in another case
    assert rows_of(store, "conflict-sides", conflict=ALEPPO) == rows
    assert rows_of(store, "conflict-sides", conflict="BATTLE OF ALEPPO") == rows  # an alias


def test_conflict_commanders(store):
    rows = {r["commanderLabel"]: r for r in rows_of(store, "conflict-commanders")}
    soleimani = rows["Qasem Soleimani"]
    assert soleimani["side"] == 1 and soleimani["role"] == "Major General of IRGC"
    # the role links [[IRGC]], a redirect that data/aliases.tsv resolves to the page title
    assert soleimani["roleEntity"] == "Islamic Revolutionary Guard Corps"
    assert soleimani["killedInAction"] is False
    assert rows["Abbas Samii"]["killedInAction"] is True and rows["Abbas Samii"]["role"] == "Republican Guard Commander"
    assert rows["Abdul Qader Saleh"]["side"] == 2 and rows["Abdul Qader Saleh"]["killedInAction"] is True
    assert sum(r["killedInAction"] for r in rows.values()) == 13


def test_commanders_killed(store):
    rows = rows_of(store, "commanders-killed")
    killed = {(r["commanderLabel"], r["conflictLabel"], r["side"]) for r in rows}
    assert ("Abbas Samii", "Battle of Aleppo (2012–2016)", 1) in killed
    assert ("Hossein Hamadani", "Battle of Aleppo (2012–2016)", 1) in killed
    assert ("Yusuf Kahia", "Battle of Aleppo (2012–2016)", 3) in killed
    assert "Qasem Soleimani" not in {r["commanderLabel"] for r in rows}
    # every row is a command marked killed in action in the graph
    expected = store.query("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c ckg:killedInAction true }")
    assert len(rows) == int(next(iter(expected))["n"].value)


def test_unit_tree(store):
    rows = {r["unit"]: r for r in rows_of(store, "unit-tree")}
    marines = rows["Syrian Marines"]
    assert (marines["parent"], marines["root"], marines["depth"]) == ("Republican Guard", "Syrian Armed Forces", 3)
    assert marines["tree"] == "      Syrian Marines"
    quds = rows["Quds Force"]
    assert quds["parent"] == "Islamic Revolutionary Guard Corps"  # [[IRGC]], resolved by data/aliases.tsv
    assert (quds["root"], quds["depth"]) == ("Armed Forces of the Islamic Republic of Iran", 2)
    assert rows["Syrian Armed Forces"]["depth"] == 0 and rows["Syrian Armed Forces"]["parent"] is None
    assert rows["Special Operations Forces advisors"]["start"] == "2016-10"
    other_side = {r["unit"]: r for r in rows_of(store, "unit-tree", side="2")}
    assert other_side["Jaish al-Muhajireen wal-Ansar"]["parent"] == "Al-Nusra Front"
    assert "Syrian Marines" not in other_side


def test_side_figures(store):
    rows = rows_of(store, "side-figures")
    by_source = {r["source"]: r for r in rows}
    saa = by_source["20,000 SAA soldiers (2012)"]
    assert saa["side"] == 1 and saa["measure"] == "strength" and saa["value"] == 20000 and saa["asOf"] == "2012"
    hezbollah = by_source["2,000–4,000 Lebanese Hezbollah fighters"]
    assert (hezbollah["min"], hezbollah["max"], hezbollah["value"]) == (2000, 4000, None)
    nusra = by_source["2,500 al-Nusra fighters"]
    assert nusra["side"] == 2 and nusra["partOf"] == "15,000 fighters (2012)"
    assert by_source["c. undefined 8,000 fighters (mid-2016)"]["approximate"] is True
    total = by_source["31,275 overall deaths"]
    # casualties4, the conflict-wide figures, are side 0: an integer like the other sides
    assert (total["side"], total["kind"], total["value"]) == (0, "deaths", 31275)
    assert all(isinstance(r["side"], int) for r in rows)
    assert all(isinstance(r["value"], int) for r in rows if r["value"] is not None)


def test_parties_on_the_same_side(store):
    rows = rows_of(store, "parties-same-side")
    conflicts = {r["conflictLabel"]: r for r in rows}
    assert set(conflicts) == {"Battle of Aleppo (2012–2016)", "Battle of Zabadani (2015)",
                              "Battle of al-Hasakah (2016)", "Daraa Governorate campaign"}
    assert conflicts["Battle of Aleppo (2012–2016)"]["side"] == 1
    assert conflicts["Battle of Aleppo (2012–2016)"]["periodA"] == "from 2013"
    swapped = rows_of(store, "parties-same-side", a="iran", b="HEZBOLLAH")
    assert {r["conflictLabel"] for r in swapped} == set(conflicts)
    # Hezbollah and the Free Syrian Army never shared a side
    assert rows_of(store, "parties-same-side", a="Free Syrian Army") == []


def test_parties_on_opposite_sides(store):
    rows = rows_of(store, "parties-opposite-sides")
    conflicts = {r["conflictLabel"]: r for r in rows}
    assert len(conflicts) == 15
    assert (conflicts["Battle of Aleppo (2012–2016)"]["sideA"], conflicts["Battle of Aleppo (2012–2016)"]["sideB"]) == (2, 1)
    assert "Battle of Zabadani (2015)" in conflicts
    assert rows_of(store, "parties-opposite-sides", a="Hezbollah", b="Iran") == []


def test_party_allies(store):
    rows = rows_of(store, "party-allies")
    hezbollah = next(r for r in rows if r["allyLabel"] == "Hezbollah")
    assert hezbollah["conflicts"] == 4  # as parties-same-side found
    assert "Battle of Aleppo (2012–2016)" in hezbollah["examples"].split(" | ")
    counts = [r["conflicts"] for r in rows]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 4
    assert "Iran" not in {r["allyLabel"] for r in rows}
    # each count is the number of conflicts parties-same-side finds for that pair
    for row in rows[:5]:
        pairs = rows_of(store, "parties-same-side", a="Iran", b=row["ally"])
        assert len({r["conflict"] for r in pairs}) == row["conflicts"], row["allyLabel"]


def test_party_opponents(store):
    rows = rows_of(store, "party-opponents")
    assert (rows[0]["opponentLabel"], rows[0]["conflicts"]) == ("Free Syrian Army", 15)  # as parties-opposite-sides
    assert {"Al-Nusra Front", "Islamic Front (Syria)"} <= {r["opponentLabel"] for r in rows[:5]}
    for row in rows[:5]:
        pairs = rows_of(store, "parties-opposite-sides", a="Hezbollah", b=row["opponent"])
        assert len({r["conflict"] for r in pairs}) == row["conflicts"], row["opponentLabel"]


def test_news_entities_about_a_conflict(store):
    rows = {r["label"]: r for r in rows_of(store, "news-entities-about-conflict")}
    texts = [(SAMPLES / name).read_text(encoding="utf-8") for name, *_ in NEWS_SAMPLES]
    expected: Counter[str] = Counter()
    reports: Counter[str] = Counter()
    for text in texts:
        for iri, spans in news_mentions(text).items():
            expected[iri] += len(spans)
            reports[iri] += 1
    aleppo = rows["Aleppo"]
    assert aleppo["reports"] == 3 and aleppo["mentions"] == expected[T.RESOURCE + "Aleppo"] > 50
    assert rows["Bashar al-Assad"]["reports"] == reports[T.RESOURCE + "Bashar_al-Assad"] == 3
    assert rows["Bashar al-Assad"]["mentions"] == expected[T.RESOURCE + "Bashar_al-Assad"]
    assert rows["Free Syrian Army"]["reports"] == 1
    assert next(iter(rows)) == "Aleppo"  # most named first
    # a conflict no news is about
    assert rows_of(store, "news-entities-about-conflict", conflict="Battle of Hosn") == []


def test_news_naming_a_commander(store):
    rows = rows_of(store, "news-naming-commander")
    assert {r["title"] for r in rows} == {title for _, title, *_ in NEWS_SAMPLES}
    bbc = next(r for r in rows if r["publisher"] == "BBC News")
    bbc_text = (SAMPLES / NEWS_SAMPLES[0][0]).read_text(encoding="utf-8")
    assert bbc["mentions"] == len(news_mentions(bbc_text)[T.RESOURCE + "Bashar_al-Assad"])
    assert bbc["published"] == "2016-12-15" and bbc["about"] == "Battle of Aleppo (2012–2016)"
    assert [r["published"] for r in rows] == sorted((r["published"] for r in rows), reverse=True)
    # Aleppo is named by the news but is no commander
    assert rows_of(store, "news-naming-commander", commander="Aleppo") == []


def test_part_of_tree(store):
    rows = rows_of(store, "part-of-tree")
    up = {r["label"]: r for r in rows if r["direction"] == "part of"}
    down = {r["label"] for r in rows if r["direction"] == "has part"}
    # the article: Battle of Donbas, part of the Eastern Ukraine offensive, part of the invasion
    assert len(up) == 2 and "Eastern Ukraine offensive" in up
    invasion = next(label for label in up if label != "Eastern Ukraine offensive")
    assert "invasion of Ukraine" in invasion
    assert up["Eastern Ukraine offensive"]["parentLabel"] == invasion
    assert {"Battle of Popasna", "Battle of Siversk", "Battle of Lysychansk"} <= down
    assert ("Battle of Popasna", "Battle of Donbas (2022)") in {(r["label"], r["parentLabel"]) for r in rows}


def test_dbpedia_style_query_runs_on_the_compatibility_view(store, queries):
    text = queries["dbpedia-style"].text
    assert "dbo:MilitaryConflict" in text and "dbo:commander" in text and "dbo:isPartOfMilitaryConflict" in text
    assert "ckg:" not in text.split("SELECT", 1)[1]  # DBpedia terms only
    assert has_compatibility_types(store)  # ontology/rules/types-dbo.rq
    rows = {r["battleName"]: r for r in rows_of(store, "dbpedia-style")}
    aleppo = rows["Battle of Aleppo (2012–2016)"]
    assert aleppo["commanders"] == 26 and "Aleppo" in aleppo["places"].split(", ")


def test_wikidata_style_query_runs_on_the_compatibility_view(store, queries):
    text = queries["wikidata-style"].text
    assert all(p in text for p in ("wdt:P710", "wdt:P361", "wdt:P580"))
    assert "ckg:" not in text.split("SELECT", 1)[1]
    rows = [r for r in rows_of(store, "wikidata-style") if r["conflictLabel"] == "Battle of Aleppo (2012–2016)"]
    assert rows and {(r["start"], r["end"], r["partOfLabel"], r["deaths"]) for r in rows} == {
        ("2012-07-19", "2016-12-22", "Syrian Civil War", 31275)}
    starts = [r["start"] for r in rows_of(store, "wikidata-style")]
    assert starts == sorted(starts, key=date_key)


def test_entities_without_type(store):
    rows = rows_of(store, "entities-without-type")
    assert rows and all(r["uses"] >= 1 and r["usedThrough"] for r in rows)
    assert "mentions" not in {u for r in rows for u in r["usedThrough"].split(", ")}
    for row in rows:
        typed = store.query(f"ASK {{ <{row['entity']}> a ?c FILTER (?c != ckg:Entity) }}")
        assert not bool(typed), row["entity"]


def test_quantities_with_warnings(store):
    rows = rows_of(store, "quantities-with-warnings")
    flagged = {(r["source"], r["warningKind"]): r for r in rows}
    undefined = flagged[("c. undefined 8,000 fighters (mid-2016)", "undefined-artifact")]
    assert undefined["value"] == 8000 and undefined["field"] == "strength2"
    assert ("Numerous Mi-8s", "unparsed-number") in flagged
    assert {r["field"][:8] for r in rows} <= {"strength", "casualti"}


def test_warnings_by_kind(store):
    rows = {r["kind"]: r for r in rows_of(store, "warnings-by-kind")}
    for kind in ("image-name", "unparsed-number"):
        count = store.query(f'SELECT (COUNT(DISTINCT ?w) AS ?n) WHERE {{ ?w ckg:warningKind "{kind}" }}')
        assert rows[kind]["warnings"] == int(next(iter(count))["n"].value) > 10


def test_commander_commands(store):
    rows = {r["conflictLabel"]: r for r in rows_of(store, "commander-commands")}
    assert len(rows) == 5
    assert rows["Battle of Aleppo (2012–2016)"]["role"] == "4th Division"
    soleimani = rows_of(store, "commander-commands", commander="qasem soleimani")
    assert [(r["conflictLabel"], r["role"]) for r in soleimani] == [("Battle of Aleppo (2012–2016)", "Major General of IRGC")]


def test_graph_triples(store):
    rows = rows_of(store, "graph-triples")
    assert [r["graph"] for r in rows] == store.graphs()
    for row in rows:
        assert row["triples"] == store.count(row["graph"])
    kinds = Counter(r["kind"] for r in rows)
    assert kinds["news"] == 3 and kinds["wikipedia"] == 157


def test_conflict_search(store):
    rows = rows_of(store, "conflict-search")
    aleppo = next(r for r in rows if r["label"] == "Battle of Aleppo (2012–2016)")
    assert (aleppo["sides"], aleppo["parties"], aleppo["partOf"]) == (3, 25, "Syrian Civil War")
    assert aleppo["sources"].endswith("data/wikipedia/syria/battle_of_aleppo_(2012–2016).md")


# --- parameters ---------------------------------------------------------------------------------
def test_param_header_parsing():
    query = parse_query("# title: T\n# description: D one\n#   D two\n"
                        "# param: who = Iran — a name\n#   more\n# param: n (integer) = 3 -- a count\n"
                        "SELECT ?x WHERE { ?x ?p ?who ; ?q ?n }")
    assert (query.title, query.description) == ("T", "D one D two")
    assert [(p.name, p.default, p.kind, p.meaning) for p in query.params] == [
        ("who", "Iran", "string", "a name more"), ("n", "3", "integer", "a count")]


@pytest.mark.parametrize("header, problem", [
    ("# param: who Iran — no equals sign", "bad param line"),
    ("# param: ghost = 1 — not in the query", "not a variable"),
    ("# param: x (colour) = red — unknown kind", "unknown kind"),
    ("# param: x (integer) = red — bad default", "bad default"),
])
def test_bad_headers_are_refused(header, problem):
    with pytest.raises(QueryError, match=problem):
        parse_query(f"{header}\nSELECT ?x WHERE {{ ?x ?p ?who }}")


@pytest.mark.parametrize("value, kind, expected", [
    ('say "hi"\\', "string", '"say \\"hi\\"\\\\"'),
    ("line\nbreak\ttab", "string", '"line\\nbreak\\ttab"'),
    ("https://e.org/a", "iri", "<https://e.org/a>"),
    ("<urn:x:1>", "iri", "<urn:x:1>"),
    ("-042", "integer", "-42"),
    ("2.50", "decimal", "2.50"),
    ("yes", "boolean", "true"),
    ("2016-02-29", "date", f'"2016-02-29"^^<{T.XSD}date>'),
])
def test_values_become_one_escaped_term(value, kind, expected):
    assert format_term(value, kind) == expected


@pytest.mark.parametrize("value, kind", [
    ("https://e.org/a> } ; DROP ALL ; #", "iri"), ("not an iri", "iri"), ("<rel/ative>", "iri"),
    ("1; DROP ALL", "integer"), ("1e5", "decimal"), ("maybe", "boolean"), ("2016-02-30", "date"),
    ("a\x00b", "string"), ("lone \ud800 surrogate", "string"),
])
def test_bad_values_are_refused(value, kind):
    with pytest.raises(ValueError):
        format_term(value, kind)


def test_injection_attempts_stay_inside_the_literal(store):
    hostile = 'x" ) } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o # '
    sparql = render(get_query("conflict-sides"), {"conflict": hostile})
    assert run_local(store, sparql).rows == []  # parses, finds nothing
    found = re.findall(r'VALUES \?conflict \{ ("(?:[^"\\]|\\.)*") \}', sparql)
    assert found == [format_term(hostile, "name")]  # the whole value is one string literal
    with pytest.raises(ParamError, match="not an absolute IRI"):
        render(parse_query("# param: g = <urn:a> — g\nSELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"), {"g": "urn:a> } }"})


def test_render_binds_parameters_with_values():
    query = parse_query("# param: a = Iran — a\n# param: n = 2 — n\nSELECT ?x WHERE { ?x ?p ?a ; ?q ?n }")
    text = render(query, {"a": ["Iran", "Iraq"]}, prefixes=False)
    assert text.endswith('SELECT ?x WHERE { VALUES ?a { "Iran" "Iraq" } VALUES ?n { 2 } ?x ?p ?a ; ?q ?n }')
    with pytest.raises(ParamError, match="unknown parameter 'b'"):
        render(query, {"b": "1"})
    with pytest.raises(ParamError, match="parameter n: not an integer"):
        render(query, {"n": "two"})


def test_render_uses_the_marker_inside_a_subquery():
    query = parse_query("# param: a = x — a\nSELECT ?s WHERE { { SELECT ?s WHERE {\n # @params\n ?s ?p ?a } } }")
    assert render(query, prefixes=False).endswith('SELECT ?s WHERE { { SELECT ?s WHERE {\n  VALUES ?a { "x" }\n ?s ?p ?a } } }')


def test_render_skips_braces_in_comments_strings_and_expressions():
    text = ('# a { comment\nSELECT ("{" AS ?b) (EXISTS { ?x ?y ?z } AS ?e) WHERE # {\n{ ?s <urn:{> ?a }')
    rendered = render(text, {"a": "v"}, prefixes=False)
    assert rendered.endswith('WHERE # {\n{ VALUES ?a { "v" } ?s <urn:{> ?a }')


def test_ad_hoc_parameters_must_be_variables():
    assert 'VALUES ?who { <urn:x> }' in render("SELECT ?s WHERE { ?s ?p ?who }", {"who": "<urn:x>"})
    with pytest.raises(ParamError, match="unknown parameter 'nobody'"):
        render("SELECT ?s WHERE { ?s ?p ?who }", {"nobody": "1"})


def test_prefixes_are_declared_once_and_line_numbers_kept():
    text = "PREFIX ckg: <urn:mine#>\nSELECT * WHERE {\n ?s a ckg:Side }"
    rendered = render(text)
    assert rendered.count("PREFIX ckg:") == 1 and "<urn:mine#>" in rendered
    assert rendered.count("\n") == text.count("\n")
    assert "PREFIX rdfs:" in rendered
    assert declare_used_prefixes("ASK { ?s schema:about/rdfs:label ?l }").splitlines()[:2] == [
        f"PREFIX schema: <{T.SCHEMA}>", f"PREFIX rdfs: <{T.RDFS}>"]


def test_query_form_ignores_comments_and_strings():
    assert query_form('# SELECT\nASK { ?s ?p "SELECT" }') == "ASK"
    assert query_form("PREFIX a: <urn:a#> INSERT DATA { a:s a:p a:o }") == "UPDATE"


def test_unknown_query_name_suggests_close_names():
    with pytest.raises(UnknownQuery, match="did you mean conflict-sides"):
        get_query("conflict-side")


# --- kg query ------------------------------------------------------------------------------------
def kg(*args: str):
    from kg.cli import main

    return CliRunner().invoke(main, list(args))


def test_cli_list_shows_every_query_with_descriptions_and_params():
    result = kg("query", "--list")
    assert result.exit_code == 0
    for name, query in load_queries().items():
        assert name in result.output and query.title in result.output
    assert "--param conflict=VALUE (required; e.g. Battle of Aleppo (2012–2016))" in result.output
    listed = json.loads(kg("query", "--list", "--format", "json").output)
    assert len(listed) >= 15 and all(q["description"] for q in listed)


def test_cli_runs_a_named_query_with_params_in_every_format(query_store_path):
    store = str(query_store_path)
    table = kg("--store", store, "query", "conflict-commanders", "--param", "conflict=battle of aleppo (2012–2016)")
    assert table.exit_code == 0 and "Qasem Soleimani" in table.output and "(26 rows)" in table.output
    csv_out = kg("--store", store, "query", "parties-same-side", "-p", "a=Hezbollah", "-p", "b=Iran", "--format", "csv")
    assert csv_out.exit_code == 0 and csv_out.output.splitlines()[0].startswith("conflict,conflictLabel,side")
    assert len(csv_out.output.splitlines()) == 5
    tsv = kg("--store", store, "query", "side-figures", "-p", "conflict=Battle of Aleppo (2012–2016)", "--format", "tsv")
    assert "\t20000\t" in tsv.output
    rows = json.loads(kg("--store", store, "query", "commander-commands", "-p", "commander=Maher al-Assad",
                         "--format", "json").output)
    assert len(rows) == 5 and rows[0]["killedInAction"] is False
    md = kg("--store", store, "query", "warnings-by-kind", "--format", "md")
    assert md.output.startswith("| kind | warnings |")


def test_cli_runs_files_and_text(query_store_path, tmp_path):
    store = str(query_store_path)
    path = tmp_path / "mine.rq"
    path.write_text("# title: Mine\n# param: who = Iran — who\nSELECT ?s WHERE { ?p ckg:party ?s . ?s rdfs:label ?l "
                    "FILTER (STR(?l) = ?who) } LIMIT 1\n", encoding="utf-8")
    result = kg("--store", store, "query", str(path), "--format", "csv")
    assert result.exit_code == 0 and result.stdout.splitlines()[1] == T.RESOURCE + "Iran"
    assert "parameter who not given: using its default Iran" in result.stderr
    text = kg("--store", store, "query", "SELECT ?n WHERE { ?s ckg:sideNumber ?n } ORDER BY DESC(?n) LIMIT 1", "--format", "csv")
    assert text.exit_code == 0 and text.output.splitlines()[1] == "3"
    assert kg("--store", store, "query", "ASK { ?s a ckg:Side }").output.strip() == "true"
    construct = kg("--store", store, "query", f"CONSTRUCT {{ <{ALEPPO}> ckg:startDate ?d }} WHERE {{ <{ALEPPO}> ckg:startDate ?d }}")
    graph = list(ox.parse(construct.output.encode(), format=ox.RdfFormat.TURTLE))
    assert construct.exit_code == 0 and [t.object.value for t in graph] == ["2012-07-19"]


def test_cli_exit_codes(query_store_path, tmp_path):
    store = str(query_store_path)
    empty = kg("--store", store, "query", "parties-same-side", "-p", "a=Free Syrian Army", "-p", "b=Hezbollah")
    assert empty.exit_code == 1 and "no results" in empty.output
    assert kg("--store", store, "query", "ASK { ?s a ckg:Nothing }").exit_code == 1
    unknown = kg("--store", store, "query", "conflict-side")
    assert unknown.exit_code == 2 and "unknown query name 'conflict-side'" in unknown.output
    bad_param = kg("--store", store, "query", "unit-tree", "-p", "side=two")
    assert bad_param.exit_code == 2 and "query unit-tree" in bad_param.output and "not an integer" in bad_param.output
    extra = kg("--store", store, "query", "unit-tree", "-p", "colour=red")
    assert extra.exit_code == 2 and "unknown parameter 'colour'" in extra.output
    assert kg("--store", store, "query", "unit-tree", "-p", "side").exit_code == 2
    syntax = kg("--store", store, "query", "SELECT ?s WHERE { ?s ?p }")
    assert syntax.exit_code == 2 and "syntax error in the SPARQL given: error at 1:" in syntax.output
    broken = tmp_path / "broken.rq"
    broken.write_text("# title: Broken\nSELECT ?s WHERE {\n  ?s ?p ?o ) .\n}\n", encoding="utf-8")
    named = kg("--store", store, "query", str(broken))
    assert named.exit_code == 2 and "syntax error in query broken" in named.output
    with pytest.raises(SyntaxError) as raw:  # where pyoxigraph places the error in the file as written
        ox.Store().query(broken.read_text(encoding="utf-8"), prefixes=T.PREFIXES)
    position = re.search(r"error at \d+:\d+", str(raw.value)).group()
    assert position in named.output  # the same: render() adds nothing before the file's lines
    assert kg("--store", store, "query", str(tmp_path / "missing.rq")).exit_code == 2
    assert kg("--store", str(tmp_path / "nowhere"), "query", "conflict-sides").exit_code == 2
    update = kg("--store", store, "query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert update.exit_code == 2


def test_cli_show_prints_the_rendered_sparql():
    result = kg("query", "parties-same-side", "--param", "a=It's \"Quoted\"", "-p", "b=Iran", "--show")
    assert result.exit_code == 0
    # kind name: a name is bound as its search key, lower-cased (ontology/rules/name-keys.rq)
    assert 'VALUES ?a { "it\'s \\"quoted\\"" }' in result.output and 'VALUES ?b { "iran" }' in result.output


def test_cli_timeout_stops_an_embedded_runaway_query(query_store_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "kg", "--store", str(query_store_path), "query",
                             "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--timeout", "1"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "timed out after 1 s" in result.stderr


@pytest.mark.timing
def test_cli_timeout_stops_an_embedded_runaway_query_promptly(query_store_path):
    import subprocess
    import sys
    import time

    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "kg", "--store", str(query_store_path), "query",
                    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--timeout", "1"],
                   capture_output=True, text=True, timeout=120)
    assert time.monotonic() - started < 30


# --- issue 12: parameters, prefixes, positions --------------------------------------------------
def test_a_missing_required_parameter_is_an_error_naming_it(query_store_path):
    result = kg("--store", str(query_store_path), "query", "parties-same-side", "-p", "a=Hezbollah")
    assert result.exit_code == 2
    assert "parameter b of query parties-same-side is required" in result.output
    assert "--param b=VALUE" in result.output and "(no results" not in result.output
    # the library refuses it too; only render(query) with no parameters at all shows the example
    with pytest.raises(ParamError, match=r"parameter b .* is required"):
        render(get_query("parties-same-side"), {"a": "Hezbollah"})
    assert 'VALUES ?b { "iran" }' in render(get_query("parties-same-side"))


def test_a_legitimate_default_is_announced_on_stderr(query_store_path):
    from kg.cli import main

    result = CliRunner().invoke(main, ["--store", str(query_store_path), "query", "unit-tree",
                                                       "-p", "conflict=Battle of Aleppo (2012–2016)"])
    assert result.exit_code == 0
    assert "parameter side not given: using its default 1" in result.stderr
    given = CliRunner().invoke(main, ["--store", str(query_store_path), "query", "unit-tree",
                                                      "-p", "conflict=Battle of Aleppo (2012–2016)", "-p", "side=1"])
    assert given.exit_code == 0 and "default" not in given.stderr and given.stdout == result.stdout


def test_header_marks_required_parameters():
    query = parse_query("# param: who (name, required) = Iran — a party\n# param: n = 3 — a count\n"
                        "SELECT ?x WHERE { ?x ?p ?who ; ?q ?n }")
    who, n = query.params
    assert (who.required, who.default, who.example, who.kind) == (True, None, "Iran", "name")
    assert (n.required, n.default, n.kind) == (False, "3", "integer")
    listed = kg("query", "--list")
    assert "--param party=VALUE (required; e.g. Iran)" in listed.output
    assert "--param side=1 (default)" in listed.output


def test_an_unknown_prefix_gets_a_clear_message(query_store_path):
    result = kg("--store", str(query_store_path), "query", "SELECT * WHERE { ?s foo:bar ?o }")
    assert result.exit_code == 2
    assert "unknown prefix 'foo:'" in result.output and "known prefixes: ckg:, res:" in result.output
    assert "declare it with PREFIX foo:" in result.output
    assert "\\u{" not in result.output and "expected one of" not in result.output  # not the parser's grammar
    # declared, or one of the project's, it is fine
    declared = kg("--store", str(query_store_path), "query", "PREFIX foo: <urn:x:> ASK { ?s foo:bar ?o }")
    assert declared.exit_code == 1 and "unknown prefix" not in declared.output


@pytest.mark.parametrize("text, params", [
    ("SELECT ?x WHERE { ?x ?p ?who ) }", ["-p", "who=Iran"]),     # one line, a parameter bound on it
    ("SELECT ?x\nWHERE { ?x ?p ?who ) }", ["-p", "who=Iran"]),   # line 2, after the VALUES block
    ("SELECT * WHERE { ?s ckg:side ?o ) }", []),
])
def test_syntax_errors_are_placed_in_the_users_text(query_store_path, text, params):
    with pytest.raises(SyntaxError) as raw:  # pyoxigraph on the text as written, prefixes given aside
        ox.Store().query(text, prefixes=T.PREFIXES)
    position = re.search(r"error at \d+:\d+", str(raw.value)).group()
    result = kg("--store", str(query_store_path), "query", text, *params)
    assert result.exit_code == 2 and position in result.output, (position, result.output)


# --- issue 12: answers ---------------------------------------------------------------------------
def test_name_parameters_match_any_case_an_alias_or_the_iri(store):
    rows = rows_of(store, "party-allies", party="Iran")
    assert rows_of(store, "party-allies", party="IRAN") == rows
    assert rows_of(store, "party-allies", party=T.RESOURCE + "Iran") == rows
    assert rows_of(store, "party-allies", party=f"<{T.RESOURCE}Iran>") == rows
    assert rows_of(store, "party-allies", party="no such party") == []


def test_party_allies_counts_conflicts_from_the_sides(store):
    """Checked against the graph's sides directly (no duplicates from several documents)."""
    rows = {r["allyLabel"]: r["conflicts"] for r in rows_of(store, "party-allies", party="Iran")}
    expected = store.query(f"""SELECT ?ally (COUNT(DISTINCT ?c) AS ?n) WHERE {{
        ?c ckg:side ?s1 , ?s2 . ?s1 ckg:sideNumber ?k ; ckg:participation/ckg:party <{T.RESOURCE}Iran> .
        ?s2 ckg:sideNumber ?k ; ckg:participation/ckg:party ?ally . FILTER (?ally != <{T.RESOURCE}Iran>) }}
        GROUP BY ?ally""")
    counts = {s["ally"].value: int(s["n"].value) for s in expected}
    assert rows["Hezbollah"] == counts[T.RESOURCE + "Hezbollah"] >= 1
    assert sorted(rows.values(), reverse=True) == list(rows.values())


def test_conflict_search_finds_conflicts_without_a_document(store):
    # data/wikipedia/syria/*.md: "part of the Syrian Civil War"; no article of its own
    rows = {r["label"]: r for r in rows_of(store, "conflict-search", text="syrian civil war")}
    war = rows["Syrian Civil War"]
    assert war["sources"] is None
    # every conflict known only as a wider war can be found by its label
    only_part_of = store.query("""SELECT DISTINCT ?x (SAMPLE(STR(?l)) AS ?label) WHERE {
        ?c ckg:partOf ?x . ?x rdfs:label ?l . FILTER NOT EXISTS { ?d ckg:describes ?x } } GROUP BY ?x LIMIT 20""")
    for solution in only_part_of:
        found = {r["conflict"] for r in rows_of(store, "conflict-search", text=solution["label"].value)}
        assert solution["x"].value in found, solution["label"].value


def test_dates_sort_by_year_with_bc_first(tmp_path):
    """data/wikitext/Battle_of_Marathon…: 490 BC, read as the year -0490; as text, "-0480"
    would sort before "-0490" (and a year AD before both if it had fewer digits)."""
    from kg.rdf.rules import derive
    from kg.store import open_store

    path = tmp_path / "store"
    built = kg("--store", str(path), "build", str(ROOT / "data" / "wikitext"))
    assert built.exit_code == 0, built.output
    marathon = (ROOT / "data" / "wikitext" / "Battle_of_Marathon__infobox_only_wikiline_spec.wiki").read_text(encoding="utf-8")
    assert "490 BC" in marathon
    store = open_store(path)
    try:
        # a second battle BC (Salamis, 480 BC), as the mapper would state it
        salamis = T.RESOURCE + "Battle_of_Salamis"
        store.update(f"""INSERT DATA {{ GRAPH <https://e.org/salamis> {{
            <{salamis}> a ckg:MilitaryConflict ; rdfs:label "Battle of Salamis"@en ;
                        ckg:startDate "-0480"^^xsd:gYear . }} }}""")
        store.add_quads(q for q in derive(store.raw) if q.subject.value == salamis)
        rows = rows_of(store, "conflict-search", text="battle of")
    finally:
        store.close()
    starts = [r["start"] for r in rows if r["start"] is not None]
    assert [r["label"] for r in rows[:2]] == ["Battle of Marathon", "Battle of Salamis"]
    assert starts[:2] == ["-0490", "-0480"]
    assert starts == sorted(starts, key=date_key) and len(starts) >= 4
    assert all(r["start"] is None for r in rows[len(starts):])  # undated last


def test_deaths_p1120_only_totals(store):
    """The conflict-wide casualty lines of the articles (casualties4 / "Casualties and losses"):
    a total ("31,275 overall deaths", "120 killed", "39 killed overall …, 150 claimed killed overall")
    gives P1120; civilians, one group, a crew, figures per period do not."""
    def deaths(page: str) -> set[int]:
        solutions = store.query(f"SELECT ?d WHERE {{ <{T.RESOURCE}{page}> wdt:P1120 ?d }}")
        return {int(s["d"].value) for s in solutions}

    texts = {page: (ROOT / "data" / "wikipedia" / folder / f"{name}.md").read_text(encoding="utf-8")
             for page, folder, name in [("2020_Nagorno-Karabakh_war", "caucasus", "2020_nagorno-karabakh_war"),
                                        ("Nagorno-Karabakh_conflict", "caucasus", "nagorno-karabakh_conflict")]}
    assert "1 Russian civilian killed" in texts["2020_Nagorno-Karabakh_war"]
    assert "2 crew members killed" in texts["2020_Nagorno-Karabakh_war"]
    assert "7,717 killed (2020)" in texts["Nagorno-Karabakh_conflict"]
    assert deaths("2020_Nagorno-Karabakh_war") == set()   # civilians and a crew only
    assert deaths("Nagorno-Karabakh_conflict") == set()   # killed per period, no total
    assert deaths("Battle_of_Aleppo_(2012–2016)") == {31275}  # "31,275 overall deaths"
    assert deaths("Battle_of_Markada") == {120}            # "120 killed"
    assert deaths("Battle_of_Tremseh") == {39, 150}        # two claims of the total
    assert deaths("Battle_of_Idlib_(2015)") == set()       # "11 civilians killed, 15 prisoners executed …"
    rows = [r for r in rows_of(store, "wikidata-style", participant="Armenia")
            if r["conflictLabel"] == "Nagorno-Karabakh conflict"]
    assert len(rows) <= 1 and all(r["deaths"] is None for r in rows)


def test_mention_counts_follow_one_rule(store):
    """news-naming-commander and news-entities-about-conflict count the same way."""
    by_entity = {r["entity"]: r["mentions"] for r in rows_of(store, "news-entities-about-conflict")}
    per_report = rows_of(store, "news-naming-commander", commander="Bashar al-Assad")
    assert by_entity[T.RESOURCE + "Bashar_al-Assad"] == sum(r["mentions"] for r in per_report)
    expected = sum(len(news_mentions((SAMPLES / name).read_text(encoding="utf-8")).get(T.RESOURCE + "Bashar_al-Assad", []))
                   for name, *_ in NEWS_SAMPLES)
    assert sum(r["mentions"] for r in per_report) == expected


def test_quantities_with_warnings_match_the_exact_line():
    from kg.store import open_store

    store = open_store(in_memory=True)
    g = "https://e.org/doc"
    store.update(f"""INSERT DATA {{ GRAPH <{g}> {{
        <{g}> ckg:warning <{g}#w> .
        <{g}#w> ckg:sourceField "casualties4" ; ckg:sourceText "5" ; ckg:warningKind "unparsed-number" .
        <{g}#q> a ckg:QuantityEstimate ; ckg:sourceField "casualties4" ; ckg:sourceText "15 killed" ; ckg:value 15 .
        <{g}#q2> a ckg:QuantityEstimate ; ckg:sourceField "casualties4" ; ckg:sourceText "5" .
    }} }}""")
    rows = rows_of(store, "quantities-with-warnings")
    assert [r["source"] for r in rows] == ["5"]  # not "15 killed", which merely contains "5"
