"""The query view (kg.view): which document it follows, the sources of its figures, its
incremental maintenance, and that the named queries reading it answer as the union did.

Real stores built from data/ with the real builder; the expected documents and figures are
read from the source files named here (data/wikitext: two revisions of one war).
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from helpers import DATA

from kg.builder import build, remove
from kg.cards import card
from kg.history import latest_revision
from kg.identity import document_iri
from kg.queries import load_queries, render, run_local
from kg.rdf import terms as T
from kg.rdf.rules import derive
from kg.sparql import select
from kg.store import KGStore, open_store
from kg.view import VIEW_GRAPH, followed, refresh_view

ROOT = Path(__file__).resolve().parents[1]
UNION_QUERIES = ROOT / "tests" / "fixtures" / "union-queries"
WAR = T.RESOURCE + "American_Revolutionary_War"
#: The 2016 revision (gensim test data) and the infobox of a 2019-2020 revision.
DATED_OLD_REVISION = DATA / "wikitext" / "American_Revolutionary_War__gensim_testdata_rev717770601.wiki"
DATED_NEW_REVISION = DATA / "wikitext" / "American_Revolutionary_War__infobox_only_wikiline_spec.wiki"
# Most tests here state revision times themselves, so they read undated copies (same folder
# name, so the same document IRIs): data/wikitext/wikitext_sources.tsv dates the originals.
OLD_REVISION, NEW_REVISION = DATED_OLD_REVISION, DATED_NEW_REVISION
HOSN = DATA / "wikipedia" / "syria" / "battle_of_hosn.md"
PROV_DERIVED = T.PROV + "wasDerivedFrom"


def _build_at(store: KGStore, paths: list[Path], epoch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Build ``paths`` with the ingestion time ``epoch`` (seconds), as a later build would."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    report = build(store, paths, progress=False)
    assert report.failed == [], report.summary()


def _figures(store: KGStore) -> dict[str, set[str]]:
    """Source text of every strength figure of the war in the view -> its documents."""
    rows = select(store, f"""SELECT ?text ?d WHERE {{ GRAPH <{VIEW_GRAPH.value}> {{
        <{WAR}> ckg:side ?s . ?s ckg:strength ?q . ?q ckg:sourceText ?text OPTIONAL {{ ?q prov:wasDerivedFrom ?d }} }} }}""")
    out: dict[str, set[str]] = {}
    for row in rows:
        out.setdefault(row["text"], set()).update([row["d"]] if row["d"] else [])
    return out


@pytest.fixture(autouse=True, scope="module")
def _undated_revisions(tmp_path_factory: pytest.TempPathFactory) -> None:
    global OLD_REVISION, NEW_REVISION
    folder = tmp_path_factory.mktemp("undated") / "wikitext"
    folder.mkdir()
    OLD_REVISION, NEW_REVISION = _copy(DATED_OLD_REVISION, folder), _copy(DATED_NEW_REVISION, folder)


def test_on_data_the_view_follows_the_latest_dated_revision(data_store):
    """data/wikitext dates its three revisions of the war (2016-04-29, 2019-06, 2019-09) in
    wikitext_sources.tsv: the view follows the newest, as kg.history says."""
    latest = document_iri(str(DATED_NEW_REVISION))
    assert followed(data_store)[WAR] == latest == latest_revision(data_store, WAR)


def _copy(source: Path, folder: Path) -> Path:
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


# --- which document the view follows ---------------------------------------------------

def _state_revision(store: KGStore, path: Path, when: str) -> str:
    """Say in a document's graph when its revision was made (``schema:dateModified``, as a
    dump's revision timestamp would), and refresh the view of what it describes."""
    doc = document_iri(str(path))
    store.update(f"""INSERT DATA {{ GRAPH <{doc}> {{ <{doc}> schema:dateModified "{when}"^^xsd:dateTime }} }}""")
    refresh_view(store, documents=[doc])
    return doc


def test_the_view_follows_the_latest_revision_and_lists_every_source_of_a_figure(tmp_path):
    store = open_store(tmp_path / "store")
    copy = _copy(NEW_REVISION, tmp_path)  # a copy of the new revision, as data/samples holds one
    report = build(store, [OLD_REVISION, NEW_REVISION, copy], progress=False)
    assert report.failed == [], report.summary()
    old, new, same = document_iri(str(OLD_REVISION)), document_iri(str(NEW_REVISION)), document_iri(str(copy))
    assert {r["d"] for r in select(store, f"SELECT ?d WHERE {{ GRAPH <{VIEW_GRAPH.value}> {{ <{WAR}> ckg:viewSource ?d }} }}")} \
        == {old, new, same}

    # revision times as data/wikitext/wikitext_sources.tsv gives them: 2016-04-29T16:31:10Z
    # for the gensim revision; the wikiline infobox is from ~2019-2020 (its templates)
    _state_revision(store, OLD_REVISION, "2016-04-29T16:31:10Z")
    assert followed(store)[WAR] == old  # the only one stating a revision time
    _state_revision(store, NEW_REVISION, "2019-06-01T00:00:00Z")
    assert followed(store)[WAR] == new  # the latest revision
    figures = _figures(store)
    # strength lines of the new revision's infobox (strength2 "171,000 sailors", strength1
    # "5,000 sailors (peak 1779)"), each given by it and by its copy, by no other document
    assert figures["171,000 sailors"] == {new, same}
    assert figures["5,000 sailors (peak 1779)"] == {new, same}
    assert all(sources == {new, same} for sources in figures.values()), figures
    # the 2016 revision words them otherwise ("171,000 Sailors", "Native Allies: 13,000"): not in the view
    assert "171,000 Sailors" not in figures and "Native Allies: 13,000" not in figures
    # the card shows the followed document and lists all three as sources
    war = card(store, WAR)
    assert war["primary_source"] == new
    assert {s["iri"] for s in war["sources"]} == {old, new, same}


def test_without_revision_times_the_view_follows_the_richest_description(tmp_path):
    store = open_store(tmp_path / "store")
    report = build(store, [OLD_REVISION, NEW_REVISION], progress=False)
    assert report.failed == [], report.summary()
    facts = {r["d"]: r["n"] for r in select(store, f"""SELECT ?d (COUNT(*) AS ?n) WHERE {{
        GRAPH ?d {{ ?d ckg:describes <{WAR}> . <{WAR}> ckg:side ?s . ?s ?p ?o }} }} GROUP BY ?d""")}
    assert len(facts) == 2 and len(set(facts.values())) == 2  # the test needs a richer one
    assert followed(store)[WAR] == max(facts, key=lambda d: facts[d])


def test_the_order_of_builds_does_not_change_the_view(tmp_path, monkeypatch):
    """Issue 12: any order of builds gives the same graph; the view reads no build time."""
    views = []
    for n, order in enumerate((([OLD_REVISION], [NEW_REVISION]), ([NEW_REVISION], [OLD_REVISION]))):
        store = open_store(tmp_path / f"store{n}")
        for step, paths in enumerate(order):
            monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1_000_000_000 + 1000 * step))
            assert build(store, paths, progress=False).failed == []
        views.append(set(store.quads(VIEW_GRAPH.value)))
        store.close()
    assert views[0] == views[1] and views[0]


# --- incremental maintenance ------------------------------------------------------------

def _assert_view_is_fresh(store: KGStore) -> None:
    """The view the build maintained equals a view computed from scratch (diff on failure)."""
    maintained = set(store.quads(VIEW_GRAPH.value))
    refresh_view(store)
    scratch = set(store.quads(VIEW_GRAPH.value))
    missing = sorted(str(q) for q in scratch - maintained)
    extra = sorted(str(q) for q in maintained - scratch)
    assert not missing and not extra, (f"{len(missing)} quads missing from the maintained view, {len(extra)} extra:\n"
                                       + "\n".join(["- " + q for q in missing[:20]] + ["+ " + q for q in extra[:20]]))


def test_adding_changing_and_removing_documents_keeps_the_view_as_from_scratch(tmp_path, monkeypatch):
    store = open_store(tmp_path / "store")
    _build_at(store, [HOSN, OLD_REVISION], 1_000_000_000, monkeypatch)
    _assert_view_is_fresh(store)
    assert set(followed(store)) == {WAR, T.RESOURCE + "Battle_of_Hosn"}

    copy = _copy(NEW_REVISION, tmp_path)
    _build_at(store, [copy], 1_100_000_000, monkeypatch)  # add: a newer revision
    assert followed(store)[WAR] == document_iri(str(copy))
    _assert_view_is_fresh(store)

    text = copy.read_text(encoding="utf-8")
    assert "171,000 sailors" in text
    copy.write_text(text.replace("171,000 sailors", "172,000 sailors"), encoding="utf-8")
    _build_at(store, [copy], 1_200_000_000, monkeypatch)  # change it
    assert "172,000 sailors" in _figures(store)
    _assert_view_is_fresh(store)

    remove(store, [copy])  # remove it: the view falls back on the old revision
    assert followed(store)[WAR] == document_iri(str(OLD_REVISION))
    assert "172,000 sailors" not in _figures(store)
    _assert_view_is_fresh(store)


def test_a_refresh_of_named_conflicts_only_touches_them(tmp_path, monkeypatch):
    store = open_store(tmp_path / "store")
    _build_at(store, [HOSN, OLD_REVISION], 1_000_000_000, monkeypatch)
    hosn = T.RESOURCE + "Battle_of_Hosn"
    store.update(f"DELETE WHERE {{ GRAPH <{VIEW_GRAPH.value}> {{ <{hosn}> ckg:viewFollows ?d }} }}")
    assert refresh_view(store, [WAR]) == 1  # Hosn's sources did not change: not stale
    assert hosn not in followed(store)
    assert refresh_view(store, [hosn]) == 1
    assert hosn in followed(store)


def test_the_view_does_not_change_the_derived_graph(corpus_store):
    """The rules read the union of all graphs, the view included: it restates facts of the
    document graphs, so they construct the same triples with or without it."""
    without = open_store(in_memory=True)
    without.add_quads(q for q in corpus_store.quads() if q.graph_name != VIEW_GRAPH)
    assert set(derive(corpus_store.raw)) == set(derive(without.raw))


# --- named queries: the same answers as the union where the view changes nothing ---------

#: Further parameters beside each query's example (names on both sides of the corpus).
MORE_PARAMS: dict[str, list[dict[str, str]]] = {
    "party-allies": [{"party": "Hezbollah"}, {"party": "Russia"}, {"party": "free syrian army"},
                     {"party": "Hezbollah", "at": "2014"}, {"party": "free syrian army", "from": "2017", "to": "2018"}],
    "party-opponents": [{"party": "Iran"}, {"party": "Ukraine"}, {"party": "Hezbollah", "at": "2019"}],
    "parties-same-side": [{"a": "Russia", "b": "Syria"}, {"a": "Free Syrian Army", "b": "Tahrir al-Sham", "at": "2018"}],
    "parties-opposite-sides": [{"a": "Russia", "b": "Ukraine"},
                               {"a": "Islamic State of Iraq and the Levant", "b": "Free Syrian Army", "from": "2015"}],
    "conflict-sides": [{"conflict": "Battle of Bakhmut"}, {"conflict": "2020 Nagorno-Karabakh war"}],
    "conflict-commanders": [{"conflict": "Battle of Bakhmut"}, {"conflict": "Battle of Harem"}],
    "commander-commands": [{"commander": "Qasem Soleimani"}],
    "side-figures": [{"conflict": "2020 Nagorno-Karabakh war"}],
    "conflict-claims": [{"conflict": "Battle of Hosn"}],
    "conflict-search": [{"text": "battle of"}],
    "unit-tree": [{"conflict": "Battle of Anadan"}, {"conflict": "Battle of Aleppo (2012–2016)", "side": "2"}],
}


def _answer(store: KGStore, sparql: str) -> Counter[tuple[tuple[str, str], ...]]:
    """The rows of a result, order ignored; a GROUP_CONCAT (" | " or ", ") compared as its
    values in any order (the engine concatenates them in no set order), a SAMPLE left out
    (any value of the group)."""
    sampled = set(re.findall(r"SAMPLE\(\?\w+\) AS \?(\w+)", sparql))

    def cell(value: object) -> str:
        return repr(sorted(re.split(r" \| |, ", value))) if isinstance(value, str) else repr(value)
    return Counter(tuple(sorted((k, cell(v)) for k, v in row.items() if k not in sampled))
                   for row in run_local(store, sparql).rows)


def test_named_queries_answer_as_the_union_did_where_each_conflict_has_one_document(corpus_store):
    """data/wikipedia: one document per conflict, so the view changes nothing. The queries
    as they read the union before the view (tests/fixtures/union-queries), on the store
    without its view, give the rows the current queries give on the view."""
    old_store = open_store(in_memory=True)
    old_store.add_quads(q for q in corpus_store.quads() if q.graph_name != VIEW_GRAPH)
    old_queries, new_queries = load_queries(UNION_QUERIES), load_queries()
    assert set(old_queries) == set(new_queries)
    compared = 0
    for name, query in new_queries.items():
        for params in [None, *MORE_PARAMS.get(name, [])]:
            new = _answer(corpus_store, render(query, params, examples=True))
            old = _answer(old_store, render(old_queries[name], params, examples=True))
            if name == "graph-triples":  # it lists the graphs: the view is one more
                new = Counter({row: n for row, n in new.items() if VIEW_GRAPH.value not in repr(row)})
            assert new == old, f"{name} {params}: {sorted(new - old)[:5]} new, {sorted(old - new)[:5]} gone"
            compared += 1
    assert compared >= 30


def test_a_conflict_described_by_several_documents_is_read_from_the_one_it_follows(data_store):
    """data/: three revisions of one war. Its sides, as the named query gives them, are
    those of the document the view follows, not the union of the three."""
    war_sides = run_local(data_store, render(load_queries()["conflict-sides"], {"conflict": "American Revolutionary War"}))
    follows = followed(data_store)[WAR]
    parties = {}
    for doc in (OLD_REVISION, NEW_REVISION, DATA / "wikitext" / "American_Revolutionary_War.wiki"):
        iri = document_iri(str(doc))
        parties[iri] = {r["party"] for r in select(data_store, f"""SELECT DISTINCT ?party WHERE {{ GRAPH <{iri}> {{
            <{WAR}> ckg:side ?s . ?s ckg:participation ?p . ?p ckg:party ?party }} }}""")}
    assert follows in parties
    assert {row["party"] for row in war_sides.rows} == parties[follows]
    assert set.union(*parties.values()) != parties[follows]  # the union would say more


def test_the_derived_graph_never_reads_a_stale_view(tmp_path):
    """A later build merges ``United_states`` (the Aleppo article links the page "united
    states") into ``United_States`` (the 2016 revision of the war links [[United States]]).
    The rules read the union of all graphs, the view included: refreshed after them, the view
    still named ``United_states`` and the derived graph kept alliances with it."""
    store = open_store(tmp_path / "store")
    assert build(store, [DATA / "wikipedia" / "syria" / "battle_of_aleppo_(2012–2016).md"], progress=False).failed == []
    assert build(store, [OLD_REVISION], progress=False).failed == []
    assert T.RESOURCE + "United_states" not in {r["x"] for r in select(store, f"""SELECT DISTINCT ?x WHERE {{
        GRAPH <{VIEW_GRAPH.value}> {{ ?p ckg:party ?x }} }}""")}
    stale = select(store, f"""SELECT ?a WHERE {{ GRAPH <{T.DERIVED_GRAPH.value}> {{ ?a ckg:alliedWith <{T.RESOURCE}United_states> }} }}""")
    assert stale == []
    assert set(store.quads(T.DERIVED_GRAPH.value)) == set(derive(store.raw))
