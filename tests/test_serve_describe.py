"""`rolegraph serve` describes itself: the SPARQL Service Description, VoID, DCAT, the
dumps, and every IRI the graph mints dereferences. Real server processes on 127.0.0.1
(`rolegraph serve`, and uvicorn behind a path prefix), real `rolegraph export` output."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import rdflib
import rdflib.compare
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS

from conftest import free_port
from test_serve import start

pytestmark = pytest.mark.server

BASE = "https://w3id.org/rolegraph/"
DATASET = rdflib.URIRef(BASE + "id/dataset")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
FORMATS = "http://www.w3.org/ns/formats/"
IANA = "https://www.iana.org/assignments/media-types/"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
DUMPS = {"ttl": "turtle", "nt": "nt", "jsonld": "jsonld"}
MEDIA = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}
ONTOLOGY_DIR = Path(__file__).resolve().parents[1] / "ontology"


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def parsed(data: bytes, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format=fmt)


def export(*args: str) -> bytes:
    """What `rolegraph export` writes to standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "rolegraph", "export", *args], capture_output=True, check=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start([], tmp_path_factory.mktemp("serve-describe"))


@pytest.fixture(scope="module")
def exported() -> dict[str, bytes]:
    return {ext: export("-f", fmt) for ext, fmt in DUMPS.items()}


@pytest.fixture(scope="module")
def graph(exported: dict[str, bytes]) -> rdflib.Graph:
    return parsed(exported["nt"], "nt")


def described(url: str, media: str = "text/turtle") -> rdflib.Graph:
    status, headers, body = fetch(url, {"Accept": media})
    assert status == 200, body
    assert headers["Content-Type"] == f"{media}; charset=utf-8"
    return parsed(body, RDF_TYPES[media])


def one(g: rdflib.Graph, s: Any, p: Any) -> Any:
    values = list(g.objects(s, p))
    assert len(values) == 1, (s, p, values)
    return values[0]


# -- the SPARQL 1.1 Service Description ---------------------------------------------------


def test_sparql_with_no_query_describes_the_service(server: str, graph: rdflib.Graph) -> None:
    for path in ("/sparql", "/query"):
        sd = described(server + path)
        (service,) = sd.subjects(RDF.type, SD.Service)
        assert one(sd, service, SD.endpoint) == rdflib.URIRef(server + path)
        assert one(sd, service, SD.supportedLanguage) == SD.SPARQL11Query
        formats = {str(f) for f in sd.objects(service, SD.resultFormat)}
        assert formats == {
            FORMATS + name
            for name in (
                "SPARQL_Results_JSON",
                "SPARQL_Results_XML",
                "SPARQL_Results_CSV",
                "SPARQL_Results_TSV",
                "Turtle",
                "N-Triples",
                "JSON-LD",
                "RDF_XML",
            )
        }
        assert list(sd.objects(service, SD.feature)) == []
        dataset = one(sd, service, SD.defaultDataset)
        assert one(sd, dataset, RDFS.seeAlso) == rdflib.URIRef(server + "/.well-known/void")
        default = one(sd, dataset, SD.defaultGraph)
        assert (default, RDF.type, SD.Graph) in sd
        assert one(sd, default, VOID.triples) == rdflib.Literal(len(graph))
        assert len(sd) == 19
    turtle = described(server + "/sparql")
    for media in RDF_TYPES:
        assert rdflib.compare.isomorphic(described(server + "/sparql", media), turtle), media


def test_sparql_with_no_query_otherwise_is_a_page_or_a_400(server: str) -> None:
    status, headers, body = fetch(server + "/sparql", {"Accept": "text/html,*/*;q=0.8"})
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert b"<textarea" in body
    for accept in ("*/*", "application/sparql-results+json", "text/*", "text/turtle;q=0"):
        status, _, body = fetch(server + "/sparql", {"Accept": accept})
        assert (status, body) == (400, b"give a SPARQL query in the 'query' parameter\n"), accept
    status, _, _ = fetch(server + "/sparql")
    assert status == 400


# -- VoID -------------------------------------------------------------------------------


def _grouped(graph: rdflib.Graph, query: str) -> dict[str, int]:
    return {str(row[0]): int(row[1]) for row in graph.query(query)}  # type: ignore[index, arg-type]


def test_void_counts_are_the_graph_s(server: str, graph: rdflib.Graph) -> None:
    void = described(server + "/.well-known/void")
    d = DATASET
    assert (d, RDF.type, VOID.Dataset) in void
    classes = _grouped(
        graph, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER isIRI(?c) } GROUP BY ?c"
    )
    properties = _grouped(graph, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    assert one(void, d, VOID.triples) == rdflib.Literal(len(graph))
    assert one(void, d, VOID.classes) == rdflib.Literal(len(classes))
    assert one(void, d, VOID.properties) == rdflib.Literal(len(properties))
    assert one(void, d, VOID.distinctSubjects) == rdflib.Literal(len(set(graph.subjects())))
    assert one(void, d, VOID.distinctObjects) == rdflib.Literal(len(set(graph.objects())))
    partitions = {
        str(one(void, p, VOID["class"])): int(one(void, p, VOID.entities))
        for p in void.objects(d, VOID.classPartition)
    }
    assert partitions == classes
    partitions = {
        str(one(void, p, VOID.property)): int(one(void, p, VOID.triples))
        for p in void.objects(d, VOID.propertyPartition)
    }
    assert partitions == properties
    assert sum(partitions.values()) == len(graph)
    assert one(void, d, VOID.sparqlEndpoint) == rdflib.URIRef(server + "/sparql")
    assert set(void.objects(d, VOID.dataDump)) == {
        rdflib.URIRef(f"{server}/dumps/rolegraph.{ext}") for ext in DUMPS
    }
    assert one(void, d, VOID.uriSpace) == rdflib.Literal(BASE + "id/")
    assert one(void, d, DCTERMS.license) == one(graph, d, DCTERMS.license)
    agent = one(void, d, DCTERMS.publisher)
    # the graph's publisher is an organisation (DCMI's range): the service names it
    publisher = one(graph, d, DCTERMS.publisher)
    assert str(one(void, agent, FOAF.name)) == str(one(graph, publisher, FOAF.name))
    for media in RDF_TYPES:
        again = described(server + "/.well-known/void", media)
        assert rdflib.compare.isomorphic(again, void), media


# -- DCAT -------------------------------------------------------------------------------


def test_catalog_lists_the_dataset_its_dumps_and_the_endpoint(
    server: str, graph: rdflib.Graph, exported: dict[str, bytes]
) -> None:
    cat = described(server + "/catalog")
    catalog = rdflib.URIRef(server + "/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in cat
    assert one(cat, catalog, DCAT.dataset) == DATASET
    assert str(one(cat, DATASET, DCTERMS.title)) == str(one(graph, DATASET, DCTERMS.title))
    licence = one(cat, DATASET, DCTERMS.license)
    assert isinstance(licence, rdflib.URIRef)
    assert licence == one(graph, DATASET, DCTERMS.license)
    agent = one(cat, DATASET, DCTERMS.publisher)
    assert (agent, RDF.type, FOAF.Agent) in cat
    publisher = one(graph, DATASET, DCTERMS.publisher)
    assert str(one(cat, agent, FOAF.name)) == str(one(graph, publisher, FOAF.name))
    downloads = {}
    for dist in cat.objects(DATASET, DCAT.distribution):
        assert (dist, RDF.type, DCAT.Distribution) in cat
        url = str(one(cat, dist, DCAT.downloadURL))
        media = str(one(cat, dist, DCAT.mediaType))
        assert media.startswith(IANA)
        assert isinstance(one(cat, dist, DCTERMS.format), rdflib.URIRef)
        assert isinstance(one(cat, dist, DCTERMS.license), rdflib.URIRef)
        size = one(cat, dist, DCAT.byteSize)
        assert isinstance(size, rdflib.Literal)
        assert size.datatype == XSD.nonNegativeInteger
        downloads[url] = (media.removeprefix(IANA), int(size))
    assert downloads == {
        f"{server}/dumps/rolegraph.{ext}": (MEDIA[ext], len(exported[ext])) for ext in DUMPS
    }
    service = one(cat, catalog, DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in cat
    assert one(cat, service, DCAT.endpointURL) == rdflib.URIRef(server + "/sparql")
    assert one(cat, service, DCAT.servesDataset) == DATASET
    for media in RDF_TYPES:
        assert rdflib.compare.isomorphic(described(server + "/catalog", media), cat), media


def test_catalog_page_links_the_dumps(server: str, exported: dict[str, bytes]) -> None:
    status, headers, body = fetch(server + "/catalog", {"Accept": "text/html"})
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    text = body.decode()
    for ext in DUMPS:
        assert f'<a href="/dumps/rolegraph.{ext}">' in text
        assert f"{len(exported[ext]):,} bytes" in text
    assert '<a href="/.well-known/void?format=ttl">VoID</a>' in text
    status, headers, _ = fetch(server + "/catalog?format=jsonld")
    assert (status, headers["Content-Type"]) == (200, "application/ld+json; charset=utf-8")


# -- dumps ------------------------------------------------------------------------------


def test_dumps_are_what_export_writes_and_revalidate(
    server: str, exported: dict[str, bytes]
) -> None:
    for ext in DUMPS:
        url = f"{server}/dumps/rolegraph.{ext}"
        status, headers, body = fetch(url)
        assert status == 200
        assert body == exported[ext], ext
        assert headers["Content-Type"] == f"{MEDIA[ext]}; charset=utf-8"
        tag, modified = headers["ETag"], headers["Last-Modified"]
        assert fetch(url)[1]["ETag"] == tag
        status, again, body = fetch(url, {"If-None-Match": tag})
        assert (status, body, again["ETag"]) == (304, b"", tag)
        assert fetch(url, {"If-Modified-Since": modified})[0] == 304
        status, zipped, body = fetch(url, {"Accept-Encoding": "gzip"})
        assert (status, zipped["Content-Encoding"]) == (200, "gzip")
        assert gzip.decompress(body) == exported[ext]
    status, _, body = fetch(server + "/dumps/rolegraph.xml")
    assert status == 404
    assert (
        body
        == b"no dump 'rolegraph.xml': the dumps are rolegraph.ttl, rolegraph.nt, rolegraph.jsonld\n"
    )


def test_home_page_links_the_descriptions_and_dumps(server: str) -> None:
    _, _, body = fetch(server + "/", {"Accept": "text/html"})
    links = set(re.findall(r'href="([^"]+)"', body.decode()))
    wanted = {
        "/catalog",
        "/.well-known/void?format=ttl",
        *(f"/dumps/rolegraph.{ext}" for ext in DUMPS),
    }
    assert wanted <= links
    for path in sorted(wanted):
        assert fetch(server + path)[0] == 200, path


# -- every IRI the graph mints ----------------------------------------------------------


def minted(g: rdflib.Graph) -> set[str]:
    """The distinct IRIs under https://w3id.org/rolegraph/ in a graph."""
    return {
        str(t)
        for triple in g
        for t in triple
        if isinstance(t, rdflib.URIRef) and str(t).startswith(BASE)
    }


def test_every_minted_iri_dereferences(server: str, graph: rdflib.Graph) -> None:
    ontology = rdflib.Graph().parse(ONTOLOGY_DIR / "rolegraph.ttl")
    shapes = rdflib.Graph().parse(ONTOLOGY_DIR / "shapes.ttl")
    iris = minted(graph) | minted(ontology) | minted(shapes)
    assert {BASE + "ontology/0.1.0", BASE + "shapes#", BASE + "id/dataset"} <= iris
    documents: dict[str, rdflib.Graph] = {}
    for iri in sorted(iris):
        document, _, fragment = iri.partition("#")
        path = "/" + document.removeprefix(BASE)
        status, headers, _ = fetch(server + path, {"Accept": "text/html"})
        assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8"), iri
        if fragment:  # the document it is in describes it
            if path not in documents:
                documents[path] = described(server + path)
            assert (rdflib.URIRef(iri), None, None) in documents[path], iri
    assert set(documents) == {"/ontology", "/shapes"}
    # rg:track (issue 19); the publisher, the rights, rg:sourceKind, rg:TierNotation (issue
    # 18); the shapes NextLevelShape and RequirementTierShape
    assert len(iris) == 102
    version = described(server + "/ontology/0.1.0")
    assert rdflib.compare.isomorphic(version, ontology)


def test_shapes_namespace_serves_the_shapes(server: str) -> None:
    status, headers, body = fetch(server + "/shapes", {"Accept": "text/turtle"})
    assert (status, headers["Content-Type"]) == (200, "text/turtle; charset=utf-8")
    assert body == (ONTOLOGY_DIR / "shapes.ttl").read_bytes()
    published = parsed(body, "turtle")
    for media in ("application/ld+json", "application/n-triples"):
        assert rdflib.compare.isomorphic(described(server + "/shapes", media), published)
    _, _, page = fetch(server + "/shapes", {"Accept": "text/html"})
    shapes = sorted(
        str(s).removeprefix(BASE + "shapes#")
        for s in published.subjects(RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape"))
        if isinstance(s, rdflib.URIRef)
    )
    assert re.findall(r'<tr id="([^"]+)">', page.decode()) == shapes
    assert len(shapes) == 10


# -- releases ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def release_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("releases") / "store"
    for name in ("2025-01", "2025 Q3"):
        subprocess.run(
            [sys.executable, "-m", "rolegraph", "build", "--store", str(store), "--release", name],
            capture_output=True,
            check=True,
        )
    return store


@pytest.fixture(scope="module")
def release_server(release_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start(["--graph", str(release_store)], tmp_path_factory.mktemp("serve-releases"))


def test_each_release_graph_dereferences(release_server: str, release_store: Path) -> None:
    for name, slug, served in (("2025-01", "2025-01", True), ("2025 Q3", "2025-q3", False)):
        url = f"{release_server}/release/{slug}"
        status, headers, body = fetch(url, {"Accept": "text/html"})
        assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
        text = body.decode()
        nt = export("--graph", str(release_store), "--release", name, "-f", "nt")
        triples = nt.count(b"\n")
        assert f"<title>Release {name}</title>" in text
        assert f"<li>Triples: {triples:,}</li>" in text
        assert "<li>machine-learning-engineer.yaml</li>" in text
        assert ("<li>The release this service serves</li>" in text) is served
        for ext, fmt in DUMPS.items():
            status, headers, body = fetch(f"{url}?format={ext}")
            assert (status, headers["Content-Type"]) == (200, f"{MEDIA[ext]}; charset=utf-8")
            assert body == export("--graph", str(release_store), "--release", name, "-f", fmt)
        assert fetch(url, {"Accept": "application/n-triples"})[2] == nt
    status, headers, body = fetch(release_server + "/release/2024-12")
    assert (status, headers["Content-Type"]) == (404, "text/plain; charset=utf-8")
    assert body == b"no release '2024-12' here (releases: 2025-q3, 2025-01)\n"


def test_a_release_store_describes_the_release_served(
    release_server: str, release_store: Path
) -> None:
    served = parsed(export("--graph", str(release_store), "-f", "nt"), "nt")
    void = described(release_server + "/.well-known/void")
    assert one(void, DATASET, VOID.triples) == rdflib.Literal(len(served))
    sd = described(release_server + "/sparql", "application/ld+json")
    (default,) = sd.objects(None, SD.defaultGraph)
    assert one(sd, default, VOID.triples) == rdflib.Literal(len(served))


def test_a_graph_of_one_release_has_none_to_dereference(server: str) -> None:
    status, _, body = fetch(server + "/release/2025-01")
    assert (status, body) == (404, b"no release '2025-01' here (releases: none)\n")


# -- behind a proxy's path prefix -------------------------------------------------------


@pytest.fixture(scope="module")
def prefixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app under uvicorn with --root-path /rg (as behind a proxy that strips it)."""
    port = free_port()
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "--factory", "rolegraph.serve:create_app"),
            *("--root-path", "/rg", "--host", "127.0.0.1", "--port", str(port)),
        ],
        cwd=tmp_path_factory.mktemp("uvicorn"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while fetch_ok(base) is False:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(
                "uvicorn did not start: " + (proc.stderr.read().decode() if proc.stderr else "")
            )
        time.sleep(0.1)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def fetch_ok(base: str) -> bool:
    try:
        return fetch(base + "/")[0] == 200
    except OSError:
        return False


def test_descriptions_name_the_urls_behind_a_path_prefix(prefixed: str) -> None:
    sd = described(prefixed + "/sparql")
    (service,) = sd.subjects(RDF.type, SD.Service)
    assert one(sd, service, SD.endpoint) == rdflib.URIRef(prefixed + "/rg/sparql")
    void = described(prefixed + "/.well-known/void")
    assert one(void, DATASET, VOID.sparqlEndpoint) == rdflib.URIRef(prefixed + "/rg/sparql")
    cat = described(prefixed + "/catalog")
    urls = {str(one(cat, d, DCAT.downloadURL)) for d in cat.objects(DATASET, DCAT.distribution)}
    assert urls == {f"{prefixed}/rg/dumps/rolegraph.{ext}" for ext in DUMPS}


# -- the whole official framework -------------------------------------------------------


@pytest.fixture(scope="module")
def full(full_graph_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start(["--graph", str(full_graph_file)], tmp_path_factory.mktemp("serve-full"))


@pytest.mark.framework
def test_the_full_framework_is_described_and_dumped_exactly(
    full: str, full_graph_file: Path
) -> None:
    dumps = {ext: export("--graph", str(full_graph_file), "-f", fmt) for ext, fmt in DUMPS.items()}
    for ext, data in dumps.items():
        assert fetch(f"{full}/dumps/rolegraph.{ext}")[2] == data, ext
    g = parsed(dumps["nt"], "nt")
    void = described(full + "/.well-known/void")
    assert one(void, DATASET, VOID.triples) == rdflib.Literal(len(g))
    classes = _grouped(
        g, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER isIRI(?c) } GROUP BY ?c"
    )
    partitions = {
        str(one(void, p, VOID["class"])): int(one(void, p, VOID.entities))
        for p in void.objects(DATASET, VOID.classPartition)
    }
    assert partitions == classes
    assert len(g) > 16000
