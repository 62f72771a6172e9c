"""Every gold card, scored as `kg eval-cards` scores it, on a store built from data/ and the
articles of the gold sets that are not in data/ (tests/gold/blind5/articles, blind6/articles).

The gold cards are written by hand from the source text (tests/gold/cards/README.md), so
this is no snapshot of the reader's output: a reader change that breaks a fact a careful
reader gets from an infobox fails here, naming the fact. The misses listed in
``KNOWN_MISSES`` are the ones the reader knowingly leaves (the README's Numbers say why).
"""

from __future__ import annotations

import pytest
from helpers import DATA, ROOT

#: Facts the reader knowingly gets wrong, by gold folder and family (missed, extra).
KNOWN_MISSES: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    # "Heavy; close to half of the 37th Brigade is killed": one vague figure; the annotators
    # wrote two (a vague amount, then a clause). The only such line in all the data.
    "blind4": {
        "casualties": (["Battle of Makariv: (1, None, None, None)"], []),
        "kinds": (["Battle of Makariv: (1, None, None, None, 'casualties')"], []),
    },
}
GOLD = ROOT / "tests" / "gold"
FOLDERS = sorted(path.name for path in GOLD.iterdir() if path.is_dir())


@pytest.fixture(scope="module")
def gold_store(tmp_path_factory):
    from kg.builder import build
    from kg.store import open_store

    articles = sorted(path for path in GOLD.glob("*/articles/*") if path.is_dir())
    store = open_store(tmp_path_factory.mktemp("gold") / "store")
    report = build(store, [DATA, *articles], progress=False)
    assert report.failed == [] and not report.count("quarantined"), report.summary()
    yield store
    store.close()


def test_every_gold_folder_is_scored() -> None:
    assert {"cards", "blind2", "blind3", "blind4", "blind5", "blind6"} <= set(FOLDERS)


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_cards_give_every_gold_fact(gold_store, folder: str) -> None:
    from kg.commands.eval_cards import evaluate

    report = evaluate(gold_store, GOLD / folder)
    assert report["missing"] == [], f"no card for {report['missing']}"
    known = KNOWN_MISSES.get(folder, {})
    wrong = {family: (found["missed"], found["extra"]) for family, found in report["errors"].items()
             if (found["missed"], found["extra"]) != known.get(family, ([], []))}
    assert wrong == {}, f"{folder}: facts missed and extra, by family: {wrong}"
