"""Shared fixtures: real on-disk stores built from the project's own data/ folder."""

from __future__ import annotations

import pytest
from helpers import CORPUS, DATA, ROOT, SAMPLE_AS_RECEIVED, SAMPLE_CLEAN  # noqa: F401 - re-exported


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory):
    """The whole wtf_wikipedia corpus built into an on-disk store (once per session)."""
    from kg.builder import build
    from kg.store import open_store

    store = open_store(tmp_path_factory.mktemp("corpus") / "store")
    report = build(store, [CORPUS], progress=False)
    assert report.failed == [], report.summary()
    yield store
    store.close()


@pytest.fixture(scope="session")
def data_store(tmp_path_factory):
    """Everything in data/, as `kg build data` builds it, once per session. Read it only:
    tests that change a store build their own."""
    from kg.builder import build
    from kg.store import open_store

    store = open_store(tmp_path_factory.mktemp("data") / "store")
    report = build(store, [DATA], progress=False)
    assert report.failed == [], report.summary()
    yield store
    store.close()


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory):
    """Only the damaged sample article, as received, built into an on-disk store."""
    from kg.builder import build
    from kg.store import open_store

    store = open_store(tmp_path_factory.mktemp("sample") / "store")
    report = build(store, [SAMPLE_AS_RECEIVED], progress=False)
    assert report.count("stored") == 1, report.summary()
    yield store
    store.close()
