"""The library API notebooks use: the functions stay functions after their modules load."""

from __future__ import annotations


def test_api_functions_survive_submodule_imports(tmp_path):
    import kg.builder  # importing a submodule must not shadow kg.build()
    import kg.exporter

    store = kg.open_store(in_memory=True)
    for _ in range(2):
        report = kg.build(store, ["data/wikipedia/syria/battle_of_hosn.md"], progress=False)
        assert report.failed == []
    assert kg.card(store, "Battle of Hosn")["kind"] == "conflict"
    assert kg.query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"] > 100
    for _ in range(2):
        assert kg.export(store, "nq", tmp_path / "out.nq") > 100
    doc, record = kg.parse_file("data/wikipedia/syria/battle_of_hosn.md")
    assert record.sides and doc.title == "Battle of Hosn"
