"""Readers: source files in, :class:`kg.document.Document` out.

A registry maps file extensions to reader functions, so that ``kg build`` can take folders
of mixed documents. Later readers (news text, wikitext, dumps) register here too.

>>> reader_for("x/Battle.md").__name__
'read_wtf_markdown'
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kg.document import Document
from kg.readers.errors import DocumentError
from kg.readers.wtf_markdown import read_wtf_markdown

Reader = Callable[..., Document]

READERS: dict[str, Reader] = {
    ".md": read_wtf_markdown,
    ".markdown": read_wtf_markdown,
}
#: The document kind each extension yields: "wikipedia" documents are built first, "news"
#: after them, because news linking needs the entities the articles introduce.
KINDS: dict[str, str] = {".md": "wikipedia", ".markdown": "wikipedia"}


def register_reader(extension: str, reader: Reader, kind: str = "wikipedia") -> None:
    READERS[extension.lower()] = reader
    KINDS[extension.lower()] = kind


def document_kind(path: str | Path) -> str | None:
    """The kind of document a file's reader yields (``wikipedia``, ``news``), or ``None``.

    >>> document_kind("a/b.md")
    'wikipedia'
    """
    name = str(path).lower()
    for extension in sorted(KINDS, key=len, reverse=True):
        if name.endswith(extension):
            return KINDS[extension]
    return None


def reader_for(path: str | Path) -> Reader | None:
    name = str(path).lower()
    for extension in sorted(READERS, key=len, reverse=True):
        if name.endswith(extension):
            return READERS[extension]
    return None


def read_document(path: str | Path) -> Document:
    """Read one file with the reader registered for its extension; its revision date and
    id, when a TSV beside it gives them, go to ``extra`` (:mod:`kg.readers.revisions`)."""
    from kg.readers.revisions import apply_revision

    reader = reader_for(path)
    if reader is None:
        raise DocumentError(str(path), None, None,
                            f"no reader for this file type; known: {', '.join(sorted(READERS))}")
    doc = reader(path)
    apply_revision(doc, path)
    return doc


def iter_source_files(paths: list[str | Path]) -> list[Path]:
    """Files under the given files/folders that a reader is registered for, sorted."""
    found: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for candidate in path.rglob("*"):
                if candidate.is_file() and reader_for(candidate) and not candidate.name.startswith("."):
                    found.add(candidate)
        elif path.exists():
            found.add(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return sorted(found)


__all__ = ["DocumentError", "KINDS", "READERS", "document_kind", "iter_source_files", "read_document", "reader_for", "register_reader"]


def _register_news() -> None:
    from kg.readers.news import read_news

    register_reader(".txt", read_news, kind="news")


_register_news()


def _register_wikitext() -> None:
    from kg.readers.wikitext import read_wikitext

    register_reader(".wiki", read_wikitext)
    register_reader(".wikitext", read_wikitext)


_register_wikitext()


def _read_dump_as_one(path: str | Path) -> Document:
    raise DocumentError(str(path), None, None, "a MediaWiki dump holds many documents: build it with "
                        "`kg build` (or iterate kg.readers.dump.iter_dump)", code="multi-document")


def _register_dumps() -> None:
    # `kg build` expands dumps page by page (kg.pipeline.iter_work); registering the
    # extensions makes folders pick them up.
    for extension in (".xml", ".xml.bz2", ".xml.gz"):
        register_reader(extension, _read_dump_as_one)


_register_dumps()
