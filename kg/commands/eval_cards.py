"""``kg eval-cards GOLD_DIR``: how right the conflict cards are, against hand-written gold.

A gold card (``tests/gold/cards/*.yaml``, rules in the README there) lists, for one article,
what a careful reader gets from its infobox: the parties of each side with role and period,
the commanders with role and killed-in-action, the units with their parent, and every
figure with its numbers, kind, claimant and phase. The card of the same conflict is read
from the store (:func:`kg.cards.card`, i.e. what ``kg show --json`` prints) and both are cut
into facts, one family at a time:

========== ==================================================================
family     one fact
========== ==================================================================
parties    (side, belligerent)
supporters (side, supporter)
periods    (side, party, start, end) for a party with a period
commanders (side, commander)
roles      (side, commander, role) for a commander with a role
kia        (side, commander) killed in action
units      (side, unit)
parents    (side, unit, parent unit)
strength   (side, value, min, max)
casualties (side or "total", value, min, max)
kinds      (side or "total", value, min, max, kind)
claimants  (side or "total", value, min, max, claimant)
phases     (side or "total", value, min, max, phase)
========== ==================================================================

Names match after folding case, accents, dashes and a leading "the"; a card entity matches
by its label or by the page title its IRI spells. Facts are multisets: two equal figures
count twice. Precision is the share of the card's facts that are in the gold, recall the
share of the gold's facts that are on the card (micro-averaged over the articles).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import click
import yaml

from kg.cli import EXIT_DATA, EXIT_USAGE, Context, _fail

if TYPE_CHECKING:
    from kg.store import KGStore

FAMILIES = ("parties", "supporters", "periods", "commanders", "roles", "kia", "units", "parents",
            "strength", "casualties", "kinds", "claimants", "phases")
Fact = tuple[Any, ...]


def fold(text: object) -> str:
    """A name as compared: case, accents, dashes, quotes and a leading "the" aside.

    >>> fold("The Free Syrian-Army"), fold("Ḥayʼat Taḥrir al‑Sham")
    ('free syrian army', 'hayat tahrir al sham')
    """
    if text is None:
        return ""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\u2010-\u2015_\-–—]", " ", text.casefold())
    text = re.sub(r"[\"'’‘“”ʼʻ`.,()]", "", text)
    return " ".join(text.split()).removeprefix("the ")


def _names(item: dict[str, Any]) -> set[str]:
    """The folded names a card item answers to: its label and the title of its IRI."""
    names = {fold(item.get("label"))}
    iri = item.get("iri")
    if iri and "/resource/" in iri and "/resource/local/" not in iri:
        names.add(fold(unquote(iri.rsplit("/resource/", 1)[1]).replace("_", " ")))
    return names - {""}


def _numbers(quantity: dict[str, Any]) -> tuple[Any, Any, Any]:
    return quantity.get("value"), quantity.get("min"), quantity.get("max")


def _claimant_name(claimant: Any) -> str:
    if not claimant:
        return ""
    if isinstance(claimant, dict):
        return fold(claimant.get("label") or claimant.get("text"))
    return fold(claimant)


def gold_facts(gold: dict[str, Any]) -> dict[str, Counter[Fact]]:
    """The facts of a gold card, by family."""
    facts: dict[str, Counter[Fact]] = {name: Counter() for name in FAMILIES}
    for side in gold.get("sides") or []:
        number = side["number"]
        for party in side.get("parties") or []:
            name = fold(party["name"])
            family = "supporters" if party.get("role") == "supporter" else "parties"
            facts[family][(number, name)] += 1
            if party.get("start") or party.get("end"):
                facts["periods"][(number, name, _date(party.get("start")), _date(party.get("end")))] += 1
        for commander in side.get("commanders") or []:
            name = fold(commander["name"])
            facts["commanders"][(number, name)] += 1
            if commander.get("role"):
                facts["roles"][(number, name, fold(commander["role"]))] += 1
            if commander.get("kia"):
                facts["kia"][(number, name)] += 1
        for unit in side.get("units") or []:
            facts["units"][(number, fold(unit["name"]))] += 1
            if unit.get("parent"):
                facts["parents"][(number, fold(unit["name"]), fold(unit["parent"]))] += 1
        _figure_facts(facts, number, side.get("strength") or [], "strength")
        _figure_facts(facts, number, side.get("casualties") or [], "casualties")
    _figure_facts(facts, "total", gold.get("casualties_total") or [], "casualties")
    return facts


def _date(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _figure_facts(facts: dict[str, Counter[Fact]], scope: Any, figures: Iterable[dict[str, Any]],
                  family: str) -> None:
    for figure in figures:
        numbers = _numbers(figure)
        facts[family][(scope, *numbers)] += 1
        if family == "casualties":
            facts["kinds"][(scope, *numbers, figure.get("kind") or "casualties")] += 1
        if figure.get("claimant"):
            facts["claimants"][(scope, *numbers, _claimant_name(figure["claimant"]))] += 1
        if figure.get("phase"):
            facts["phases"][(scope, *numbers, fold(figure["phase"]))] += 1


def card_facts(card: dict[str, Any], gold: dict[str, Any],
               labels: dict[str, set[str]] | None = None) -> dict[str, Counter[Fact]]:
    """The facts of a card, by family, named the way the gold names them where a card item
    answers to the gold's name: by its label, its IRI's title, or (with ``labels``, folded
    label -> IRIs of the store) by being the entity the gold's name is a label or alias of."""
    facts: dict[str, Counter[Fact]] = {name: Counter() for name in FAMILIES}
    gold_names = {fold(item["name"]) for side in gold.get("sides") or []
                  for key in ("parties", "commanders", "units") for item in side.get(key) or []}
    gold_names |= {fold(u.get("parent")) for side in gold.get("sides") or [] for u in side.get("units") or []}
    gold_names.discard("")
    by_iri: dict[str, set[str]] = {}
    for name in gold_names:
        for iri in (labels or {}).get(name, ()):
            by_iri.setdefault(iri, set()).add(name)

    def name_of(item: dict[str, Any]) -> str:
        names = _names(item)
        hit = sorted((names & gold_names) | by_iri.get(item.get("iri") or "", set()))
        return hit[0] if hit else min(names, default="")

    for side in card.get("sides") or []:
        number = side["number"]
        for party in side.get("parties") or []:
            name = name_of(party)
            family = "supporters" if party.get("role") == "supporter" else "parties"
            facts[family][(number, name)] += 1
            if party.get("start") or party.get("end"):
                facts["periods"][(number, name, party.get("start"), party.get("end"))] += 1
        for commander in side.get("commanders") or []:
            name = name_of(commander)
            facts["commanders"][(number, name)] += 1
            if commander.get("role"):
                facts["roles"][(number, name, fold(commander["role"]))] += 1
            if commander.get("kia"):
                facts["kia"][(number, name)] += 1
        units = side.get("units") or []
        for unit in units:
            name = name_of(unit)
            facts["units"][(number, name)] += 1
            if unit.get("parent"):
                parent = {"iri": unit["parent"], "label": unit.get("parent_label")}
                facts["parents"][(number, name, name_of(parent))] += 1
        _card_figures(facts, number, side.get("strength") or [], "strength")
        _card_figures(facts, number, side.get("casualties") or [], "casualties")
    _card_figures(facts, "total", card.get("casualties_total") or [], "casualties")
    return facts


def _card_figures(facts: dict[str, Counter[Fact]], scope: Any, figures: Iterable[dict[str, Any]],
                  family: str) -> None:
    gold_like = []
    for figure in figures:
        if figure.get("unknown"):
            continue                      # "Unknown" is no figure in the gold
        gold_like.append({**figure, "claimant": _claimant_name(figure.get("claimant")),
                          "phase": figure.get("phase")})
    _figure_facts(facts, scope, gold_like, family)


@dataclass
class Score:
    predicted: int = 0
    gold: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def add(self, article: str, predicted: Counter[Fact], gold: Counter[Fact]) -> None:
        both = predicted & gold
        self.predicted += sum(predicted.values())
        self.gold += sum(gold.values())
        self.correct += sum(both.values())
        self.misses += [f"{article}: {fact}" for fact in sorted((gold - both).elements(), key=repr)]
        self.extras += [f"{article}: {fact}" for fact in sorted((predicted - both).elements(), key=repr)]

    def as_dict(self) -> dict[str, Any]:
        precision = self.correct / self.predicted if self.predicted else 1.0
        recall = self.correct / self.gold if self.gold else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"predicted": self.predicted, "gold": self.gold, "correct": self.correct,
                "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


#: The keys a gold card's items may have, by list (see the README of tests/gold/cards).
_FIGURE_KEYS = frozenset({"value", "min", "max", "kind", "vague", "claimant", "phase", "period",
                          "civilian", "approximate"})
GOLD_ITEM_KEYS: dict[str, frozenset[str]] = {
    "parties": frozenset({"name", "role", "start", "end"}),
    "commanders": frozenset({"name", "role", "kia"}),
    "units": frozenset({"name", "parent"}),
    "strength": _FIGURE_KEYS,
    "casualties": _FIGURE_KEYS,
    "casualties_total": _FIGURE_KEYS,
}


def gold_card_problems(gold: dict[str, Any]) -> list[str]:
    """What is wrong with the items of a gold card: an unknown key, or a name that is missing.

    An unknown key is most often a name with a comma in a YAML flow mapping
    (``{name: Liwa al-Haqq (Idlib, Syria)}`` reads as the name ``Liwa al-Haqq (Idlib`` and a
    key ``Syria)``), which would silently score a name nobody wrote.

    >>> gold_card_problems({"sides": [{"number": 1, "parties": [{"name": "A (B", "C)": None}]}]})
    ["side 1 parties item 1 ('A (B'): unknown key 'C)' (a comma inside an unquoted name? quote the name)"]
    """
    problems: list[str] = []
    lists = [(f"side {side.get('number')} {key}", key, side.get(key) or [])
             for side in gold.get("sides") or [] for key in GOLD_ITEM_KEYS if key != "casualties_total"]
    lists.append(("casualties_total", "casualties_total", gold.get("casualties_total") or []))
    for where, key, items in lists:
        for number, item in enumerate(items, 1):
            label = f"{where} item {number}" + (f" ({item.get('name')!r})" if isinstance(item, dict) and "name" in item else "")
            if not isinstance(item, dict):
                problems.append(f"{label}: not a mapping: {item!r}")
                continue
            problems += [f"{label}: unknown key {extra!r} (a comma inside an unquoted name? quote the name)"
                         for extra in sorted(set(item) - GOLD_ITEM_KEYS[key], key=str)]
            if key in ("parties", "commanders", "units") and not item.get("name"):
                problems.append(f"{label}: no name")
    return problems


def read_gold_cards(folder: str | Path, split: str = "all") -> list[tuple[Path, dict[str, Any]]]:
    """Every gold card of a folder (``*.yaml``), optionally of one split only; a card whose
    items do not read as the README says raises ``ValueError`` naming the file and item."""
    cards = []
    for path in sorted(Path(folder).glob("*.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(gold, dict) or "title" not in gold:
            raise ValueError(f"{path}: not a gold card (a mapping with 'title' and 'sides')")
        problems = gold_card_problems(gold)
        if problems:
            raise ValueError(f"{path}: " + "; ".join(problems))
        if split == "all" or gold.get("split") == split:
            cards.append((path, gold))
    return cards


def evaluate(store: KGStore, folder: str | Path, split: str = "all") -> dict[str, Any]:
    """Score the store's cards against the gold cards of ``folder``."""
    from kg.cards import card as read_card
    from kg.sparql import select

    labels: dict[str, set[str]] = {}
    for row in select(store, "SELECT DISTINCT ?e ?l WHERE { { ?e rdfs:label ?l } UNION { ?e skos:altLabel ?l } }"):
        labels.setdefault(fold(row["l"]), set()).add(row["e"])
    scores = {name: Score() for name in FAMILIES}
    articles: list[str] = []
    missing: list[str] = []
    for path, gold in read_gold_cards(folder, split):
        try:
            card = read_card(store, gold["title"])
        except LookupError:
            missing.append(gold["title"])
            card = {"sides": []}
        articles.append(path.name)
        expected, found = gold_facts(gold), card_facts(card, gold, labels)
        for name in FAMILIES:
            scores[name].add(gold["title"], found[name], expected[name])
    overall = Score()
    for score in scores.values():
        overall.predicted += score.predicted
        overall.gold += score.gold
        overall.correct += score.correct
    return {"split": split, "articles": len(articles), "missing": missing,
            "families": {name: score.as_dict() for name, score in scores.items()},
            "overall": overall.as_dict(),
            "errors": {name: {"missed": score.misses, "extra": score.extras} for name, score in scores.items()}}


def format_report(report: dict[str, Any], *, errors: bool = False) -> str:
    lines = [f"gold cards: {report['articles']} ({report['split']})",
             f"{'family':<12}{'gold':>6}{'card':>6}{'right':>7}{'P':>8}{'R':>8}{'F1':>8}"]
    rows = list(report["families"].items()) + [("overall", report["overall"])]
    for name, s in rows:
        lines.append(f"{name:<12}{s['gold']:>6}{s['predicted']:>6}{s['correct']:>7}"
                     f"{s['precision']:>8.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}")
    for title in report["missing"]:
        lines.append(f"no card in the store for {title!r}")
    if errors:
        for name, found in report["errors"].items():
            for kind in ("missed", "extra"):
                for fact in found[kind]:
                    lines.append(f"  {name} {kind}: {fact}")
    return "\n".join(lines)


@click.command("eval-cards")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--split", type=click.Choice(["all", "tune", "heldout"]), default="all", show_default=True,
              help="Score only the gold cards of this split.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--errors", is_flag=True, help="List every missed and extra fact.")
@click.pass_obj
def eval_cards(obj: Context, gold_dir: str, split: str, as_json: bool, errors: bool) -> None:
    """Precision, recall and F1 of the store's conflict cards against gold cards, per field
    family (see tests/gold/cards/README.md)."""
    try:
        read_gold_cards(gold_dir, split)     # bad gold is bad input, whatever the store holds
        report = evaluate(obj.store(read_only=True), gold_dir, split)
    except (ValueError, yaml.YAMLError) as error:
        _fail(str(error), EXIT_USAGE)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report, errors=errors))
    if report["missing"]:
        raise SystemExit(EXIT_DATA)


COMMANDS = [eval_cards]
