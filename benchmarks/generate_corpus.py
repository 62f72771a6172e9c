#!/usr/bin/env python
"""Scale the real corpus (``data/wikipedia``) to N articles, as YAML+markdown files and as
one MediaWiki dump of the same documents.

Article ``i`` is a copy of corpus article ``i mod 156`` (the corpus articles that have a
conflict infobox, in path order); copy 0 of each is the article itself, every later copy is
renamed and perturbed, deterministically from ``--seed`` and ``i``:

* **title**: ``<title> (copy <k>)``; the ``conflict`` field follows when it was the title;
* **entities** (links of the combatant, commander, units and place fields; countries are
  left alone): ~25% are renamed to a variant (``Hezbollah Varnek``, ``Al-Husn Tolmira, Syria``:
  a pseudo-word from a pool of 24, inserted before a trailing parenthetical, anchor and
  page alike), so that a variant recurs in several documents; ~5% get a lower-case page
  (``hezbollah``: identity merges it by rule 1); ~5% lose their link when the anchor is the
  page title (an unlinked name: rule 3); body links to a renamed page are renamed too;
* **numbers** of ``strength*``/``casualties*`` are scaled by a factor in [0.6, 1.6] drawn per
  copy (years, dates, ordinals and numbers inside link anchors are left alone; thousands
  separators are kept).

Each perturbed document is written as wikitext (:func:`kg.readers.wikitext_writer.document_to_wikitext`)
into ``OUT/dump.xml.bz2`` (:func:`kg.readers.dump.write_dump`), and the same wikitext read
back (:func:`kg.readers.wikitext.document_from_wikitext`) is written as ``OUT/yaml/<name>.md``
in the corpus format (YAML front matter with ``title``, ``shortDescription``,
``description``, ``img``, ``infoboxes`` of ``{text, links, formatting}``; the markdown body).
Writing the YAML from what the dump reads back makes the two sources hold the same
documents even where wikitext cannot say what wtf_wikipedia wrote (runs of spaces, see
:data:`kg.readers.wikitext_writer.LOSSES`); the body has no leading infobox table (the dump
has none either), so that mention offsets agree.

Usage::

    python benchmarks/generate_corpus.py --articles 10000 --out /tmp/corpus10k [--seed 1]

``OUT/manifest.tsv`` lists ``index, source file, copy, title, yaml file``; a second run with
the same arguments is a no-op (``OUT/manifest.json`` records them).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.document import Document, Field, Infobox, Link  # noqa: E402
from kg.identity import normalise_title  # noqa: E402
from kg.infobox.flags import is_country_title  # noqa: E402
from kg.infobox.text import locate_links  # noqa: E402
from kg.readers import read_document  # noqa: E402
from kg.readers.dump import write_dump  # noqa: E402
from kg.readers.wikitext import document_from_wikitext  # noqa: E402
from kg.readers.wikitext_writer import document_to_wikitext  # noqa: E402

SOURCE = ROOT / "data" / "wikipedia"
VERSION = 1  # bump when the output of the same arguments changes

RENAME_SHARE = 0.25
LOWER_SHARE = 0.05
UNLINK_SHARE = 0.05
ENTITY_FIELDS = re.compile(r"^(?:combatant|commander|units)\d+[a-d]?$|^place$")
NUMBER_FIELDS = re.compile(r"^(?:strength|casualties)\d*[a-d]?$")
_SYLLABLES = ["var", "nek", "tol", "mir", "a", "kas", "dor", "vel", "un", "zar", "ost", "ri",
              "bel", "gor", "an", "shen", "lo", "tar", "is", "mun", "keth", "ra", "vo", "dal"]


def variant_words(seed: int, count: int = 24) -> list[str]:
    """Pseudo-words for renamed entities (``Varnek``), distinct, deterministic by seed."""
    rng = random.Random(f"variants:{seed}")
    words: list[str] = []
    while len(words) < count:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        if word not in words and len(word) >= 4:
            words.append(word)
    return words


# --- numbers ---------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\d.,/:])(\d{1,3}(?:,\d{3})+|\d+)(?![\d]|[.,]\d|[^\W\d_])")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")


def scale_numbers(text: str, factor: float) -> str:
    """Numbers times ``factor`` (rounded; at least 1; thousands separators kept); years
    (1000-2100 without separator), day numbers next to a month name and ordinals stay.

    >>> scale_numbers("1,500 killed, 300 captured (as of 3 July 2014); 21st Brigade", 2)
    '3,000 killed, 600 captured (as of 3 July 2014); 21st Brigade'
    """
    def scaled(match: re.Match[str]) -> str:
        written = match.group(1)
        value = int(written.replace(",", ""))
        if "," not in written and 1000 <= value <= 2100:
            return written
        before = text[max(0, match.start() - 12):match.start()].lower()
        after = text[match.end():match.end() + 12].lower()
        if after.lstrip().startswith(_MONTHS) or before.rstrip().endswith(_MONTHS):
            return written
        new = max(1, round(value * factor)) if value else 0
        return f"{new:,}" if "," in written else str(new)

    return _NUMBER.sub(scaled, text)


# --- entities -------------------------------------------------------------------------

_TRAILING_PAREN = re.compile(r"^(.*?)(\s*\([^()]*\))$")


def variant_name(name: str, word: str) -> str:
    """``Free Syrian Army`` -> ``Free Syrian Army Varnek``; a trailing parenthetical stays
    last (``Al-Husn Varnek, Syria`` keeps the part after a comma too).

    >>> variant_name("National Defense Force (Syria)", "Varnek"), variant_name("Al-Husn, Syria", "Varnek")
    ('National Defense Force Varnek (Syria)', 'Al-Husn Varnek, Syria')
    """
    match = _TRAILING_PAREN.match(name)
    if match and match.group(1):
        return f"{match.group(1)} {word}{match.group(2)}"
    head, comma, tail = name.partition(",")
    if comma and head.strip():
        return f"{head} {word},{tail}"
    return f"{name} {word}"


def _renamable(link: Link) -> bool:
    page = link.page.strip()
    if not page or page.lower() == "undefined" or ":" in page or "#" in page:
        return False
    if is_country_title(normalise_title(page)):
        return False
    return any(char.isalpha() for char in link.anchor)


class Perturbation:
    """The choices for one copy: page renames, lower-cased pages, unlinked names, factor."""

    def __init__(self, rng: random.Random, words: list[str]) -> None:
        self.rng = rng
        self.words = words
        self.renamed: dict[str, str] = {}     # normalised page -> variant word
        self.decided: set[str] = set()
        self.factor = round(rng.uniform(0.6, 1.6), 3)

    def decide(self, page: str) -> None:
        key = normalise_title(page)
        if key in self.decided:
            return
        self.decided.add(key)
        if self.rng.random() < RENAME_SHARE:
            self.renamed[key] = self.rng.choice(self.words)

    def word(self, page: str) -> str | None:
        return self.renamed.get(normalise_title(page))


def perturb_field(field: Field, plan: Perturbation) -> Field:
    """Rename/lower/unlink the located links of an entity field and scale the numbers of a
    number field, rebuilding text, links and formatting runs together."""
    entities = ENTITY_FIELDS.match(field.name) is not None
    numbers = NUMBER_FIELDS.match(field.name) is not None
    if not entities and not numbers:
        return field
    located, unplaced = locate_links(field)
    text = field.text
    out: list[str] = []
    links: list[Link] = []
    renames: list[tuple[str, str]] = []
    position = 0
    for item in located:
        between = text[position:item.start]
        out.append(scale_numbers(between, plan.factor) if numbers else between)
        anchor = text[item.start:item.end]
        link = item.link
        if entities and _renamable(link):
            plan.decide(link.page)
            word = plan.word(link.page)
            if word is not None:
                new_anchor = variant_name(anchor, word)
                new_page = variant_name(link.page, word)
                renames.append((anchor, new_anchor))
                links.append(Link(new_page, None if new_anchor == new_page else new_anchor, link.type))
                out.append(new_anchor)
                position = item.end
                continue
            draw = plan.rng.random()
            if draw < LOWER_SHARE and link.page[:1].isupper() and link.page[1:2].islower():
                links.append(Link(link.page[0].lower() + link.page[1:], anchor, link.type))
            elif draw < LOWER_SHARE + UNLINK_SHARE and anchor == link.page:
                pass                                   # an unlinked name
            else:
                links.append(link)
        else:
            links.append(link)
        out.append(anchor)
        position = item.end
    rest = text[position:]
    out.append(scale_numbers(rest, plan.factor) if numbers else rest)
    formatting: dict[str, list[str]] = {}
    for style, runs in field.formatting.items():
        new_runs = []
        for run in runs:
            for old, new in renames:
                run = run.replace(old, new)
            new_runs.append(scale_numbers(run, plan.factor) if numbers else run)
        formatting[style] = new_runs
    return Field(field.name, "".join(out), links + list(unplaced), formatting)


def perturb_body(body: str, doc: Document, plan: Perturbation) -> str:
    """Rename the body links whose page was renamed (anchor and target)."""
    out: list[str] = []
    position = 0
    for link in doc.links:
        if link.external or link.anchor_start < 0:
            continue
        word = plan.word(link.target)
        if word is None:
            continue
        construct = body[link.start:link.end]
        anchor = body[link.anchor_start:link.anchor_end]
        target = variant_name(normalise_title(link.target), word).replace(" ", "_")
        fragment = f"#{link.fragment.replace(' ', '_')}" if link.fragment else ""
        if not construct.endswith(")"):
            continue
        out.append(body[position:link.start])
        out.append(f"[{variant_name(anchor, word) if anchor.strip() else anchor}](./{target}{fragment})")
        position = link.end
    out.append(body[position:])
    return "".join(out)


def perturb(doc: Document, copy: int, rng: random.Random, words: list[str]) -> Document:
    """Copy ``copy`` of ``doc`` (copy 0 is the document itself)."""
    if copy == 0:
        return doc
    plan = Perturbation(rng, words)
    title = f"{doc.title} (copy {copy})"
    boxes = []
    for box in doc.infoboxes:
        fields: dict[str, Field] = {}
        for name, field in box.fields.items():
            field = perturb_field(field, plan)
            if name == "conflict" and field.text.strip() == doc.title:
                field = replace(field, text=title)
            fields[name] = field
        boxes.append(Infobox(fields, box.template))
    body = perturb_body(doc.body, doc, plan)
    return replace(doc, title=title, infoboxes=boxes, body=body, links=[], sections=[])


# --- writing ---------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style (``|-``) for multi-line strings, as the corpus files have."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def front_matter(doc: Document) -> dict:
    """The corpus YAML structure of a document (fields as ``{text, links, formatting}``)."""
    data: dict = {"title": doc.title}
    if doc.short_description:
        data["shortDescription"] = doc.short_description
    if doc.description:
        data["description"] = doc.description
    if doc.image_url:
        data["img"] = doc.image_url
    boxes = []
    for box in doc.infoboxes:
        fields: dict = {}
        for name, field in box.fields.items():
            value: dict = {"text": field.text}
            if field.links:
                value["links"] = [
                    ({"text": link.text} if link.text is not None else {}) | {"type": link.type, "page": link.page}
                    for link in field.links
                ]
            if field.formatting:
                value["formatting"] = {style: list(runs) for style, runs in field.formatting.items()}
            fields[name] = value
        boxes.append(fields)
    data["infoboxes"] = boxes
    return data


def yaml_document(doc: Document) -> str:
    front = yaml.dump(front_matter(doc), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return f"---\n{front}---\n{doc.body}"


_UNSAFE_NAME = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")


def file_name(title: str) -> str:
    """``Battle of Hosn (copy 3)`` -> ``battle_of_hosn_(copy_3).md`` (the corpus style)."""
    return _UNSAFE_NAME.sub("_", title.lower().replace(" ", "_"))[:180] + ".md"


def source_documents(source: Path = SOURCE, sources: int | Sequence[str] | None = None) -> list[tuple[Path, Document]]:
    """The corpus articles that have a conflict infobox, in path order; with ``sources``,
    that many of them evenly spaced, or the ones named (paths relative to ``source``), so
    that small test corpora still hold perturbed copies."""
    if sources is not None and not isinstance(sources, int):
        return [(source / name, read_document(source / name)) for name in sources]
    found = []
    for path in sorted(source.rglob("*.md")):
        doc = read_document(path)
        if doc.conflict_infobox is not None:
            found.append((path, doc))
    if sources is not None and 0 < sources < len(found):
        step = len(found) / sources
        found = [found[int(i * step)] for i in range(sources)]
    return found


def iter_copies(articles: int, seed: int, source: Path = SOURCE,
                sources: int | Sequence[str] | None = None) -> Iterator[tuple[int, Path, int, Document]]:
    """``(index, source path, copy, perturbed document)`` for ``articles`` articles."""
    originals = source_documents(source, sources)
    words = variant_words(seed)
    for index in range(articles):
        path, doc = originals[index % len(originals)]
        copy = index // len(originals)
        rng = random.Random(f"{seed}:{index}")
        yield index, path, copy, perturb(doc, copy, rng, words)


def generate(articles: int, out: str | Path, seed: int = 1, source: Path = SOURCE,
             sources: int | Sequence[str] | None = None, quiet: bool = False) -> dict:
    """Write ``out/yaml/*.md`` and ``out/dump.xml.bz2``; return the manifest (reused when
    ``out/manifest.json`` says the same arguments made it)."""
    out = Path(out)
    manifest_path = out / "manifest.json"
    wanted = {"articles": articles, "seed": seed, "version": VERSION, "source": str(source),
              "sources": sources if sources is None or isinstance(sources, int) else list(sources)}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if {k: manifest.get(k) for k in wanted} == wanted and (out / "dump.xml.bz2").exists():
            return manifest
    yaml_dir = out / "yaml"
    yaml_dir.mkdir(parents=True, exist_ok=True)
    for old in yaml_dir.glob("*.md"):
        old.unlink()
    started = time.perf_counter()
    rows: list[str] = ["index\tsource\tcopy\ttitle\tyaml"]
    names: set[str] = set()
    dump_path = out / "dump.xml.bz2"

    def pages() -> Iterator[tuple[str, str]]:
        for index, path, copy, doc in iter_copies(articles, seed, source, sources):
            wikitext = document_to_wikitext(doc)
            back = document_from_wikitext(wikitext, f"{dump_path}::{doc.title}", doc.title)
            back.description = back.description or doc.description
            name = file_name(doc.title)
            if name in names:
                name = f"{index:05d}_{name}"
            names.add(name)
            (yaml_dir / name).write_text(yaml_document(back), encoding="utf-8")
            rows.append(f"{index}\t{path.relative_to(source)}\t{copy}\t{doc.title}\tyaml/{name}")
            if not quiet and (index + 1) % 1000 == 0:
                rate = (index + 1) / (time.perf_counter() - started)
                print(f"  {index + 1} articles ({rate:.0f}/s)", file=sys.stderr)
            yield doc.title, wikitext

    count = write_dump(pages(), dump_path)
    (out / "manifest.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    manifest = dict(wanted, pages=count, seconds=round(time.perf_counter() - started, 1),
                    yaml_dir=str(yaml_dir), dump=str(dump_path))
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--out", required=True, help="output folder (yaml/ and dump.xml.bz2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--source", default=str(SOURCE), help="corpus folder (default data/wikipedia)")
    parser.add_argument("--sources", type=int, default=None,
                        help="copy only this many corpus articles, evenly spaced (default: all)")
    args = parser.parse_args(argv)
    manifest = generate(args.articles, args.out, args.seed, Path(args.source), args.sources)
    print(json.dumps(manifest, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
