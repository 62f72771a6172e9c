"""Records -> RDF quads, one named graph per source document.

The pattern (see ``ontology/conflict-kg.ttl``): a conflict has ``ckg:side`` nodes; a side
has n-ary ``ckg:Participation``, ``ckg:Command``, ``ckg:UnitDeployment`` and quantity
estimate nodes, each with ``ckg:sourceField``/``ckg:sourceText`` and ``ckg:order``. All n-ary
nodes get flat IRIs derived from their content (never blank nodes), so re-ingesting a
document gives the same triples and two documents stating the same fact share its node.

Terms are built as pyoxigraph objects directly: creating Python term objects is the
dominant cost of a build, and going through rdflib would double it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pyoxigraph import Literal, NamedNode, Quad

from kg._version import __version__
from kg.document import Document, Mention
from kg.identity import (
    dbpedia_iri,
    document_iri,
    local_iri,
    name_iri,
    node_iri,
    normalise_title,
    resource_iri,
    wikipedia_url,
)
from kg.infobox.records import (
    Commander,
    ConflictRecord,
    EntityRef,
    PartialDate,
    Party,
    Period,
    Quantity,
    Side,
    TextBlock,
    Unit,
)
from kg.rdf import terms as T
from kg.time import clip, day_bounds, parse_period
from kg.infobox.flags import is_country_title
from kg.infobox.text import script_language
from kg.names import is_generic

RDF_TYPE = NamedNode(T.RDF + "type")
RDFS_LABEL = NamedNode(T.RDFS + "label")
RDFS_COMMENT = NamedNode(T.RDFS + "comment")
SKOS_ALT = NamedNode(T.SKOS + "altLabel")
OWL_SAMEAS = NamedNode(T.OWL + "sameAs")
SCHEMA_SAMEAS = NamedNode(T.SCHEMA + "sameAs")
SCHEMA_NAME = NamedNode(T.SCHEMA + "name")
DCT_TITLE = NamedNode(T.DCTERMS + "title")
DCT_DESCRIPTION = NamedNode(T.DCTERMS + "description")
PROV_DERIVED = NamedNode(T.PROV + "wasDerivedFrom")
SCHEMA_THUMBNAIL = NamedNode(T.SCHEMA + "thumbnailUrl")
SCHEMA_DATE_PUBLISHED = NamedNode(T.SCHEMA + "datePublished")
SCHEMA_DATE_MODIFIED = NamedNode(T.SCHEMA + "dateModified")
SCHEMA_VERSION = NamedNode(T.SCHEMA + "version")
SCHEMA_PUBLISHER = NamedNode(T.SCHEMA + "publisher")
SCHEMA_ABOUT = NamedNode(T.SCHEMA + "about")
GEO_LAT = NamedNode(T.GEO + "lat")
GEO_LONG = NamedNode(T.GEO + "long")
HAS_GEOMETRY = NamedNode(T.GEOSPARQL + "hasGeometry")
AS_WKT = NamedNode(T.GEOSPARQL + "asWKT")
WKT = NamedNode(T.GEOSPARQL + "wktLiteral")
GEOMETRY = NamedNode(T.GEOSPARQL + "Geometry")

XSD_STRING = NamedNode(T.XSD + "string")
XSD_INTEGER = NamedNode(T.XSD + "integer")
XSD_BOOLEAN = NamedNode(T.XSD + "boolean")
XSD_DECIMAL = NamedNode(T.XSD + "decimal")
XSD_ANYURI = NamedNode(T.XSD + "anyURI")
XSD_DATE = NamedNode(T.XSD + "date")
_DATE_TYPES = {
    "year": NamedNode(T.XSD + "gYear"),
    "month": NamedNode(T.XSD + "gYearMonth"),
    "day": NamedNode(T.XSD + "date"),
}
TRUE = Literal("true", datatype=XSD_BOOLEAN)
FALSE = Literal("false", datatype=XSD_BOOLEAN)

# C0/C1 controls other than tab/newline/CR, and lone surrogates, cannot be written to every
# serialisation (XML, GraphML) and are never meaningful in our sources: they are removed.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text made safe for every RDF serialisation (controls and lone surrogates removed).

    >>> clean_text("a\\x00b\\ud800c\\td")
    'abc\\td'
    """
    return _UNSAFE_CHARS.sub("", text)


def text_literal(text: str, language: str | None = None) -> Literal:
    if language:
        return Literal(clean_text(text), language=language)
    return Literal(clean_text(text))


def alt_label(name: str) -> Literal:
    """Another name of an entity, tagged with the language its script implies (``en`` for
    Latin: ``PYD``; ``ar`` for the Arabic name of a unit written after its transliteration).

    >>> alt_label("PYD").language, alt_label("كتيبة سيف الله").language
    ('en', 'ar')
    """
    return text_literal(name, script_language(name) or "en")


def int_literal(value: int) -> Literal:
    return Literal(str(value), datatype=XSD_INTEGER)


def bool_literal(value: bool) -> Literal:
    return TRUE if value else FALSE


def date_literal(date: PartialDate) -> Literal:
    """``xsd:gYear``, ``xsd:gYearMonth`` or ``xsd:date`` by the date's precision.

    >>> date_literal(PartialDate(2012, 7)).datatype.value.rsplit('#')[1]
    'gYearMonth'
    """
    return Literal(date.iso(), datatype=_DATE_TYPES[date.precision])


def edtf_literal(period: Period) -> Literal:
    """The period (or single date) as an EDTF literal: circa, seasons, open ends and BC
    that the ``xsd`` literals of ckg:startDate/ckg:endDate cannot say.

    >>> edtf_literal(Period(PartialDate(2015), None, "since 2015", ongoing=True)).value
    '2015/..'
    """
    return Literal(period.edtf(), datatype=T.EDTF)


def figure_period(quantity: Quantity) -> Period | None:
    """When a figure applies, as written with it: its period, else its ``as_of`` date, else
    its phase when the phase reads as dates (``First phase`` does not).

    >>> figure_period(Quantity("strength", "5,000 (2015)", as_of=Period(PartialDate(2015), PartialDate(2015), "2015"))).edtf()
    '2015'
    >>> figure_period(Quantity("casualties1", "300", phase="First phase")) is None
    True
    """
    if quantity.period is not None:
        return quantity.period
    if quantity.as_of is not None:
        return quantity.as_of
    return parse_period(quantity.phase) if quantity.phase else None


def interval_literals(own: Period | None, conflict: Period | None) -> tuple[Literal | None, Literal | None]:
    """The ``ckg:intervalStart``/``ckg:intervalEnd`` values of an entry of a conflict: its own
    period clipped to the conflict's dates (:func:`kg.time.clip`), as the first and last
    day it covers (``xsd:date``, comparable in SPARQL); ``None`` for an open or unknown end.

    >>> war = Period(PartialDate(2012, 7, 19), None, "19 July 2012 – present", ongoing=True)
    >>> [v.value for v in interval_literals(Period(None, PartialDate(2014, 5), "until May 2014"), war)]
    ['2012-07-19', '2014-05-31']
    >>> interval_literals(None, war)[1] is None
    True
    """
    interval = clip(own, conflict)
    if interval is None:
        return None, None
    first, last = day_bounds(interval)
    return (Literal(first, datatype=XSD_DATE) if first else None,
            Literal(last, datatype=XSD_DATE) if last else None)


def entity_iri(ref: EntityRef, scope: str | None = None) -> str:
    """The IRI a reference gives before cross-document resolution (its *surface key*): its
    page when linked, else its name; a generic unlinked name (``Special Forces``) is scoped
    to the document ``scope`` so that it never merges with another document's.

    >>> entity_iri(EntityRef("YPG", "People's Protection Units"))
    "https://w3id.org/conflict-kg/resource/People's_Protection_Units"
    >>> entity_iri(EntityRef("Special Forces"), scope="doc").startswith(T.RESOURCE + "local/")
    True
    """
    if ref.page is not None and normalise_title(ref.page):
        return resource_iri(ref.page)
    if scope is not None and is_generic(ref.name):
        return local_iri(ref.name, scope)
    return name_iri(ref.name)


class DocumentMapper:
    """Accumulates the quads of one document's graph.

    ``resolver`` maps surface keys to canonical IRIs (from the store's identity graph) so
    that a new document is written with the identities already known.
    """

    def __init__(self, doc: Document, resolver: dict[str, str] | None = None) -> None:
        self.doc = doc
        self.graph = NamedNode(document_iri(doc.path))
        self.quads: list[Quad] = []
        self.resolver = resolver or {}
        # generic unlinked names are scoped to the conflict a document describes (so that two
        # revisions or formats of one article agree), or to the document when it describes none
        self.scope = self.graph.value
        self._entity_facts: set[tuple[str, str, str]] = set()
        self._surfaces: dict[tuple[str, str], NamedNode] = {}
        self.conflict_dates: Period | None = None  # what the conflict's entries are clipped to

    def add(self, subject: NamedNode, predicate: NamedNode, obj: NamedNode | Literal) -> None:
        self.quads.append(Quad(subject, predicate, obj, self.graph))

    def _once(self, subject: NamedNode, predicate: NamedNode, obj: NamedNode | Literal) -> None:
        key = (subject.value, predicate.value, str(obj))
        if key not in self._entity_facts:
            self._entity_facts.add(key)
            self.add(subject, predicate, obj)

    def entity(self, ref: EntityRef, rdf_class: NamedNode, field: str | None = None) -> NamedNode:
        """The node of a referenced entity (its canonical IRI), with the type its field
        implies, its spellings as ``skos:altLabel``, Wikipedia links, and the surface form
        that lets identities be recomputed later."""
        key = entity_iri(ref, scope=self.scope)
        node = NamedNode(self.resolver.get(key, key))
        self._once(node, RDF_TYPE, rdf_class)
        self._once(node, RDF_TYPE, T.Entity)
        name = clean_text(ref.name).strip()
        if name:
            self._once(node, SKOS_ALT, text_literal(name, "en"))
        if ref.page is not None and normalise_title(ref.page):
            title = normalise_title(ref.page)
            if title != name:
                self._once(node, SKOS_ALT, text_literal(title, "en"))
            self._once(node, OWL_SAMEAS, NamedNode(dbpedia_iri(ref.page)))
            self._once(node, SCHEMA_SAMEAS, NamedNode(wikipedia_url(ref.page)))
        surface = self._surfaces.get((key, name))
        if surface is None:
            surface = NamedNode(node_iri("surface", self.graph.value, key, name))
            self._surfaces[(key, name)] = surface
            self.add(self.graph, T.surface, surface)
            self.add(surface, RDF_TYPE, T.SurfaceForm)
            self.add(surface, T.surfaceKey, Literal(key, datatype=XSD_ANYURI))
            self.add(surface, T.surfaceName, text_literal(name))
            if ref.page is not None:
                self.add(surface, T.surfacePage, text_literal(ref.page))
            self.add(surface, T.resolvesTo, node)
        self._once(surface, T.typeEvidence, rdf_class)
        if field:
            self._once(surface, T.sourceField, text_literal(field))
        return node

    # -- document ------------------------------------------------------------------------
    def map_document(self) -> None:
        doc, g = self.doc, self.graph
        kind_class = T.NewsArticle if doc.kind == "news" else T.WikipediaArticle
        self.add(g, RDF_TYPE, T.SourceDocument)
        self.add(g, RDF_TYPE, kind_class)
        self.add(g, RDFS_LABEL, text_literal(doc.title))
        self.add(g, DCT_TITLE, text_literal(doc.title))
        self.add(g, T.sourcePath, text_literal(doc.path))
        self.add(g, T.contentHash, text_literal(doc.content_hash))
        self.add(g, T.toolVersion, text_literal(__version__))
        self.add(g, T.documentKind, text_literal(doc.kind))
        if doc.kind == "wikipedia":
            self.add(g, PROV_DERIVED, NamedNode(wikipedia_url(doc.title)))
        if doc.short_description:
            self.add(g, DCT_DESCRIPTION, text_literal(doc.short_description))
        if doc.image_url:
            self.add(g, SCHEMA_THUMBNAIL, text_literal(doc.image_url))
        if doc.published:
            self.add(g, SCHEMA_DATE_PUBLISHED, _published_literal(doc.published))
        if doc.extra.get("publisher"):
            self.add(g, SCHEMA_PUBLISHER, text_literal(doc.extra["publisher"]))
        if "encoding_repair" in doc.extra:
            self.add(g, T.encodingRepaired, text_literal(doc.extra["encoding_repair"]))
        # the revision of the page this document is (a dump's <revision>, or revisions.tsv):
        # revisions of one page are the documents describing one conflict, ordered by it
        revised = revision_literal(doc.extra.get("revision_timestamp", ""))
        if revised is not None:
            self.add(g, SCHEMA_DATE_MODIFIED, revised)
        if doc.extra.get("revision_id"):
            self.add(g, SCHEMA_VERSION, text_literal(doc.extra["revision_id"]))

    def map_warnings(self) -> None:
        for index, warning in enumerate(self.doc.warnings):
            node = NamedNode(node_iri("warning", self.graph.value, index, warning.kind,
                                      warning.field, warning.text, warning.message))
            self.add(self.graph, T.warning, node)
            self.add(node, RDF_TYPE, T.ReadWarning)
            self.add(node, T.warningKind, text_literal(warning.kind))
            if warning.field:
                self.add(node, T.sourceField, text_literal(warning.field))
            self.add(node, T.sourceText, text_literal(warning.text))
            self.add(node, RDFS_COMMENT, text_literal(str(warning)))

    # -- conflict ------------------------------------------------------------------------
    def map_conflict(self, record: ConflictRecord) -> NamedNode:
        title = normalise_title(record.title)
        # n-ary node IRIs hash the surface key, not the resolved IRI: a later identity merge
        # renames the conflict but must not change the IRIs re-ingestion would mint
        self.conflict_key = entity_iri(EntityRef(title, title), scope=self.graph.value)
        self.scope = self.conflict_key
        conflict = self.entity(EntityRef(title, title), T.MilitaryConflict, field="title")
        self.add(self.graph, T.describes, conflict)
        self.add(conflict, RDFS_LABEL, text_literal(title, "en"))
        for name in record.names:
            if name.lang == "en" and name.text == title:
                continue
            predicate = SKOS_ALT if name.lang == "en" else RDFS_LABEL
            self.add(conflict, predicate, text_literal(name.text, name.lang))
        for parent in record.part_of:
            self.add(conflict, T.partOf, self.entity(parent, T.MilitaryConflict, "partof"))
        if record.date is not None:
            self.add(conflict, T.dateText, text_literal(record.date.text))
            if record.date.start is not None:
                self.add(conflict, T.startDate, date_literal(record.date.start))
            if record.date.end is not None:
                self.add(conflict, T.endDate, date_literal(record.date.end))
            if record.date.ongoing:
                self.add(conflict, T.ongoing, TRUE)
            if record.date.edtf():
                self.add(conflict, T.edtf, edtf_literal(record.date))
            self.conflict_dates = record.date
            self._interval(conflict, None)
        for place in record.places:
            self.add(conflict, T.place, self.entity(place, T.Place, "place"))
        if record.coordinates is not None:
            self._map_coordinates(conflict, record)
        self._map_text_block(conflict, record.result, T.result, T.resultItem)
        for block, predicate in ((record.territory, T.territory), (record.status, T.status), (record.notes, T.notes)):
            self._map_text_block(conflict, block, predicate, None)
        for side in record.sides:
            self._map_side(conflict, side)
        self._map_quantities(conflict, None, record.casualties_total, T.casualties, T.CasualtyEstimate)
        return conflict

    def _map_coordinates(self, conflict: NamedNode, record: ConflictRecord) -> None:
        coordinates = record.coordinates
        assert coordinates is not None
        lat, lon = _decimal(coordinates.latitude), _decimal(coordinates.longitude)
        self.add(conflict, GEO_LAT, Literal(lat, datatype=XSD_DECIMAL))
        self.add(conflict, GEO_LONG, Literal(lon, datatype=XSD_DECIMAL))
        self.add(conflict, T.coordinatesText, text_literal(coordinates.text))
        geometry = NamedNode(node_iri("geometry", self.conflict_key, lat, lon))
        self.add(conflict, HAS_GEOMETRY, geometry)
        self.add(geometry, RDF_TYPE, GEOMETRY)
        self.add(geometry, AS_WKT, Literal(f"POINT({lon} {lat})", datatype=WKT))

    def _map_text_block(self, conflict: NamedNode, block: TextBlock | None,
                        predicate: NamedNode, item_predicate: NamedNode | None) -> None:
        if block is None:
            return
        if item_predicate is None:
            self.add(conflict, predicate, text_literal(block.text.strip()))
            return
        self.add(conflict, predicate, text_literal((block.lead or block.text).strip()))
        for bullet in block.bullets:
            self.add(conflict, item_predicate, text_literal(bullet))

    def _map_side(self, conflict: NamedNode, side: Side) -> None:
        node = NamedNode(node_iri("side", self.conflict_key, side.number))
        self.add(conflict, T.side, node)
        self.add(node, RDF_TYPE, T.Side)
        self.add(node, T.sideNumber, int_literal(side.number))
        for order, party in enumerate(side.parties):
            self._map_party(node, order, party)
        for order, commander in enumerate(side.commanders):
            self._map_commander(node, order, commander)
        deployments: list[NamedNode] = []
        for order, unit in enumerate(side.units):
            deployments.append(self._map_unit(node, order, unit, deployments))
        self._map_quantities(conflict, node, side.strength, T.strength, T.StrengthEstimate)
        self._map_quantities(conflict, node, side.casualties, T.casualties, T.CasualtyEstimate)

    def _provenance(self, node: NamedNode, order: int, field: str, text: str) -> None:
        self.add(node, T.sourceField, text_literal(field))
        self.add(node, T.sourceText, text_literal(text.strip()))
        self.add(node, T.order, int_literal(order))

    def _period(self, node: NamedNode, period: Period | None) -> None:
        if period is None:
            return
        if period.start is not None:
            self.add(node, T.startDate, date_literal(period.start))
        if period.end is not None:
            self.add(node, T.endDate, date_literal(period.end))
        if period.ongoing:
            self.add(node, T.ongoing, TRUE)
        if period.edtf():
            self.add(node, T.edtf, edtf_literal(period))
        self.add(node, T.periodText, text_literal(period.text))

    def _interval(self, node: NamedNode, own: Period | None) -> None:
        for predicate, value in zip((T.intervalStart, T.intervalEnd), interval_literals(own, self.conflict_dates)):
            if value is not None:
                self.add(node, predicate, value)

    def _map_party(self, side: NamedNode, order: int, party: Party) -> None:
        node = NamedNode(node_iri("participation", side.value, order, party.field, party.text,
                                  entity_iri(party.ref, scope=self.scope)))
        self.add(side, T.participation, node)
        self.add(node, RDF_TYPE, T.Participation)
        country = (party.country is not None and entity_iri(party.country) == entity_iri(party.ref)) or (
            is_country_title(party.ref.title))
        entity = self.entity(party.ref, T.Country if country else T.ArmedGroup, party.field)
        self.add(node, T.party, entity)
        for alt in party.alt_names:     # "(PYD)": another name of the party
            self._once(entity, SKOS_ALT, alt_label(alt))
        self.add(node, T.role, T.Supporter if party.role == "supporter" else T.Belligerent)
        if party.group:
            self.add(node, T.group, text_literal(party.group))
        if party.country is not None and not country:
            self.add(node, T.flagCountry, self.entity(party.country, T.Country, party.field))
        self._period(node, party.period)
        self._interval(node, party.period)
        self._provenance(node, order, party.field, party.text)

    def _map_commander(self, side: NamedNode, order: int, commander: Commander) -> None:
        node = NamedNode(node_iri("command", side.value, order, commander.field, commander.text,
                                  entity_iri(commander.ref, scope=self.scope)))
        self.add(side, T.command, node)
        self.add(node, RDF_TYPE, T.Command)
        person = self.entity(commander.ref, T.Person, commander.field)
        self.add(node, T.commander, person)
        for alt in commander.alt_names:  # "(a.k.a. Abu Ibrahim Al-Francy)": another name of the person
            self._once(person, SKOS_ALT, alt_label(alt))
        if commander.role:
            self.add(node, T.roleDescription, text_literal(commander.role))
        for ref in commander.role_links:
            self.add(node, T.roleEntity, self.entity(ref, T.Entity, commander.field))
        self.add(node, T.killedInAction, bool_literal(commander.kia))
        if commander.fate:
            self.add(node, T.fate, text_literal(commander.fate))
        if commander.fate_claimant is not None:
            self.add(node, T.fateClaimText, text_literal(commander.fate_claimant.text))
            if commander.fate_claimant.ref is not None:
                self.add(node, T.fateClaimedBy, self.entity(commander.fate_claimant.ref, T.Entity, commander.field))
        if commander.country is not None:
            self.add(node, T.flagCountry, self.entity(commander.country, T.Country, commander.field))
        self._period(node, commander.period)
        self._interval(node, commander.period)
        self._provenance(node, order, commander.field, commander.text)

    def _map_unit(self, side: NamedNode, order: int, unit: Unit, earlier: list[NamedNode]) -> NamedNode:
        parent = earlier[unit.parent] if unit.parent is not None and 0 <= unit.parent < len(earlier) else None
        # a deployment is identified by its place in the tree: its parent's node is part of it
        node = NamedNode(node_iri("deployment", side.value, order, unit.field, unit.text,
                                  entity_iri(unit.ref, scope=self.scope), parent.value if parent else ""))
        self.add(side, T.deployment, node)
        self.add(node, RDF_TYPE, T.UnitDeployment)
        entity = self.entity(unit.ref, T.MilitaryUnit, unit.field)
        self.add(node, T.unit, entity)
        for alt in unit.alt_names:      # "(2nd Army Corps)", '("Kadyrovites")': another name of the unit
            self._once(entity, SKOS_ALT, alt_label(alt))
        self.add(node, T.level, int_literal(unit.level))
        if parent is not None:
            self.add(node, T.parentDeployment, parent)
        if unit.group:
            self.add(node, T.group, text_literal(unit.group))
        if unit.country is not None:
            self.add(node, T.flagCountry, self.entity(unit.country, T.Country, unit.field))
        self._period(node, unit.period)
        self._interval(node, unit.period)
        self._provenance(node, order, unit.field, unit.text)
        return node

    def _map_quantities(self, conflict: NamedNode, side: NamedNode | None, quantities: list[Quantity],
                        predicate: NamedNode, rdf_class: NamedNode) -> None:
        owner = side if side is not None else conflict
        owner_key = side.value if side is not None else self.conflict_key
        nodes: list[NamedNode] = []
        for order, quantity in enumerate(quantities):
            node = NamedNode(node_iri(rdf_class.value.rsplit("#", 1)[1], owner_key, order,
                                      quantity.field, quantity.text, quantity.kind))
            nodes.append(node)
            self.add(owner, predicate, node)
            self.add(node, RDF_TYPE, rdf_class)
            self.add(node, RDF_TYPE, T.QuantityEstimate)
            if quantity.value is not None:
                self.add(node, T.value, int_literal(quantity.value))
            if quantity.minimum is not None:
                self.add(node, T.minValue, int_literal(quantity.minimum))
            if quantity.maximum is not None:
                self.add(node, T.maxValue, int_literal(quantity.maximum))
            self.add(node, T.approximate, bool_literal(quantity.approximate))
            if quantity.unknown:
                self.add(node, T.unknown, TRUE)
            if quantity.as_of is not None:
                # a single date or year: a span is quantity.period (ckg:startDate/endDate)
                if quantity.as_of.start is not None:
                    self.add(node, T.asOf, date_literal(quantity.as_of.start))
                if quantity.period is None and quantity.as_of.edtf():
                    self.add(node, T.edtf, edtf_literal(quantity.as_of))
                self.add(node, T.periodText, text_literal(quantity.as_of.text))
            self._period(node, quantity.period)
            if quantity.phase:
                self.add(node, T.phase, text_literal(quantity.phase))
            self._interval(node, figure_period(quantity))
            if quantity.claimant is not None:
                self.add(node, T.claimText, text_literal(quantity.claimant.text))
                self.add(node, T.claimantName, text_literal(quantity.claimant.name))
                if quantity.claimant.ref is not None:
                    self.add(node, T.claimedBy, self.entity(quantity.claimant.ref, T.Entity, quantity.field))
            if quantity.description:
                self.add(node, T.description, text_literal(quantity.description))
            if quantity.about is not None:
                self.add(node, T.about, self.entity(quantity.about, T.Entity, quantity.field))
            if quantity.part_of is not None and 0 <= quantity.part_of < order:
                self.add(node, T.partOfEstimate, nodes[quantity.part_of])
            if quantity.kind:
                self.add(node, T.casualtyKind, text_literal(quantity.kind))
            if quantity.civilian is not None:
                self.add(node, T.civilian, bool_literal(quantity.civilian))
            if quantity.scope:
                self.add(node, T.scope, text_literal(quantity.scope))
            self._provenance(node, order, quantity.field, quantity.text)


OA_ANNOTATION = NamedNode(T.OA + "Annotation")
OA_HAS_BODY = NamedNode(T.OA + "hasBody")
OA_HAS_TARGET = NamedNode(T.OA + "hasTarget")
OA_HAS_SOURCE = NamedNode(T.OA + "hasSource")
OA_HAS_SELECTOR = NamedNode(T.OA + "hasSelector")
OA_MOTIVATED_BY = NamedNode(T.OA + "motivatedBy")
OA_IDENTIFYING = NamedNode(T.OA + "identifying")
OA_POSITION_SELECTOR = NamedNode(T.OA + "TextPositionSelector")
OA_QUOTE_SELECTOR = NamedNode(T.OA + "TextQuoteSelector")
OA_START = NamedNode(T.OA + "start")
OA_END = NamedNode(T.OA + "end")
OA_EXACT = NamedNode(T.OA + "exact")
OA_SPECIFIC_RESOURCE = NamedNode(T.OA + "SpecificResource")
SCHEMA_MENTIONS = NamedNode(T.SCHEMA + "mentions")



def map_mentions(mapper: DocumentMapper, mentions: list[Mention]) -> None:
    """``doc schema:mentions entity`` with a count per entity, and each occurrence as a Web
    Annotation (``oa:TextPositionSelector`` offsets + ``oa:TextQuoteSelector`` exact text,
    the section, and the linker's confidence when there is one).

    A mention with ``page`` names a Wikipedia page (identity resolves it like any other
    reference); one with ``iri`` names an entity already in the graph.
    """
    doc = mapper.graph
    counts: dict[str, int] = {}
    targets: dict[str, NamedNode] = {}
    for mention in mentions:
        if mention.iri is not None:
            entity, key = NamedNode(mention.iri), mention.iri
        elif mention.page is not None:
            ref = EntityRef(mention.exact, mention.page)
            entity, key = mapper.entity(ref, T.Entity, field="body"), entity_iri(ref, scope=mapper.scope)
        else:
            continue
        counts[key] = counts.get(key, 0) + 1
        targets[key] = entity
        annotation = NamedNode(node_iri("annotation", doc.value, mention.start, mention.end, key))
        target = NamedNode(annotation.value + "-target")
        position = NamedNode(annotation.value + "-position")
        quote = NamedNode(annotation.value + "-quote")
        mapper.add(annotation, RDF_TYPE, OA_ANNOTATION)
        mapper.add(annotation, OA_MOTIVATED_BY, OA_IDENTIFYING)
        mapper.add(annotation, OA_HAS_BODY, entity)
        mapper.add(annotation, OA_HAS_TARGET, target)
        mapper.add(target, RDF_TYPE, OA_SPECIFIC_RESOURCE)
        mapper.add(target, OA_HAS_SOURCE, doc)
        mapper.add(target, OA_HAS_SELECTOR, position)
        mapper.add(target, OA_HAS_SELECTOR, quote)
        mapper.add(position, RDF_TYPE, OA_POSITION_SELECTOR)
        # xsd:integer, not nonNegativeInteger: Oxigraph stores derived integer types as
        # xsd:integer, and re-ingestion must find the same literals it wrote
        mapper.add(position, OA_START, int_literal(mention.start))
        mapper.add(position, OA_END, int_literal(mention.end))
        mapper.add(quote, RDF_TYPE, OA_QUOTE_SELECTOR)
        mapper.add(quote, OA_EXACT, text_literal(mention.exact))
        if mention.section:
            mapper.add(annotation, T.section, text_literal(mention.section))
        if mention.confidence is not None:
            mapper.add(annotation, T.confidence, Literal(_decimal(round(mention.confidence, 4)), datatype=XSD_DECIMAL))
    # one count node per surface key (stable under later identity merges); two spellings of
    # one entity give two nodes, and readers sum them (the cards do)
    for key in sorted(counts):
        mapper.add(doc, SCHEMA_MENTIONS, targets[key])
        count_node = NamedNode(node_iri("mentioncount", doc.value, key))
        mapper.add(doc, T.mentionCount, count_node)
        mapper.add(count_node, RDF_TYPE, T.MentionCount)
        mapper.add(count_node, T.mentioned, targets[key])
        mapper.add(count_node, T.count, int_literal(counts[key]))


def _decimal(value: float) -> str:
    """A canonical xsd:decimal lexical form (no exponent, no trailing zeros).

    >>> _decimal(36.21667), _decimal(-70.0)
    ('36.21667', '-70.0')
    """
    text = f"{value:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def revision_literal(text: str) -> Literal | None:
    """A revision timestamp as a typed literal: ``xsd:dateTime`` for a date-time (as dumps
    give), ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` for a date of that precision
    (as ``revisions.tsv`` may); ``None`` for anything else.

    >>> revision_literal("2016-04-29T16:31:10Z").datatype.value.rsplit('#')[1]
    'dateTime'
    >>> revision_literal("2019-06").datatype.value.rsplit('#')[1], revision_literal("June 2019")
    ('gYearMonth', None)
    """
    from kg.readers.revisions import timestamp_precision

    precision = timestamp_precision(text)
    if precision is None:
        return None
    if precision == "datetime":
        return Literal(text.strip(), datatype=NamedNode(T.XSD + "dateTime"))
    return Literal(text.strip(), datatype=_DATE_TYPES[precision])


def _published_literal(text: str) -> Literal:
    """``xsd:date`` for an ISO date, ``xsd:dateTime`` for an ISO timestamp, else a string."""
    if re.fullmatch(r"-?\d{4}-\d{2}-\d{2}", text):
        return Literal(text, datatype=_DATE_TYPES["day"])
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?", text):
        return Literal(text, datatype=NamedNode(T.XSD + "dateTime"))
    return text_literal(text)


def map_document(doc: Document, record: ConflictRecord | None,
                 mentions: list[Mention] | None = None, about: list[str] | None = None,
                 resolver: dict[str, str] | None = None) -> list[Quad]:
    """All quads of one document's named graph (IRI = :func:`kg.identity.document_iri`).

    >>> from kg.readers import read_document
    >>> from kg.infobox import parse_conflict
    >>> doc = read_document("data/wikipedia/syria/battle_of_hosn.md")
    >>> quads = map_document(doc, parse_conflict(doc))
    >>> len({q.graph_name for q in quads}), len(quads) > 50
    (1, True)
    """
    mapper = DocumentMapper(doc, resolver)
    mapper.map_document()
    if record is not None:
        mapper.map_conflict(record)
    if mentions:
        map_mentions(mapper, mentions)
    for iri in sorted(set(about or ())):
        mapper.add(mapper.graph, SCHEMA_ABOUT, NamedNode(iri))
    mapper.map_warnings()
    return mapper.quads


def iter_unique(quads: list[Quad]) -> Iterator[Quad]:
    seen: set[Quad] = set()
    for quad in quads:
        if quad not in seen:
            seen.add(quad)
            yield quad
