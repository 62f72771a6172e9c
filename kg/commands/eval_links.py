"""``kg eval-links GOLD...``: precision, recall and F1 of news linking against hand-made gold.

A gold file is TSV, one ``document<TAB>entity[<TAB>note]`` row per entity a document names;
``#`` lines are comments, and a ``# documents: FOLDER`` comment says where the documents are
(relative to the gold file, the working folder or the repository). ``entity`` is a Wikipedia
title, an IRI, or several of them separated by ``|`` when any is right.

The documents are linked with :class:`kg.linking.Linker` against the store, and the
(document, entity) pairs compared with the gold: precision is the share of predicted pairs
that are in the gold, recall the share of gold pairs predicted. An entity matches a gold
title when its IRI, a page it is ``sameAs``, or its ``rdfs:label`` is that title (case,
``_`` and dashes aside). Gold entities the store does not hold are left out and reported
(``absent``): the gold lists what exists in the graph built from ``data/``.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg.cli import EXIT_DATA, EXIT_USAGE, Context, _fail

if TYPE_CHECKING:
    from kg.store import KGStore

DEFAULT_FOLDERS = ("data/news", "data/samples")


@dataclass
class GoldEntry:
    document: str
    alternatives: list[str]
    note: str = ""

    @property
    def label(self) -> str:
        return self.alternatives[0]


@dataclass
class GoldFile:
    path: Path
    folders: list[str] = field(default_factory=list)
    entries: list[GoldEntry] = field(default_factory=list)

    @property
    def documents(self) -> list[str]:
        return list(dict.fromkeys(entry.document for entry in self.entries))


def read_gold(path: str | Path) -> GoldFile:
    """Parse a gold file (see the module docstring)."""
    path = Path(path)
    gold = GoldFile(path)
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            if line.lstrip().startswith("#"):
                comment = line.lstrip("# \t")
                if comment.lower().startswith("documents:"):
                    gold.folders += [part.strip() for part in comment.split(":", 1)[1].split(",") if part.strip()]
                continue
            parts = line.split("\t")
            if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
                raise ValueError(f"{path}:{number}: expected 'document<TAB>entity', got {line!r}")
            alternatives = [alt.strip() for alt in parts[1].split("|") if alt.strip()]
            gold.entries.append(GoldEntry(parts[0].strip(), alternatives, parts[2].strip() if len(parts) > 2 else ""))
    return gold


def find_document(name: str, gold: GoldFile) -> Path | None:
    """The file of a gold document: by its path, or in the gold's folders, then in
    ``data/news`` and ``data/samples`` (of the working folder and of the repository)."""
    direct = Path(name)
    if direct.is_file():
        return direct
    roots = [Path.cwd(), gold.path.parent, Path(__file__).resolve().parents[2]]
    folders = [*gold.folders, *DEFAULT_FOLDERS]
    for folder in folders:
        for root in roots:
            candidate = (root / folder / name) if not Path(folder).is_absolute() else Path(folder) / name
            if candidate.is_file():
                return candidate
    return None


class EntityIndex:
    """Comparison keys of every entity of a store (see :func:`kg.linking.entity_keys`)."""

    def __init__(self, store: KGStore) -> None:
        from kg.linking import entity_keys, title_key
        from kg.sparql import select

        same_as: dict[str, list[str]] = defaultdict(list)
        labels: dict[str, list[str]] = defaultdict(list)
        for row in select(store, """SELECT DISTINCT ?e ?s WHERE { ?e a ckg:Entity .
                { ?e owl:sameAs ?s } UNION { ?e schema:sameAs ?s } }"""):
            same_as[row["e"]].append(str(row["s"]))
        for row in select(store, """SELECT DISTINCT ?e ?l WHERE { ?e a ckg:Entity ; rdfs:label ?l
                FILTER(lang(?l) = "" || langMatches(lang(?l), "en")) }"""):
            labels[row["e"]].append(str(row["l"]))
        self.keys: dict[str, set[str]] = {}
        self.by_key: dict[str, set[str]] = defaultdict(set)
        for iri in set(same_as) | set(labels):
            keys = entity_keys(iri, same_as.get(iri, ())) | {title_key(label) for label in labels.get(iri, ())}
            self.keys[iri] = keys
            for key in keys:
                self.by_key[key].add(iri)
        self._title_key = title_key

    def gold_keys(self, alternative: str) -> set[str]:
        if alternative.startswith(("http://", "https://")):
            return self.keys.get(alternative, set()) | {alternative}
        return {self._title_key(alternative)}

    def exists(self, entry: GoldEntry) -> bool:
        return any(self.by_key.get(key) for alt in entry.alternatives for key in self.gold_keys(alt))

    def matches(self, iri: str, entry: GoldEntry) -> bool:
        keys = self.keys.get(iri, {iri})
        return any(keys & self.gold_keys(alt) for alt in entry.alternatives)


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def _scores(predicted: int, correct: int, gold: int, recalled: int) -> dict[str, Any]:
    precision, recall = _ratio(correct, predicted), _ratio(recalled, gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"predicted": predicted, "correct": correct, "gold": gold, "recalled": recalled,
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def evaluate(store: KGStore, gold_paths: list[str | Path], *, threshold: float | None = None,
             linker: Any = None) -> dict[str, Any]:
    """Link the documents of each gold file and score them; returns the report as a dict
    (``files``: one entry per gold file with per-document errors; ``overall``)."""
    from kg.linking import Linker
    from kg.readers import read_document

    if linker is None:
        linker = Linker.from_store(store) if threshold is None else Linker.from_store(store, threshold=threshold)
    elif threshold is not None:
        linker.threshold = threshold
    index = EntityIndex(store)
    files: list[dict[str, Any]] = []
    totals = {"predicted": 0, "correct": 0, "gold": 0, "recalled": 0}
    for gold_path in gold_paths:
        gold = read_gold(gold_path)
        counts = {"predicted": 0, "correct": 0, "gold": 0, "recalled": 0}
        documents: dict[str, Any] = {}
        absent: list[str] = []
        missing: list[str] = []
        for name in gold.documents:
            path = find_document(name, gold)
            if path is None:
                missing.append(name)
                continue
            doc = read_document(path)
            mentions = linker.link(doc)
            predicted: dict[str, list[str]] = defaultdict(list)
            for mention in mentions:
                if mention.iri:
                    predicted[mention.iri].append(mention.exact)
            entries = [e for e in gold.entries if e.document == name]
            present = []
            for entry in entries:
                if index.exists(entry):
                    present.append(entry)
                else:
                    absent.append(f"{name}: {'|'.join(entry.alternatives)}")
            false_positives = sorted(iri for iri in predicted if not any(index.matches(iri, e) for e in present))
            false_negatives = [e for e in present if not any(index.matches(iri, e) for iri in predicted)]
            doc_counts = {"predicted": len(predicted), "correct": len(predicted) - len(false_positives),
                          "gold": len(present), "recalled": len(present) - len(false_negatives)}
            for key, value in doc_counts.items():
                counts[key] += value
            documents[name] = {
                **_scores(**doc_counts),
                "false_positives": [{"iri": iri, "text": sorted(set(predicted[iri]))} for iri in false_positives],
                "false_negatives": [{"entity": "|".join(e.alternatives), "note": e.note} for e in false_negatives],
            }
        for key, value in counts.items():
            totals[key] += value
        files.append({"file": str(gold_path), "documents": len(documents), **_scores(**counts),
                      "absent": absent, "missing_documents": missing, "per_document": documents})
    threshold_used = linker.threshold
    return {"threshold": threshold_used, "files": files,
            "overall": {"documents": sum(f["documents"] for f in files), **_scores(**totals)}}


def format_report(report: dict[str, Any], *, errors: bool = False) -> str:
    """The report as a table for people (one row per gold file and an overall row)."""
    header = f"{'gold file':<28}{'docs':>5}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}"
    lines = [f"threshold {report['threshold']}", header, "-" * len(header)]
    for entry in report["files"]:
        lines.append(f"{Path(entry['file']).name:<28}{entry['documents']:>5}{entry['gold']:>6}{entry['predicted']:>6}"
                     f"{entry['precision']:>8.3f}{entry['recall']:>8.3f}{entry['f1']:>8.3f}")
    overall = report["overall"]
    lines.append("-" * len(header))
    lines.append(f"{'overall':<28}{overall['documents']:>5}{overall['gold']:>6}{overall['predicted']:>6}"
                 f"{overall['precision']:>8.3f}{overall['recall']:>8.3f}{overall['f1']:>8.3f}")
    for entry in report["files"]:
        if entry["missing_documents"]:
            lines.append(f"{Path(entry['file']).name}: documents not found: {', '.join(entry['missing_documents'])}")
        if entry["absent"]:
            lines.append(f"{Path(entry['file']).name}: {len(entry['absent'])} gold entities not in the store (left out)")
            if errors:
                lines.extend(f"  absent {item}" for item in entry["absent"])
        if errors:
            for name, result in entry["per_document"].items():
                if not result["false_positives"] and not result["false_negatives"]:
                    continue
                lines.append(f"{name}  P={result['precision']:.2f} R={result['recall']:.2f}")
                lines.extend(f"  FP {fp['iri'].rsplit('/', 1)[-1]}  ({', '.join(fp['text'])})" for fp in result["false_positives"])
                lines.extend(f"  FN {fn['entity']}  ({fn['note']})" for fn in result["false_negatives"])
    return "\n".join(lines)


@click.command("eval-links")
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--threshold", type=float, default=None, help="Confidence threshold of the linker (default 0.5).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--errors", is_flag=True, help="List false positives and negatives per document.")
@click.option("--min-precision", type=float, default=None, help="Exit 1 when overall precision is lower.")
@click.option("--min-recall", type=float, default=None, help="Exit 1 when overall recall is lower.")
@click.pass_obj
def eval_links(obj: Context, gold: tuple[str, ...], threshold: float | None, as_json: bool, errors: bool,
               min_precision: float | None, min_recall: float | None) -> None:
    """Precision, recall and F1 of news linking against gold files (document<TAB>entity)."""
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        _fail("--threshold must be between 0 and 1", EXIT_USAGE)
    try:
        report = evaluate(obj.store(read_only=True), list(gold), threshold=threshold)
    except (ValueError, OSError) as exc:
        _fail(str(exc), EXIT_USAGE)
        return
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report, errors=errors))
    overall = report["overall"]
    if (min_precision is not None and overall["precision"] < min_precision) or \
            (min_recall is not None and overall["recall"] < min_recall):
        click.echo(f"kg: below target (P={overall['precision']:.3f}, R={overall['recall']:.3f})", err=True)
        sys.exit(EXIT_DATA)


COMMANDS = [eval_links]
