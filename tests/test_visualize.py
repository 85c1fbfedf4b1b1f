"""The explorer without a browser: what each view holds (checked against the seed page
and the CSV export, read independently), its layout, determinism, escaping, caps and
the command line. tests/test_viz_browser.py checks the pages in Chromium."""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import re
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers.vizfacts import (
    EVIL_FAMILY,
    EVIL_ROLE,
    EVIL_SKILL,
    RANK,
    Facts,
    Seed,
    evil_framework,
    from_csv,
    from_seed,
)
from rolegraph.cli import cli
from rolegraph.combine.framework import load_framework
from rolegraph.errors import InputError, NotFound
from rolegraph.explorer.assets import PYVIS_CDN_HOSTS, csp_hash, json_for_script
from rolegraph.explorer.page import Explorer, build_explorer, render_html, write_html
from rolegraph.graph.build import build_graph
from rolegraph.graph.store import RoleGraph


@pytest.fixture(scope="module")
def bundled() -> RoleGraph:
    return build_graph(load_framework())


@pytest.fixture(scope="module")
def seed(seed_page: Path) -> Seed:
    return from_seed(seed_page)


@pytest.fixture(scope="module")
def facts(role_csv: Path, skill_csv: Path) -> Facts:
    return from_csv(role_csv, skill_csv)


def by_kind(explorer: Explorer) -> Counter[str]:
    return Counter(n["kind"] for n in explorer.nodes)


def labels(explorer: Explorer, kind: str) -> set[str]:
    return {n["label"] for n in explorer.nodes if n["kind"] == kind}


def overlapping_boxes(explorer: Explorer) -> list[tuple[str, str]]:
    """Pairs of nodes whose drawn node-plus-label boxes overlap (as laid out)."""
    from rolegraph.explorer.draft import Node
    from rolegraph.explorer.labels import label_box

    boxes = []
    for n in explorer.nodes:
        node = Node(n["id"], n["label"], n["kind"], "", font=n["font"]["size"])
        node.focus = bool(n["font"].get("bold"))
        w, h, off = label_box(node, n.get("size", 0.0))
        boxes.append(
            (n["id"], n["x"] - w / 2, n["y"] + off - h / 2, n["x"] + w / 2, n["y"] + off + h / 2)
        )
    return [
        (a[0], b[0])
        for a, b in itertools.combinations(boxes, 2)
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


# --------------------------------------------------------------------------- the bundled page


def test_overlap_of_the_bundled_page_matches_the_seed(bundled: RoleGraph, seed: Seed) -> None:
    ex = build_explorer(bundled, "overlap")
    assert labels(ex, "role") == {seed.role, *seed.shared}
    # The seed's role uses every skill of its levels; each related role the listed ones.
    uses = {seed.role: {s for level in seed.needs.values() for s in level}}
    uses.update({r: set(skills) for r, skills in seed.shared.items()})
    expected = {
        frozenset((a, b)): len(uses[a] & uses[b])
        for a, b in itertools.combinations(uses, 2)
        if uses[a] & uses[b]
    }
    ids = {n["id"]: n["label"] for n in ex.nodes}
    got = {frozenset((ids[e["from"]], ids[e["to"]])): e["shared"][0] for e in ex.edges}
    assert got == expected
    assert ex.summary() == "overlap view: 6 nodes, 7 edges"


def test_role_view_of_the_bundled_page_matches_the_seed(bundled: RoleGraph, seed: Seed) -> None:
    ex = build_explorer(bundled, "role", role="machine LEARNING engineer")
    levels = sorted((n for n in ex.nodes if n["kind"] == "level"), key=lambda n: n["y"])
    assert [n["label"] for n in levels] == seed.levels  # seniority order, top to bottom
    assert by_kind(ex) == {"role": 1 + len(seed.shared), "level": 2, "skill": 6}
    assert labels(ex, "role") == {seed.role, *seed.shared}
    level_ids = {n["id"]: n["label"] for n in levels}
    tiers: dict[str, list[int]] = {}
    for e in ex.edges:
        if e["kind"] == "needs":
            tiers.setdefault(level_ids[e["from"]], []).append(e["tier"])
    assert {lv: sorted(t) for lv, t in tiers.items()} == {
        lv: sorted(RANK[t] for t in needs.values()) for lv, needs in seed.needs.items()
    }
    uses = [e for e in ex.edges if e["kind"] == "uses"]
    assert len(uses) == sum(len(s) for s in seed.shared.values())
    assert sum(1 for e in ex.edges if e["kind"] == "next") == len(seed.levels)


def test_skill_view_of_the_bundled_page_matches_the_seed(bundled: RoleGraph, seed: Seed) -> None:
    ex = build_explorer(bundled, "skill", skill="systems integration")
    needing = {lv: needs["Systems integration"] for lv, needs in seed.needs.items()}
    level_tier = {n["label"]: n["tier"] for n in ex.nodes if n["kind"] == "level"}
    assert level_tier == {lv: RANK[t] for lv, t in needing.items()}
    unlevelled = {r for r, skills in seed.shared.items() if "Systems integration" in skills}
    assert labels(ex, "role") == unlevelled
    assert labels(ex, "tier") == {t.capitalize() for t in needing.values()} | {"No tier given"}


# --------------------------------------------------------------------------- the whole framework


@pytest.mark.framework
def test_views_of_the_framework_match_the_csv(full_build: Any, facts: Facts) -> None:
    graph = full_build[2]
    fw = build_explorer(graph, "framework")
    assert by_kind(fw) == {
        "family": len(set(facts.family.values())),
        "role": len(facts.family),
        "skill": len(facts.skills),
    }
    assert len(fw.edges) == len(facts.family) + sum(len(t) for t in facts.tiers.values())
    role_id = {n["label"]: n["id"] for n in fw.nodes if n["kind"] == "role"}
    skill_id = {n["label"]: n["id"] for n in fw.nodes if n["kind"] == "skill"}
    edge_tier = {(e["from"], e["to"]): e["tier"] for e in fw.edges if e["kind"] == "needs"}
    assert edge_tier == {
        (role_id[r], skill_id[s]): t for r, ts in facts.tiers.items() for s, t in ts.items()
    } | {  # Senior Civil Service roles: no tier given (the analysis counts them as 1)
        (role_id[r], skill_id[s]): 0
        for (r, _), needs in facts.levels.items()
        for s, t in needs.items()
        if t is None
    }

    ov = build_explorer(graph, "overlap")
    assert len(ov.nodes) == len(facts.family) and len(ov.edges) == len(facts.pairs())
    assert ov.min_shared is not None
    default = ov.min_shared["default"]
    shown = sum(1 for e in ov.edges if e["shared"][0] >= default)
    assert shown == len(facts.pairs(default)) and shown <= 2 * len(ov.nodes)
    assert ov.hidden_at_start == len(facts.pairs()) - shown > 0
    for e in ov.edges:
        a, b = (next(n["label"] for n in ov.nodes if n["id"] == i) for i in (e["from"], e["to"]))
        assert e["shared"] == [facts.shared(a, b, k) for k in (1, 2, 3, 4)]

    role = "Data scientist"
    levels = [lv for (r, lv) in facts.levels if r == role]
    related = {o for o in facts.tiers if o != role and facts.uses(o) & facts.uses(role)}
    rv = build_explorer(graph, "role", role="data scientist")
    assert by_kind(rv) == {"role": 1 + len(related), "level": len(levels), "skill": 8}
    assert labels(rv, "role") == {role, *related}
    assert len(rv.edges) == (
        len(levels)
        + sum(len(facts.levels[(role, lv)]) for lv in levels)
        + sum(len(facts.uses(o) & facts.uses(role)) for o in related)
    )

    skill = "User focus"
    needing = {k: n[skill] for k, n in facts.levels.items() if skill in n}
    sv = build_explorer(graph, "skill", skill=skill)
    tiers = {t for t in needing.values() if t} | facts.described_tiers[skill]
    assert by_kind(sv) == {"skill": 1, "tier": len(tiers), "level": len(needing)}
    assert Counter(n["tier"] for n in sv.nodes if n["kind"] == "level") == Counter(needing.values())


@pytest.mark.framework
@pytest.mark.parametrize(
    ("view", "kw"),
    [
        ("framework", {}),
        ("overlap", {}),
        ("role", {"role": "Software developer"}),
        ("skill", {"skill": "User focus"}),
    ],
)
def test_no_two_labels_overlap(full_build: Any, view: str, kw: dict[str, Any]) -> None:
    ex = build_explorer(full_build[2], view, **kw)
    assert overlapping_boxes(ex) == []


@pytest.mark.framework
def test_roles_of_a_family_are_laid_out_together(full_build: Any) -> None:
    ex = build_explorer(full_build[2], "overlap")
    pos = {n["id"]: (n["x"], n["y"]) for n in ex.nodes}
    family = {n["id"]: n["family"] for n in ex.nodes}
    for fam in set(family.values()):
        inside = [i for i in pos if family[i] == fam]
        outside = [i for i in pos if family[i] != fam]
        if len(inside) < 2:
            continue
        within = statistics.mean(
            math.dist(pos[a], pos[b]) for a, b in itertools.combinations(inside, 2)
        )
        across = statistics.mean(math.dist(pos[a], pos[b]) for a in inside for b in outside)
        assert within < 0.5 * across, fam


@pytest.mark.framework
def test_the_same_input_gives_the_same_bytes_whatever_the_hash_seed(
    full_graph_file: Path, tmp_path: Path
) -> None:
    code = (
        "import hashlib, sys\n"
        "from rolegraph.graph.open import open_graph\n"
        "from rolegraph.explorer.page import build_explorer, render_html\n"
        "g = open_graph(sys.argv[1])\n"
        "for view, kw in [('framework', {}), ('overlap', {}), ('role', {'role': 'Data scientist'}),"
        " ('skill', {'skill': 'User focus'})]:\n"
        "    html = render_html(build_explorer(g, view, **kw))\n"
        "    print(view, hashlib.sha256(html.encode()).hexdigest())\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(full_graph_file)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.PIPE,
            text=True,
        )
        for seed in ("1", "2")
    ]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert outs[0] == outs[1] and len(outs[0].splitlines()) == 4


# --------------------------------------------------------------------------- the page


def test_the_page_needs_no_network(bundled: RoleGraph) -> None:
    html = render_html(build_explorer(bundled, "overlap"))
    outside_scripts = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", html, flags=re.S)
    assert not re.search(r"\b(src|href|action|srcset)\s*=", outside_scripts, re.I)
    assert "@import" not in html and "url(http" not in html
    assert not any(host in html for host in PYVIS_CDN_HOSTS)
    assert "@version 9.1.2" in html  # vis-network itself is inlined
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None and "default-src 'none'" in csp.group(1)
    # The policy allows exactly the two inline programs (by hash), nothing else.
    programs = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert len(programs) == 2
    assert sorted(csp_hash(p) for p in programs) == sorted(
        re.findall(r"'sha256-[^']+'", csp.group(1))
    )


def test_pyvis_own_in_line_page_still_loads_from_cdns() -> None:
    """Why the explorer has its own template: pyvis's "in_line" page is not offline."""
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    net.add_node(1, label="a")
    page = net.generate_html()
    assert "https://cdn.jsdelivr.net/npm/bootstrap@5.0.0-beta3" in page


def test_markup_in_the_data_is_escaped() -> None:
    graph = build_graph(evil_framework())
    views: list[tuple[str, dict[str, Any]]] = [
        ("framework", {}),
        ("overlap", {}),
        ("role", {"role": EVIL_ROLE}),
        ("skill", {"skill": EVIL_SKILL}),
    ]
    for view, kw in views:
        html = render_html(build_explorer(graph, view, **kw))
        for raw in (EVIL_ROLE, EVIL_FAMILY, EVIL_SKILL, "<script>window", "<iframe", "<!--"):
            assert raw not in html, (view, raw)
        data = re.search(r'<script type="application/json" id="rg-data">(.*?)</script>', html, re.S)
        assert data is not None and "<" not in data.group(1)
        if view == "role":
            assert "<title>&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;: levels" in html


def test_json_for_script_cannot_close_the_element() -> None:
    text = json_for_script({"a": "</script><!-- \u2028 & >"})
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!-- \\u2028 \\u0026 \\u003e"}'


def test_max_nodes_and_max_edges_say_what_was_left_out(bundled: RoleGraph) -> None:
    full = build_explorer(bundled, "framework")
    assert by_kind(full) == {"family": 3, "role": 6, "skill": 6}
    capped = build_explorer(bundled, "framework", max_nodes=10, max_edges=5)
    assert len(capped.nodes) == 10 and capped.total_nodes == 15
    # Families and roles come first; the skills fewest roles use are left out.
    assert [k for k, _ in capped.dropped_nodes] == ["skill"] * 5
    kept_skill = labels(capped, "skill").pop()
    users = {e["to"] for e in full.edges if e["kind"] == "needs"}
    assert kept_skill == "Communicating between the technical and non-technical"
    assert len(users) == 6
    # The strongest links are kept: family membership first.
    assert [e["kind"] for e in capped.edges] == ["member"] * 5
    assert capped.dropped_edges == len(full.edges) - 5
    note = capped.left_out()
    assert note is not None
    assert note.startswith("left out 5 of 15 nodes (--max-nodes 10): ")
    for _, label in capped.dropped_nodes:
        assert f'"{label}"' in note
    assert note.endswith(f"; left out {capped.dropped_edges} of {len(full.edges)} edges")
    assert build_explorer(bundled, "framework").left_out() is None


def test_bad_requests_are_input_errors(bundled: RoleGraph) -> None:
    with pytest.raises(NotFound) as missing:
        build_explorer(bundled, "role", role="Data scientst")
    assert missing.value.suggestions[0] == "Data scientist"
    with pytest.raises(InputError, match="the role view needs a role"):
        build_explorer(bundled, "role")
    with pytest.raises(InputError, match="the skill view needs a skill"):
        build_explorer(bundled, "skill")
    with pytest.raises(InputError, match="--role is for the role view"):
        build_explorer(bundled, "overlap", role="Data scientist")
    with pytest.raises(InputError, match="--min-shared is for the overlap view"):
        build_explorer(bundled, "framework", min_shared=2)
    with pytest.raises(InputError, match="unknown view"):
        build_explorer(bundled, "pie")


def test_write_html_is_atomic(bundled: RoleGraph, tmp_path: Path) -> None:
    ex = build_explorer(bundled, "overlap")
    out = write_html(ex, tmp_path / "x.html")
    assert out.read_text(encoding="utf-8") == render_html(ex)
    with pytest.raises(InputError, match="is a directory"):
        write_html(ex, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.html"]


# --------------------------------------------------------------------------- the command


def test_viz_command_writes_one_file_and_a_summary(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["viz", "-o", "mle.html"])
    assert result.exit_code == 0, result.output
    bundled = (
        "note: answered from the bundled sample (the Machine learning engineer page only); "
        "give --graph FILE or set ROLEGRAPH_GRAPH=FILE for the whole framework\n"
    )
    assert result.stderr == "Wrote mle.html: overlap view: 6 nodes, 7 edges.\n" + bundled
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mle.html"]  # no lib/ folder beside it
    role = runner.invoke(cli, ["viz", "--role", "Machine learning engineer", "-o", "r.html"])
    assert role.stderr == "Wrote r.html: role view: 14 nodes, 23 edges.\n" + bundled
    skill = runner.invoke(cli, ["viz", "--skill", "systems integration", "-o", "s.html", "-q"])
    assert skill.exit_code == 0 and skill.stderr == bundled  # -q: the summary only
    assert (tmp_path / "s.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    capped = runner.invoke(
        cli, ["viz", "--view", "framework", "--max-nodes", "14", "-o", "f.html", "-q"]
    )
    assert capped.exit_code == 0
    assert capped.stderr.startswith("Not everything is shown: left out 1 of 15 nodes")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.html", "mle.html", "r.html", "s.html"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--role", "Data scientst"],
            "no role named 'Data scientst' (did you mean 'Data scientist'",
        ),
        (["--skill", "Sytems integration"], "no skill named 'Sytems integration' (did you mean"),
        (["--view", "role"], "the role view needs a role (give --role NAME)"),
        (["--view", "skill"], "the skill view needs a skill (give --skill NAME)"),
        (["--view", "framework", "--role", "Data scientist"], "--role is for the role view"),
        (
            ["--role", "Machine learning engineer", "--skill", "Systems integration"],
            "--role and --skill each choose a view",
        ),
    ],
)
def test_viz_command_errors(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "x.html"
    result = runner.invoke(cli, ["viz", *args, "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"rolegraph: error: {message}")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_viz_command_checks_the_output_folder_first(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["viz", "-o", str(tmp_path / "missing" / "x.html")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"rolegraph: error: cannot write {tmp_path / 'missing' / 'x.html'}: folder "
        f"{tmp_path / 'missing'} does not exist (create it first)\n"
    )
    assert runner.invoke(cli, ["viz"]).exit_code == 2  # -o is required


def test_digest_of_the_bundled_overlap_page_is_stable(bundled: RoleGraph) -> None:
    first = render_html(build_explorer(bundled, "overlap"))
    second = render_html(build_explorer(build_graph(load_framework()), "overlap"))
    assert hashlib.sha256(first.encode()).digest() == hashlib.sha256(second.encode()).digest()


@pytest.mark.framework
def test_a_family_has_one_colour_in_every_graph(full_build: Any) -> None:
    from rolegraph.analysis.view import framework_view
    from rolegraph.combine.framework import load_framework
    from rolegraph.explorer.views import family_colors_of
    from rolegraph.graph.build import build_graph

    bundled = family_colors_of(framework_view(build_graph(load_framework())))
    whole = family_colors_of(framework_view(full_build[2]))
    assert len(bundled) == 3 and len(whole) == 8
    assert {f: whole[f] for f in bundled} == bundled
    assert len(set(whole.values())) == 8
