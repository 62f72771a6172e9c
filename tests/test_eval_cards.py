"""`kg eval-cards`: facts per family from gold and card, scores, and the command on a real store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner

import kg
from kg.builder import build
from kg.cli import main as cli
from kg.commands.eval_cards import FAMILIES, Score, card_facts, fold, gold_facts

ROOT = Path(__file__).resolve().parents[1]
HOSN = ROOT / "data" / "wikipedia" / "syria" / "battle_of_hosn.md"
GOLD = ROOT / "tests" / "fixtures" / "gold_cards" / "syria__battle_of_hosn.yaml"

SMALL_GOLD = {
    "title": "Battle of X",
    "sides": [{"number": 1,
               "parties": [{"name": "Syrian Arab Republic"}, {"name": "Qatar", "role": "supporter", "start": "2013"}],
               "commanders": [{"name": "Person A", "role": "Emir", "kia": True}],
               "units": [{"name": "1st Brigade"}, {"name": "2nd Battalion", "parent": "1st Brigade"}],
               "strength": [{"value": 300}],
               "casualties": [{"min": 40, "max": 93, "kind": "killed", "claimant": "Army", "phase": "First phase"}]}],
    "casualties_total": [{"value": 12}],
}


def test_gold_facts_cover_every_family():
    facts = gold_facts(SMALL_GOLD)
    assert set(facts) == set(FAMILIES)
    assert facts["parties"] == {(1, "syrian arab republic"): 1}
    assert facts["supporters"] == {(1, "qatar"): 1}
    assert facts["periods"] == {(1, "qatar", "2013", None): 1}
    assert facts["roles"] == {(1, "person a", "emir"): 1}
    assert facts["kia"] == {(1, "person a"): 1}
    assert facts["parents"] == {(1, "2nd battalion", "1st brigade"): 1}
    assert facts["strength"] == {(1, 300, None, None): 1}
    assert facts["kinds"] == {(1, None, 40, 93, "killed"): 1, ("total", 12, None, None, "casualties"): 1}
    assert facts["claimants"] == {(1, None, 40, 93, "army"): 1}
    assert facts["phases"] == {(1, None, 40, 93, "first phase"): 1}


def test_a_card_entity_answers_to_the_gold_name_through_its_labels():
    card = {"sides": [{"number": 1, "parties": [
        {"iri": "https://w3id.org/conflict-kg/resource/Syria", "label": "Syria", "role": "belligerent"}]}]}
    without = card_facts(card, SMALL_GOLD)
    with_labels = card_facts(card, SMALL_GOLD, {"syrian arab republic": {"https://w3id.org/conflict-kg/resource/Syria"}})
    assert without["parties"] == {(1, "syria"): 1}
    assert with_labels["parties"] == {(1, "syrian arab republic"): 1}


def test_scores_are_multiset_precision_and_recall():
    score = Score()
    score.add("X", predicted=gold_facts(SMALL_GOLD)["parties"] + gold_facts(SMALL_GOLD)["supporters"],
              gold=gold_facts(SMALL_GOLD)["parties"])
    assert score.as_dict() == {"predicted": 2, "gold": 1, "correct": 1, "precision": 0.5, "recall": 1.0,
                               "f1": 0.667}
    assert score.extras == ["X: (1, 'qatar')"]


def test_fold_ignores_case_accents_dashes_and_the():
    assert fold("The Free Syrian-Army") == fold("free syrian army") == "free syrian army"


def test_eval_cards_on_a_real_store_reports_every_family_and_the_misses(tmp_path):
    store_dir = tmp_path / "store"
    with kg.open_store(store_dir) as store:
        build(store, [HOSN], progress=False)
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    shutil.copy(GOLD, gold_dir / GOLD.name)
    wrong = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    wrong["sides"][0]["parties"].append({"name": "Nonexistent Brigade"})   # a fact no card has
    (gold_dir / "wrong.yaml").write_text(yaml.safe_dump({**wrong, "split": "heldout"}), encoding="utf-8")

    result = CliRunner().invoke(cli, ["--store", str(store_dir), "eval-cards", str(gold_dir), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["articles"] == 2 and report["missing"] == []
    assert set(report["families"]) == set(FAMILIES)
    parties = report["families"]["parties"]
    assert parties["gold"] == 19 and parties["correct"] == parties["predicted"] == 18
    assert report["errors"]["parties"]["missed"] == ["Battle of Hosn: (1, 'nonexistent brigade')"]
    assert report["families"]["claimants"]["recall"] == 1.0

    heldout = CliRunner().invoke(cli, ["--store", str(store_dir), "eval-cards", str(gold_dir), "--split", "heldout"])
    assert heldout.exit_code == 0
    assert heldout.output.splitlines()[0] == "gold cards: 1 (heldout)"


def test_a_comma_in_an_unquoted_gold_name_is_refused_naming_the_file_and_item(tmp_path):
    # The blind4 Idlib card once read `{name: Liwa al-Haqq (Idlib, Syria), ...}`: YAML takes the
    # name as "Liwa al-Haqq (Idlib" and "Syria)" as a key, and the score counted a name nobody wrote.
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "card.yaml").write_text(
        "title: Battle of X\nsides:\n  - number: 1\n    parties:\n"
        "      - {name: Liwa al-Haqq (Idlib, Syria), role: belligerent}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "eval-cards", str(gold_dir)])
    assert result.exit_code == 2
    assert "card.yaml" in result.output and "side 1 parties item 1 ('Liwa al-Haqq (Idlib')" in result.output
    assert "unknown key 'Syria)'" in result.output


def test_every_committed_gold_card_reads_cleanly():
    from kg.commands.eval_cards import read_gold_cards
    folders = [path for path in (ROOT / "tests" / "gold").iterdir() if path.is_dir()]
    assert len(folders) >= 4
    assert sum(len(read_gold_cards(folder)) for folder in folders) >= 56
