"""The pages for people and the career tools of `rolegraph serve`, on the full official
export: the tools' JSON is the CLI's JSON for the same names, their pages show what the
CLI prints, in Chromium; bad parameters get one line naming the parameter; uploads are
bounded and their problems named."""

from __future__ import annotations

import csv
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import servers
from helpers.people import DS, LDS, PROFILE, cli_json
from helpers.servers import serving

pytestmark = [pytest.mark.framework, pytest.mark.server]


@pytest.fixture(scope="module")
def server(full_graph_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(["--graph", str(full_graph_file)], tmp_path_factory.mktemp("people")) as base:
        yield base


def get(url: str, accept: str = "application/json") -> tuple[int, str, bytes]:
    return servers.get(url, accept)


def post(url: str, body: bytes, ctype: str, accept: str = "application/json") -> tuple[int, bytes]:
    req = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": ctype, "Accept": accept}
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body (as a browser sends a form with a file)."""
    boundary = "rolegraph-test-boundary"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def q(**params: str) -> str:
    return urllib.parse.urlencode(params)


# -- the JSON twins are the CLI's answers ----------------------------------------------


def test_the_tools_json_is_the_clis(server: str, full_graph_file: Path) -> None:
    expected = {
        "/gap?" + q(**{"from": DS, "to": LDS}): cli_json(full_graph_file, "gap", DS, LDS),
        "/path?" + q(**{"from": "Trainee data scientist", "to": "Head of data science"}): cli_json(
            full_graph_file, "path", "Trainee data scientist", "Head of data science"
        ),
        "/similar?" + q(role=DS): cli_json(full_graph_file, "similar", DS),
    }
    for path, want in expected.items():
        status, ctype, body = get(server + path)
        assert (status, ctype) == (200, "application/json; charset=utf-8"), path
        assert json.loads(body) == want, path
        # ?format=json is the same answer for a client that sends no Accept header.
        sep = "&" if "?" in path else "?"
        assert json.loads(get(server + path + sep + "format=json", "*/*")[2]) == want
    gap = expected["/gap?" + q(**{"from": DS, "to": LDS})]
    assert gap["steps"] > 0 and any(s["status"] == "gap" for s in gap["skills"])


def test_compare_lists_shared_skills_with_both_tiers(server: str, role_csv: Path) -> None:
    status, _, body = get(server + "/compare?" + q(a=DS, b="Machine learning engineer"))
    assert status == 200
    got = json.loads(body)
    # Each role's tier for a skill: the highest any of its levels needs, from the CSV.
    rank = {"awareness": 1, "working": 2, "practitioner": 3, "expert": 4}
    best: dict[str, dict[str, int]] = {DS: {}, "Machine learning engineer": {}}
    with role_csv.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            role = " ".join(row["Role"].split())
            if role in best and row["Skill Level"].strip().lower() in rank:
                skill = " ".join(row["Skill Name"].split())
                tier = rank[row["Skill Level"].strip().lower()]
                best[role][skill] = max(best[role].get(skill, 0), tier)
    names = {v: k for k, v in rank.items()}
    a, b = best[DS], best["Machine learning engineer"]
    assert got["shared"] == [
        {"skill": s, "a": names[a[s]], "b": names[b[s]]} for s in sorted(a.keys() & b.keys())
    ]
    assert [s["skill"] for s in got["only_a"]] == sorted(a.keys() - b.keys())
    assert [s["skill"] for s in got["only_b"]] == sorted(b.keys() - a.keys())
    assert got["shared"], "the two roles share a skill"


def test_assess_answers_as_the_cli_does(server: str, full_graph_file: Path, tmp_path: Path) -> None:
    yaml_file = tmp_path / "me.yaml"
    yaml_file.write_text("".join(f"{s}: {t}\n" for s, t in PROFILE.items()), encoding="utf-8")
    want = cli_json(full_graph_file, "assess", str(yaml_file), "--target", LDS)
    # The form's tiers, urlencoded; with no name given, the person is "you", as a profile
    # file without `name:` is.
    fields = {f"skill:{s}": t for s, t in PROFILE.items()}
    body = q(**fields, target=LDS).encode()
    status, got = post(server + "/assess", body, "application/x-www-form-urlencoded")
    assert status == 200, got
    assert json.loads(got) == want
    # The same file uploaded.
    data, ctype = multipart({"target": LDS}, {"profile": ("me.yaml", yaml_file.read_bytes())})
    status, got = post(server + "/assess", data, ctype)
    assert status == 200 and json.loads(got) == want
    # A team CSV: coverage of the target, as `rolegraph assess TEAM --target LEVEL`.
    team = tmp_path / "team.csv"
    team.write_text(
        "person,skill,tier\nAsha,Data engineering,expert\nBen,Data ethics and privacy,working\n",
        encoding="utf-8",
    )
    want = cli_json(full_graph_file, "assess", str(team), "--target", LDS)
    data, ctype = multipart({"target": LDS}, {"profile": ("team.csv", team.read_bytes())})
    status, got = post(server + "/assess", data, ctype)
    assert status == 200 and json.loads(got) == want


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (
            "/gap?" + q(**{"from": "Data scientst", "to": LDS}),
            "from: no level named 'Data scientst'; did you mean 'Data scientist', "
            "'Lead data scientist', 'Trainee data scientist'?",
        ),
        (
            "/gap?" + q(form=DS, to=LDS),
            "form: /gap takes no parameter 'form' "
            "(did you mean format, from? it takes from, to, format)",
        ),
        ("/gap?" + q(**{"from": DS}) + "&to=a&to=b", "to: given more than once: give it once"),
        ("/path?" + q(**{"from": DS}), "to: give the name of a level"),
        (
            "/similar?" + q(role="Data scientst"),
            "role: no role named 'Data scientst'; did you mean 'Data scientist', "
            "'Data ethicist', 'Data architect'?",
        ),
        (
            "/compare?" + q(a=DS, b=DS, format="pdf"),
            "format: unknown format 'pdf': use html or json",
        ),
        (
            "/assess?skill:Data+engineering=expert",
            "skill: send tiers by POST (the form does), so they stay out of URLs and logs",
        ),
        ("/id/role/data-scientist?view=graph", "view: unknown view 'graph': use page or triples"),
    ],
)
def test_bad_parameters_get_one_line_naming_them(server: str, path: str, line: str) -> None:
    status, ctype, body = get(server + path, "text/plain")
    assert (status, ctype, body.decode()) == (400, "text/plain; charset=utf-8", line + "\n")


def test_bad_assessments_are_one_line_and_uploads_are_bounded(server: str) -> None:
    form = "application/x-www-form-urlencoded"
    cases = [
        (
            q(**{"skill:Data engneering": "expert"}).encode(),
            form,
            "skill:Data engneering: no skill named 'Data engneering'; did you mean 'Data engineering', "
            "'Test engineering', 'Data modelling'?",
        ),
        (
            q(**{"skill:Data engineering": "guru"}).encode(),
            form,
            "skill:Data engineering: unknown tier 'guru' (valid tiers: awareness, working, "
            "practitioner, expert, or 1-4)",
        ),
        (
            q(name="me").encode(),
            form,
            "skill: pick a tier for at least one skill, or upload a profile file",
        ),
        (
            q(**{"skill:Data engineering": "expert", "traget": LDS}).encode(),
            form,
            "traget: /assess takes no parameter 'traget' (did you mean target, format? it takes "
            "name, target, top, role, profile, format and skill:SKILL for each skill's tier)",
        ),
        (
            *multipart({}, {"profile": ("me.pdf", b"x")}),
            "profile: name the file .yaml for 'skill: tier' lines, or .csv for columns skill, tier "
            "(and person, for a team)",
        ),
        (
            *multipart({}, {"profile": ("me.csv", b"skill,tier\nData engineering,guru\n")}),
            "profile: me.csv, row 2, column 'tier': unknown tier 'guru' for skill 'Data "
            "engineering' (valid tiers: awareness, working, practitioner, expert, or 1-4)",
        ),
        (
            *multipart({}, {"profile": ("team.csv", b"person,skill,tier\nA,Data engineering,1\n")}),
            "target: team.csv is a team file (it has a person column): choose the level to cover",
        ),
        (
            q(**{"skill:Data engineering": "expert", "top": "9" * 5000}).encode(),
            form,
            "top: '99999999999999999999' is not a number from 1 to 50",
        ),
        (
            q(**{"skill:Data engineering": "expert", "top": "\u00b2"}).encode(),
            form,
            "top: '\u00b2' is not a number from 1 to 50",
        ),
        (
            b"{}",
            "application/json",
            "a POST to /assess must be application/x-www-form-urlencoded or multipart/form-data, "
            "not application/json",
        ),
    ]
    for body, ctype, line in cases:
        status, got = post(server + "/assess", body, ctype, "text/plain")
        assert (status, got.decode()) == (400 if "POST to" not in line else 415, line + "\n")
    big, ctype = multipart({}, {"profile": ("me.csv", b"skill,tier\n" + b"x" * 400_000)})
    status, got = post(server + "/assess", big, ctype, "text/plain")
    assert (status, got.decode()) == (
        413,
        "profile: the file is larger than 256 KB, more than any profile\n",
    )


def test_a_resource_still_has_its_statements_one_click_away(server: str) -> None:
    status, _, page = get(server + "/id/role/data-scientist", "text/html")
    assert status == 200 and b'href="?view=triples"' in page
    status, _, table = get(server + "/id/role/data-scientist?view=triples", "text/html")
    assert status == 200 and b"rg:usesSkill" in table and b"<th>property</th>" in table
    # Other media types are unchanged.
    assert get(server + "/id/role/data-scientist", "text/turtle")[1].startswith("text/turtle")


def test_the_level_page_groups_skills_by_tier(server: str) -> None:
    page = get(server + "/id/level/data-scientist--lead-data-scientist", "text/html")[2].decode()
    tiers = re.findall(r'<h3 id="tier-([a-z-]+)">', page)
    order = ["expert", "practitioner", "working", "awareness"]
    assert tiers and tiers == [t for t in order if t in tiers]
    assert 'rel="prev" href="/id/level/data-scientist--data-scientist"' in page
    assert 'rel="next" href="/id/level/data-scientist--principal-data-scientist"' in page
    assert "You can:" in page and 'action="/gap"' in page


def test_the_skill_page_marks_undefined_tiers_and_lists_who_needs_it(
    server: str, skill_csv: Path, role_csv: Path
) -> None:
    with skill_csv.open(encoding="utf-8-sig", newline="") as f:
        row = next(
            r for r in csv.DictReader(f) if r["Skill Name"] == "Agile working (content design)"
        )
    page = get(server + "/id/skill/agile-working-content-design", "text/html")[2].decode()
    sections = dict(re.findall(r"<h3>(\w+)</h3>\n(.*?)(?=<h3>|<h2)", page, re.S))
    for tier in ("Awareness", "Working", "Practitioner", "Expert"):
        if row[tier].strip() == "This skill level is currently not defined.":
            assert "is not defined for Agile working (content design)" in sections[tier], tier
        else:
            first = row[tier].splitlines()[1].lstrip("- ").strip()
            assert first.split(",")[0] in sections[tier], tier
    assert "is not defined" in sections["Awareness"]
    # Who needs it: every level of the export that lists it, at its tier.
    needs = set()
    with role_csv.open(encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if " ".join(r["Skill Name"].split()) == "Agile working (content design)":
                needs.add((r["Role Level"].strip(), r["Skill Level"].strip().lower()))
    shown = set(re.findall(r'<td><a href="/id/level/[^"]+">([^<]+)</a></td><td>(\w+)</td>', page))
    assert needs and shown == needs


def test_the_home_and_family_pages_list_every_family_and_its_roles(
    server: str, role_csv: Path
) -> None:
    families: dict[str, set[str]] = {}
    with role_csv.open(encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            families.setdefault(" ".join(r["Role Family"].split()), set()).add(
                " ".join(r["Role"].split())
            )
    home = get(server + "/", "text/html")[2].decode()
    shown = re.findall(r'<h3><a href="/id/family/[^"]+">([^<]+)</a></h3>', home)
    assert sorted(shown) == sorted(families)
    data = get(server + "/id/family/data", "text/html")[2].decode()
    roles = set(re.findall(r'<td><a href="/id/role/[^"]+">([^<]+)</a></td>', data))
    assert roles == families["Data"]
