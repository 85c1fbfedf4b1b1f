"""The pages for people on the resources' own IRIs: a role (its ladder and what each step
up changes), a role level (its skills by tier, with what each asks a person to do), a
skill (each tier's descriptor, who needs it at which tier), a family (its roles) and the
home page. A browser gets these where it used to get a table of triples; the table is
one click away (``?view=triples``).

The structure (levels in order, tiers, similar roles) comes from the analysis view the
career tools read (:meth:`.app.App.view`, :mod:`rolegraph.analysis.careers`), so a page
and ``rolegraph ladder`` or ``rolegraph similar`` agree; the texts (descriptions, grades,
descriptors) from the graph the view was read from."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING, Any

from rolegraph.analysis.careers import ACROSS, ladder, similar
from rolegraph.model.vocab import DCTERMS, RDF, RDFS, RG, SCHEMA, TIERS
from rolegraph.serve.pages import Cell, local_path, render, url

if TYPE_CHECKING:
    from rolegraph.analysis.view import FrameworkView
    from rolegraph.graph.store import RoleGraph
    from rolegraph.serve.app import App

#: the types that have a page for people: type IRI -> kind
KINDS = {
    RG + "Role": "role",
    RG + "SeniorCivilServiceRole": "role",
    RG + "RoleLevel": "level",
    RG + "Skill": "skill",
    RG + "RoleFamily": "family",
}
DESCRIPTION = DCTERMS + "description"
#: the most similar roles a role's page lists
SIMILAR_SHOWN = 5
#: the heading of the skills a level needs with no tier (Senior Civil Service roles)
UNTIERED = "no tier"


def kind_of(triples: list[Any]) -> str | None:
    """The kind of page a resource has (role, level, skill, family), from its types."""
    types = {t.object.value for t in triples if t.predicate.value == RDF + "type"}
    return next((KINDS[t] for t in sorted(types) if t in KINDS), None)


def person_page(app: App, iri: str, kind: str) -> bytes | None:
    """The page of ``iri``, a thing of ``kind``; None when the view does not have it
    (a remote endpoint's data changed since the view was read: the triples still show)."""
    make = {"role": _role, "level": _level, "skill": _skill, "family": _family}[kind]
    return app.analyse(lambda view: make(app, view, iri))


def link(iri: str, label: str, query: str = "") -> Cell:
    """A link to a resource's page here."""
    path = local_path(iri)
    return Cell(label, None if path is None else url(path) + query)


def tool_link(path: str, **params: str) -> str:
    """The link to a tool (``/gap``) with its parameters."""
    return url(path + "?" + urllib.parse.urlencode(params))


def blocks(text: str | None) -> list[tuple[str, Any]]:
    """A text as the framework writes it (paragraphs, then "- " bullet lines) as blocks:
    ``("p", text)`` and ``("ul", [items])``."""
    out: list[tuple[str, Any]] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(("- ", "* ", "• ")):
            if not out or out[-1][0] != "ul":
                out.append(("ul", []))
            out[-1][1].append(line[2:].strip())
        else:
            out.append(("p", line))
    return out


def _graph(view: FrameworkView) -> RoleGraph:
    assert view.graph is not None, "the view of a served graph keeps its graph"
    return view.graph


def texts(view: FrameworkView, iri: str, predicate: str) -> list[str]:
    """The literal values of ``iri``'s ``predicate``, sorted."""
    import pyoxigraph as ox

    found = _graph(view).pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None)
    return sorted(t.object.value for t in found if isinstance(t.object, ox.Literal))


def objects(view: FrameworkView, iri: str, predicate: str) -> list[str]:
    """The IRIs ``iri``'s ``predicate`` points at, sorted."""
    import pyoxigraph as ox

    found = _graph(view).pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None)
    return sorted(t.object.value for t in found if isinstance(t.object, ox.NamedNode))


def family_iris(view: FrameworkView) -> dict[str, str]:
    """Family name -> its IRI."""
    import pyoxigraph as ox

    graph = _graph(view)
    out = {}
    rdf_type, label = ox.NamedNode(RDF + "type"), ox.NamedNode(RDFS + "label")
    for t in graph.pattern(None, rdf_type, ox.NamedNode(RG + "RoleFamily")):
        for name in graph.pattern(t.subject, label, None):
            if isinstance(name.object, ox.Literal) and isinstance(t.subject, ox.NamedNode):
                out[name.object.value] = t.subject.value
    return out


def _explore(app: App, role: str) -> Cell | None:
    if app.explorer is None:
        return None
    return Cell(role, url("/explorer?" + urllib.parse.urlencode({"role": role})))


# -- a role -----------------------------------------------------------------------------


def _role(app: App, view: FrameworkView, iri: str) -> bytes | None:
    info = view.roles.get(iri)
    if info is None:
        return None
    lad = ladder(view, iri)
    families = family_iris(view)
    skill_counts = dict(zip((lv.iri for lv in lad.levels), lad.skill_counts, strict=True))
    tracks = [
        {
            "name": track.name,
            "levels": [
                {
                    "n": lad.number(lv),
                    "level": link(lv.iri, lv.label),
                    "beside": getattr(lad.beside(lv), "label", ""),
                    "grades": ", ".join(texts(view, lv.iri, RG + "grade")),
                    "skills": skill_counts[lv.iri],
                }
                for lv in track.levels
            ],
        }
        for track in lad.tracks
    ]
    steps = [
        {
            "across": step.kind == ACROSS,
            "lower": step.lower.label,
            "higher": link(step.higher.iri, step.higher.label),
            "changes": [
                {
                    "change": c.change,
                    "skill": link(c.skill, c.label),
                    "before": c.before or "",
                    "after": c.after or "",
                }
                for c in step.changes
            ],
            "unchanged": step.unchanged,
            "gap": tool_link("/gap", **{"from": step.lower.label, "to": step.higher.label}),
        }
        for step in lad.steps
    ]
    near = [
        {
            "role": link(n.iri, n.label),
            "family": n.family or "",
            "similarity": f"{round(n.similarity * 100)}%",
            "shared": n.shared,
        }
        for n in similar(view, iri, top=SIMILAR_SHOWN)
    ]
    family = None
    if info.family:
        family = link(families[info.family], info.family) if info.family in families else None
    return render(
        "role.html",
        title=info.label,
        iri=iri,
        family=family,
        description=blocks("\n".join(texts(view, iri, DESCRIPTION))),
        official=next(iter(objects(view, iri, SCHEMA + "url")), ""),
        tracks=tracks,
        count=len(lad.levels),
        derived=any(lv.rank_basis == "derived" for lv in lad.levels),
        steps=steps,
        similar=near,
        similar_all=tool_link("/similar", role=info.label),
        explore=_explore(app, info.label),
    )


# -- a role level -----------------------------------------------------------------------


def _level(app: App, view: FrameworkView, iri: str) -> bytes | None:
    lv = view.levels.get(iri)
    if lv is None:
        return None
    role = view.roles[lv.role]
    lad = ladder(view, lv.role)
    track = lad.track_of(lv)
    needs = view.requirements.get(iri, {})
    groups = []
    for rank in (*range(len(TIERS), 0, -1), None):
        skills = sorted(
            (s for s, t in needs.items() if t == rank), key=lambda s: view.skills.get(s, s)
        )
        if skills:
            groups.append(
                {
                    "tier": TIERS[rank - 1] if rank else UNTIERED,
                    "skills": [
                        {
                            "skill": link(s, view.skills.get(s, s)),
                            "descriptor": blocks(view.descriptor(iri, s)),
                        }
                        for s in skills
                    ],
                }
            )
    choices = [
        (
            other.label,
            [level.label for level in view.levels_of(other.iri) if level.iri != iri],
        )
        for other in sorted(view.roles.values(), key=lambda r: r.label)
    ]
    before, after = lad.along(lv) if lv.rank else (None, None)
    beside = lad.beside(lv)
    position = ""
    if lv.rank:
        position = f"level {lad.number(lv)} of {len(lad.tracks[0].levels)}"
        if len(lad.tracks) > 1:
            position += f", {track.name} track"
    return render(
        "level.html",
        title=lv.label,
        iri=iri,
        role=link(lv.role, role.label),
        position=position,
        beside=None if beside is None else link(beside.iri, beside.label),
        grades=", ".join(texts(view, iri, RG + "grade")),
        description=blocks("\n".join(texts(view, iri, DESCRIPTION))),
        previous=None if before is None else link(before.iri, before.label),
        next=None if after is None else link(after.iri, after.label),
        groups=groups,
        count=len(needs),
        choices=[(name, names) for name, names in choices if names],
        explore=_explore(app, role.label),
    )


# -- a skill ----------------------------------------------------------------------------


def _skill(app: App, view: FrameworkView, iri: str) -> bytes | None:
    name = view.skills.get(iri)
    if name is None:
        return None
    written: dict[str, str] = {}
    for d in objects(view, iri, RG + "tierDescriptor"):
        tier = next(iter(objects(view, d, RG + "tier")), "")
        text = next(iter(texts(view, d, RG + "descriptor")), "")
        written[tier.rsplit("/", 1)[-1]] = text
    undefined = {t.rsplit("/", 1)[-1] for t in objects(view, iri, RG + "undefinedTier")}
    tiers = [
        {
            "tier": tier,
            "state": "defined" if tier in written else "undefined" if tier in undefined else "none",
            "descriptor": blocks(written.get(tier)),
        }
        for tier in TIERS
    ]
    needed: list[tuple[str, int, dict[str, Any]]] = []
    for level_iri, needs in view.requirements.items():
        if iri in needs and level_iri in view.levels:
            lv = view.levels[level_iri]
            rank = needs[iri]
            needed.append(
                (
                    view.roles[lv.role].label,
                    lv.rank,
                    {
                        "role": link(lv.role, view.roles[lv.role].label),
                        "level": link(level_iri, lv.label),
                        "tier": TIERS[rank - 1] if rank else UNTIERED,
                    },
                )
            )
    needed.sort(key=lambda n: (n[0], n[1]))
    untiered = next(iter(texts(view, iri, RG + "untieredDescriptor")), "")
    return render(
        "skill.html",
        title=name,
        iri=iri,
        description=blocks("\n".join(texts(view, iri, DESCRIPTION))),
        tiers=tiers if written or undefined else [],
        untiered=blocks(untiered),
        needed=[n[2] for n in needed],
        roles=len({n[0] for n in needed}),
        explore=None
        if app.explorer is None
        else Cell(name, url("/explorer?" + urllib.parse.urlencode({"skill": name}))),
    )


# -- a family and the home page ---------------------------------------------------------


def _family(app: App, view: FrameworkView, iri: str) -> bytes | None:
    names = {v: k for k, v in family_iris(view).items()}
    name = names.get(iri)
    if name is None:
        return None
    roles = [
        {
            "role": link(r.iri, r.label),
            "levels": len(view.levels_of(r.iri)),
            "skills": len(view.uses.get(r.iri, ())),
        }
        for r in sorted(view.roles.values(), key=lambda r: r.label)
        if r.family == name
    ]
    return render(
        "family.html",
        title=name,
        iri=iri,
        description=blocks("\n".join(texts(view, iri, DESCRIPTION))),
        roles=roles,
    )


def families(view: FrameworkView) -> list[dict[str, Any]]:
    """The families, each with its roles, for the home page (roles of no family last)."""
    iris = family_iris(view)
    by_family: dict[str, list[Cell]] = {}
    for r in sorted(view.roles.values(), key=lambda r: r.label):
        by_family.setdefault(r.family or "", []).append(link(r.iri, r.label))
    out = [
        {"family": link(iris[name], name) if name in iris else Cell(name), "roles": roles}
        for name, roles in sorted(by_family.items())
        if name
    ]
    if "" in by_family:
        out.append({"family": Cell("Roles in no family"), "roles": by_family[""]})
    return out
