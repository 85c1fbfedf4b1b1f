"""What changed between two releases of the framework.

Each side is read into a :class:`Snapshot` (names, ranks, tiers and texts, keyed by
name) and compared:

* roles, levels and skills added or removed, and **renamed**: a removed and an added
  thing are one renamed thing when the alias table or an alternative label says so,
  or when their content matches (skills: the levels that need them and their tier
  descriptors; roles: the skills they use; levels: the skills they need), a Jaccard
  similarity of 0.6 or more, best pairs first;
* requirements added or removed, and whose tier was raised or lowered;
* descriptors, descriptions, families and level order that changed.

Texts are compared with whitespace normalised, so re-wrapping is not a change.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolegraph.analysis.view import rank_value
from rolegraph.combine.merge import Aliases
from rolegraph.errors import InputError, NotFound
from rolegraph.graph.open import open_source
from rolegraph.model.vocab import RG, TIER_RANK
from rolegraph.sparql.results import shorten
from rolegraph.util.render import md_text, render
from rolegraph.util.text import name_key, plural

if TYPE_CHECKING:
    from rolegraph.graph.store import RoleGraph

RENAME_THRESHOLD = 0.6
_PREFIX = f"""PREFIX rg: <{RG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
"""


def _norm(text: str | None) -> str | None:
    return " ".join(text.split()) if text else None


#: source kinds (see rolegraph.model.records.Source) that give the whole skill catalogue
CATALOGUE_KINDS = frozenset({"csv-skill-descriptions", "skills-page"})
#: the source kind that gives every role and its levels
ROLE_CONTENT_KIND = "csv-role-content"


@dataclass
class Snapshot:
    """One release, by name: what the diff compares."""

    label: str
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (role, level) -> rank, description, grades
    levels: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    #: skill -> description, descriptors {tier: text}, alt names
    skills: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (role, level, skill) -> (tier, descriptor)
    requirements: dict[tuple[str, str, str], tuple[str | None, str | None]] = field(
        default_factory=dict
    )
    alt: dict[str, set[str]] = field(default_factory=dict)
    #: the kinds of the documents it was built from (dcterms:type of its sources)
    source_kinds: set[str] = field(default_factory=set)

    @property
    def has_grades(self) -> bool:
        """Does this release give grades at all (the CSV export does not)?"""
        return any(lv["grades"] for lv in self.levels.values())

    @property
    def describes_skills(self) -> bool:
        """Does it give skill descriptions (the CSV export does; a role page does not)?"""
        return any(s["description"] for s in self.skills.values())

    @property
    def has_catalogue(self) -> bool:
        """Does it give every tier of every skill (the skill descriptions CSV and the
        Skills A to Z page do), not only the tiers its role levels use? A graph that does
        not say what it was built from is taken to be complete."""
        return not self.source_kinds or bool(self.source_kinds & CATALOGUE_KINDS)

    @property
    def described_roles(self) -> set[str] | None:
        """The roles whose levels it gives, when it gives only some (role pages give
        their own role, and name related roles without their levels); None when it gives
        every role (the role content CSV, or a graph that does not say what it was built
        from)."""
        if not self.source_kinds or ROLE_CONTENT_KIND in self.source_kinds or not self.levels:
            return None
        return {r for (r, _) in self.levels}


def snapshot(graph: RoleGraph, label: str) -> Snapshot:
    snap = Snapshot(label)

    def rows(sparql: str) -> Iterable[dict[str, str | None]]:
        solutions = graph.query(_PREFIX + sparql)
        names = [v.value for v in solutions.variables]
        for s in solutions:
            yield {n: (None if s[n] is None else s[n].value) for n in names}

    for r in rows(
        """SELECT ?role ?family ?desc WHERE { ?r a rg:Role ; rdfs:label ?role .
            OPTIONAL { ?r rg:family/rdfs:label ?family } OPTIONAL { ?r dcterms:description ?desc } }"""
    ):
        snap.roles[str(r["role"])] = {"family": r["family"], "description": _norm(r["desc"])}
    for r in rows(
        """SELECT ?role ?level ?rank ?desc (GROUP_CONCAT(?grade; separator="|") AS ?grades) WHERE {
            ?l a rg:RoleLevel ; rdfs:label ?level ; rg:role/rdfs:label ?role .
            OPTIONAL { ?l rg:rank ?rank } OPTIONAL { ?l dcterms:description ?desc }
            OPTIONAL { ?l rg:grade ?grade } } GROUP BY ?role ?level ?rank ?desc"""
    ):
        grades = tuple(sorted(g for g in (r["grades"] or "").split("|") if g))
        snap.levels[(str(r["role"]), str(r["level"]))] = {
            "rank": rank_value(r["rank"], f"{label}: role level {r['level']!r}")
            if r["rank"]
            else None,
            "description": _norm(r["desc"]),
            "grades": grades,
        }
    for r in rows(
        """SELECT ?skill ?desc WHERE { ?s a rg:Skill ; rdfs:label ?skill .
            OPTIONAL { ?s dcterms:description ?desc } }"""
    ):
        snap.skills[str(r["skill"])] = {"description": _norm(r["desc"]), "descriptors": {}}
    for r in rows(
        """SELECT ?skill ?tier ?text WHERE { ?s rdfs:label ?skill ; rg:tierDescriptor ?d .
            ?d rg:tier/rdfs:label ?tier ; rg:descriptor ?text }"""
    ):
        snap.skills[str(r["skill"])]["descriptors"][str(r["tier"])] = _norm(r["text"])
    for r in rows(
        """SELECT ?name ?alt WHERE { ?x skos:altLabel ?alt ; rdfs:label ?name .
            FILTER EXISTS { ?x a ?c . VALUES ?c { rg:Role rg:Skill rg:RoleLevel } } }"""
    ):
        snap.alt.setdefault(str(r["name"]), set()).add(str(r["alt"]))
    tiers: dict[tuple[str, str, str], set[str]] = {}
    for r in rows(
        """SELECT ?role ?level ?skill ?t ?tier ?text WHERE {
            ?q a rg:SkillRequirement ; rg:roleLevel ?l ; rg:skill/rdfs:label ?skill .
            ?l rdfs:label ?level ; rg:role/rdfs:label ?role .
            OPTIONAL { ?q rg:tier ?t OPTIONAL { ?t rdfs:label ?tier } }
            OPTIONAL { ?q rg:descriptor ?text } }"""
    ):
        key = (str(r["role"]), str(r["level"]), str(r["skill"]))
        # A tier the graph does not name (tier:guru, a literal) is still a change of tier;
        # a requirement with two tiers shows both.
        if r["t"] is not None:
            tiers.setdefault(key, set()).add(str(r["tier"] or shorten(str(r["t"]))))
        joined = " + ".join(sorted(tiers.get(key, ()), key=lambda t: (TIER_RANK.get(t, 9), t)))
        snap.requirements[key] = (joined or None, _norm(r["text"]))
    for r in rows("SELECT ?kind WHERE { ?d a dcat:Dataset ; dcterms:source/dcterms:type ?kind }"):
        snap.source_kinds.add(str(r["kind"]))
    return snap


@dataclass(frozen=True)
class Change:
    role: str
    what: str
    change: str
    item: str
    old: str | None = None
    new: str | None = None
    #: how a rename was recognised ("by name", "by content, 80% alike")
    note: str | None = None


FRAMEWORK_WIDE = "(framework)"
#: Irregular plurals of the kinds of change (a level's grades are one set).
_PLURALS = {"grades": "grades", "family": "families"}


@dataclass
class Diff:
    old: str
    new: str
    changes: list[Change]
    #: the roles compared, when a side gives only some roles (None: all of them)
    compared_roles: list[str] | None = None

    @property
    def scope_line(self) -> str | None:
        """Says which roles were compared, when not all were."""
        if self.compared_roles is None:
            return None
        if not self.compared_roles:
            return "No role is compared: the two sides describe no role in common."
        names = ", ".join(self.compared_roles)
        return (
            f"Compared only {plural(len(self.compared_roles), 'role')} both sides describe "
            f"({names}): a role page gives its own role's levels, not the others'."
        )

    def summary(self) -> dict[str, dict[str, int]]:
        """role (or "(framework)" for skills) -> counts of each kind of change."""
        out: dict[str, Counter[str]] = {}
        for c in self.changes:
            out.setdefault(c.role, Counter())[f"{c.what} {c.change}"] += 1
        ordered = sorted(out.items(), key=lambda kv: (kv[0] != FRAMEWORK_WIDE, kv[0]))
        return {role: dict(sorted(counts.items())) for role, counts in ordered}

    def summary_lines(self) -> list[str]:
        lines = []
        for role, counts in self.summary().items():
            parts = []
            for kind, n in counts.items():
                what, _, change = kind.rpartition(" ")
                parts.append(f"{plural(n, what, _PLURALS.get(what))} {change}")
            lines.append(f"{role}: {', '.join(parts)}")
        return lines

    def to_json(self) -> str:
        doc = {
            "old": self.old,
            "new": self.new,
            "compared_roles": self.compared_roles,
            "summary": self.summary(),
            "changes": [asdict(c) for c in self.changes],
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return self.to_json()
        headers = ["role", "what", "change", "item", "old", "new", "note"]
        rows: list[list[str | int | float | None]] = [
            [c.role, c.what, c.change, c.item, c.old, c.new, c.note] for c in self.changes
        ]
        if fmt in ("csv", "tsv"):
            return render(headers, rows, fmt)
        if not any(c.note for c in self.changes):  # no renames: no empty column
            headers, rows = headers[:-1], [r[:-1] for r in rows]
        if fmt == "md":
            out = [f"# {md_text(f'Changes from {self.old} to {self.new}')}", ""]
            out += [md_text(self.scope_line), ""] if self.scope_line else []
            out += [f"- {md_text(line)}" for line in self.summary_lines()] or ["No changes."]
            out += ["", render(headers, rows, "md")] if rows else []
            return "\n".join(out).rstrip() + "\n"
        head = f"Changes from {self.old} to {self.new}: {len(self.changes)}\n"
        head += f"{self.scope_line}\n" if self.scope_line else ""
        summary = "\n".join(self.summary_lines())
        body = render(headers, rows, "table", max_width=64) if rows else ""
        return head + (summary + "\n\n" if summary else "No changes.\n") + body


def _jaccard(a: set[Any], b: set[Any]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _pair_renames(
    removed: Iterable[str],
    added: Iterable[str],
    same_name: Callable[[str, str], bool],
    old_signature: dict[str, set[Any]],
    new_signature: dict[str, set[Any]],
) -> dict[str, tuple[str, str]]:
    """old name -> (new name, how), for removed/added things that are one renamed thing:
    the same by the alias table or an alternative label, else alike in content (best
    pairs first). Signatures are computed once, by the caller."""
    removed, added = sorted(removed), sorted(added)
    pairs: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()
    for old in removed:
        for new in added:
            if new not in taken and same_name(old, new):
                pairs[old] = (new, "by name")
                taken.add(new)
                break
    scored = sorted(
        (-_jaccard(old_signature[old], new_signature[new]), old, new)
        for old in removed
        if old not in pairs and old_signature[old]
        for new in added
        if new not in taken and new_signature[new]
    )
    for score, old, new in scored:
        if -score < RENAME_THRESHOLD or old in pairs or new in taken:
            continue
        pairs[old] = (new, f"by content, {-score:.0%} alike")
        taken.add(new)
    return pairs


def _skill_signature(snap: Snapshot, skill: str) -> set[Any]:
    """A skill's content whatever its roles and levels are called: its tier descriptors and
    the texts and tiers its requirements give."""
    texts: set[Any] = {
        ("tier", t, d) for t, d in snap.skills.get(skill, {}).get("descriptors", {}).items()
    }
    texts |= {("req", t, d) for (_, _, s), (t, d) in snap.requirements.items() if s == skill and d}
    return texts


def compare(old: Snapshot, new: Snapshot, *, role: str | None = None) -> Diff:
    """The changes from ``old`` to ``new`` (only those about ``role``, if given)."""

    aliases = Aliases.load()
    changes: list[Change] = []
    add = changes.append

    def same_name(kind: str) -> Callable[[str, str], bool]:
        def test(a: str, b: str) -> bool:
            ra, rb = aliases.resolve(kind, a), aliases.resolve(kind, b)
            if ra is not None and ra == rb:
                return True
            a_alt = {name_key(x) for x in old.alt.get(a, set())}
            b_alt = {name_key(x) for x in new.alt.get(b, set())}
            return name_key(a) in b_alt or name_key(b) in a_alt

        return test

    #: for each side that gives only some roles, the name keys of those (on either side)
    limits: list[set[str]] = []

    def wanted(*roles: str | None) -> bool:
        keys = {name_key(r) for r in roles if r is not None}
        if role is not None and name_key(role) not in keys:
            return False
        return all(keys & limit for limit in limits)

    # Skills: renamed by name or by their texts (which do not depend on role names).
    gone_skills = set(old.skills) - set(new.skills)
    new_skills = set(new.skills) - set(old.skills)
    skill_renames = _pair_renames(
        gone_skills,
        new_skills,
        same_name("skill"),
        {s: _skill_signature(old, s) for s in gone_skills},
        {s: _skill_signature(new, s) for s in new_skills},
    )
    skill_map = {s: s for s in old.skills} | {o: n for o, (n, _) in skill_renames.items()}

    # Roles: renamed by name or by the skills they use (skill renames applied).
    def uses(snap: Snapshot, r: str, rename: dict[str, str]) -> set[Any]:
        return {rename.get(s, s) for (rr, _, s) in snap.requirements if rr == r}

    gone_roles = set(old.roles) - set(new.roles)
    new_roles = set(new.roles) - set(old.roles)
    role_renames = _pair_renames(
        gone_roles,
        new_roles,
        same_name("role"),
        {r: uses(old, r, skill_map) for r in gone_roles},
        {r: uses(new, r, {}) for r in new_roles},
    )
    role_map = {r: r for r in old.roles} | {o: n for o, (n, _) in role_renames.items()}
    old_described, new_described = old.described_roles, new.described_roles
    if old_described is not None:
        limits.append({name_key(x) for r in old_described for x in (r, role_map.get(r, r))})
    if new_described is not None:
        limits.append(
            {name_key(r) for r in new_described}
            | {name_key(o) for o, n in role_map.items() if n in new_described}
        )
    compared: list[str] | None = None
    if limits:
        compared = sorted(r for r in {*role_map.values(), *new.roles} if wanted(r))
        if role is not None:
            if not compared:
                sides = [
                    f"{snap.label} gives the levels of {', '.join(sorted(d)) or 'no role'}"
                    for snap, d in ((old, old_described), (new, new_described))
                    if d is not None
                ]
                raise InputError(
                    f"{role} is not described by both sides: {'; '.join(sides)}",
                    hint="pick a role both sides describe with --role",
                )
            compared = None  # the user chose the role: nothing to say

    skill_users: dict[str, set[str]] = {}
    for snap in (old, new):
        for r, _, s in snap.requirements:
            skill_users.setdefault(skill_map.get(s, s) if snap is old else s, set()).add(
                role_map.get(r, r) if snap is old else r
            )

    #: every change to skills is wanted (no role chosen, and both sides give every role
    #: or both give the whole skill catalogue)
    everything = role is None and (not limits or (old.has_catalogue and new.has_catalogue))

    def skill_wanted(skill: str) -> bool:
        return everything or any(wanted(u) for u in skill_users.get(skill, ()))

    for o, (n, how) in sorted(skill_renames.items()):
        if skill_wanted(n):
            add(Change(FRAMEWORK_WIDE, "skill", "renamed", n, o, n, how))
    for s in sorted(gone_skills - set(skill_renames)):
        if everything or any(
            wanted(r, role_map.get(r, r)) for (r, _, sk) in old.requirements if sk == s
        ):
            add(Change(FRAMEWORK_WIDE, "skill", "removed", s))
    for s in sorted(new_skills - {n for n, _ in skill_renames.values()}):
        if skill_wanted(s):
            add(Change(FRAMEWORK_WIDE, "skill", "added", s))

    for r in sorted(gone_roles - set(role_renames)):
        if wanted(r):
            add(Change(r, "role", "removed", r))
    for r in sorted(new_roles - {n for n, _ in role_renames.values()}):
        if wanted(r):
            add(Change(r, "role", "added", r))
    for o, (n, how) in sorted(role_renames.items()):
        if wanted(o, n):
            add(Change(n, "role", "renamed", n, o, n, how))
    for r_old, r_new in sorted(role_map.items()):
        if r_new not in new.roles or not wanted(r_old, r_new):
            continue
        a, b = old.roles[r_old], new.roles[r_new]
        if a["family"] != b["family"]:
            add(Change(r_new, "family", "changed", r_new, a["family"], b["family"]))
        if a["description"] and b["description"] and a["description"] != b["description"]:
            add(
                Change(
                    r_new, "role description", "changed", r_new, a["description"], b["description"]
                )
            )

    # Levels, within each role: renamed by name or by the (skill, tier) pairs they need.
    level_map: dict[tuple[str, str], tuple[str, str]] = {}
    whole_levels: set[tuple[str, str]] = set()
    for r_old, r_new in sorted(role_map.items()):
        olds = {lv for (r, lv) in old.levels if r == r_old}
        news = {lv for (r, lv) in new.levels if r == r_new}

        def needs(snap: Snapshot, rr: str, level: str, rename: dict[str, str]) -> set[Any]:
            return {
                (rename.get(s, s), t)
                for (r, lv, s), (t, _) in snap.requirements.items()
                if r == rr and lv == level
            }

        renames = _pair_renames(
            olds - news,
            news - olds,
            same_name("level"),
            {lv: needs(old, r_old, lv, skill_map) for lv in olds - news},
            {lv: needs(new, r_new, lv, {}) for lv in news - olds},
        )
        for lv in olds & news:
            level_map[(r_old, lv)] = (r_new, lv)
        for o, (n, _) in renames.items():
            level_map[(r_old, o)] = (r_new, n)
        removed = olds - news - set(renames)
        added = news - olds - {n for n, _ in renames.values()}
        whole_levels |= {(r_new, lv) for lv in removed | added}
        if not wanted(r_old, r_new) or r_new not in new.roles:
            continue
        for lv in sorted(removed):
            add(Change(r_new, "level", "removed", lv))
        for lv in sorted(added):
            add(Change(r_new, "level", "added", lv))
        for o, (n, how) in sorted(renames.items()):
            add(Change(r_new, "level", "renamed", n, o, n, how))
        # The order of the levels both releases have (ranks shift when a level goes).
        kept = [
            (lv_o, lv_n)
            for (ro, lv_o), (rn, lv_n) in level_map.items()
            if ro == r_old and rn == r_new
        ]
        before = [n for o, n in sorted(kept, key=lambda p: old.levels[(r_old, p[0])]["rank"] or 0)]
        after = sorted((n for _, n in kept), key=lambda n: new.levels[(r_new, n)]["rank"] or 0)
        if before != after:
            add(
                Change(
                    r_new, "level order", "changed", r_new, " < ".join(before), " < ".join(after)
                )
            )
    for (r_old, lv_old), (r_new, lv_new) in sorted(level_map.items()):
        if not wanted(r_old, r_new):
            continue
        a, b = old.levels[(r_old, lv_old)], new.levels[(r_new, lv_new)]
        if a["description"] and b["description"] and a["description"] != b["description"]:
            add(
                Change(
                    r_new,
                    "level description",
                    "changed",
                    lv_new,
                    a["description"],
                    b["description"],
                )
            )
        # A fact one side cannot hold (the CSV has no grades) is not a change.
        if (
            a["grades"] != b["grades"]
            and (a["grades"] or old.has_grades)
            and (b["grades"] or new.has_grades)
        ):
            how = "added" if not a["grades"] else "removed" if not b["grades"] else "changed"
            add(
                Change(
                    r_new,
                    "grades",
                    how,
                    lv_new,
                    "; ".join(a["grades"]) or None,
                    "; ".join(b["grades"]) or None,
                )
            )

    # Requirements (a whole role or level added or removed is one change, reported above).
    whole_roles = {c.item for c in changes if c.what == "role" and c.change in ("added", "removed")}
    mapped_old = {}
    for (r, lv, s), value in old.requirements.items():
        r2, lv2 = level_map.get((r, lv), (role_map.get(r, r), lv))
        mapped_old[(r2, lv2, skill_map.get(s, s))] = value
    for key in sorted(set(mapped_old) | set(new.requirements)):
        r, lv, s = key
        if not wanted(r) or r in whole_roles or (r, lv) in whole_levels:
            continue
        if key not in new.requirements:
            add(Change(r, "requirement", "removed", f"{lv}: {s}", mapped_old[key][0]))
        elif key not in mapped_old:
            add(Change(r, "requirement", "added", f"{lv}: {s}", None, new.requirements[key][0]))
        else:
            (t_old, d_old), (t_new, d_new) = mapped_old[key], new.requirements[key]
            if t_old != t_new and t_old and t_new:
                if t_old in TIER_RANK and t_new in TIER_RANK:
                    direction = "raised" if TIER_RANK[t_new] > TIER_RANK[t_old] else "lowered"
                else:
                    direction = "changed"  # to or from something that is not one of the four
                add(Change(r, "tier", direction, f"{lv}: {s}", t_old, t_new))
            if d_old and d_new and d_old != d_new:
                add(Change(r, "descriptor", "changed", f"{lv}: {s}", d_old, d_new))

    # Skill descriptions and tier descriptors, for skills in both.
    for s_old, s_new in sorted(skill_map.items()):
        if s_new not in new.skills or not skill_wanted(s_new):
            continue
        a, b = old.skills[s_old], new.skills[s_new]
        for tier in sorted(
            set(a["descriptors"]) | set(b["descriptors"]), key=lambda t: TIER_RANK[t]
        ):
            before, after = a["descriptors"].get(tier), b["descriptors"].get(tier)
            # A role page gives only the tiers its levels use: silence is not removal.
            if (
                before == after
                or (before is None and not old.has_catalogue)
                or (after is None and not new.has_catalogue)
            ):
                continue
            how = "added" if before is None else "removed" if after is None else "changed"
            add(
                Change(FRAMEWORK_WIDE, "skill descriptor", how, f"{s_new} at {tier}", before, after)
            )
        # A description missing on a side that gives none is silence, too.
        if (
            a["description"] != b["description"]
            and (a["description"] or old.describes_skills)
            and (b["description"] or new.describes_skills)
        ):
            how = (
                "added"
                if not a["description"]
                else "removed"
                if not b["description"]
                else "changed"
            )
            add(
                Change(
                    FRAMEWORK_WIDE,
                    "skill description",
                    how,
                    s_new,
                    a["description"],
                    b["description"],
                )
            )
    return Diff(old.label, new.label, changes, compared)


# -- reading either side ---------------------------------------------------------------


def diff_sources(
    old: str,
    new: str,
    *,
    role: str | None = None,
    old_release: str | None = None,
    new_release: str | None = None,
) -> Diff:
    old_label, old_graph = open_source(old, release=old_release)
    new_label, new_graph = open_source(new, release=new_release)
    if (
        Path(old).is_dir()
        and Path(old).resolve() == Path(new).resolve()
        and old_graph.release == new_graph.release
    ):
        name = Path(old).name
        which = (
            f"release {old_graph.release} of the store {name}"
            if old_graph.release
            else f"the store {name}, which holds no releases"
        )
        raise InputError(
            f"OLD and NEW are the same graph ({which})",
            hint="pick two releases with --old-release and --new-release; 'rolegraph releases "
            "STORE_DIR' lists them, and 'rolegraph build --store DIR --release NAME' adds one",
        )
    a, b = snapshot(old_graph, old_label), snapshot(new_graph, new_label)
    for one, other in ((a, b), (b, a)):
        if not one.levels and other.levels:
            raise InputError(
                f"{one.label} has no role levels (is it only skill descriptions?), so every "
                f"level of {other.label} would look added or removed",
                hint="give the role content too: the role content CSV, a folder holding both "
                "CSV files, role pages or a graph",
            )
    if role is not None and not any(name_key(r) == name_key(role) for r in [*a.roles, *b.roles]):
        import difflib

        raise NotFound(
            "role",
            role,
            difflib.get_close_matches(role, sorted({*a.roles, *b.roles}), n=3, cutoff=0.5),
        )
    return compare(a, b, role=role)
