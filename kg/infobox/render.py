"""A readable rendering of parsed records, for ``kg parse``: what was read and why."""

from __future__ import annotations

from kg.document import Document
from kg.infobox.records import ConflictRecord, EntityRef, Period, Quantity


def _ref(ref: EntityRef) -> str:
    if ref.page is None:
        return f"{ref.name} (unlinked)"
    return ref.name if ref.page == ref.name else f"{ref.name} → [[{ref.page}]]"


def _period(period: Period | None) -> str:
    if period is None:
        return ""
    start = period.start.iso() if period.start else "…"
    end = period.end.iso() if period.end else ("present" if period.ongoing else "")
    return f" [{start}–{end}]"


def _quantity(q: Quantity) -> str:
    if q.unknown:
        number = "unknown"
    elif q.value is not None:
        number = f"{q.value:,}"
    else:
        number = f"{q.minimum if q.minimum is not None else ''}–{q.maximum if q.maximum is not None else ''}"
    bits = [("c. " if q.approximate else "") + number, q.description or ""]
    if q.kind:
        bits.append(f"[{q.kind}]")
    if q.as_of:
        bits.append(f"as of{_period(q.as_of)}")
    if q.part_of is not None:
        bits.append(f"(part of #{q.part_of})")
    if q.scope:
        bits.append(f"({q.scope})")
    return " ".join(b for b in bits if b)


def render_record(doc: Document, record: ConflictRecord | None) -> str:
    lines = [f"{doc.title}  ({doc.path})"]
    if record is None:
        lines.append("  no {{Infobox military conflict}} found")
    else:
        for name in record.names:
            lines.append(f"  name [{name.lang}]: {name.text}")
        for ref in record.part_of:
            lines.append(f"  part of: {_ref(ref)}")
        if record.date:
            start = record.date.start.iso() if record.date.start else "?"
            end = record.date.end.iso() if record.date.end else ("present" if record.date.ongoing else "?")
            lines.append(f"  date: {start} – {end}   ({record.date.text!r})")
        for ref in record.places:
            lines.append(f"  place: {_ref(ref)}")
        if record.coordinates:
            lines.append(f"  coordinates: {record.coordinates.latitude}, {record.coordinates.longitude}")
        if record.result:
            lines.append(f"  result: {record.result.lead}")
            lines.extend(f"    * {b}" for b in record.result.bullets)
        for side in record.sides:
            lines.append(f"  side {side.number}:")
            for p in side.parties:
                extra = f" {{{p.group}}}" if p.group else ""
                flag = f" flag={_ref(p.country)}" if p.country else ""
                lines.append(f"    {p.role:<11} {_ref(p.ref)}{_period(p.period)}{extra}{flag}")
            for c in side.commanders:
                role = f" ({c.role})" if c.role else ""
                lines.append(f"    commander   {_ref(c.ref)}{role}{' KIA' if c.kia else ''}")
            for index, u in enumerate(side.units):
                parent = f" ⊂ #{u.parent} {side.units[u.parent].ref.name}" if u.parent is not None else ""
                lines.append(f"    unit #{index:<4}{'  ' * u.level}{_ref(u.ref)}{_period(u.period)}{parent}")
            for index, q in enumerate(side.strength):
                lines.append(f"    strength #{index} {_quantity(q)}")
            for index, q in enumerate(side.casualties):
                lines.append(f"    casualties #{index} {_quantity(q)}")
        for index, q in enumerate(record.casualties_total):
            lines.append(f"  total casualties #{index} {_quantity(q)}")
    if doc.warnings:
        lines.append(f"  warnings ({len(doc.warnings)}):")
        lines.extend(f"    [{w.kind}] {w}" for w in doc.warnings)
    return "\n".join(lines)
