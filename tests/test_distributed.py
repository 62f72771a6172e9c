"""``kg build --scheduler``: articles read, parsed, mapped and resolved on a Dask cluster give
exactly the graph of a local build (issue 14, item 4).

A real ``distributed.LocalCluster`` of two worker processes on 127.0.0.1, started here; real
folders of ``data/``; the comparison is the N-Quads export of every graph but the build log
(ingestion times), byte for byte, as ``kg export --format nq`` writes it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from kg.builder import BUILD_LOG_GRAPH, build
from kg.cli import main
from kg.exporter import export, format_for
from kg.identity import document_iri
from kg.process import reader_fingerprint
from kg.store import open_store

distributed = pytest.importorskip("distributed")

# relative, as users type them: workers started elsewhere must read the client's files
SYRIA = Path(os.path.relpath(DATA / "wikipedia" / "syria"))
ARTICLES = sorted(SYRIA.glob("*.md"))
NEWS = sorted(Path(os.path.relpath(DATA / "news")).glob("*.txt"))[:4]
PATHS = [SYRIA, *NEWS]


def nquads(store, out: Path) -> bytes:
    """The export of every graph but the build log, as ``kg export`` does."""
    export(store, format_for("nq"), out, graphs=[g for g in store.graphs() if g != BUILD_LOG_GRAPH])
    return out.read_bytes()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from distributed import LocalCluster

    # The workers start in another folder, as `dask worker` on another machine would: the
    # relative paths of the builds below must still mean the client's files.
    here = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("elsewhere"))
    try:
        local = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                             dashboard_address="127.0.0.1:0", worker_dashboard_address="127.0.0.1:0")
    finally:
        os.chdir(here)
    with local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    folder = tmp_path_factory.mktemp("local")
    store = open_store(folder / "store")
    report = build(store, PATHS, progress=False)
    assert report.failed == [], report.summary()
    data = nquads(store, folder / "local.nq")
    store.close()
    return data


def kg(*args: str) -> None:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_a_cluster_build_is_the_local_build_byte_for_byte(cluster, local, tmp_path):
    store, shards = tmp_path / "store", tmp_path / "shards"
    kg("--store", str(store), "build", *map(str, PATHS), "--scheduler", cluster, "--shards", str(shards))
    kg("--store", str(store), "export", "--format", "nq", "-o", str(tmp_path / "cluster.nq"))
    with open_store(store) as opened:
        assert nquads(opened, tmp_path / "compare.nq") == local
    # one shard per partition of 16 articles, named by its index in input order (news are
    # linked on the client, after the articles: they have no shard)
    assert sorted(p.name for p in shards.iterdir()) == [f"part-{i:06d}.nq" for i in range((len(ARTICLES) + 15) // 16)]


def test_identities_are_resolved_on_the_workers_not_renamed_in_the_store(cluster, tmp_path, monkeypatch):
    # The shards already hold canonical IRIs: e.g. '[[united states|…]]' and '[[United States]]'
    # are one node, and no shard names the retired spelling outside the surface keys.
    renamed: list[dict] = []
    from kg.store import KGStore

    real = KGStore.rename_terms
    monkeypatch.setattr(KGStore, "rename_terms", lambda self, renames: renamed.append(renames) or real(self, renames))
    store = open_store(tmp_path / "store")
    report = build(store, [SYRIA], progress=False, scheduler=cluster, shards=tmp_path / "shards")
    assert report.failed == [] and report.count("stored") == len(ARTICLES)
    assert report.identity.merged_keys > 0  # there were merges to apply...
    assert renamed == [{}]                  # ...and the store had nothing left to rename
    # what the store holds is what the shards hold, and every surface there resolves to the
    # canonical IRI that a resolution of the whole store gives its key
    from kg.distributed import read_shard
    from kg.resolution import load_aliases, load_surfaces, resolve

    sharded = {q for shard in sorted((tmp_path / "shards").glob("*.nq")) for quads in read_shard(shard).values()
               for q in quads}
    assert sharded == {q for g in store.graphs() if "/document/" in g for q in store.quads(g)}
    surfaces = load_surfaces(store)
    canonical = resolve(surfaces, load_aliases()).canonical
    assert [s for s in surfaces if s.resolved != canonical[s.key]] == []
    store.close()


def test_a_cluster_build_on_top_of_a_local_one_is_the_local_build(cluster, local, tmp_path):
    # The client resolves the workers' surfaces together with those already in the store.
    store = open_store(tmp_path / "store")
    half = len(ARTICLES) // 2
    assert build(store, ARTICLES[:half], progress=False).failed == []
    report = build(store, [*ARTICLES[half:], *NEWS], progress=False, scheduler=cluster, shards=tmp_path / "s")
    assert report.failed == [] and report.count("stored") == len(ARTICLES) - half + len(NEWS)
    assert nquads(store, tmp_path / "two-steps.nq") == local
    again = build(store, PATHS, progress=False, scheduler=cluster, shards=tmp_path / "s2")
    assert again.count("stored") == 0 and again.count("unchanged") == len(ARTICLES) + len(NEWS)
    store.close()


def test_no_load_leaves_shards_that_load_shards_loads(cluster, local, tmp_path):
    store, shards = tmp_path / "store", tmp_path / "shards"
    kg("--store", str(store), "build", str(SYRIA), "--scheduler", cluster, "--shards", str(shards), "--no-load")
    with open_store(store) as opened:
        assert opened.count() == 0  # nothing loaded
    assert (shards / "identity.nq").stat().st_size > 0
    assert not list(shards.glob("*.raw"))
    kg("--store", str(store), "load-shards", str(shards))
    with open_store(store) as opened:  # read by the workers' reader, recorded from readers.tsv
        assert opened.document_readers() == {document_iri(str(a)): reader_fingerprint() for a in ARTICLES}
    kg("--store", str(store), "build", *map(str, NEWS))
    with open_store(store) as opened:
        assert nquads(opened, tmp_path / "loaded.nq") == local


def test_shards_and_no_load_need_a_scheduler(tmp_path):
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "s"), "build", str(SYRIA), "--no-load"])
    assert result.exit_code == 2 and "--scheduler" in result.output
    assert not os.path.exists(tmp_path / "s")
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "s"), "build", str(SYRIA), "--workers", "2",
                                       "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2 and "exclude each other" in result.output
