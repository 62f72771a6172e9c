"""Named SPARQL queries: ``queries/*.rq`` files with a header, and safe parameter binding.

Each named query is one file ``queries/<name>.rq`` that starts with a comment header::

    # title: Conflicts by place and date range
    # description: Conflicts whose place matches a name and whose dates overlap
    #   a range of years (a `#` line without a key continues the field above).
    # param: place = Aleppo — part of a place's label or alias, any case
    # param: from = 2012 — first year of the range

A parameter is a variable of the query (``?place``). :func:`render` binds it by inserting
``VALUES ?place { "Aleppo" }`` at the start of the outermost ``WHERE`` group: the value is
turned into one SPARQL term by its kind (see :data:`KINDS`) and escaped there
(:func:`kg.sparql.sparql_string`, IRI validation), never pasted into the query text. A
parameter given several values (``--param party=Iran --param party=Hezbollah``) gets one
VALUES row per value.

The kind of a parameter is written after its name (``# param: side (integer) = 1 — …``) or
inferred from its value: ``<…>`` IRI, ``true``/``false`` boolean, digits integer, ``1.5``
decimal, ``2012-07-19`` date, anything else string.

A parameter with no sensible default is marked ``required`` (alone or with its kind:
``(required)``, ``(iri, required)``); its value in the header is then only an *example*::

    # param: party (required) = Iran — the party's label or alias (any case) or its IRI
    # param: side (integer) = 1 — the side number; 1 when not given

A required parameter that is not given is an error (:class:`ParamError`), never a silent
stand-in; a parameter that is not required takes its *default*, and ``kg query`` says so on
stderr. A parameter marked ``optional`` has no default: not given, it is not bound at all,
and the query reads the unbound variable as "no restriction" (``FILTER(!BOUND(?at) || …)``);
its header value is only an example::

    # param: at (year, optional) = 2014 — only what held in this year

The time window of the time-aware queries is such a set of optional ``year`` parameters:
``at`` (one year), or ``from`` and/or ``to`` (:func:`check_window` rejects ``at`` together
with ``from``/``to``, and ``from`` after ``to``). The examples are what ``kg query --list`` and the query page show, and what
``render(query)`` binds when it is given no parameters at all (the example query).

Rendered queries are self-contained: the project's prefixes (:data:`kg.rdf.terms.PREFIXES`)
that a query uses without declaring are declared in front of it, so that the same text runs
on the embedded store and on any SPARQL 1.1 endpoint.

The folder is found like the ontology (:mod:`kg.rdf.ontology`): ``$KG_QUERIES_DIR``, else
``<repo>/queries`` (a checkout or an editable install), else ``kg/named_queries`` inside an
installed package (for a wheel that copies the folder in).

>>> q = parse_query("# title: T\\n# param: who = Iran — a name\\nSELECT ?x WHERE { ?x rdfs:label ?who }")
>>> q.params[0].name, q.params[0].kind, q.params[0].default
('who', 'string', 'Iran')
>>> print(render(q, {"who": 'say "hi"'}).splitlines()[-1])
SELECT ?x WHERE { VALUES ?who { "say \\"hi\\"" } ?x rdfs:label ?who }
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from kg._version import __version__
from kg.errors import KGError
from kg.rdf import terms
from kg.sparql import sparql_string

if TYPE_CHECKING:
    from kg.store import KGStore

__all__ = [
    "KINDS",
    "NamedQuery",
    "Param",
    "ParamError",
    "QueryError",
    "UnknownPrefix",
    "UnknownQuery",
    "check_prefixes",
    "format_term",
    "get_query",
    "defaulted",
    "load_queries",
    "missing_required",
    "parse_query",
    "queries_dir",
    "query_form",
    "render",
    "syntax_error_of",
    "undeclared_prefixes",
]

#: Parameter kinds and what a value of that kind becomes in SPARQL.
KINDS = {
    "string": 'a string literal, escaped ("…")',
    "iri": "an absolute IRI (<…>)",
    "integer": "an xsd:integer",
    "decimal": "an xsd:decimal",
    "boolean": "true or false",
    "date": "an xsd:date (YYYY-MM-DD)",
    "year": "a year (2014; 490 BC is -490): an xsd:integer, compared with YEAR() of the day-bound "
            "ckg:intervalStart/ckg:intervalEnd",
    "name": "a label or alias in any case, or an absolute IRI (<…> or scheme://…): bound as a "
            "search key of ontology/rules/name-keys.rq (skos:hiddenLabel: the name lower-cased, "
            "the IRI as text)",
}

_ENV_DIR = "KG_QUERIES_DIR"
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUERY_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_PARAM_RE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\((?P<attrs>[a-z]+(?:\s*,\s*[a-z]+)?)\))?\s*=\s*(?P<default>.*?)"
    r"\s*(?:(?:—|--)\s*(?P<meaning>.*))?$"
)
#: The attribute that marks a parameter without a default (see the module docs).
REQUIRED = "required"
#: The attribute of a parameter that is not bound at all when not given (see the module docs).
OPTIONAL = "optional"
#: The parameters of a time window (kind ``year``), checked together by :func:`check_window`.
WINDOW = ("at", "from", "to")
_IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*")
_INTEGER_RE = re.compile(r"[+-]?\d+")
_DECIMAL_RE = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+)")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://|urn:", re.IGNORECASE)
_KEYS = ("title", "description", "param")
#: A comment ``# @params`` in a query marks where the VALUES block of its parameters goes.
PARAMS_MARKER = "@params"


class QueryError(KGError, ValueError):
    """A named query or its parameters cannot be used (bad usage or input)."""


class UnknownQuery(QueryError):
    """No named query has this name."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        import difflib

        self.name = name
        self.known = sorted(known)
        close = difflib.get_close_matches(name, self.known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        super().__init__(f"unknown query name {name!r}{hint} (`kg query --list` shows the names)")


class ParamError(QueryError):
    """A parameter is unknown, missing or has a value that is not of its kind."""


@dataclass(frozen=True)
class Param:
    """One parameter of a named query: the variable ``?name``, bound with VALUES."""

    name: str
    #: The value used when the parameter is not given; None for a required parameter.
    default: str | None
    meaning: str = ""
    kind: str = "string"
    #: A value to show (a required parameter's header value); the default when there is one.
    example: str | None = None
    #: Not bound at all when not given (no default, not required).
    optional: bool = False

    @property
    def required(self) -> bool:
        """True when the parameter has no default and must be given."""
        return self.default is None and not self.optional

    @property
    def sample(self) -> str | None:
        """The value filled in for this parameter: its default, else a required one's
        example (an optional parameter starts empty: unbound)."""
        if self.optional:
            return None
        return self.default if self.default is not None else self.example

    def term(self, value: str) -> str:
        """``value`` as one SPARQL term of this parameter's kind (see :func:`format_term`)."""
        try:
            return format_term(value, self.kind)
        except ValueError as exc:
            raise ParamError(f"parameter {self.name}: {exc}") from None


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with its header: ``name`` is the file stem (or ``query`` for ad-hoc text)."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path | None = None
    #: Variables of the query text (without ``?``), for checking ad-hoc parameters.
    variables: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @property
    def form(self) -> str:
        """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``."""
        return query_form(self.text)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


# --- lexing ---------------------------------------------------------------------------
_TOKEN_RE = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<word>[A-Za-z_\u00C0-\uFFFF][\w\-.\u00B7-\uFFFF]*(?::[^\s{}()\[\],;]*)?|:[^\s{}()\[\],;]*)
  | (?P<brace>[{}])
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) for each token; comments, strings and IRIs are single tokens, so
    that nothing inside them is taken for a keyword, a variable or a brace."""
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "space":
            yield kind, match.group(), match.start()


def query_form(text: str) -> str:
    """The query form of a SPARQL text: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``.

    >>> query_form("# ASK in a comment\\nPREFIX a: <x:> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    for kind, token, _ in _tokens(text):
        if kind == "word" and token.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return token.upper()
        if kind == "word" and token.upper() in ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP",
                                                 "COPY", "MOVE", "ADD", "WITH"):
            return "UPDATE"
    raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")


def _variables(text: str) -> frozenset[str]:
    return frozenset(token[1:] for kind, token, _ in _tokens(text) if kind == "var")


def _marker_spans(text: str) -> list[tuple[int, int]]:
    """The ``# @params`` comments of ``text``, as (start, end) spans: each one gets the VALUES
    block (several sub-queries may each need the parameters, to be seeded by them).

    >>> len(_marker_spans("SELECT * { { SELECT ?x { # @params\\n ?x ?p ?a } } { # @params\\n ?y ?q ?a } }"))
    2
    """
    return [(offset, offset + len(token)) for kind, token, offset in _tokens(text)
            if kind == "comment" and token.lstrip("#").strip() == PARAMS_MARKER]


def _insertion_point(text: str) -> tuple[int, int]:
    """Where the VALUES block goes, as a (start, end) span of ``text`` to replace.

    A comment ``# @params`` marks the place explicitly (for a query whose parameters are used
    inside a subquery, which does not see bindings made outside it); otherwise the block
    goes just after the ``{`` that opens the outermost WHERE group.
    """
    form = None
    seen_where = False
    depth = 0
    brace: int | None = None
    for kind, token, offset in _tokens(text):
        if kind == "comment" and token.lstrip("#").strip() == PARAMS_MARKER:
            return offset, offset + len(token)
        if brace is not None:
            continue
        upper = token.upper() if kind == "word" else ""
        if form is None:
            if upper in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = upper
            continue
        if token == "(" and kind == "other":
            depth += 1
        elif token == ")" and kind == "other":
            depth = max(0, depth - 1)
        elif upper == "WHERE":
            seen_where = True
        elif kind == "brace" and token == "{" and depth == 0 and (seen_where or form in ("SELECT", "ASK")):
            brace = offset + 1
    if brace is None:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    return brace, brace


def _declared_prefixes(text: str) -> set[str]:
    declared: set[str] = set()
    tokens = [(k, t) for k, t, _ in _tokens(text)]
    for i, (kind, token) in enumerate(tokens[:-1]):
        if kind == "word" and token.upper() == "PREFIX":
            name = tokens[i + 1][1]
            if name.endswith(":"):
                declared.add(name[:-1])
    return declared


def with_project_prefixes(text: str) -> str:
    """``text`` with a PREFIX declaration for each project prefix it does not declare itself.

    The declarations go in front of the first line, on that line, so that the line numbers
    of a syntax error are those of the query as written.

    >>> with_project_prefixes("PREFIX ckg: <x:>\\nASK {}").count("PREFIX ckg:")
    1
    >>> with_project_prefixes("ASK {}").count("\\n")
    0
    """
    declared = _declared_prefixes(text)
    declarations = [f"PREFIX {p}: <{ns}>" for p, ns in terms.PREFIXES.items() if p not in declared]
    return " ".join(declarations + [text]) if declarations else text


def declare_used_prefixes(text: str) -> str:
    """``text`` with one ``PREFIX`` line (in front) for each project prefix it uses without
    declaring it: the readable form, for showing a query to people.

    >>> print(declare_used_prefixes("SELECT * WHERE { ?s a ckg:Side ; schema:about/rdfs:label ?l }"))
    PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
    PREFIX schema: <https://schema.org/>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT * WHERE { ?s a ckg:Side ; schema:about/rdfs:label ?l }
    """
    declared = _declared_prefixes(text)
    used: set[str] = set()
    for kind, token, _ in _tokens(text):
        if kind == "word" and ":" in token:  # a path such as schema:about/rdfs:label is one token
            used.update(piece.split(":", 1)[0] for piece in re.split(r"[/|^!*+?]", token) if ":" in piece)
    lines = [f"PREFIX {p}: <{ns}>\n" for p, ns in terms.PREFIXES.items() if p in used and p not in declared]
    return "".join(lines) + text


class UnknownPrefix(QueryError):
    """A query uses a prefix that neither it nor the project declares."""

    def __init__(self, prefixes: Sequence[str]) -> None:
        self.prefixes = list(prefixes)
        names = ", ".join(f"'{p}:'" for p in self.prefixes)
        first = self.prefixes[0]
        super().__init__(f"unknown prefix {names}; known prefixes: "
                         f"{', '.join(p + ':' for p in terms.PREFIXES)}; "
                         f"declare it with PREFIX {first}: <…> before the query")


def undeclared_prefixes(text: str) -> list[str]:
    """The prefixes ``text`` uses that neither it declares nor the project predeclares
    (:data:`kg.rdf.terms.PREFIXES`), in order of first use.

    >>> undeclared_prefixes("PREFIX ex: <x:> SELECT * WHERE { ?s ex:p/foo:q ?o ; rdfs:label 'a:b' }")
    ['foo']
    """
    declared = _declared_prefixes(text) | set(terms.PREFIXES)
    found: list[str] = []
    tokens = [(k, t) for k, t, _ in _tokens(text)]
    for i, (kind, token) in enumerate(tokens):
        if kind != "word" or ":" not in token:
            continue
        if i > 0 and tokens[i - 1][0] == "word" and tokens[i - 1][1].upper() == "PREFIX":
            continue  # the declaration itself
        for piece in re.split(r"[/|^!*+?]", token):
            prefix = piece.split(":", 1)[0] if ":" in piece else None
            # "_:" is a blank node, not a prefix
            if prefix is not None and prefix != "_" and prefix not in declared and prefix not in found:
                found.append(prefix)
    return found


def check_prefixes(text: str) -> None:
    """Raise :class:`UnknownPrefix` when ``text`` uses an undeclared, unknown prefix.

    >>> check_prefixes("SELECT * WHERE { ?s foo:bar ?o }")
    Traceback (most recent call last):
    ...
    kg.queries.UnknownPrefix: unknown prefix 'foo:'; known prefixes: ckg:, res:, name:, id:, doc:, dbo:, dbr:, wd:, wdt:, schema:, prov:, dcterms:, skos:, geo:, geosparql:, oa:, xsd:, owl:, rdf:, rdfs:; declare it with PREFIX foo: <…> before the query
    """
    unknown = undeclared_prefixes(text)
    if unknown:
        raise UnknownPrefix(unknown)


def syntax_error_of(text: str) -> str | None:
    """The parser's message for ``text`` as written (the user's own lines and columns), or
    None when it parses: the project prefixes are given to the parser, not put in front of
    the text, and no parameter is bound, so a position in the message is one in ``text``.

    >>> syntax_error_of("SELECT * WHERE { ?s ckg:side ?o ) }")
    'error at 1:36: expected [_]'
    >>> syntax_error_of("SELECT * WHERE { ?s ckg:side ?o }") is None
    True
    """
    import pyoxigraph as ox

    try:
        ox.Store().query(text, prefixes=terms.PREFIXES)  # an empty store: parse, then nothing
    except SyntaxError as exc:
        return str(exc)
    except (ValueError, TypeError, OSError):
        return None
    return None


# --- values ---------------------------------------------------------------------------
def infer_kind(default: str | None) -> str:
    """The kind a parameter gets from its default value.

    >>> [infer_kind(v) for v in ("<http://x/y>", "2012", "1.5", "true", "2016-12-22", "Iran", None)]
    ['iri', 'integer', 'decimal', 'boolean', 'date', 'string', 'string']
    """
    if default is None or default == "":
        return "string"
    if default.startswith("<") and default.endswith(">"):
        return "iri"
    if default in ("true", "false"):
        return "boolean"
    if _INTEGER_RE.fullmatch(default):
        return "integer"
    if _DECIMAL_RE.fullmatch(default):
        return "decimal"
    if _DATE_RE.fullmatch(default):
        return "date"
    return "string"


def format_term(value: str, kind: str) -> str:
    """One SPARQL term for ``value`` of ``kind``; raises ValueError when it is not one.

    >>> format_term("Qasem Soleimani", "string"), format_term("<https://e.org/a>", "iri")
    ('"Qasem Soleimani"', '<https://e.org/a>')
    >>> format_term("BATTLE of Aleppo", "name"), format_term("https://e.org/Iran", "name")
    ('"battle of aleppo"', '"https://e.org/Iran"')
    >>> format_term("007", "integer"), format_term("2016-12-22", "date")
    ('7', '"2016-12-22"^^<http://www.w3.org/2001/XMLSchema#date>')
    >>> format_term("https://e.org/a> } ; DROP ALL ; {", "iri")
    Traceback (most recent call last):
    ...
    ValueError: not an absolute IRI: 'https://e.org/a> } ; DROP ALL ; {'
    """
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    if kind == "string":
        if "\x00" in value:
            raise ValueError("a value cannot contain a NUL character")
        if any("\ud800" <= c <= "\udfff" for c in value):
            raise ValueError("a value cannot contain a lone surrogate (not valid Unicode text)")
        return sparql_string(value)
    text = value.strip()
    if kind == "name":
        # an entity named by its IRI, or by a label/alias looked up in the lower-cased keys
        # that ontology/rules/name-keys.rq derives (an index look-up, not a scan of labels)
        iri = text[1:-1] if text.startswith("<") and text.endswith(">") else text
        if (text.startswith("<") or _SCHEME_RE.match(iri)) and _IRI_RE.fullmatch(iri):
            return sparql_string(iri)  # the rule's key for an IRI is the IRI as text
        return format_term(value.lower(), "string")
    if kind == "iri":
        iri = text[1:-1] if text.startswith("<") and text.endswith(">") else text
        if not _IRI_RE.fullmatch(iri):
            raise ValueError(f"not an absolute IRI: {value!r}")
        return f"<{iri}>"
    if kind == "integer":
        if not _INTEGER_RE.fullmatch(text):
            raise ValueError(f"not an integer: {value!r}")
        return str(int(text))
    if kind == "decimal":
        if not (_DECIMAL_RE.fullmatch(text) or _INTEGER_RE.fullmatch(text)):
            raise ValueError(f"not a decimal number: {value!r}")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a decimal number: {value!r}") from None
        rendered = format(number, "f")
        return rendered if "." in rendered else rendered + ".0"
    if kind == "boolean":
        lowered = text.lower()
        if lowered in ("true", "yes", "1"):
            return "true"
        if lowered in ("false", "no", "0"):
            return "false"
        raise ValueError(f"not a boolean (true or false): {value!r}")
    if kind == "date":
        try:
            if not _DATE_RE.fullmatch(text):
                raise ValueError
            datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None
        return f'"{text}"^^<{terms.XSD}date>'
    if kind == "year":
        if not _INTEGER_RE.fullmatch(text) or int(text) == 0 or abs(int(text)) > 9999:
            raise ValueError(f"not a year (e.g. 2014, or -490 for 490 BC): {value!r}")
        return str(int(text))
    raise ValueError(f"unknown parameter kind {kind!r} (known: {', '.join(KINDS)})")


# --- parsing and loading --------------------------------------------------------------
def parse_query(text: str, name: str = "query", path: Path | None = None) -> NamedQuery:
    """A :class:`NamedQuery` from SPARQL text and its (optional) header comment block.

    Raises:
        QueryError: on a malformed ``# param:`` line, an unknown kind, or a parameter that is
            not a variable of the query.
    """
    fields: dict[str, list[str]] = {"title": [], "description": []}
    params: list[Param] = []
    current: str | None = None
    where = f"{path}: " if path is not None else ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            current = None
            continue
        if not stripped.startswith("#"):
            break
        content = stripped.lstrip("#").strip()
        key, sep, rest = content.partition(":")
        key = key.strip().lower()
        if sep and key in _KEYS:
            rest = rest.strip()
            if key == "param":
                match = _PARAM_RE.match(rest)
                if match is None:
                    raise QueryError(f"{where}bad param line {content!r}: "
                                     "write '# param: name = default — meaning'")
                value = match["default"] or None
                attrs = [a.strip() for a in (match["attrs"] or "").split(",") if a.strip()]
                optional = OPTIONAL in attrs
                if optional and REQUIRED in attrs:
                    raise QueryError(f"{where}param {match['name']}: both {REQUIRED} and {OPTIONAL}")
                required = (REQUIRED in attrs or value is None) and not optional
                kinds = [a for a in attrs if a not in (REQUIRED, OPTIONAL)]
                if len(kinds) > 1:
                    raise QueryError(f"{where}param {match['name']}: two kinds {kinds}")
                kind = kinds[0] if kinds else infer_kind(value)
                if kind not in KINDS:
                    raise QueryError(f"{where}param {match['name']}: unknown kind {kind!r} "
                                     f"(known: {', '.join(KINDS)}, and {REQUIRED!r})")
                if value is not None:
                    try:
                        format_term(value, kind)
                    except ValueError as exc:
                        what = "example" if required or optional else "default"
                        raise QueryError(f"{where}param {match['name']}: bad {what}: {exc}") from None
                params.append(Param(match["name"], None if required or optional else value,
                                    (match["meaning"] or "").strip(), kind, example=value, optional=optional))
                current = "param"
            else:
                fields[key].append(rest)
                current = key
        elif current in ("title", "description") and content:
            fields[current].append(content)
        elif current == "param" and content and params:
            last = params[-1]
            params[-1] = Param(last.name, last.default, f"{last.meaning} {content}".strip(), last.kind,
                               last.example, last.optional)
    variables = _variables(text)
    for param in params:
        if param.name not in variables:
            raise QueryError(f"{where}param {param.name} is not a variable of the query (no ?{param.name})")
    if len({p.name for p in params}) != len(params):
        raise QueryError(f"{where}a parameter is declared twice")
    title = " ".join(fields["title"]) or name
    return NamedQuery(name=name, title=title, description=" ".join(fields["description"]),
                      params=tuple(params), text=text, path=path, variables=variables)


def queries_dir() -> Path:
    """The folder of the named queries (see the module docs for the search order)."""
    candidates: list[Path] = []
    env = os.environ.get(_ENV_DIR)
    if env:
        candidates.append(Path(env))
    here = Path(__file__).resolve()
    candidates += [here.parents[1] / "queries", here.parent / "named_queries"]
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.glob("*.rq")):
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"no named queries found (looked in {looked}); "
                            f"set ${_ENV_DIR} to a folder of .rq files")


def load_queries(directory: Path | str | None = None) -> dict[str, NamedQuery]:
    """Every ``*.rq`` file of ``directory`` (default :func:`queries_dir`) by name, sorted.

    >>> queries = load_queries()
    >>> len(queries) >= 15 and all(q.title and q.description for q in queries.values())
    True
    """
    from kg.rdf.ontology import rebase

    folder = Path(directory) if directory is not None else queries_dir()
    out: dict[str, NamedQuery] = {}
    for path in sorted(folder.glob("*.rq")):
        if not _QUERY_NAME_RE.fullmatch(path.stem):
            raise QueryError(f"{path}: a query name is lower-case letters, digits, '-' and '_'")
        # rebased like the ontology files: a query names the view graph by its full IRI
        out[path.stem] = parse_query(rebase(path.read_text(encoding="utf-8")), path.stem, path)
    return out


def get_query(name: str, directory: Path | str | None = None) -> NamedQuery:
    """The named query ``name``; raises :class:`UnknownQuery` listing close names."""
    queries = load_queries(directory)
    if name not in queries:
        raise UnknownQuery(name, queries)
    return queries[name]


# --- rendering ------------------------------------------------------------------------
def _as_values(value: str | Sequence[str]) -> list[str]:
    if isinstance(value, str):
        return [value]
    values = list(value)
    if not values:
        raise ParamError("a parameter needs at least one value")
    return values


def missing_required(query: NamedQuery, params: Mapping[str, object] | None) -> list[Param]:
    """The required parameters of ``query`` that ``params`` does not give.

    >>> q = parse_query("# param: a (required) = x\\n# param: b = y\\nSELECT * WHERE { ?a ?b ?c }")
    >>> [p.name for p in missing_required(q, {"b": "z"})]
    ['a']
    """
    given = params or {}
    return [p for p in query.params if p.required and p.name not in given]


def defaulted(query: NamedQuery, params: Mapping[str, object] | None) -> list[Param]:
    """The parameters of ``query`` that ``params`` does not give and that take their default.

    >>> q = parse_query("# param: a (required) = x\\n# param: b = y\\nSELECT * WHERE { ?a ?b ?c }")
    >>> [(p.name, p.default) for p in defaulted(q, {"a": "z"})]
    [('b', 'y')]
    """
    given = params or {}
    return [p for p in query.params if p.default is not None and p.name not in given]


def render(query: NamedQuery | str, params: Mapping[str, str | Sequence[str]] | None = None,
           *, prefixes: bool = True, examples: bool | None = None) -> str:
    """The SPARQL text to run: parameters bound with VALUES, project prefixes declared.

    Declared parameters not given take their default; a required parameter (one without a
    default) must be given. With ``examples`` (by default: when ``params`` is None, i.e. no
    parameters at all were passed) a required parameter not given takes its header example
    instead: that renders the example query, as the query page and the benchmarks show it.
    For a query without a header (ad-hoc text), any variable of the query can be given as a
    parameter; its kind is inferred from the value, so pass an IRI as ``<…>``.

    >>> q = parse_query("# param: who (required) = Iran — a name\\nSELECT ?x WHERE { ?x ?p ?who }")
    >>> render(q, {}, prefixes=False)
    Traceback (most recent call last):
    ...
    kg.queries.ParamError: parameter who of query query is required (a name): give it with --param who=VALUE, e.g. --param who=Iran
    >>> render(q, prefixes=False).splitlines()[-1]
    'SELECT ?x WHERE { VALUES ?who { "Iran" } ?x ?p ?who }'

    Raises:
        ParamError: unknown parameter, missing value, or a value not of the parameter's kind.
    """
    named = parse_query(query) if isinstance(query, str) else query
    if examples is None:
        examples = params is None
    given = dict(params or {})
    bindings: list[tuple[str, list[str]]] = []
    missing: list[Param] = []
    for param in named.params:
        if param.name in given:
            values = _as_values(given.pop(param.name))
        elif param.default is not None:
            values = [param.default]
        elif param.optional:
            continue
        elif examples and param.example is not None:
            values = [param.example]
        else:
            missing.append(param)  # said after a misspelt or bad parameter, which may be the cause
            continue
        bindings.append((param.name, [param.term(v) for v in values]))
    for name, value in given.items():
        if not _NAME_RE.fullmatch(name):
            raise ParamError(f"bad parameter name {name!r}")
        if named.params or name not in named.variables:
            known = ", ".join(p.name for p in named.params) or "none"
            raise ParamError(f"unknown parameter {name!r} for query {named.name} (parameters: {known})")
        values = _as_values(value)
        bindings.append((name, [Param(name, None, "", infer_kind(v)).term(v) for v in values]))
    if missing:
        raise ParamError(_missing_message(named, missing[0]))
    check_window({name: values for name, values in bindings if name in WINDOW})
    text = named.text
    if bindings:
        block = " ".join(f"VALUES ?{name} {{ {' '.join(values)} }}" for name, values in bindings)
        markers = _marker_spans(text)
        # every marked place gets the block (sub-queries each seeded by the parameters)
        for start, end in reversed(markers or [_insertion_point(text)]):
            text = f"{text[:start]} {block}{text[end:]}"
    return with_project_prefixes(text) if prefixes else text


def check_window(window: Mapping[str, Sequence[str]]) -> None:
    """Raise :class:`ParamError` for a time window that cannot be meant: ``at`` with ``from``
    or ``to``, several values of one of them, or ``from`` after ``to``. ``window`` maps the
    given parameters among :data:`WINDOW` to their SPARQL terms (integers, see kind year).

    >>> check_window({"from": ["2019"], "to": ["2014"]})
    Traceback (most recent call last):
    ...
    kg.queries.ParamError: parameter from=2019 is after to=2014: give from <= to
    >>> check_window({"at": ["2014"]}), check_window({"from": ["2014"], "to": ["2014"]})
    (None, None)
    """
    for name, values in window.items():
        if len(values) > 1:
            raise ParamError(f"parameter {name} takes one year, got {len(values)}: {', '.join(values)}")
    if "at" in window and ("from" in window or "to" in window):
        other = "from" if "from" in window else "to"
        raise ParamError(f"parameter at={window['at'][0]} goes with neither from nor to "
                         f"(got {other}={window[other][0]}): give at, or from/to")
    if "from" in window and "to" in window and int(window["from"][0]) > int(window["to"][0]):
        raise ParamError(f"parameter from={window['from'][0]} is after to={window['to'][0]}: give from <= to")


def _missing_message(query: NamedQuery, param: Param) -> str:
    import shlex

    meaning = f" ({param.meaning})" if param.meaning else ""
    example = f", e.g. --param {shlex.quote(f'{param.name}={param.example}')}" if param.example else ""
    return (f"parameter {param.name} of query {query.name} is required{meaning}: "
            f"give it with --param {param.name}=VALUE{example}")


# --- running --------------------------------------------------------------------------
@dataclass
class QueryResult:
    """What a query returned, the same whether it ran embedded or on an endpoint.

    ``form`` is SELECT, ASK, CONSTRUCT or DESCRIBE; SELECT fills ``columns`` and ``rows``
    (dicts of plain Python values, see :func:`kg.sparql.python_value`), ASK ``boolean``,
    CONSTRUCT/DESCRIBE ``triples`` (pyoxigraph triples).
    """

    form: str
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, object]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[object] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        if self.form == "SELECT":
            return not self.rows
        if self.form == "ASK":
            return not self.boolean
        return not self.triples


class EndpointError(QueryError):
    """A remote endpoint failed, refused the query, timed out or sent a bad response."""


def run_local(store: KGStore, sparql: str) -> QueryResult:
    """Run ``sparql`` on a :class:`kg.store.KGStore` (union default graph).

    Raises:
        SyntaxError: from pyoxigraph, when the query does not parse.
    """
    import pyoxigraph as ox

    from kg.sparql import python_value

    results = store.query(sparql)
    if isinstance(results, ox.QuerySolutions):
        columns = [v.value for v in results.variables]
        rows = [{c: python_value(s[c]) for c in columns} for s in results]
        return QueryResult("SELECT", columns, rows)
    if isinstance(results, ox.QueryBoolean):
        return QueryResult("ASK", boolean=bool(results))
    return QueryResult(query_form(sparql), triples=list(results))


def _json_value(binding: Mapping[str, object]) -> object:
    """One SPARQL JSON results binding as the Python value python_value() gives."""
    import pyoxigraph as ox

    from kg.sparql import python_value

    kind = binding.get("type")
    value = binding.get("value")
    if not isinstance(value, str):
        raise EndpointError(f"bad binding in the endpoint's response: {binding!r}")
    if kind == "uri":
        return value
    if kind == "bnode":
        return "_:" + value
    if kind in ("literal", "typed-literal"):
        datatype = binding.get("datatype")
        if isinstance(datatype, str) and "xml:lang" not in binding:
            try:
                return python_value(ox.Literal(value, datatype=ox.NamedNode(datatype)))
            except ValueError:
                return value
        return value
    raise EndpointError(f"bad binding type {kind!r} in the endpoint's response")


def parse_json_results(raw: bytes, form: str) -> QueryResult:
    """A SPARQL 1.1 JSON results document, checked strictly: a truncated or malformed
    response raises :class:`EndpointError` instead of passing for fewer results.

    >>> parse_json_results(b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal",'
    ...     b'"value":"2","datatype":"http://www.w3.org/2001/XMLSchema#integer"}}]}}', "SELECT").rows
    [{'x': 2}]
    >>> parse_json_results(b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":', "SELECT")
    Traceback (most recent call last):
    ...
    kg.queries.EndpointError: the endpoint's response is truncated or not valid JSON (Expecting value at byte 51)
    """
    import json

    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise EndpointError(f"the endpoint's response is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise EndpointError(f"the endpoint's response is truncated or not valid JSON ({exc.msg} at byte {exc.pos})") from None
    if not isinstance(document, dict) or not isinstance(document.get("head"), dict):
        raise EndpointError("the endpoint's response is not SPARQL JSON results (no head)")
    if form == "ASK" or "boolean" in document:
        if not isinstance(document.get("boolean"), bool):
            raise EndpointError("the endpoint's ASK response has no boolean")
        return QueryResult("ASK", boolean=document["boolean"])
    columns = document["head"].get("vars")
    bindings = (document.get("results") or {}).get("bindings") if isinstance(document.get("results"), dict) else None
    if not isinstance(columns, list) or not isinstance(bindings, list):
        raise EndpointError("the endpoint's response is not SPARQL JSON results (no vars or bindings)")
    rows = []
    for row in bindings:
        if not isinstance(row, dict):
            raise EndpointError("bad row in the endpoint's response")
        rows.append({c: (_json_value(row[c]) if c in row else None) for c in columns})
    return QueryResult("SELECT", list(columns), rows)


def run_remote(url: str, sparql: str, *, timeout: float = 60.0, user: str | None = None,
               password: str | None = None) -> QueryResult:
    """Run ``sparql`` on a SPARQL 1.1 endpoint through SPARQLWrapper (HTTP POST).

    SELECT and ASK results are asked for as JSON and parsed strictly; CONSTRUCT and DESCRIBE
    as N-Triples, parsed by pyoxigraph. The whole exchange is bounded by ``timeout`` seconds
    (not only each socket read). A result cut by the server's row limit (Virtuoso's
    ``ResultSetMaxRows``, announced in its ``X-SPARQL-MaxRows`` header) or by its time limit
    (Virtuoso's "anytime" partial answers, flagged by an ``X-SQL-State`` header) is an error
    too.

    Raises:
        EndpointError: with a readable message; ``syntax`` is True when the endpoint
            rejected the query as malformed (HTTP 400).
    """
    import threading

    form = query_form(sparql)
    if form == "UPDATE":
        raise QueryError("this is a SPARQL update, not a query; kg query only reads")
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["result"] = _remote_exchange(url, sparql, form, timeout, user, password)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="kg-remote-query", daemon=True)
    worker.start()
    worker.join(timeout + 1.0)
    if worker.is_alive():
        raise EndpointError(f"{url}: no complete answer within {timeout:g} s (timed out)")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


def _remote_exchange(url: str, sparql: str, form: str, timeout: float, user: str | None,
                     password: str | None) -> QueryResult:
    import urllib.error

    import pyoxigraph as ox
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import (EndPointInternalError, EndPointNotFound, QueryBadFormed,
                                                SPARQLWrapperException, Unauthorized, URITooLong)

    client = SPARQLWrapper(url, agent=f"conflict-kg/{_version()} (kg query)")
    client.setQuery(sparql)
    client.setMethod(POST)
    client.setTimeout(max(1, int(timeout + 0.999)))
    if user is not None:
        client.setCredentials(user, password or "")
    if form in ("SELECT", "ASK"):
        client.setReturnFormat(JSON)
    else:
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", "application/n-triples, text/plain;q=0.5")
    try:
        response = client.query().response
        raw = response.read()
        headers = response.headers
    except QueryBadFormed as exc:
        error = EndpointError(f"the endpoint says the query is malformed: {_exception_text(exc)}")
        error.syntax = True  # type: ignore[attr-defined]
        raise error from None
    except (EndPointNotFound, Unauthorized, URITooLong, EndPointInternalError) as exc:
        raise EndpointError(f"{url}: {_exception_text(exc)}") from None
    except SPARQLWrapperException as exc:
        raise EndpointError(f"{url}: {_exception_text(exc)}") from None
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace").strip()
        raise EndpointError(f"{url}: HTTP {exc.code} {exc.reason}: {body[:500]}") from None
    except urllib.error.URLError as exc:
        raise EndpointError(f"{url}: cannot reach the endpoint ({exc.reason})") from None
    except TimeoutError:
        raise EndpointError(f"{url}: no answer within {timeout:g} s (timed out)") from None
    except OSError as exc:
        raise EndpointError(f"{url}: connection failed ({exc})") from None
    state = (headers.get("X-SQL-State") or "") if headers is not None else ""
    if state.strip():  # Virtuoso's "anytime" answer: a 200 with what it had when time ran out
        message = headers.get("X-SQL-Message") or ""
        raise EndpointError(f"{url}: the endpoint returned an incomplete result (X-SQL-State {state.strip()}: "
                            f"{message.strip() or 'no message'})")
    if form in ("SELECT", "ASK"):
        result = parse_json_results(raw, form)
        limit = headers.get("X-SPARQL-MaxRows") if headers is not None else None
        if limit and limit.strip().isdigit() and len(result.rows) >= int(limit):
            raise EndpointError(f"{url}: the endpoint cut the result at its row limit ({limit} rows, "
                                "X-SPARQL-MaxRows); raise the limit on the server or page with LIMIT/OFFSET")
        return result
    try:
        triples = list(ox.parse(raw, format=ox.RdfFormat.N_TRIPLES))
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(f"{url}: the endpoint's RDF response is truncated or malformed ({exc})") from None
    return QueryResult(form, triples=[q.triple if hasattr(q, "triple") else q for q in triples])


def _exception_text(exc: BaseException) -> str:
    text = str(exc).strip()
    return " ".join(text.split())[:800]


def _version() -> str:
    return __version__
