"""A stored index of the surface forms, so that a build adding a few articles resolves
identities only where they touch the store (issue 14: adding one article to a large store).

:func:`kg.resolution.resolve` is a function of every surface form of the store. Reading them
all back from RocksDB costs ~20 µs per quad (14.5 s at 2,000 articles) and resolving them all
another 6 s, whatever a build adds. This module keeps, beside the store, an SQLite table of
the surface forms (one row per surface: document, key, name, page, resolved IRI, types,
fields, and the folds that the rules compare) and of the current identities (key ->
canonical IRI). A build that adds documents then:

1. inserts the new documents' surfaces (and drops those of the documents it replaces);
2. takes the *closure* of the keys they name: every key that a rule may join to them or
   whose decision they may change - the old group of a key, pages whose titles fold alike,
   unlinked names equal to such a title, the keys of curated aliases, and the pages an
   unlinked name's anchor may point to (only when such a name exists), repeated until
   nothing is added - and the pages whose title a new name spells;
3. resolves those keys' surfaces only (:func:`kg.resolution.resolve` with the names spelled
   elsewhere): every group of the closure comes out as over the whole store, because no
   rule joins a key of the closure to a key outside it;
4. renames the older documents whose references changed, and replaces in the identity graph
   the entries of the closure's old and new groups only.

Any other change (a removal, a split, another alias table, a build killed half-way) makes
the next build resolve the whole store and rewrite the index. Validity: the index records a
token that the store's build log holds too; :func:`invalidate` (called before a build writes
any document) removes the store's copy, and only a completed refresh writes both again.
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Quad

from kg.identity import normalise_title, resource_iri
from kg.names import generic_table, is_generic, load_aliases, title_fold
from kg.names import name_key as _key
from kg.rdf import terms as T
from kg.resolution import (
    IDENTITY_GRAPH,
    IdentityReport,
    Resolution,
    Surface,
    identity_quads,
    load_surfaces,
    refresh_identity,
    renames_for,
    resolve,
    surfaces_from_quads,
)

if TYPE_CHECKING:
    from kg.store import KGStore

#: The index file, in the store's folder (RocksDB leaves files it does not name alone).
INDEX_FILE = "kg-surface-index.sqlite"
#: Bumped whenever the rows or the rules they serve change: an older index is rebuilt.
SCHEMA_VERSION = "1"
#: The store's copy of the index token, in the build log graph (kg.builder.BUILD_LOG_GRAPH).
_LOG = NamedNode(T.GRAPH + "builds")
TOKEN = NamedNode(T.CKG + "surfaceIndexToken")
#: Beyond this share of the indexed documents a build resolves the whole store.
INCREMENTAL_SHARE = 0.1
_CHUNK = 500
_SEP = "\x1f"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS surface(graph TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL, page TEXT,
    resolved TEXT NOT NULL, types TEXT NOT NULL, fields TEXT NOT NULL,
    title TEXT, tfold TEXT, afold TEXT, eligible INTEGER NOT NULL, alias TEXT);
CREATE INDEX IF NOT EXISTS surface_key ON surface(key);
CREATE INDEX IF NOT EXISTS surface_graph ON surface(graph);
CREATE INDEX IF NOT EXISTS surface_title ON surface(title);
CREATE INDEX IF NOT EXISTS surface_tfold ON surface(tfold);
CREATE INDEX IF NOT EXISTS surface_afold ON surface(afold);
CREATE INDEX IF NOT EXISTS surface_alias ON surface(alias);
CREATE INDEX IF NOT EXISTS surface_name ON surface(name);
CREATE TABLE IF NOT EXISTS entity(key TEXT PRIMARY KEY, canonical TEXT NOT NULL, ambiguous INTEGER NOT NULL,
    type_conflict INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS entity_canonical ON entity(canonical);
"""


def fingerprint(aliases: dict[str, str]) -> str:
    """What the index's rows depend on besides the documents: the alias table, the generic
    words and the schema (another value makes the next build rebuild the index).

    >>> fingerprint({"irgc": "Islamic Revolutionary Guard Corps"}) != fingerprint({})
    True
    """
    table = generic_table()
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    for part in (sorted(aliases.items()), sorted(table.stop), sorted(table.words), sorted(table.names)):
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def surface_row(s: Surface, aliases: dict[str, str]) -> tuple:
    """The index row of a surface: its fields, then what the rules of
    :func:`kg.resolution.resolve` compare - a page's title and title fold (rule 1), an
    unlinked name's title fold and anchor fold when rules 3-4 read it (``eligible``), a link's
    anchor fold, and the IRI a curated alias sends its text to (rule 2).

    >>> s = Surface("g", resource_iri("People's Protection Units"), "YPG", "People's Protection Units", "r")
    >>> surface_row(s, {})[7:]
    ("People's Protection Units", "people's protection units", 'ypg', 0, None)
    """
    title = tfold = afold = alias = None
    eligible = 0
    if s.is_page and s.page is not None:
        title = normalise_title(s.page)
        tfold = title_fold(title)
        if _key(s.name) != _key(s.page):
            afold = _key(s.name)
    elif not (s.is_local or s.page is not None) and _key(s.name) not in aliases:
        eligible = 1
        tfold = title_fold(s.name)
        if not is_generic(s.name):
            afold = _key(s.name)
    target = aliases.get(_key(s.page if s.page is not None else s.name))
    if target is not None:
        alias = resource_iri(target)
    return (s.graph, s.key, s.name, s.page, s.resolved, _SEP.join(s.types), _SEP.join(s.fields),
            title, tfold, afold, eligible, alias)


def _surface(row: tuple) -> Surface:
    return Surface(row[0], row[1], row[2], row[3], row[4], tuple(row[5].split(_SEP)) if row[5] else (),
                   tuple(row[6].split(_SEP)) if row[6] else ())


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def invalidate(store: KGStore) -> None:
    """Remove the store's copy of the index token: until a refresh completes, the index is
    not trusted (called before a build or a removal writes any document)."""
    store.update(f"DELETE WHERE {{ GRAPH <{_LOG.value}> {{ <{_LOG.value}> <{TOKEN.value}> ?t }} }}")


def _store_token(store: KGStore) -> str | None:
    values = [q.object.value for q in store.raw.quads_for_pattern(_LOG, TOKEN, None, _LOG)
              if isinstance(q.object, Literal)]
    return values[0] if len(values) == 1 else None


class SurfaceIndex:
    """The SQLite side table of one on-disk store (see the module's docstring)."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    @classmethod
    def open(cls, store: KGStore) -> SurfaceIndex | None:
        """The index of a writable on-disk store (None in memory or read-only)."""
        if store.path is None or store.read_only:
            return None
        return cls(str(store.path / INDEX_FILE))

    def close(self) -> None:
        self.db.close()

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
        return row[0] if row else None

    def valid(self, store: KGStore, aliases: dict[str, str]) -> bool:
        """Whether the index describes the store as it is, for this alias table."""
        token = self._meta("token")
        return token is not None and token == _store_token(store) and self._meta("fingerprint") == fingerprint(aliases)

    def documents(self) -> int:
        return int(self.db.execute("SELECT COUNT(DISTINCT graph) FROM surface").fetchone()[0])

    def resolver(self) -> dict[str, str]:
        """Surface key -> canonical IRI for every merged key (what new documents are mapped with)."""
        return dict(self.db.execute("SELECT key, canonical FROM entity WHERE key != canonical"))

    # --- reading ---------------------------------------------------------------------
    def _values(self, sql: str, values: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for chunk in _chunks(values):
            out.update(row[0] for row in self.db.execute(sql.format(",".join("?" * len(chunk))), chunk))
        return out

    def _rows(self, sql: str, values: Iterable[str]) -> list[tuple]:
        out: list[tuple] = []
        for chunk in _chunks(values):
            out.extend(self.db.execute(sql.format(",".join("?" * len(chunk))), chunk))
        return out

    def surfaces_of(self, keys: Iterable[str]) -> list[Surface]:
        return [_surface(r) for r in self._rows("SELECT graph, key, name, page, resolved, types, fields FROM surface "
                                                 "WHERE key IN ({})", keys)]

    def canonical_of(self, keys: Iterable[str]) -> dict[str, str]:
        return dict(self._rows("SELECT key, canonical FROM entity WHERE key IN ({})", keys))

    def spelling(self, surfaces: list[Surface]) -> set[str]:
        """The keys of these surfaces, and the pages whose title one of them spells (a
        spelled title ranks a page as its group's IRI)."""
        return {s.key for s in surfaces} | self._values("SELECT key FROM surface WHERE title IN ({})",
                                                         {s.name for s in surfaces})

    def closure(self, seeds: Iterable[str]) -> set[str]:
        """The keys whose groups a change of ``seeds``' surfaces may change (module docstring, step 2)."""
        seen: set[str] = set()
        todo = set(seeds)
        while todo:
            batch = todo
            seen |= batch
            found: set[str] = set()
            canonical = self._values("SELECT canonical FROM entity WHERE key IN ({})", batch)
            found |= canonical | self._values("SELECT key FROM entity WHERE canonical IN ({})", canonical)
            rows = self._rows("SELECT tfold, afold, alias FROM surface WHERE key IN ({})", batch)
            tfolds = {r[0] for r in rows if r[0]}
            afolds = {r[1] for r in rows if r[1]}
            targets = {r[2] for r in rows if r[2]}
            found |= self._values("SELECT key FROM surface WHERE tfold IN ({})", tfolds)
            found |= targets | self._values("SELECT key FROM surface WHERE alias IN ({})", targets | batch)
            found |= self._anchored(afolds)
            todo = found - seen
        return seen

    def _anchored(self, afolds: set[str]) -> set[str]:
        """The keys sharing an anchor fold with an unlinked name that rule 4 reads (one whose
        title fold is no page's): the name and every page the anchor links."""
        rows = self._rows("SELECT afold, key, eligible, tfold FROM surface WHERE afold IN ({})", afolds)
        names = {r[3] for r in rows if r[2]}
        paged = self._values("SELECT tfold FROM surface WHERE eligible = 0 AND tfold IN ({})", names)
        used = {r[0] for r in rows if r[2] and r[3] not in paged}
        return {r[1] for r in rows if r[0] in used}

    # --- writing ---------------------------------------------------------------------
    def begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def drop_graphs(self, graphs: Iterable[str]) -> None:
        for chunk in _chunks(graphs):
            self.db.execute(f"DELETE FROM surface WHERE graph IN ({','.join('?' * len(chunk))})", chunk)

    def add_surfaces(self, surfaces: Iterable[Surface], aliases: dict[str, str]) -> None:
        self.db.executemany("INSERT INTO surface VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                            (surface_row(s, aliases) for s in surfaces))

    def rename(self, renames: dict[str, dict[str, str]]) -> None:
        self.db.executemany("UPDATE surface SET resolved = ? WHERE graph = ? AND resolved = ?",
                            ((new, graph, old) for graph, rename in sorted(renames.items())
                             for old, new in sorted(rename.items())))

    def set_entities(self, resolution: Resolution, retired: Iterable[str] = ()) -> None:
        """Replace the rows of ``retired`` keys and of the resolution's keys."""
        for chunk in _chunks(set(retired) | set(resolution.canonical)):
            self.db.execute(f"DELETE FROM entity WHERE key IN ({','.join('?' * len(chunk))})", chunk)
        self.db.executemany("INSERT INTO entity VALUES (?,?,?,?)",
                            ((key, c, int(key in resolution.ambiguous), int(c in resolution.type_conflicts))
                             for key, c in sorted(resolution.canonical.items())))

    def commit(self, store: KGStore, aliases: dict[str, str]) -> None:
        """Commit the index, then give the store the same new token (in that order: a
        kill in between leaves the tokens different, so the next build rebuilds)."""
        token = uuid.uuid4().hex
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                            [("token", token), ("fingerprint", fingerprint(aliases))])
        self.db.execute("COMMIT")
        invalidate(store)
        store.add_quads([Quad(_LOG, TOKEN, Literal(token), _LOG)])

    def rebuild(self, store: KGStore, surfaces: list[Surface], resolution: Resolution,
                aliases: dict[str, str]) -> None:
        """Replace the whole index (after a refresh of the whole store)."""
        self.begin()
        self.db.execute("DELETE FROM surface")
        self.db.execute("DELETE FROM entity")
        self.add_surfaces(surfaces, aliases)
        self.set_entities(resolution)
        self.commit(store, aliases)

    def counts(self, report: IdentityReport) -> None:
        """The report's counts of the whole store's identities, from the entity table."""
        row = self.db.execute("""SELECT COUNT(*), SUM(n > 1), SUM(CASE WHEN n > 1 THEN n - 1 ELSE 0 END),
            SUM(canonical LIKE ? || '%'), SUM(canonical LIKE ? || '%'), SUM(tc)
            FROM (SELECT canonical, COUNT(*) AS n, MAX(type_conflict) AS tc FROM entity GROUP BY canonical)""",
                              (T.NAME, T.RESOURCE + "local/")).fetchone()
        report.entities, report.merged_groups, report.merged_keys, report.unlinked, report.local, \
            report.type_conflicts = (int(v or 0) for v in row)
        report.ambiguous = int(self.db.execute("SELECT COUNT(*) FROM entity WHERE ambiguous").fetchone()[0])
        report.surfaces = int(self.db.execute("SELECT COUNT(*) FROM surface").fetchone()[0])


@dataclass
class IncrementalIdentity:
    """Identities of a build that adds documents, resolved over the closure of what they touch
    (:meth:`prepare`); :meth:`apply` writes them after the documents."""

    index: SurfaceIndex
    aliases: dict[str, str]
    resolution: Resolution          # the closure's groups only
    surfaces: list[Surface]         # the closure's surfaces
    keys: set[str]                  # the closure
    old_canonical: dict[str, str]   # its keys' identities before
    new_renames: dict[str, dict[str, str]]  # the new documents' renames, applied before writing
    old_renames: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def prepare(cls, store: KGStore, new_surfaces: list[Surface], replaced: set[str],
                aliases: dict[str, str]) -> IncrementalIdentity | None:
        """Resolve the identities that new surface forms (of the documents ``replaced``,
        new or changed) may change; None when the whole store must be resolved instead (no
        valid index, too many documents, or a split)."""
        index = SurfaceIndex.open(store)
        if index is None:
            return None
        try:
            if not index.valid(store, aliases) or len(replaced) > INCREMENTAL_SHARE * max(index.documents(), 1):
                index.close()
                return None
            index.begin()
            old = [_surface(r) for r in index._rows(
                "SELECT graph, key, name, page, resolved, types, fields FROM surface WHERE graph IN ({})", replaced)]
            # what the replaced documents' surfaces joined or decided, read before they go
            seeds = index.closure(index.spelling(old)) if old else set()
            index.drop_graphs(replaced)
            index.add_surfaces(new_surfaces, aliases)
            keys = index.closure(seeds | index.spelling(new_surfaces))
            surfaces = index.surfaces_of(keys)
            titles = {normalise_title(s.page) for s in surfaces if s.is_page and s.page is not None}
            spelled = index._values("SELECT name FROM surface WHERE name IN ({})", titles)
            resolution = resolve(surfaces, aliases, spelled_elsewhere=spelled)
            old_canonical = index.canonical_of(keys)
            new_renames, split = renames_for(new_surfaces, resolution.canonical)
            run = cls(index, aliases, resolution, surfaces, keys, old_canonical, new_renames)
            if split or not run._plan_old_renames(set(replaced)):
                index.rollback()
                index.close()
                return None
            return run
        except BaseException:
            index.rollback()
            index.close()
            raise

    def _plan_old_renames(self, new_graphs: set[str]) -> bool:
        """The renames of the older documents whose references change; False on a split
        (one old IRI, several canonical ones: the whole store is refreshed instead)."""
        canonical = self.resolution.canonical
        graphs = {s.graph for s in self.surfaces
                  if s.graph not in new_graphs and s.resolved != canonical.get(s.key, s.resolved)}
        if not graphs:
            return True
        rows = [_surface(r) for r in self.index._rows(
            "SELECT graph, key, name, page, resolved, types, fields FROM surface WHERE graph IN ({})", graphs)]
        outside = self.index.canonical_of({s.key for s in rows if s.key not in canonical})
        mapping: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for s in rows:
            mapping[s.graph][s.resolved].add(canonical.get(s.key) or outside.get(s.key, s.resolved))
        for graph, targets in sorted(mapping.items()):
            if any(len(t) > 1 for t in targets.values()):
                return False
            rename = {old: next(iter(t)) for old, t in targets.items() if t != {old}}
            if rename:
                self.old_renames[graph] = rename
        return True

    def apply(self, store: KGStore) -> IdentityReport:
        """After the new documents are written: rename the older documents, replace the
        closure's entries of the identity graph, commit the index."""
        from kg.store import _data_op

        report = IdentityReport(rewritten_documents=sorted(self.old_renames), renames=dict(self.old_renames))
        store.rename_terms(self.old_renames)
        raw = store.raw
        before: set[Quad] = set()
        for canonical in sorted(set(self.old_canonical.values())):
            for quad in raw.quads_for_pattern(NamedNode(canonical), None, None, IDENTITY_GRAPH_NODE):
                before.add(quad)
                if quad.predicate == T.evidence and isinstance(quad.object, NamedNode):
                    before.update(raw.quads_for_pattern(quad.object, None, None, IDENTITY_GRAPH_NODE))
        described = {self.resolution.canonical[s.key] for s in self.surfaces if "title" in s.fields}
        after = set(identity_quads(self.resolution, described))
        delete, insert = before - after, after - before
        ops = [_data_op(verb, IDENTITY_GRAPH_NODE, sorted(quads, key=str))
               for verb, quads in (("DELETE", delete), ("INSERT", insert)) if quads]
        if ops:
            store.update(" ;\n".join(ops))
        report.changed_entities = {q.subject.value for q in delete | insert if isinstance(q.subject, NamedNode)}
        self.index.rename({**self.new_renames, **self.old_renames})
        self.index.set_entities(self.resolution, retired=self.keys)
        self.index.counts(report)
        self.index.commit(store, self.aliases)
        self.index.close()
        return report

    def discard(self) -> None:
        self.index.rollback()
        self.index.close()


IDENTITY_GRAPH_NODE = NamedNode(IDENTITY_GRAPH)


def refresh_identity_indexed(store: KGStore, aliases: dict[str, str] | None = None, *,
                             surfaces: list[Surface] | None = None, resolution: Resolution | None = None,
                             incremental: IncrementalIdentity | None = None) -> IdentityReport:
    """:func:`kg.resolution.refresh_identity`, keeping the surface index: applies an
    incremental resolution when the build made one, else refreshes the whole store and
    rewrites the index (on-disk stores)."""
    if incremental is not None:
        return incremental.apply(store)
    aliases = load_aliases() if aliases is None else aliases
    index = SurfaceIndex.open(store)
    if index is None:
        return refresh_identity(store, aliases, surfaces=surfaces, resolution=resolution)
    try:
        surfaces = load_surfaces(store) if surfaces is None else surfaces
        resolution = resolve(surfaces, aliases) if resolution is None else resolution
        report = refresh_identity(store, aliases, surfaces=surfaces, resolution=resolution)
        reread = set(report.reprocessed_documents)
        after = [replace(s, resolved=report.renames.get(s.graph, {}).get(s.resolved, s.resolved))
                 for s in surfaces if s.graph not in reread]
        for graph in sorted(reread):
            after.extend(surfaces_from_quads(store.quads(graph)))
        index.rebuild(store, after, resolution, aliases)
        return report
    finally:
        index.close()
