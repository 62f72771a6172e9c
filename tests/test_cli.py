"""Every ``kg`` verb driven end to end, as a user would, on a real on-disk store."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest

from conftest import CORPUS, SAMPLE_AS_RECEIVED

SYRIA = CORPUS / "syria"
SMALL = [SYRIA / "battle_of_hosn.md", SYRIA / "battle_of_harem.md", SAMPLE_AS_RECEIVED]


def kg(*args: str, store: Path | None = None, check: int | None = 0) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "kg"] + (["--store", str(store)] if store else []) + list(args)
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=300)
    if check is not None:
        assert result.returncode == check, f"exit {result.returncode}\nstdout:{result.stdout}\nstderr:{result.stderr}"
    return result


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    docs = folder / "docs"
    docs.mkdir()
    for path in SMALL:
        shutil.copy(path, docs / path.name)
    location = folder / "store"
    kg("build", str(docs), "--no-progress", store=location)
    return location


def test_help_and_version():
    assert "Exit codes" in kg("-h").stdout
    assert kg("--version").stdout.strip().startswith("kg, version ")
    for verb in ("build", "parse", "show", "export", "validate", "stats", "query"):
        assert "Usage:" in kg(verb, "--help").stdout


def test_bad_usage_exits_2(tmp_path):
    assert kg("no-such-verb", check=2).returncode == 2
    assert "no such file" in kg("build", str(tmp_path / "missing"), store=tmp_path / "s", check=2).stderr
    assert "no store here" in kg("show", "X", store=tmp_path / "never-built", check=2).stderr


def test_build_reports_failures_and_keeps_the_good(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SMALL[0], docs / SMALL[0].name)
    (docs / "broken.md").write_text("no front matter here\n", encoding="utf-8")
    result = kg("build", str(docs), "--no-progress", "--json", store=tmp_path / "store", check=1)
    report = json.loads(result.stdout)
    assert report["stored"] == 1
    [failure] = report["failed"]
    assert failure["path"].endswith("broken.md") and "front matter" in failure["reason"]
    assert failure["status"] == "quarantined" and failure["code"] == "no-front-matter"
    assert "QUARANTINED [no-front-matter]" in result.stderr and "broken.md" in result.stderr
    assert kg("show", "Battle of Hosn", "--json", store=tmp_path / "store").returncode == 0


def test_rebuild_skips_unchanged(store):
    again = store.parent / "docs" / SMALL[0].name
    result = kg("build", str(again), "--no-progress", "--json", store=store)
    assert json.loads(result.stdout)["unchanged"] == 1
    forced = kg("build", str(again), "--no-progress", "--json", "--force", store=store)
    assert json.loads(forced.stdout)["stored"] == 1


def test_parse_prints_records():
    text = kg("parse", str(SAMPLE_AS_RECEIVED)).stdout
    assert "Abbas Samii" in text and "KIA" in text
    payload = json.loads(kg("parse", str(SAMPLE_AS_RECEIVED), "--json").stdout)
    assert payload["title"] == "Battle of Aleppo (2012–2016)"
    assert len(payload["record"]["sides"]) == 3
    assert any(w["kind"] == "encoding-repaired" for w in payload["warnings"])


def test_show_conflict_entity_document(store):
    conflict = json.loads(kg("show", "battle of aleppo (2012–2016)", "--json", store=store).stdout)
    assert conflict["kind"] == "conflict" and len(conflict["sides"]) == 3
    text = kg("show", "Battle of Aleppo (2012–2016)", store=store).stdout
    assert "side 2:" in text and "Abbas Samii" in text
    entity = json.loads(kg("show", "Hezbollah", "--json", store=store).stdout)
    assert entity["kind"] == "entity"
    assert "http://dbpedia.org/resource/Hezbollah" in entity["same_as"]
    document = json.loads(kg("show", str(SAMPLE_AS_RECEIVED), "--json", store=store).stdout)
    assert document["kind"] == "wikipedia" and document["encoding_repair"] == "encode macroman, decode utf-8"
    assert "nothing in the graph" in kg("show", "Battle of Nowhere", store=store, check=1).stderr


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld"])
def test_export_formats_parse_back(store, tmp_path, fmt):
    out = tmp_path / f"graph.{fmt}"
    written = kg("export", "-o", str(out), store=store).stderr
    # what the file must hold, read from the store by pyoxigraph itself (not by kg export):
    # every graph but the build log (ingestion times; exported with --with-build-log only)
    raw = pyoxigraph.Store.read_only(str(store))
    builds = pyoxigraph.NamedNode("https://w3id.org/conflict-kg/graph/builds")
    quads = {q for q in raw.quads_for_pattern(None, None, None, None) if q.graph_name != builds}
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    del raw
    formats = {"ttl": pyoxigraph.RdfFormat.TURTLE, "nt": pyoxigraph.RdfFormat.N_TRIPLES,
               "nq": pyoxigraph.RdfFormat.N_QUADS, "trig": pyoxigraph.RdfFormat.TRIG,
               "jsonld": pyoxigraph.RdfFormat.JSON_LD}
    if fmt == "jsonld":
        assert "@context" in json.loads(out.read_text(encoding="utf-8"))
    parsed = list(pyoxigraph.parse(path=str(out), format=formats[fmt]))
    if fmt in ("ttl", "nt"):  # the union of the graphs, deduplicated
        assert {(t.subject, t.predicate, t.object) for t in parsed} == triples and len(parsed) == len(triples)
    else:  # every graph kept
        assert set(parsed) == quads and len(parsed) == len(quads)
    assert f"wrote {len(parsed)} statements to {out}" in written


def test_export_stdout_is_deterministic_with_stable_prefixes(store):
    first = kg("export", "--format", "ttl", store=store).stdout
    second = kg("export", "--format", "ttl", store=store).stdout
    assert first == second
    assert "@prefix ckg: <https://w3id.org/conflict-kg/ontology#>" in first and "ns1:" not in first


def test_export_one_graph_or_one_conflict(store):
    hosn = kg("export", "--format", "nt", "--graph", str(SMALL[0]), store=store).stdout
    assert "Battle_of_Hosn" in hosn and "Battle_of_Harem" not in hosn
    aleppo = kg("export", "--format", "nq", "--conflict", "Battle of Aleppo (2012–2016)", store=store).stdout
    assert "Abbas_Samii" in aleppo and "Battle_of_Hosn>" not in aleppo
    assert "unknown" in kg("export", "--format", "xml", store=store, check=2).stderr.lower()


def test_validate_stats_query(store):
    assert "Conforms: yes" in kg("validate", store=store).stdout
    stats = json.loads(kg("stats", "--json", store=store).stdout)
    assert stats["documents"] == {"wikipedia": 3}
    assert stats["warnings"]["image-name"] >= 1
    rows = json.loads(kg("query", "SELECT ?c WHERE { ?c a ckg:MilitaryConflict ; ckg:side ?s } GROUP BY ?c ORDER BY ?c",
                         "--format", "json", store=store).stdout)
    assert len(rows) == 3


def test_validate_fails_on_a_broken_graph(store, tmp_path):
    broken = tmp_path / "broken-store"
    shutil.copytree(store, broken)
    from kg.store import open_store

    with open_store(broken) as raw:
        raw.update("DELETE WHERE { GRAPH ?g { ?p <https://w3id.org/conflict-kg/ontology#party> ?x } }")
    result = kg("validate", store=broken, check=1)
    assert "Conforms: no" in result.stdout and "party" in result.stdout


# --- --store and --memory after the verb (issue 12) -------------------------------------------------

def test_store_and_memory_options_after_every_verb():
    import click
    from click.testing import CliRunner

    from kg.cli import main

    ctx = click.Context(main)
    verbs = main.list_commands(ctx)
    assert {"build", "show", "export", "query", "serve", "plot"} <= set(verbs)
    for verb in verbs:
        options = {opt for param in main.get_command(ctx, verb).params for opt in getattr(param, "opts", [])}
        assert {"--store", "--memory"} <= options, verb
        assert "--store DIR" in CliRunner().invoke(main, [verb, "--help"]).output, verb


def test_store_after_the_verb_in_a_real_process(tmp_path):
    """`kg build PATH --store DIR` builds into DIR, over $KG_STORE; `kg show … --store DIR` reads it."""
    import os

    env = dict(os.environ, KG_STORE=str(tmp_path / "from-env"))
    after = tmp_path / "after"

    def run(*args: str, code: int = 0) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                                encoding="utf-8", timeout=300, env=env, cwd=tmp_path, check=False)
        assert result.returncode == code, result.stderr
        return result

    run("build", str(SMALL[0]), "--no-progress", "--store", str(after))
    assert (after / "CURRENT").exists() and not (tmp_path / "from-env").exists()
    card = json.loads(run("show", "Battle of Hosn", "--json", "--store", str(after)).stdout)
    assert card["kind"] == "conflict"
    clash = run("--store", str(tmp_path / "other"), "stats", "--store", str(after), code=2)
    assert "--store given twice" in clash.stderr
    run("--store", str(after), "stats", "--store", "after")  # the same folder, relative to cwd: fine


def test_store_and_memory_after_the_verb_with_clirunner(store, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    runner = CliRunner(env={"KG_STORE": str(tmp_path / "never")})
    shown = runner.invoke(main, ["show", "Battle of Hosn", "--json", "--store", str(store)])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["kind"] == "conflict"
    built = runner.invoke(main, ["build", str(SMALL[0]), "--no-progress", "--memory"])
    assert built.exit_code == 0, built.output
    assert not (tmp_path / "never").exists(), "--memory after the verb must not touch $KG_STORE"
    twice = runner.invoke(main, ["--store", str(tmp_path / "a"), "show", "X", "--store", str(store)])
    assert twice.exit_code == 2 and "--store given twice" in twice.output
    # plug-in verbs (kg.commands) see the options too
    serve = runner.invoke(main, ["serve", "--memory"])
    assert serve.exit_code == 2 and "not --memory" in serve.output
    missing = runner.invoke(main, ["serve", "--store", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and f"{tmp_path / 'nothing'}: no store here" in missing.output


def test_memory_overrides_kg_store_but_not_an_explicit_store(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    runner = CliRunner(env={"KG_STORE": str(tmp_path / "env")})
    for args in (["--memory", "build", str(SMALL[0]), "--no-progress"],
                 ["build", str(SMALL[0]), "--no-progress", "--memory"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
    assert not (tmp_path / "env").exists()
    for args in (["--store", str(tmp_path / "s"), "--memory", "stats"], ["stats", "--memory", "--store", str(tmp_path / "s")],
                 ["--memory", "stats", "--store", str(tmp_path / "s")]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2 and "exclude each other" in result.output, (args, result.output)
