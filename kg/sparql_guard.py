"""Refusing SPARQL that would make the endpoint reach outside the store, before it runs.

The Oxigraph server performs ``SERVICE`` calls even when it serves read-only, and rdflib-based
tools read local files through ``LOAD`` and ``FROM <file:…>``. :func:`check_query` finds those
in any spelling, so a request can be refused before execution:

* SPARQL processes ``\\uHHHH``/``\\UHHHHHHHH`` escapes *before* parsing (SPARQL 1.1, 19.2), so
  ``\\u0053ERVICE`` is ``SERVICE``: escapes are decoded first;
* keywords are case-insensitive, and may sit inside sub-queries, after ``SILENT``, or next to
  comments; string literals, comments and IRIs are blanked so a keyword inside them does not
  count, and a prefixed name (``ex:service``) or variable (``?load``) is not a keyword;
* dataset clauses (``FROM``, ``FROM NAMED``, ``USING``, ``USING NAMED``, ``WITH``) may only
  name ``http``/``https``/``urn`` IRIs; prefixed names are expanded through the query's
  ``PREFIX`` declarations and relative IRIs resolved against its ``BASE``.

Limits: the check is lexical, not a full parse; it errs towards refusing (a query that does
not parse would be refused by the server anyway).

>>> check_query("SELECT * WHERE { SERVICE <http://evil/> { ?s ?p ?o } }").code
'service'
>>> check_query("SELECT * WHERE { ?s <http://e/service> 'SERVICE' }") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

ALLOWED_DATASET_SCHEMES = ("http", "https", "urn")


@dataclass(frozen=True)
class Refusal:
    """Why a query is refused: a stable code and a sentence saying what to do."""

    code: str
    message: str


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def decode_escapes(text: str) -> str:
    """Apply SPARQL's codepoint escapes, as the parser does before anything else.

    >>> decode_escapes(r"\\u0053ERVICE")
    'SERVICE'
    """
    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _ESCAPE.sub(replace, text)


_STRING_OR_COMMENT_OR_IRI = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|#[^\n]*",
    re.DOTALL,
)
_KEYWORD = r"(?<![\w:?$.\-]){}(?![\w:\-])"
_SERVICE = re.compile(_KEYWORD.format("SERVICE"), re.IGNORECASE)
_LOAD = re.compile(_KEYWORD.format("LOAD"), re.IGNORECASE)
_PREFIX_DECL = re.compile(r"(?<![\w:])PREFIX\s+([A-Za-z][\w.\-]*)?:\s*(<[^>]*>)", re.IGNORECASE)
_BASE_DECL = re.compile(r"(?<![\w:])BASE\s*(<[^>]*>)", re.IGNORECASE)
_DATASET = re.compile(
    r"(?<![\w:?$.\-])(FROM\s+NAMED|FROM|USING\s+NAMED|USING|WITH)\s+(<[^>]*>|[A-Za-z][\w.\-]*:[\w.\-]*|:[\w.\-]*)",
    re.IGNORECASE,
)


def _blank(text: str) -> tuple[str, list[str]]:
    """Text with strings, comments and IRIs replaced by spaces (IRIs kept aside in order)."""
    iris: list[str] = []

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("<"):
            iris.append(token)
            return f"<{len(iris) - 1}>".ljust(len(token))
        return " " * len(token)

    return _STRING_OR_COMMENT_OR_IRI.sub(replace, text), iris


def check_query(text: str) -> Refusal | None:
    """``None`` when the query may run; else the :class:`Refusal`.

    >>> check_query("LOAD <file:///etc/passwd>").code
    'load'
    >>> check_query("PREFIX f: <file:///> SELECT * FROM f:etc WHERE {}").code
    'dataset-iri'
    """
    decoded = decode_escapes(text)
    blanked, iris = _blank(decoded)
    if _SERVICE.search(blanked):
        return Refusal("service", "SERVICE (federated query) is refused: this endpoint never makes requests "
                                  "to other servers. Run the federated part against its own endpoint.")
    if _LOAD.search(blanked):
        return Refusal("load", "LOAD is refused: this endpoint never reads files or URLs. Load data with "
                               "`kg build` on the machine that owns the store.")
    prefixes = {(m.group(1) or ""): iris[int(m.group(2)[1:-1].strip())][1:-1]
                for m in _PREFIX_DECL.finditer(blanked) if m.group(2)[1:-1].strip().isdigit()}
    base = ""
    for match in _BASE_DECL.finditer(blanked):
        index = match.group(1)[1:-1].strip()
        if index.isdigit():
            base = urljoin(base, iris[int(index)][1:-1])
    for match in _DATASET.finditer(blanked):
        term = match.group(2)
        if term.startswith("<"):
            index = term[1:-1].strip()
            iri = iris[int(index)][1:-1] if index.isdigit() else term[1:-1]
            iri = urljoin(base, iri) if base else iri
        else:
            prefix, _, local = term.partition(":")
            iri = prefixes.get(prefix, "") + local
        scheme = iri.split(":", 1)[0].lower() if ":" in iri else ""
        if scheme not in ALLOWED_DATASET_SCHEMES:
            return Refusal("dataset-iri", f"{match.group(1).upper()} <{iri}> is refused: a dataset clause may only "
                                          f"name graphs of this store ({', '.join(ALLOWED_DATASET_SCHEMES)} IRIs), "
                                          "never files or relative IRIs.")
    return None
