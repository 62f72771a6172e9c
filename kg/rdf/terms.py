"""The vocabulary of the graph: namespaces and every ``ckg:`` term the mapper writes.

One constant per term, so that the mapper, the cards, the rules and the tests spell each IRI
in one place. ``ontology/conflict-kg.ttl`` declares every term listed here (a test checks).
"""

from __future__ import annotations

import os

from pyoxigraph import NamedNode

#: Base of every IRI the project mints; override with ``$KG_BASE`` (must end with ``/``).
BASE = os.environ.get("KG_BASE", "https://w3id.org/conflict-kg/")
CKG = BASE + "ontology#"
RESOURCE = BASE + "resource/"
#: Names seen without a Wikipedia link live apart, so that a later page can claim them.
NAME = BASE + "resource/name/"
NODE = BASE + "id/"
DOCUMENT = BASE + "document/"
GRAPH = BASE + "graph/"

DBO = "http://dbpedia.org/ontology/"
DBR = "http://dbpedia.org/resource/"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
GEOSPARQL = "http://www.opengis.net/ont/geosparql#"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SH = "http://www.w3.org/ns/shacl#"
WIKIPEDIA = "https://en.wikipedia.org/wiki/"

#: Stable prefixes for every serialisation (no ``ns1:``).
PREFIXES: dict[str, str] = {
    "ckg": CKG,
    "res": RESOURCE,
    "name": NAME,
    "id": NODE,
    "doc": DOCUMENT,
    "dbo": DBO,
    "dbr": DBR,
    "wd": WD,
    "wdt": WDT,
    "schema": SCHEMA,
    "prov": PROV,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "geo": GEO,
    "geosparql": GEOSPARQL,
    "oa": OA,
    "xsd": XSD,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
}


def sparql_prefixes() -> str:
    """The PREFIX block every project query may rely on.

    >>> "PREFIX ckg:" in sparql_prefixes()
    True
    """
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def ckg(local: str) -> NamedNode:
    return NamedNode(CKG + local)


# --- classes -------------------------------------------------------------------------
MilitaryConflict = ckg("MilitaryConflict")
Side = ckg("Side")
Participation = ckg("Participation")
Command = ckg("Command")
UnitDeployment = ckg("UnitDeployment")
QuantityEstimate = ckg("QuantityEstimate")
StrengthEstimate = ckg("StrengthEstimate")
CasualtyEstimate = ckg("CasualtyEstimate")
Entity = ckg("Entity")  # anything a field refers to
Country = ckg("Country")
ArmedGroup = ckg("ArmedGroup")  # armed group or organisation
MilitaryUnit = ckg("MilitaryUnit")
Person = ckg("Person")
Place = ckg("Place")
SourceDocument = ckg("SourceDocument")
WikipediaArticle = ckg("WikipediaArticle")
NewsArticle = ckg("NewsArticle")
ReadWarning = ckg("ReadWarning")
Role = ckg("Role")
Belligerent = ckg("Belligerent")
Supporter = ckg("Supporter")

# --- conflict ------------------------------------------------------------------------
side = ckg("side")
partOf = ckg("partOf")
startDate = ckg("startDate")
endDate = ckg("endDate")
dateText = ckg("dateText")
ongoing = ckg("ongoing")
place = ckg("place")
result = ckg("result")
resultItem = ckg("resultItem")
territory = ckg("territory")
status = ckg("status")
notes = ckg("notes")
casualties = ckg("casualties")  # conflict -> totals; side -> per-side figures
coordinatesText = ckg("coordinatesText")

# --- side and n-ary nodes ------------------------------------------------------------
sideNumber = ckg("sideNumber")
participation = ckg("participation")
command = ckg("command")
deployment = ckg("deployment")
strength = ckg("strength")
party = ckg("party")
role = ckg("role")
group = ckg("group")
periodText = ckg("periodText")
#: the node's date or period as one EDTF literal (datatype :data:`EDTF`)
edtf = ckg("edtf")
#: the node's interval as day-bound xsd:date values SPARQL can compare (kg.time.day_bounds):
#: its period clipped to its conflict's dates (kg.time.clip); absent end = open or ongoing
intervalStart = ckg("intervalStart")
intervalEnd = ckg("intervalEnd")
flagCountry = ckg("flagCountry")
commander = ckg("commander")
roleDescription = ckg("roleDescription")
roleEntity = ckg("roleEntity")
killedInAction = ckg("killedInAction")
fate = ckg("fate")
fateClaimedBy = ckg("fateClaimedBy")
fateClaimText = ckg("fateClaimText")
unit = ckg("unit")
parentDeployment = ckg("parentDeployment")
level = ckg("level")
value = ckg("value")
minValue = ckg("minValue")
maxValue = ckg("maxValue")
approximate = ckg("approximate")
asOf = ckg("asOf")
asOfEnd = ckg("asOfEnd")
description = ckg("description")
about = ckg("about")
partOfEstimate = ckg("partOfEstimate")
casualtyKind = ckg("casualtyKind")
civilian = ckg("civilian")
scope = ckg("scope")
unknown = ckg("unknown")
claimedBy = ckg("claimedBy")
claimText = ckg("claimText")
claimantName = ckg("claimantName")
phase = ckg("phase")
order = ckg("order")  # position in the source field, for stable card order
sourceField = ckg("sourceField")
sourceText = ckg("sourceText")

# --- documents, provenance, warnings -------------------------------------------------
sourcePath = ckg("sourcePath")
contentHash = ckg("contentHash")
toolVersion = ckg("toolVersion")
documentKind = ckg("documentKind")
warning = ckg("warning")
warningKind = ckg("warningKind")
describes = ckg("describes")  # document -> the conflict its infobox describes
encodingRepaired = ckg("encodingRepaired")

# --- identity across documents ------------------------------------------------------
SurfaceForm = ckg("SurfaceForm")  # how one document named one entity
surface = ckg("surface")  # document -> SurfaceForm
surfaceName = ckg("surfaceName")
surfacePage = ckg("surfacePage")
surfaceKey = ckg("surfaceKey")  # the IRI the name gives before resolution (xsd:anyURI)
resolvesTo = ckg("resolvesTo")
typeEvidence = ckg("typeEvidence")
entityType = ckg("entityType")  # the type decided from all the evidence
mergedFrom = ckg("mergedFrom")  # canonical -> surface key it absorbed (xsd:anyURI)
MergeEvidence = ckg("MergeEvidence")
AmbiguousName = ckg("AmbiguousName")
TypeConflict = ckg("TypeConflict")
evidence = ckg("evidence")  # entity -> MergeEvidence / TypeConflict
rule = ckg("rule")
evidenceText = ckg("evidenceText")
evidenceDocument = ckg("evidenceDocument")
candidate = ckg("candidate")
IDENTITY_GRAPH = NamedNode(GRAPH + "identity")
#: The build log (kg.builder): ingestion times and what each document was read and linked
#: with; bookkeeping, left out of exports.
BUILD_LOG_GRAPH = NamedNode(GRAPH + "builds")
readerFingerprint = ckg("readerFingerprint")  # document -> kg.process.reader_fingerprint() it was read with

# --- mentions (Wikipedia body links and news) -----------------------------------------
MentionCount = ckg("MentionCount")  # doc ckg:mentionCount [ckg:mentioned e ; ckg:count n]
mentionCount = ckg("mentionCount")
mentioned = ckg("mentioned")
count = ckg("count")
section = ckg("section")  # the section heading an annotation's text is in
confidence = ckg("confidence")  # the linker's confidence in a mention, 0..1

# --- derived relations (materialised by ontology/rules/, see kg.rdf.rules) -------------
alliedWith = ckg("alliedWith")  # symmetric: same side of some conflict
opposed = ckg("opposed")  # symmetric: different sides of the same conflict
#: the qualified form, one node per conflict, pair of parties and overlap of their participations
Alliance = ckg("Alliance")
Opposition = ckg("Opposition")
between = ckg("between")  # relation node -> each of its two parties
inConflict = ckg("inConflict")  # relation node -> the conflict
#: IRIs of the relation nodes the rules mint (kg.rdf.rules keeps them with their parties)
RELATION_NODE = NODE + "relation/"

# --- datatypes -------------------------------------------------------------------------
#: xsd:gYear | xsd:gYearMonth | xsd:date, the range of startDate/endDate/asOf/asOfEnd.
PartialDate = ckg("PartialDate")
#: The Library of Congress datatype of EDTF (ISO 8601-2) literals, the range of ckg:edtf.
EDTF = NamedNode("http://id.loc.gov/datatypes/edtf/EDTF")

#: The named graph of the compatibility view and the derived relations (kg.rdf.rules).
DERIVED_GRAPH = NamedNode(GRAPH + "derived")

# --- the query view (kg.view) ----------------------------------------------------------
#: The deduplicated query view: per conflict, the description of the one document it follows.
VIEW_GRAPH = NamedNode(GRAPH + "view")
viewFollows = ckg("viewFollows")  # conflict -> the document whose description the view holds
viewSource = ckg("viewSource")  # conflict -> every document describing it when the view was made
