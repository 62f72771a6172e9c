"""Text renderings for people: cards and result tables."""

from __future__ import annotations

import csv
import io
import json
from typing import Any


def _quantity(q: dict[str, Any]) -> str:
    if q.get("unknown"):
        number = "unknown"
    elif q.get("value") is not None:
        number = f"{q['value']:,}"
    elif q.get("min") is not None and q.get("max") is not None:
        number = f"{q['min']:,}–{q['max']:,}"
    elif q.get("min") is not None:
        number = f"{q['min']:,}+"
    elif q.get("max") is not None:
        number = f"≤{q['max']:,}"
    else:
        number = "?"
    parts = [("c. " if q.get("approximate") else "") + number]
    if q.get("description"):
        parts.append(q["description"])
    if q.get("kind"):
        parts.append(f"[{q['kind']}]")
    if q.get("as_of"):
        parts.append(f"(as of {q['as_of']})")
    if q.get("period"):
        period = q["period"]
        parts.append(f"({period['start'] or '…'} – {period['end'] or '…'})")
    if q.get("phase"):
        parts.append(f"({q['phase']})")
    if q.get("claimant"):
        parts.append(f"(per {q['claimant']['label']})")
    if q.get("scope"):
        parts.append(f"({q['scope']})")
    if q.get("about"):
        parts.append(f"→ {q['about']['label']}")
    return " ".join(parts)


def _fate(commander: dict[str, Any]) -> str:
    """`` [captured, per Ukraine]``: a commander's fate as the card gives it, with who says so.

    >>> _fate({"fate": "captured", "fate_claimant": {"iri": None, "label": "Ukraine", "text": "per Ukrainian claim"}})
    ' [captured, per Ukraine]'
    >>> _fate({"fate": None})
    ''
    """
    if not commander.get("fate"):
        return ""
    claimant = commander.get("fate_claimant")
    return f" [{commander['fate']}{', per ' + claimant['label'] if claimant else ''}]"


def _period(item: dict[str, Any]) -> str:
    start, end = item.get("start"), item.get("end")
    if start and start == end:
        return f" ({start})"
    if start or end:
        return f" ({start or '…'}–{end or ''})"
    return ""


def _type_names(types: list[str]) -> list[str]:
    """Local names of type IRIs, each once, in the card's order (most specific first):
    ``ckg:Country`` and ``dbo:Country`` both print as ``Country``.

    >>> _type_names(["https://w3id.org/conflict-kg/ontology#MilitaryUnit",
    ...              "https://w3id.org/conflict-kg/ontology#Entity",
    ...              "http://dbpedia.org/ontology/MilitaryUnit"])
    ['MilitaryUnit', 'Entity']
    """
    names = [t.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in types]
    return list(dict.fromkeys(names))


def render_card(card: dict[str, Any]) -> str:
    """A readable multi-line summary of any card."""
    lines: list[str] = []
    kind = card.get("kind")
    if kind == "conflict":
        lines.append(card["title"] or card["iri"])
        for lang, names in sorted(card.get("labels", {}).items()):
            lines.append(f"  also [{lang}]: {', '.join(names)}")
        if card.get("part_of"):
            lines.append("  part of: " + "; ".join(p["label"] or p["iri"] for p in card["part_of"]))
        end = card.get("end") or ("present" if card.get("ongoing") else "?")
        lines.append(f"  date: {card.get('start') or '?'} – {end}")
        if card.get("places"):
            lines.append("  place: " + ", ".join(p["label"] or p["iri"] for p in card["places"]))
        if card.get("coordinates"):
            lines.append(f"  coordinates: {card['coordinates']['lat']}, {card['coordinates']['lon']}")
        if card.get("result"):
            lines.append(f"  result: {card['result']}")
        for side in card.get("sides", []):
            lines.append(f"  side {side['number']}:")
            for party in side["parties"]:
                extra = f" [{party['group']}]" if party.get("group") else ""
                lines.append(f"    {party['role']:<11} {party['label']}{_period(party)}{extra}")
            for commander in side["commanders"]:
                role = f" ({commander['role']})" if commander.get("role") else ""
                lines.append(f"    commander   {commander['label']}{role}{' †KIA' if commander['kia'] else ''}"
                             f"{_fate(commander)}")
            for unit in side["units"]:
                indent = "  " * (unit.get("level") or 0)
                parent = f" ⊂ {unit['parent_label']}" if unit.get("parent_label") else ""
                lines.append(f"    unit        {indent}{unit['label']}{parent}{_period(unit)}")
            for quantity in side["strength"]:
                lines.append(f"    strength    {_quantity(quantity)}")
            for quantity in side["casualties"]:
                lines.append(f"    casualties  {_quantity(quantity)}")
        for quantity in card.get("casualties_total", []):
            lines.append(f"  total casualties: {_quantity(quantity)}")
        for source in card.get("sources", []):
            lines.append(f"  source: {source['title']} <{source['iri']}>")
        if card.get("warnings"):
            lines.append(f"  warnings ({len(card['warnings'])}):")
            lines.extend(f"    - {w}" for w in card["warnings"])
    elif kind == "entity":
        lines.append(f"{card['label']}  <{card['iri']}>")
        if card.get("aliases"):
            lines.append("  aliases: " + ", ".join(card["aliases"]))
        lines.append("  types: " + ", ".join(_type_names(card["types"])))
        for item in card.get("evidence", []):
            where = f" [{item['document'].rsplit('/', 1)[-1]}]" if item.get("document") else ""
            lines.append(f"  merged ({item['rule']}): {item['text']}{where}")
        for item in card.get("ambiguous", []):
            lines.append(f"  ambiguous name {item['name']!r}: could be " + ", ".join(item["candidates"]))
        for text in card.get("type_conflicts", []):
            lines.append(f"  conflicting type evidence: {text}")
        for conflict in card.get("conflicts", []):
            lines.append(f"  in {conflict['label']} (side {conflict['side']}: {', '.join(conflict['roles'])})")
        for name in ("allies", "opponents"):
            if card.get(name):
                lines.append(f"  {name}: " + ", ".join(f"{a['label']} ({a['conflicts']})" for a in card[name][:15]))
        for command in card.get("commanded", []):
            role = f" as {command['role']}" if command.get("role") else ""
            lines.append(f"  commanded in {command['label']}{role}{' †KIA' if command['kia'] else ''}{_fate(command)}")
        mentions = card.get("mentioned_in", [])
        titles = [(m["kind"], m["title"]) for m in mentions]
        for mention in mentions:
            # two documents with one title (an article and a copy): name the file as well
            where = f"  ({mention['path']})" if titles.count((mention["kind"], mention["title"])) > 1 else ""
            lines.append(f"  mentioned in [{mention['kind']}] {mention['title']} ×{mention['count']}{where}")
    else:
        lines.append(f"{card.get('title')}  <{card['iri']}>")
        lines.append(f"  kind: {kind}; path: {card.get('path')}; {card.get('triples')} triples")
        if card.get("encoding_repair"):
            lines.append(f"  encoding repaired: {card['encoding_repair']}")
        for ref in card.get("describes", []):
            lines.append(f"  describes: {ref['label']}")
        for mention in card.get("mentions", [])[:30]:
            lines.append(f"  mentions: {mention['label']} ×{mention['count']}")
        for warning in card.get("warnings", []):
            lines.append(f"  warning [{warning['kind']}] {warning['message']}")
    return "\n".join(lines)


def render_rows(rows: list[dict[str, Any]], fmt: str) -> str:
    """SELECT results as an aligned table, CSV, TSV, JSON or a Markdown table."""
    columns = list(rows[0]) if rows else []
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row[c] is None else row[c] for c in columns])
        return buffer.getvalue()
    cells = [[("" if row[c] is None else str(row[c])) for c in columns] for row in rows]
    if fmt == "md":
        out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        out += ["| " + " | ".join(v.replace("|", "\\|") for v in r) + " |" for r in cells]
        return "\n".join(out) + "\n"
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    out = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
    out.append(f"({len(rows)} rows)")
    return "\n".join(out) + "\n"
