"""The library API notebooks use: the functions stay functions after their modules load."""

from __future__ import annotations

HOSN = "data/wikipedia/syria/battle_of_hosn.md"
DERIVED_GRAPH = "https://w3id.org/conflict-kg/graph/derived"


def test_api_functions_survive_submodule_imports(tmp_path):
    import kg.builder  # importing a submodule must not shadow kg.build()
    import kg.exporter

    store = kg.open_store(in_memory=True)
    first = kg.build(store, [HOSN], progress=False)
    assert first.failed == [] and first.count("stored") == 1
    quads = sum(1 for _ in store.quads())  # counted one by one, not by the engine's COUNT
    assert first.derived_triples == sum(1 for _ in store.quads(DERIVED_GRAPH)) > 0
    again = kg.build(store, [HOSN], progress=False)
    assert again.failed == [] and again.count("unchanged") == 1
    assert sum(1 for _ in store.quads()) == quads  # a rebuild of the same file changes nothing
    assert kg.card(store, "Battle of Hosn")["kind"] == "conflict"
    # the union default graph is not deduplicated: COUNT(*) counts every quad once
    assert kg.query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"] == quads
    for _ in range(2):
        out = tmp_path / "out.nq"
        assert kg.export(store, "nq", out) == quads
        assert len(out.read_bytes().splitlines()) == quads  # one N-Quads line per quad
    doc, record = kg.parse_file(HOSN)
    assert record.sides and doc.title == "Battle of Hosn"
