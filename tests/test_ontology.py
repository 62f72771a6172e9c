"""The ontology, the SHACL shapes, the CONSTRUCT rules and the validation helper.

A small hand-written graph (``GOOD``, Turtle following the mapper's pattern) must conform to
the shapes; broken variants of it must fail with the expected message; each rule must derive
the expected triples from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pyoxigraph
import pytest
import rdflib
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store
from rdflib.namespace import OWL, RDF, RDFS

from kg.rdf import ontology, rules, terms
from kg.validate import ValidationReport, format_report, validate

CKG = rdflib.Namespace(terms.CKG)
XSD = rdflib.Namespace(terms.XSD)  # a plain Namespace: pytest pokes at rdflib's closed XSD
ID = rdflib.Namespace(terms.NODE)
RES = rdflib.Namespace(terms.RESOURCE)
DOC_IRI = terms.DOCUMENT + "wikipedia/Battle_of_Aleppo_(2012%E2%80%932016)"

GOOD = f"""
@prefix ckg: <{terms.CKG}> .
@prefix res: <{terms.RESOURCE}> .
@prefix id: <{terms.NODE}> .
@prefix doc: <{terms.DOCUMENT}> .
@prefix rdfs: <{terms.RDFS}> .
@prefix xsd: <{terms.XSD}> .
@prefix dcterms: <{terms.DCTERMS}> .
@prefix geo: <{terms.GEO}> .
@prefix geosparql: <{terms.GEOSPARQL}> .
@prefix owl: <{terms.OWL}> .

res:Battle_of_Aleppo a ckg:MilitaryConflict ;
    rdfs:label "Battle of Aleppo"@en , "معركة حلب"@ar ;
    ckg:partOf res:Syrian_civil_war ;
    ckg:startDate "2012-07-19"^^xsd:date ;
    ckg:endDate "2016-12"^^xsd:gYearMonth ;
    ckg:dateText "19 July 2012 – December 2016" ;
    ckg:ongoing false ;
    ckg:place res:Aleppo ;
    geo:lat 36.21667 ;
    geo:long 37.16667 ;
    geosparql:hasGeometry id:aleppo-geom ;
    ckg:coordinatesText "36°13′N 37°10′E" ;
    ckg:result "Decisive Syrian government victory" ;
    ckg:resultItem "Government regains all of Aleppo" ;
    ckg:side id:aleppo-side-1 , id:aleppo-side-2 ;
    ckg:casualties id:aleppo-total-1 , id:aleppo-total-2 , id:aleppo-total-2a .

id:aleppo-geom geosparql:asWKT "Point(37.16667 36.21667)"^^geosparql:wktLiteral .

res:Syrian_civil_war a ckg:MilitaryConflict ; rdfs:label "Syrian civil war"@en .
res:Aleppo a ckg:Place ; rdfs:label "Aleppo"@en .
res:Syria a ckg:Country ; rdfs:label "Syria"@en , "Syrian Arab Republic"@en .
res:Iran a ckg:Country ; rdfs:label "Iran"@en .
res:Russia a ckg:Country ; rdfs:label "Russia"@en .
res:Free_Syrian_Army a ckg:ArmedGroup ; rdfs:label "Free Syrian Army"@en .
res:Qatar a ckg:Entity ; rdfs:label "Qatar"@en .
res:Bashar_al-Assad a ckg:Person ; rdfs:label "Bashar al-Assad"@en .
res:Abdul_Qader_Saleh a ckg:Person ; rdfs:label "Abdul Qader Saleh"@en .
res:Syrian_Army a ckg:ArmedGroup ; rdfs:label "Syrian Army"@en .
res:Republican_Guard a ckg:MilitaryUnit ; rdfs:label "Republican Guard"@en .
res:Syrian_Marines a ckg:MilitaryUnit ; rdfs:label "Syrian Marines"@en .

id:aleppo-side-1 a ckg:Side ;
    ckg:sideNumber 1 ;
    ckg:participation id:aleppo-p-1-0 , id:aleppo-p-1-1 , id:aleppo-p-1-2 ;
    ckg:command id:aleppo-c-1-0 ;
    ckg:deployment id:aleppo-u-1-0 , id:aleppo-u-1-1 ;
    ckg:strength id:aleppo-s-1-0 ;
    ckg:casualties id:aleppo-k-1-0 .

id:aleppo-p-1-0 a ckg:Participation ;
    ckg:party res:Syria ; ckg:role ckg:Belligerent ;
    ckg:sourceField "combatant1" ; ckg:sourceText "Syria" ; ckg:order 0 .
id:aleppo-p-1-1 a ckg:Participation ;
    ckg:party res:Iran ; ckg:role ckg:Belligerent ;
    ckg:startDate "2013"^^xsd:gYear ; ckg:periodText "from 2013" ;
    ckg:sourceField "combatant1" ; ckg:sourceText "Iran (from 2013)" ; ckg:order 1 .
id:aleppo-p-1-2 a ckg:Participation ;
    ckg:party res:Russia ; ckg:role ckg:Supporter ; ckg:group "Supported by" ;
    ckg:flagCountry res:Russia ;
    ckg:sourceField "combatant1" ; ckg:sourceText "Russia" ; ckg:order 2 .

id:aleppo-c-1-0 a ckg:Command ;
    ckg:commander res:Bashar_al-Assad ;
    ckg:roleDescription "President of Syria" ; ckg:roleEntity res:Syria ;
    ckg:killedInAction false ;
    ckg:sourceField "commander1" ; ckg:sourceText "Bashar al-Assad (President of Syria)" ; ckg:order 0 .

id:aleppo-u-1-0 a ckg:UnitDeployment ;
    ckg:unit res:Republican_Guard ; ckg:level 0 ;
    ckg:sourceField "units1" ; ckg:sourceText "Republican Guard" ; ckg:order 0 .
id:aleppo-u-1-1 a ckg:UnitDeployment ;
    ckg:unit res:Syrian_Marines ; ckg:level 1 ; ckg:parentDeployment id:aleppo-u-1-0 ;
    ckg:sourceField "units1" ; ckg:sourceText "Syrian Marines" ; ckg:order 1 .

id:aleppo-s-1-0 a ckg:StrengthEstimate ;
    ckg:value 20000 ; ckg:approximate false ; ckg:asOf "2012"^^xsd:gYear ;
    ckg:description "SAA soldiers" ; ckg:about res:Syrian_Army ;
    ckg:sourceField "strength1" ; ckg:sourceText "20,000 SAA soldiers (2012)" ; ckg:order 0 .

id:aleppo-k-1-0 a ckg:CasualtyEstimate ;
    ckg:minValue 2000 ; ckg:maxValue 4000 ; ckg:approximate true ;
    ckg:casualtyKind "killed" ; ckg:civilian false ;
    ckg:sourceField "casualties1" ; ckg:sourceText "c. 2,000–4,000 killed" ; ckg:order 0 .

id:aleppo-side-2 a ckg:Side ;
    ckg:sideNumber 2 ;
    ckg:participation id:aleppo-p-2-0 , id:aleppo-p-2-1 ;
    ckg:command id:aleppo-c-2-0 ;
    ckg:strength id:aleppo-s-2-0 .

id:aleppo-p-2-0 a ckg:Participation ;
    ckg:party res:Free_Syrian_Army ; ckg:role ckg:Belligerent ;
    ckg:sourceField "combatant2" ; ckg:sourceText "Free Syrian Army" ; ckg:order 0 .
id:aleppo-p-2-1 a ckg:Participation ;
    ckg:party res:Qatar ; ckg:role ckg:Supporter ;
    ckg:sourceField "combatant2" ; ckg:sourceText "Qatar" ; ckg:order 1 .

id:aleppo-c-2-0 a ckg:Command ;
    ckg:commander res:Abdul_Qader_Saleh ; ckg:killedInAction true ;
    ckg:sourceField "commander2" ; ckg:sourceText "Abdul Qader Saleh †" ; ckg:order 0 .

id:aleppo-s-2-0 a ckg:StrengthEstimate ;
    ckg:unknown true ; ckg:approximate false ;
    ckg:sourceField "strength2" ; ckg:sourceText "Unknown" ; ckg:order 0 .

id:aleppo-total-1 a ckg:CasualtyEstimate ;
    ckg:value 31000 ; ckg:approximate false ; ckg:casualtyKind "deaths" ;
    ckg:asOf "2016-12-22"^^xsd:date ;
    ckg:sourceField "casualties4" ; ckg:sourceText "31,000 deaths" ; ckg:order 0 .
id:aleppo-total-2 a ckg:CasualtyEstimate ;
    ckg:minValue 5000 ; ckg:approximate false ; ckg:casualtyKind "killed" ; ckg:civilian true ;
    ckg:scope "in the city" ;
    ckg:sourceField "casualties4" ; ckg:sourceText "5,000+ civilians killed in the city" ; ckg:order 1 .
id:aleppo-total-2a a ckg:CasualtyEstimate ;
    ckg:value 1500 ; ckg:approximate false ; ckg:casualtyKind "killed" ; ckg:civilian true ;
    ckg:partOfEstimate id:aleppo-total-2 ; ckg:description "children" ;
    ckg:sourceField "casualties4" ; ckg:sourceText "*1,500 children" ; ckg:order 2 .

<{DOC_IRI}> a ckg:WikipediaArticle ;
    rdfs:label "Battle of Aleppo (2012–2016)"@en ;
    dcterms:title "Battle of Aleppo (2012–2016)" ;
    ckg:sourcePath "data/wikipedia/Battle_of_Aleppo.md" ;
    ckg:contentHash "sha256:{'0' * 60}beef" ;
    ckg:toolVersion "0.1.0" ;
    ckg:documentKind "wikipedia" ;
    ckg:describes res:Battle_of_Aleppo ;
    ckg:encodingRepaired "encode macroman, decode utf-8" ;
    ckg:warning id:aleppo-w-0 .

id:aleppo-w-0 a ckg:ReadWarning ;
    ckg:warningKind "template-artifact" ;
    ckg:sourceField "strength2" ;
    ckg:sourceText "c. undefined 8,000 fighters (mid-2016)" ;
    rdfs:comment "dropped template artifact 'undefined'" .
"""


# --------------------------------------------------------------------------------------
# fixtures and helpers
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ont() -> rdflib.Graph:
    return ontology.load_ontology_rdflib()


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return ontology.load_shapes_rdflib()


def good_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(data=GOOD, format="turtle")


def check(graph: rdflib.Graph, ont: rdflib.Graph, shapes: rdflib.Graph) -> ValidationReport:
    return validate(graph, shapes=shapes, ont_graph=ont)


def good_store() -> Store:
    store = Store()
    doc = NamedNode(DOC_IRI)
    store.extend(Quad(t.subject, t.predicate, t.object, doc)
                 for t in pyoxigraph.parse(GOOD, format=RdfFormat.TURTLE))
    return store


def res(name: str) -> NamedNode:
    return NamedNode(terms.RESOURCE + name)


def ckg_constants() -> dict[str, NamedNode]:
    """Every NamedNode constant of kg.rdf.terms in the ckg: namespace."""
    return {
        name: value
        for name, value in vars(terms).items()
        if isinstance(value, NamedNode) and value.value.startswith(terms.CKG)
    }


# --------------------------------------------------------------------------------------
# parsing and declarations
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path_fn", [ontology.ontology_path, ontology.shapes_path])
def test_files_parse_with_rdflib_and_pyoxigraph(path_fn: Callable[[], object]) -> None:
    path = path_fn()
    g = rdflib.Graph().parse(str(path), format="turtle")
    triples = list(pyoxigraph.parse(path=str(path), format=RdfFormat.TURTLE))
    assert len(g) > 100
    assert len(triples) == len(g)


def test_ontology_header(ont: rdflib.Graph) -> None:
    iri = rdflib.URIRef(ontology.ONTOLOGY_IRI)
    assert (iri, RDF.type, OWL.Ontology) in ont
    assert ont.value(iri, OWL.versionInfo) == rdflib.Literal("0.1.0")


def test_every_term_is_declared_with_label_and_comment(ont: rdflib.Graph) -> None:
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual,
             RDFS.Datatype}
    missing: list[str] = []
    for name, node in ckg_constants().items():
        iri = rdflib.URIRef(node.value)
        types = set(ont.objects(iri, RDF.type))
        labels = [lab for lab in ont.objects(iri, RDFS.label) if getattr(lab, "language", None) == "en"]
        comments = [c for c in ont.objects(iri, RDFS.comment) if getattr(c, "language", None) == "en"]
        if not types & kinds or not labels or not comments:
            missing.append(name)
    assert not missing, f"declare these in ontology/conflict-kg.ttl with label and comment: {missing}"


def test_ontology_declares_nothing_terms_does_not_know(ont: rdflib.Graph) -> None:
    known = {n.value for n in ckg_constants().values()}
    declared = {str(s) for s in ont.subjects(RDF.type, None)
                if isinstance(s, rdflib.URIRef) and str(s).startswith(terms.CKG)}
    assert declared - known == set(), "add these to kg/rdf/terms.py"


def test_property_kinds_and_alignments(ont: rdflib.Graph) -> None:
    assert (CKG.party, RDF.type, OWL.ObjectProperty) in ont
    assert (CKG.sideNumber, RDF.type, OWL.DatatypeProperty) in ont
    assert (CKG.alliedWith, RDF.type, OWL.SymmetricProperty) in ont
    assert (CKG.opposed, RDF.type, OWL.SymmetricProperty) in ont
    assert (CKG.Belligerent, RDF.type, CKG.Role) in ont
    assert (CKG.Supporter, RDF.type, OWL.NamedIndividual) in ont
    dbo = rdflib.Namespace(terms.DBO)
    wdt = rdflib.Namespace(terms.WDT)
    schema = rdflib.Namespace(terms.SCHEMA)
    assert (CKG.MilitaryConflict, RDFS.subClassOf, dbo.MilitaryConflict) in ont
    assert (CKG.MilitaryConflict, RDFS.subClassOf, schema.Event) in ont
    assert (CKG.Country, RDFS.subClassOf, dbo.Country) in ont
    assert (CKG.NewsArticle, RDFS.subClassOf, schema.NewsArticle) in ont
    assert (CKG.SourceDocument, RDFS.subClassOf, rdflib.URIRef(terms.PROV + "Entity")) in ont
    assert (CKG.partOf, RDFS.subPropertyOf, dbo.isPartOfMilitaryConflict) in ont
    assert (CKG.partOf, RDFS.subPropertyOf, wdt.P361) in ont
    assert (CKG.place, RDFS.subPropertyOf, wdt.P276) in ont
    # date properties: no single xsd range, a union datatype
    for prop in (CKG.startDate, CKG.endDate, CKG.asOf, CKG.asOfEnd):
        assert list(ont.objects(prop, RDFS.range)) == [CKG.PartialDate]
        assert "xsd:gYear" in str(ont.value(prop, RDFS.comment))


def test_terms_added_for_rules() -> None:
    assert terms.alliedWith.value == terms.CKG + "alliedWith"
    assert terms.opposed.value == terms.CKG + "opposed"
    assert terms.DERIVED_GRAPH.value == terms.GRAPH + "derived"
    assert rules.DERIVED_GRAPH == terms.DERIVED_GRAPH


# --------------------------------------------------------------------------------------
# SHACL
# --------------------------------------------------------------------------------------


def test_good_graph_conforms(ont: rdflib.Graph, shapes: rdflib.Graph) -> None:
    report = check(good_graph(), ont, shapes)
    assert report.conforms, format_report(report)
    assert report.results == []


def test_validate_does_not_modify_the_data_graph(ont: rdflib.Graph, shapes: rdflib.Graph) -> None:
    graph = good_graph()
    before = len(graph)
    check(graph, ont, shapes)
    assert len(graph) == before


def test_validate_defaults_load_shapes_and_ontology() -> None:
    assert validate(good_graph()).conforms


def test_subclass_of_entity_needs_the_ontology(shapes: rdflib.Graph) -> None:
    """sh:class ckg:Entity accepts a ckg:Country only when the ontology's rdfs:subClassOf
    triples are visible: pyshacl reads them from ont_graph even with inference 'none'."""
    empty_ont = rdflib.Graph()
    empty_ont.add((rdflib.URIRef("urn:x"), RDFS.label, rdflib.Literal("nothing")))
    without = validate(good_graph(), shapes=shapes, ont_graph=empty_ont)
    assert not without.conforms
    assert any("typed ckg:Entity" in m for m in without.messages())


def _replace(graph: rdflib.Graph, s: rdflib.term.Node, p: rdflib.URIRef, new: rdflib.term.Node) -> None:
    graph.remove((s, p, None))
    graph.add((s, p, new))


def _missing_party(g: rdflib.Graph) -> None:
    g.remove((ID["aleppo-p-1-1"], CKG.party, None))


def _two_side_numbers(g: rdflib.Graph) -> None:
    g.add((ID["aleppo-side-1"], CKG.sideNumber, rdflib.Literal(3)))


def _min_above_max(g: rdflib.Graph) -> None:
    _replace(g, ID["aleppo-k-1-0"], CKG.minValue, rdflib.Literal(5000))


def _bad_date_datatype(g: rdflib.Graph) -> None:
    _replace(g, ID["aleppo-p-1-1"], CKG.startDate, rdflib.Literal("2013"))


def _date_as_datetime(g: rdflib.Graph) -> None:
    _replace(g, rdflib.URIRef(RES["Battle_of_Aleppo"]), CKG.startDate,
             rdflib.Literal("2012-07-19T00:00:00", datatype=XSD.dateTime))


def _malformed_gyear(g: rdflib.Graph) -> None:
    _replace(g, ID["aleppo-s-1-0"], CKG.asOf, rdflib.Literal("mid-2012", datatype=XSD.gYear))


def _bad_content_hash(g: rdflib.Graph) -> None:
    _replace(g, rdflib.URIRef(DOC_IRI), CKG.contentHash, rdflib.Literal("md5:abc"))


def _bad_role(g: rdflib.Graph) -> None:
    _replace(g, ID["aleppo-p-2-1"], CKG.role, rdflib.Literal("supporter"))


def _bad_casualty_kind(g: rdflib.Graph) -> None:
    _replace(g, ID["aleppo-k-1-0"], CKG.casualtyKind, rdflib.Literal("dead"))


def _party_without_label(g: rdflib.Graph) -> None:
    g.remove((rdflib.URIRef(RES["Qatar"]), RDFS.label, None))


def _untyped_party(g: rdflib.Graph) -> None:
    g.remove((rdflib.URIRef(RES["Qatar"]), RDF.type, None))


def _blank_participation(g: rdflib.Graph) -> None:
    bnode = rdflib.BNode()
    g.add((ID["aleppo-side-2"], CKG.participation, bnode))
    for p, o in list(g.predicate_objects(ID["aleppo-p-2-1"])):
        g.add((bnode, p, o))


def _latitude_out_of_range(g: rdflib.Graph) -> None:
    _replace(g, rdflib.URIRef(RES["Battle_of_Aleppo"]), rdflib.URIRef(terms.GEO + "lat"),
             rdflib.Literal("136.2", datatype=XSD.decimal))


def _kia_missing(g: rdflib.Graph) -> None:
    g.remove((ID["aleppo-c-2-0"], CKG.killedInAction, None))


def _unknown_fate(g: rdflib.Graph) -> None:
    g.add((ID["aleppo-c-2-0"], CKG.fate, rdflib.Literal("injured")))


def _negative_value(g: rdflib.Graph) -> None:
    _replace(g, ID["aleppo-s-1-0"], CKG.value, rdflib.Literal(-5))


BROKEN: dict[str, tuple[Callable[[rdflib.Graph], None], str, str | None]] = {
    # name: (mutation, expected message fragment, expected path); the mutation must produce
    # only results with that message, unless listed in ALSO below
    "missing party": (_missing_party, "needs exactly one ckg:party", "ckg:party"),
    "two sideNumbers": (_two_side_numbers, "exactly one ckg:sideNumber", "ckg:sideNumber"),
    "minValue > maxValue": (_min_above_max, "ckg:minValue (5000) is greater than ckg:maxValue (4000)", None),
    "date as xsd:string": (_bad_date_datatype, "ckg:startDate must be a well-formed xsd:gYear", "ckg:startDate"),
    "date as xsd:dateTime": (_date_as_datetime, "ckg:startDate must be a well-formed xsd:gYear", "ckg:startDate"),
    "malformed gYear": (_malformed_gyear, "ckg:asOf must be a well-formed xsd:gYear", "ckg:asOf"),
    "bad contentHash": (_bad_content_hash, "ckg:contentHash of the form", "ckg:contentHash"),
    "role literal": (_bad_role, "either ckg:Belligerent or ckg:Supporter", "ckg:role"),
    "casualty kind": (_bad_casualty_kind, "ckg:casualtyKind must be at most one of", "ckg:casualtyKind"),
    "party without label": (_party_without_label, "referenced entity needs at least one rdfs:label", "rdfs:label"),
    "untyped party": (_untyped_party, "typed ckg:Entity or one of its subclasses", None),
    "blank participation": (_blank_participation, "ckg:Participation must be an IRI under", None),
    "latitude out of range": (_latitude_out_of_range, "geo:lat must be at most one xsd:decimal between -90 and 90", "geo:lat"),
    "kia missing": (_kia_missing, "exactly one ckg:killedInAction", "ckg:killedInAction"),
    "unknown fate": (_unknown_fate, "ckg:fate is at most one of", "ckg:fate"),
    "negative value": (_negative_value, "ckg:value must be at most one xsd:integer >= 0", "ckg:value"),
}


#: other messages a mutation legitimately produces as well
ALSO: dict[str, set[str]] = {
    "blank participation": {("ckg:participation must point to an IRI typed ckg:Participation. "
                             "Type every participation node with rdf:type ckg:Participation.")},
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_graph_fails_with_message(name: str, ont: rdflib.Graph, shapes: rdflib.Graph) -> None:
    mutate, fragment, path = BROKEN[name]
    graph = good_graph()
    mutate(graph)
    report = check(graph, ont, shapes)
    assert not report.conforms
    matching = [r for r in report.results if fragment in r.message]
    assert all(" / " not in r.message for r in report.results), "one message per result"
    assert matching, f"{name}: expected {fragment!r} in\n{format_report(report)}"
    if path is not None:
        assert any(r.path == path for r in matching), format_report(report)
    assert all(r.severity == "Violation" for r in matching)
    # nothing else broke: the mutation produces only the expected kind of result
    others = {r.message for r in report.results} - {r.message for r in matching}
    assert others == ALSO.get(name, set()), format_report(report)


def test_format_report_groups_and_counts(ont: rdflib.Graph, shapes: rdflib.Graph) -> None:
    graph = good_graph()
    for pid in ("aleppo-p-1-0", "aleppo-p-1-1", "aleppo-p-1-2", "aleppo-p-2-0", "aleppo-p-2-1"):
        graph.remove((ID[pid], CKG.party, None))
    for cid in ("aleppo-c-1-0", "aleppo-c-2-0"):
        graph.remove((ID[cid], CKG.killedInAction, None))
    graph.add((ID["extra"], RDF.type, CKG.Participation))  # also lacks party, role, source
    report = check(graph, ont, shapes)
    text = format_report(report, examples=5)
    assert text.startswith("Conforms: no")
    assert "x6: A ckg:Participation needs exactly one ckg:party" in text
    assert "x2: A ckg:Command needs exactly one ckg:killedInAction" in text
    assert "... and 1 more" in text
    assert text.count("  - ") == sum(min(5, n) for n in _group_sizes(report))
    assert str(report) == format_report(report)


def _group_sizes(report: ValidationReport) -> list[int]:
    sizes: dict[tuple[str, str], int] = {}
    for r in report.results:
        sizes[(r.severity, r.message)] = sizes.get((r.severity, r.message), 0) + 1
    return list(sizes.values())


def test_validate_store_uses_union_and_skips_derived_graph() -> None:
    """Labels in one document graph satisfy references from another; derived triples
    (which carry IRIs and strings the shapes don't expect) are left out."""
    store = good_store()
    # move Qatar's label and type to a second document graph
    other = NamedNode(terms.DOCUMENT + "news/qatar")
    doc = NamedNode(DOC_IRI)
    for q in list(store.quads_for_pattern(res("Qatar"), None, None, doc)):
        store.remove(q)
        store.add(Quad(q.subject, q.predicate, q.object, other))
    rules.materialise(store)
    # a bogus derived triple that would break validation if it were read
    store.add(Quad(NamedNode(terms.NODE + "junk"), NamedNode(terms.RDF + "type"), terms.Side,
                   terms.DERIVED_GRAPH))
    report = validate(store)
    assert report.conforms, format_report(report)
    nquads = pyoxigraph.serialize(store, format=RdfFormat.N_QUADS).decode("utf-8")
    assert validate(nquads).conforms


# --------------------------------------------------------------------------------------
# rules
# --------------------------------------------------------------------------------------


def test_rules_load_with_descriptions() -> None:
    loaded = rules.load_rules()
    names = {r.name for r in loaded}
    assert {"participant-p710", "commander", "part-of", "place", "start-date", "end-date",
            "deaths-p1120", "coordinates-p625", "combatant", "strength", "allied-with",
            "opposed"} <= names
    for rule in loaded:
        assert rule.description.startswith("Derives"), rule.name
        assert "CONSTRUCT" in rule.query


def test_rules_read_no_derived_terms() -> None:
    """The invariant that lets rules query the union of all graphs, derived graph included."""
    derived_predicates = {"wdt:", "dbo:", "ckg:alliedWith", "ckg:opposed", "ckg:Alliance", "ckg:Opposition",
                          "ckg:between", "ckg:inConflict"}
    for rule in rules.load_rules():
        where = rule.query[rule.query.upper().index("WHERE"):]
        for prefix in derived_predicates:
            assert prefix not in where, f"{rule.name} reads {prefix} in its WHERE clause"


@pytest.fixture(scope="module")
def derived() -> set[tuple[str, str, object]]:
    quads = rules.derive(good_store())
    assert all(q.graph_name == terms.DERIVED_GRAPH for q in quads)
    return {(q.subject.value, q.predicate.value, q.object) for q in quads}


def _objects(derived: set[tuple[str, str, object]], s: str, p: str) -> set[object]:
    return {o for (ss, pp, o) in derived if ss == s and pp == p}


AL = terms.RESOURCE + "Battle_of_Aleppo"


def test_rule_p710(derived: set[tuple[str, str, object]]) -> None:
    assert _objects(derived, AL, terms.WDT + "P710") == {
        res("Syria"), res("Iran"), res("Russia"), res("Free_Syrian_Army"), res("Qatar")}


def test_rule_commander(derived: set[tuple[str, str, object]]) -> None:
    assert _objects(derived, AL, terms.DBO + "commander") == {
        res("Bashar_al-Assad"), res("Abdul_Qader_Saleh")}


def test_rule_part_of_and_place(derived: set[tuple[str, str, object]]) -> None:
    assert _objects(derived, AL, terms.DBO + "isPartOfMilitaryConflict") == {res("Syrian_civil_war")}
    assert _objects(derived, AL, terms.WDT + "P361") == {res("Syrian_civil_war")}
    assert _objects(derived, AL, terms.DBO + "place") == {res("Aleppo")}
    assert _objects(derived, AL, terms.WDT + "P276") == {res("Aleppo")}


def test_rule_dates_keep_precision(derived: set[tuple[str, str, object]]) -> None:
    start = Literal("2012-07-19", datatype=NamedNode(terms.XSD + "date"))
    end = Literal("2016-12", datatype=NamedNode(terms.XSD + "gYearMonth"))
    assert _objects(derived, AL, terms.WDT + "P580") == {start}
    assert _objects(derived, AL, terms.DBO + "startDate") == {start}
    assert _objects(derived, AL, terms.WDT + "P582") == {end}
    assert _objects(derived, AL, terms.DBO + "endDate") == {end}
    # a participation's start date is not a conflict date
    assert not any(p == terms.WDT + "P580" and s != AL for (s, p, _) in derived)


def test_rule_deaths(derived: set[tuple[str, str, object]]) -> None:
    integer = NamedNode(terms.XSD + "integer")
    # value of the deaths total; not the civilians in the city (5,000+: civilian, scoped), not
    # the sub-count (1500) and not side 1's figures (2000-4000): issue 12, only totals
    assert _objects(derived, AL, terms.WDT + "P1120") == {Literal("31000", datatype=integer)}


def test_rule_coordinates(derived: set[tuple[str, str, object]]) -> None:
    assert _objects(derived, AL, terms.WDT + "P625") == {
        Literal("Point(37.16667 36.21667)", datatype=NamedNode(terms.GEOSPARQL + "wktLiteral"))}


def test_rule_combatant_is_strings(derived: set[tuple[str, str, object]]) -> None:
    combatants = _objects(derived, AL, terms.DBO + "combatant")
    assert combatants == {Literal(x) for x in
                          ("Syria", "Iran", "Russia", "Free Syrian Army", "Qatar")}
    assert all(isinstance(c, Literal) and c.datatype == NamedNode(terms.XSD + "string")
               for c in combatants)


def test_rule_strength_is_strings(derived: set[tuple[str, str, object]]) -> None:
    assert _objects(derived, AL, terms.DBO + "strength") == {
        Literal("20,000 SAA soldiers (2012)"), Literal("Unknown")}


def test_rule_allied_with(derived: set[tuple[str, str, object]]) -> None:
    pairs = {(s, o.value) for (s, p, o) in derived if p == terms.alliedWith.value}
    side1 = {terms.RESOURCE + n for n in ("Syria", "Iran", "Russia")}
    side2 = {terms.RESOURCE + n for n in ("Free_Syrian_Army", "Qatar")}
    expected = {(a, b) for side in (side1, side2) for a in side for b in side if a != b}
    assert pairs == expected


def test_rule_opposed(derived: set[tuple[str, str, object]]) -> None:
    pairs = {(s, o.value) for (s, p, o) in derived if p == terms.opposed.value}
    side1 = {terms.RESOURCE + n for n in ("Syria", "Iran", "Russia")}
    side2 = {terms.RESOURCE + n for n in ("Free_Syrian_Army", "Qatar")}
    expected = {(a, b) for a in side1 for b in side2} | {(b, a) for a in side1 for b in side2}
    assert pairs == expected


def test_rules_ignore_the_derived_graph_and_materialise_is_idempotent() -> None:
    store = good_store()
    first = rules.materialise(store)
    second = rules.materialise(store)
    assert first == second > 0
    assert len(list(store.quads_for_pattern(None, None, None, terms.DERIVED_GRAPH))) == first


def test_rules_work_across_document_graphs() -> None:
    """A side's parties may be spread over graphs only in the union: the rules see the union."""
    store = good_store()
    other = NamedNode(terms.DOCUMENT + "news/x")
    q = next(iter(store.quads_for_pattern(NamedNode(terms.NODE + "aleppo-p-2-1"), terms.party, None)))
    store.remove(q)
    store.add(Quad(q.subject, q.predicate, q.object, other))
    objs = {t.object for t in rules.derive(store) if t.predicate.value == terms.WDT + "P710"}
    assert res("Qatar") in objs


def test_ontology_quads_and_rebase() -> None:
    quads = ontology.ontology_quads(NamedNode(terms.GRAPH + "ontology"))
    assert all(q.graph_name == NamedNode(terms.GRAPH + "ontology") for q in quads)
    assert ontology.rebase("x") == "x"
    assert re.search(r"PREFIX ckg: <[^>]+>", rules.load_rules()[0].query)
