"""MediaWiki title normalisation and stable, always-valid IRIs.

Every IRI the project mints comes from here, so that "equal titles give one IRI, distinct
titles never collide" holds in one place:

* :func:`normalise_title` does what MediaWiki does to a link target: percent-decoding,
  underscores as spaces, folded whitespace, NFC, first letter upper-case, and the
  ``#fragment`` split off (a fragment is a section of the page, not another entity).
* :func:`iri_segment` turns a normalised title into an IRI path segment: spaces become
  ``_`` (as in Wikipedia and DBpedia IRIs) and every character an IRI may not hold
  (controls, space, ``<>"{}|^`\\``, ``#``, ``?``, ``%``, private-use, lone surrogates) is
  percent-encoded from its UTF-8 (surrogate-pass) bytes, so the mapping stays injective.

>>> resource_iri("saudi_arabia")
'https://w3id.org/conflict-kg/resource/Saudi_arabia'
>>> resource_iri("Aleppo offensive (November–December 2016)")
'https://w3id.org/conflict-kg/resource/Aleppo_offensive_(November–December_2016)'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import unquote

from kg.rdf import terms

_WHITESPACE = re.compile(r"[\s_\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
# ASCII characters allowed as-is in an IRI path segment (RFC 3987 iunreserved + sub-delims + ':' '@' '/').
_SAFE_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/")


def split_fragment(title: str) -> tuple[str, str | None]:
    """``Page#Section`` -> ``('Page', 'Section')``.

    >>> split_fragment("Double tap#Double tap missile strike")
    ('Double tap', 'Double tap missile strike')
    """
    page, sep, fragment = title.partition("#")
    return page, (fragment.replace("_", " ").strip() or None) if sep else None


def normalise_title(title: str) -> str:
    """Normalise a page title as MediaWiki does (fragment removed).

    >>> normalise_title("  saudi_arabia ")
    'Saudi arabia'
    >>> normalise_title("People%27s_Protection_Units#History")
    "People's Protection Units"
    >>> normalise_title("e\\u0301cole") == normalise_title("\\u00e9cole")
    True
    """
    if _PERCENT.search(title):
        title = unquote(title, errors="surrogatepass")
    title, _ = split_fragment(title)
    title = unicodedata.normalize("NFC", _WHITESPACE.sub(" ", title)).strip()
    if title[:1].islower():
        upper = title[0].upper()
        if len(upper) == 1:  # MediaWiki leaves letters alone whose capital is two letters (ß)
            title = upper + title[1:]
    return title


def _allowed_in_iri(char: str) -> bool:
    if char in _SAFE_ASCII:
        return True
    code = ord(char)
    if code < 0xA0:
        return False
    # RFC 3987 ucschar ranges (private-use and non-characters excluded)
    return (
        0xA0 <= code <= 0xD7FF
        or 0xF900 <= code <= 0xFDCF
        or 0xFDF0 <= code <= 0xFFEF
        or (0x10000 <= code <= 0xEFFFD and (code & 0xFFFF) < 0xFFFE and not 0xE0000 <= code < 0xE1000)
    )


def iri_segment(title: str, *, wiki_spaces: bool = True) -> str:
    """An IRI-safe path segment for a (normalised) title; injective on strings.

    With ``wiki_spaces`` a space is written ``_`` (and a real ``_`` escaped); without, both
    are kept apart the ordinary way (space as ``%20``).

    >>> iri_segment('a b<c>"#%?')
    'a_b%3Cc%3E%22%23%25%3F'
    >>> iri_segment("")
    '_'
    """
    if title == "":
        return "_"  # an empty title still gets a valid, distinct segment
    out: list[str] = []
    for char in title:
        if char == " " and wiki_spaces:
            out.append("_")
        elif char == "_" and wiki_spaces:
            out.append("%5F")  # keeps 'a_b' (already normalised away) distinct from 'a b'
        elif _allowed_in_iri(char):
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
    return "".join(out)


def resource_iri(title: str) -> str:
    """IRI of the entity that has the Wikipedia page ``title``."""
    return terms.RESOURCE + iri_segment(normalise_title(title))


def name_iri(name: str) -> str:
    """IRI of a thing known only by an unlinked name, kept apart from page IRIs.

    >>> name_iri("Abbas Samii")
    'https://w3id.org/conflict-kg/resource/name/Abbas_Samii'
    """
    return terms.NAME + iri_segment(normalise_title(name))


def node_iri(kind: str, *parts: object) -> str:
    """A flat IRI for an n-ary node (side, participation …), stable for stable parts.

    Flat IRIs keep Turtle writers linear (one namespace per entity makes rdflib's quadratic).

    >>> node_iri("side", "x", 1) == node_iri("side", "x", 1) != node_iri("side", "x", 2)
    True
    """
    digest = hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{terms.NODE}{kind}-{digest}"


def document_iri(path: str) -> str:
    """IRI of a source document (also its named graph): ``<parent folder>/<file name>``.

    Only the last two path parts count, so ``kg build data/`` and ``kg build data/wikipedia``
    name a file the same way.

    A page of a dump (path ``dump.xml.bz2::Page title``) is named
    ``<dump file name>/<page title>``; one revision of a page that has several in the dump
    (``dump.xml::Page title#123``, see :meth:`kg.readers.dump.DumpPage.document_path`) is
    ``<dump file name>/<page title>?revision=123`` (a title never holds ``#`` and its
    segment escapes ``?``, so no title gives that IRI).

    >>> document_iri("data/wikipedia/syria/battle_of_hosn.md")
    'https://w3id.org/conflict-kg/document/syria/battle_of_hosn.md'
    >>> document_iri("dumps/enwiki.xml.bz2::Battle of Marathon")
    'https://w3id.org/conflict-kg/document/enwiki.xml.bz2/Battle_of_Marathon'
    >>> document_iri("dumps/history.xml::Battle of Marathon#717770601")
    'https://w3id.org/conflict-kg/document/history.xml/Battle_of_Marathon?revision=717770601'
    """
    if "::" in path:
        container, _, page = path.partition("::")
        page, _, revision = page.partition("#")
        name = re.split(r"[\\/]+", container)[-1]
        return (terms.DOCUMENT + iri_segment(unicodedata.normalize("NFC", name), wiki_spaces=False)
                + "/" + iri_segment(normalise_title(page))
                + (f"?revision={iri_segment(revision, wiki_spaces=False)}" if revision else ""))
    parts = [p for p in re.split(r"[\\/]+", path) if p and p != "."]
    tail = parts[-2:] if len(parts) >= 2 else parts
    return terms.DOCUMENT + "/".join(iri_segment(unicodedata.normalize("NFC", p), wiki_spaces=False) for p in tail)


def wikipedia_url(title: str) -> str:
    return terms.WIKIPEDIA + iri_segment(normalise_title(title))


def dbpedia_iri(title: str) -> str:
    return terms.DBR + iri_segment(normalise_title(title))


def local_iri(name: str, scope: str) -> str:
    """IRI of a generic unlinked name (``Special Forces``) scoped to one document.

    >>> local_iri("Special Forces", "https://w3id.org/conflict-kg/document/syria/a.md")[:52]
    'https://w3id.org/conflict-kg/resource/local/0cbd6f4e'
    """
    digest = hashlib.sha1(scope.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{terms.RESOURCE}local/{digest}/{iri_segment(normalise_title(name))}"
