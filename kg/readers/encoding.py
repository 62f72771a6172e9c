"""Turning the bytes of a source file into trustworthy text.

Two separate problems: *decoding* (which codec are these bytes in?) and *repair* (was the
text once decoded with the wrong codec, leaving mojibake such as ``‚Äì`` for ``–``?). Decoding
never guesses silently: a UTF-8 BOM is dropped and recorded, UTF-16 with a BOM is decoded and
recorded, anything else that is not valid UTF-8 is refused with the byte offset. Repair uses
ftfy's encoding fixer only (``fix_encoding``, not ``fix_text``: the latter also straightens
curly quotes and would change clean text), and records what it did.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import ftfy
from ftfy.badness import is_bad

from kg.errors import KGError

if TYPE_CHECKING:
    from kg.document import Document


#: Mojibake is a *pair*: a lead character that UTF-8 lead bytes become under Latin-1, cp1252
#: or Mac Roman (Ã, Â, â, Ø, Ù, ‚, Ÿ …) followed by one that a continuation byte becomes. Only
#: lines with such a pair go to ftfy's badness test (about 1 ms per long line).
_LEAD = "\u00c0-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u201a\u2020\u2021\u221a\u2248"
_CONTINUATION = ("\u0080-\u00bf\u00c0-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
                 "\u02dc\u2013-\u203a\u20ac\u2122\u2202-\u221e\u2260\u2264\u2265\u25ca\uf8ff")
_MOJIBAKE_HINT = re.compile(rf"^.*[{_LEAD}][{_CONTINUATION}].*$", re.MULTILINE)


class DecodeError(KGError, ValueError):
    """The bytes are not text in an encoding we accept."""


@dataclass
class DecodedText:
    """Text with the notes of what was done to get it (each note a short sentence)."""

    text: str
    notes: list[str] = field(default_factory=list)
    repaired: bool = False
    repair_steps: str | None = None
    suspicious: bool = False


def decode_bytes(data: bytes) -> DecodedText:
    """Decode UTF-8 (optionally with BOM) or BOM-marked UTF-16; refuse anything else.

    >>> decode_bytes("é".encode()).text
    'é'
    >>> decode_bytes(codecs.BOM_UTF8 + b"x").notes
    ['removed a UTF-8 byte order mark']
    """
    notes: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        notes.append("removed a UTF-8 byte order mark")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"not valid UTF-16 at byte {exc.start}: {exc.reason}") from None
        return DecodedText(text, ["decoded UTF-16 (byte order mark found)"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        snippet = data[max(0, exc.start - 20): exc.end + 20]
        raise DecodeError(
            f"not valid UTF-8 at byte {exc.start} ({exc.reason}) near {snippet!r}; "
            "convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)"
        ) from None
    return DecodedText(text, notes)


def repair_text(text: str) -> DecodedText:
    """Undo a wrong decoding (mojibake) where ftfy is confident; leave clean text alone.

    Repairing twice is a no-op. Text still showing mojibake after repair is kept verbatim
    and flagged ``suspicious``.

    >>> r = repair_text("Battle ‚Äì 2012")
    >>> r.text, r.repaired, r.repair_steps
    ('Battle – 2012', True, 'encode macroman, decode utf-8')
    >>> repair_text("“quoted” text").repaired
    False
    """
    fixed = ftfy.fix_encoding_and_explain(text)
    repaired = fixed.text != text
    steps = None
    notes: list[str] = []
    if repaired:
        steps = ", ".join(f"{op} {arg}" for op, arg in (fixed.explanation or []))
        notes.append(f"repaired encoding damage ({steps or 'ftfy'})")
    suspicious = any(is_bad(line) for line in _MOJIBAKE_HINT.findall(fixed.text))
    if suspicious:
        notes.append("text still looks like mojibake after repair; kept verbatim")
    return DecodedText(fixed.text, notes, repaired, steps, suspicious)


def source_text(path: str, raw: bytes) -> tuple[DecodedText, DecodedText]:
    """Decode and repair a source file's bytes: ``(decoded, repaired)``; ``repaired.text``
    is the text to read. Bytes we cannot decode raise :class:`~kg.readers.errors.DocumentError`
    with code ``encoding``."""
    from kg.readers.errors import DocumentError

    try:
        decoded = decode_bytes(raw)
    except DecodeError as exc:
        raise DocumentError(path, None, None, str(exc), code="encoding") from None
    return decoded, repair_text(decoded.text)


def record_text_fixes(doc: Document, decoded: DecodedText, repaired: DecodedText) -> None:
    """Note on the document (warnings, provenance) what decoding and repair did."""
    name = os.path.basename(doc.path)
    for note in decoded.notes:
        doc.warn("decoding", None, name, note)
    if repaired.repaired:
        doc.warn("encoding-repaired", None, name, repaired.notes[0])
        doc.extra["encoding_repair"] = repaired.repair_steps or "ftfy"
    if repaired.suspicious:
        doc.warn("encoding-suspicious", None, name,
                 "text still looks like mojibake after repair")
