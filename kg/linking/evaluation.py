"""Comparison keys for evaluating links against Wikipedia titles (``kg eval-links``).
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.linking.text import _key_title
from kg.rdf import terms as T


def entity_keys(iri: str, same_as: Iterable[str] = ()) -> set[str]:
    """Comparison keys of an entity: its IRI and the folded titles its IRI and
    ``owl:sameAs``/``schema:sameAs`` links name (for evaluation against titles)."""
    keys = {iri}
    for candidate in [iri, *same_as]:
        for prefix in (T.NAME, T.RESOURCE, T.WIKIPEDIA, T.DBR, "http://en.wikipedia.org/wiki/"):
            if candidate.startswith(prefix):
                keys.add(_key_title(candidate[len(prefix):]))
                break
    return keys


def title_key(title: str) -> str:
    """The comparison key of a Wikipedia title (see :func:`entity_keys`)."""
    return _key_title(title)
