"""The floors rolegraph's figures are measured against: the least a program doing the
same job has to do, with the same libraries.

    python benchmarks/floors.py loader ROLE_CSV SKILL_CSV STORE_DIR
    python benchmarks/floors.py query GRAPH QUERY_FILE
    python benchmarks/floors.py pyvis NODES_EDGES_JSON OUT_HTML

- ``loader``: a minimal CSV -> pyoxigraph loader: both CSVs read with the csv module,
  each row written as N-Triples bytes (a role, its level, the skill, the requirement
  with its tier and descriptor; a skill's descriptors by tier), bulk-loaded into an
  on-disk store. No checks, no report, no ordering: the cost of the data itself.
- ``query``: import pyoxigraph, open the graph (an on-disk Oxigraph database read-only,
  or a Turtle file parsed into memory), run the SPARQL in QUERY_FILE (parameters
  already bound) and print the rows as tab-separated text.
- ``pyvis``: a plain pyvis page of the nodes and edges in NODES_EDGES_JSON
  (``{"nodes": [{"id", "label", "title"}], "edges": [{"from", "to"}]}``), written
  with its scripts inlined.
"""

from __future__ import annotations

import sys
from pathlib import Path

TIERS = ("Awareness", "Working", "Practitioner", "Expert")
BASE = "https://example.org/floor/"


def _iri(kind: str, name: str) -> str:
    from urllib.parse import quote

    return f"<{BASE}{kind}/{quote(name.strip(), safe='')}>"


def _literal(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def loader(roles: Path, skills: Path, store_dir: Path) -> int:
    import csv

    import pyoxigraph as ox

    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    p = {name: f"<{BASE}{name}>" for name in ("role", "level", "skill", "tier", "text", "of")}
    lines: list[str] = []
    seen: set[str] = set()
    with roles.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        head = {h: i for i, h in enumerate(next(rows))}
        for n, row in enumerate(rows):
            role, level, skill = (row[head[c]] for c in ("Role", "Role Level", "Skill Name"))
            r, lv, s = _iri("role", role), _iri("level", level), _iri("skill", skill)
            for node, name in ((r, role), (lv, level), (s, skill)):
                if node not in seen:
                    seen.add(node)
                    lines.append(f"{node} {label} {_literal(name)} .")
            lines.append(f"{lv} {p['role']} {r} .")
            q = f"<{BASE}req/{n}>"
            lines.append(f"{q} {p['level']} {lv} .")
            lines.append(f"{q} {p['skill']} {s} .")
            lines.append(f"{q} {p['tier']} {_literal(row[head['Skill Level']])} .")
            lines.append(f"{q} {p['text']} {_literal(row[head['Skill Level Description']])} .")
    with skills.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        head = {h: i for i, h in enumerate(next(rows))}
        for row in rows:
            s = _iri("skill", row[head["Skill Name"]])
            lines.append(f"{s} {p['text']} {_literal(row[head['Skill Description']])} .")
            for tier in TIERS:
                d = _iri("descriptor", f"{row[head['Skill Name']]} {tier}")
                lines.append(f"{d} {p['of']} {s} .")
                lines.append(f"{d} {p['text']} {_literal(row[head[tier]])} .")
    if store_dir.exists():
        import shutil

        shutil.rmtree(store_dir)
    store = ox.Store(str(store_dir))
    store.bulk_load("\n".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    return len(store)


def query(graph: Path, query_file: Path) -> int:
    import pyoxigraph as ox

    if graph.is_dir():
        store = ox.Store.read_only(str(graph))
    else:
        store = ox.Store()
        store.bulk_load(path=str(graph), format=ox.RdfFormat.TURTLE)
    solutions = store.query(query_file.read_text(encoding="utf-8"), use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    rows = ["\t".join("" if s[n] is None else str(s[n]) for n in names) for s in solutions]
    sys.stdout.write("\n".join(rows) + "\n")
    return len(rows)


def pyvis(data: Path, out: Path) -> int:
    import json

    from pyvis.network import Network

    graph = json.loads(data.read_text(encoding="utf-8"))
    net = Network(height="100vh", width="100%", cdn_resources="in_line")
    for node in graph["nodes"]:
        net.add_node(node["id"], label=node["label"], title=node["title"])
    for edge in graph["edges"]:
        net.add_edge(edge["from"], edge["to"])
    net.write_html(str(out))
    return len(graph["nodes"])


def main() -> None:
    job, *args = sys.argv[1:]
    if job == "loader":
        loader(Path(args[0]), Path(args[1]), Path(args[2]))
    elif job == "query":
        query(Path(args[0]), Path(args[1]))
    elif job == "pyvis":
        pyvis(Path(args[0]), Path(args[1]))
    else:
        raise SystemExit(f"unknown floor {job!r}: loader, query or pyvis")


if __name__ == "__main__":
    main()
