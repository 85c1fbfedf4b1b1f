"""The career tools of ``rolegraph serve``, each at a stable URL that reproduces its answer:
``/gap?from=LEVEL&to=LEVEL``, ``/path?from=LEVEL&to=LEVEL``, ``/similar?role=ROLE`` and
``/compare?a=ROLE&b=ROLE`` (``/assess`` is :mod:`.assess`).

Each answers a page (its form, filled in, above the answer) or, with ``?format=json`` or
``Accept: application/json``, the JSON ``rolegraph gap|path|similar --format json`` writes
for the same names: the numbers come from :mod:`rolegraph.analysis.careers`, as the CLI's
do. A parameter that is unknown, repeated or names nothing is a one-line 400 naming it,
with the names it may have meant."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from rolegraph.analysis.careers import (
    GAP,
    MEASURE,
    career_path,
    find_level,
    find_role,
    gap_record,
    level_gap,
    path_record,
    similar,
    similar_record,
)
from rolegraph.analysis.view import tier_similarity
from rolegraph.errors import NotFound, RolegraphError
from rolegraph.model.vocab import TIERS
from rolegraph.serve.negotiation import accepts
from rolegraph.serve.pages import render
from rolegraph.serve.people import blocks, link, tool_link
from rolegraph.serve.reply import HTML, HttpError, Reply
from rolegraph.util.render import render_json
from rolegraph.util.text import did_you_mean

if TYPE_CHECKING:
    from rolegraph.analysis.careers import Gap
    from rolegraph.analysis.view import FrameworkView
    from rolegraph.serve.app import App

JSON = "application/json; charset=utf-8"
#: roles /similar lists (as ``rolegraph similar``'s default --top)
SIMILAR_TOP = 10


# -- parameters -------------------------------------------------------------------------


def read_params(
    tool: str,
    params: Mapping[str, Sequence[str]],
    names: Sequence[str],
    formats: Sequence[str] = ("html", "json"),
    more: str = "",
) -> tuple[dict[str, str], str]:
    """The parameters of ``tool`` (a route: each at most once; unknown ones refused, with
    the names meant), and the format asked for: one of ``formats`` (lower case), or ""
    (not said). With no ``formats`` the route takes no ``format``; ``more`` says what
    else it takes, for the message refusing a parameter. Every route of the
    service that takes parameters reads them here, so they follow one set of rules."""
    known = (*names, "format") if formats else tuple(names)
    for key in params:
        if key not in known:
            close = did_you_mean(key, list(known))
            hint = f"did you mean {', '.join(close)}? " if close else ""
            takes = f"it takes {', '.join(known)}{more}" if known else "it takes no parameters"
            raise HttpError(
                HTTPStatus.BAD_REQUEST,
                f"{key}: {tool} takes no parameter {key!r} ({hint}{takes})",
            )
        if len(params[key]) > 1:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"{key}: given more than once: give it once")
    values = {k: v[-1].strip() for k, v in params.items()}
    fmt = values.pop("format", "").lower()
    if fmt and fmt not in formats:
        use = " or ".join(formats) if len(formats) <= 2 else "one of " + ", ".join(formats)
        raise HttpError(HTTPStatus.BAD_REQUEST, f"format: unknown format {fmt!r}: use {use}")
    return values, fmt


def query_fields(query: str) -> dict[str, list[str]]:
    """A query string's parameters (blank values kept, so ``?x=`` is a parameter too)."""
    return urllib.parse.parse_qs(query, keep_blank_values=True)


def wants_json(fmt: str, accept: str | None) -> bool:
    """JSON when ``?format=json``, or when the Accept header prefers it to HTML."""
    if fmt:
        return fmt == "json"
    return accepts(accept, ["text/html", "application/json"]) == "application/json"


def find(view: FrameworkView, kind: str, name: str, param: str) -> str:
    """The IRI of the level (or role) ``name`` given as ``param``; a 400 naming the
    parameter, with the nearest names, when it names none."""
    if not name:
        raise HttpError(HTTPStatus.BAD_REQUEST, f"{param}: give the name of a {kind}")
    try:
        return find_level(view, name) if kind == "level" else find_role(view, name)
    except NotFound as exc:
        close = ", ".join(repr(s) for s in exc.suggestions)
        hint = f"did you mean {close}?" if close else f"the form lists every {kind}"
        raise HttpError(HTTPStatus.BAD_REQUEST, f"{param}: {exc.message}; {hint}") from None
    except RolegraphError as exc:
        raise HttpError(HTTPStatus.BAD_REQUEST, f"{param}: {exc}") from None


def json_reply(data: Any) -> Reply:
    return Reply(HTTPStatus.OK, render_json(data).encode("utf-8"), JSON)


def level_choices(view: FrameworkView) -> list[tuple[str, list[str]]]:
    """Every role's levels, most junior first, for a form's select (role name, levels)."""
    out = []
    for role in sorted(view.roles.values(), key=lambda r: r.label):
        names = [lv.label for lv in view.levels_of(role.iri)]
        if names:
            out.append((role.label, names))
    return out


def role_choices(view: FrameworkView) -> list[str]:
    return sorted(r.label for r in view.roles.values())


def gap_rows(g: Gap) -> list[dict[str, Any]]:
    """A gap's skills for a page: status, skill (linked), tiers, steps, descriptor."""
    return [
        {
            "status": s.status,
            "skill": link(s.skill, s.label),
            "has": s.have or "none",
            "needs": s.need or "none",
            "steps": s.steps,
            "descriptor": blocks(s.descriptor) if s.status == GAP else [],
        }
        for s in g.skills
    ]


# -- the tools --------------------------------------------------------------------------


def _answer(
    app: App,
    tool: str,
    params: Mapping[str, Sequence[str]],
    accept: str | None,
    names: Sequence[str],
    work: Callable[[FrameworkView, dict[str, str], bool], Any],
) -> Reply:
    """Read ``names`` from ``params``, run ``work`` on the view and send what it gives:
    JSON data (when asked for JSON) or a page."""
    values, fmt = read_params(tool, params, names)
    as_json = wants_json(fmt, accept)
    if as_json and not all(values.get(n) for n in names):
        missing = next(n for n in names if not values.get(n))
        raise HttpError(HTTPStatus.BAD_REQUEST, f"{missing}: give it for a JSON answer")
    made = app.analyse(lambda view: work(view, values, as_json))
    return json_reply(made) if as_json else Reply(HTTPStatus.OK, made, HTML)


def gap(app: App, params: Mapping[str, Sequence[str]], accept: str | None) -> Reply:
    """/gap: the skills to develop to move from one role level to another."""

    def work(view: FrameworkView, values: dict[str, str], as_json: bool) -> Any:
        source, target = values.get("from", ""), values.get("to", "")
        found = None
        if source or target:
            a, b = find(view, "level", source, "from"), find(view, "level", target, "to")
            found = level_gap(view, a, b)
            if as_json:
                return gap_record(found)
        return render(
            "gap.html",
            title="The gap between two levels"
            if found is None
            else f"{found.source} to {found.target}",
            source=source,
            target=target,
            choices=level_choices(view),
            summary="" if found is None else found.summary(),
            target_name="" if found is None else found.target,
            steps=0 if found is None else found.steps,
            rows=[] if found is None else gap_rows(found),
            path=tool_link("/path", **{"from": source, "to": target}) if found else "",
            json=tool_link("/gap", **{"from": source, "to": target, "format": "json"}),
        )

    return _answer(app, "/gap", params, accept, ("from", "to"), work)


def path(app: App, params: Mapping[str, Sequence[str]], accept: str | None) -> Reply:
    """/path: the cheapest sequence of moves from one role level to another."""

    def work(view: FrameworkView, values: dict[str, str], as_json: bool) -> Any:
        source, target = values.get("from", ""), values.get("to", "")
        found = None
        if source or target:
            a, b = find(view, "level", source, "from"), find(view, "level", target, "to")
            try:
                found = career_path(view, a, b)
            except RolegraphError as exc:
                raise HttpError(HTTPStatus.BAD_REQUEST, f"to: {exc}") from None
            if as_json:
                return path_record(found)
        moves = []
        for i, m in enumerate(found.moves if found else ()):
            moves.append(
                {
                    "n": i + 1,
                    "kind": m.kind,
                    "source": m.gap.source,
                    "target": m.gap.target,
                    "cost": m.cost,
                    "rows": [r for r in gap_rows(m.gap) if r["status"] == GAP],
                    "gap": tool_link("/gap", **{"from": m.gap.source, "to": m.gap.target}),
                }
            )
        return render(
            "path.html",
            title="A career path" if found is None else f"{found.source} to {found.target}",
            source=source,
            target=target,
            choices=level_choices(view),
            found=found is not None,
            cost=0 if found is None else found.cost,
            moves=moves,
            json=tool_link("/path", **{"from": source, "to": target, "format": "json"}),
        )

    return _answer(app, "/path", params, accept, ("from", "to"), work)


def similar_roles(app: App, params: Mapping[str, Sequence[str]], accept: str | None) -> Reply:
    """/similar: the roles most like one role (``rolegraph similar ROLE``)."""

    def work(view: FrameworkView, values: dict[str, str], as_json: bool) -> Any:
        name = values.get("role", "")
        found = None
        label = ""
        if name:
            iri = find(view, "role", name, "role")
            label = view.roles[iri].label
            found = similar(view, iri, top=SIMILAR_TOP)
            if as_json:
                return similar_record(label, True, found)
        rows = [
            {
                "rank": i + 1,
                "role": link(n.iri, n.label),
                "family": n.family or "",
                "similarity": f"{round(n.similarity * 100)}%",
                "shared": n.shared,
                "skills": n.skills,
                "compare": tool_link("/compare", a=label, b=n.label),
            }
            for i, n in enumerate(found or ())
        ]
        return render(
            "similar.html",
            title="Similar roles" if not label else f"Roles most like {label}",
            role=name,
            choices=role_choices(view),
            found=found is not None,
            rows=rows,
            json=tool_link("/similar", role=name, format="json"),
        )

    return _answer(app, "/similar", params, accept, ("role",), work)


def role_comparison(view: FrameworkView, a: str, b: str) -> dict[str, Any]:
    """Two roles side by side: the skills both use, with each one's tier (the highest any
    of its levels needs, as :func:`~rolegraph.analysis.careers.similar` weighs them),
    and the skills only one uses."""

    def tier(t: int | None) -> str:
        return "untiered" if t is None else TIERS[t - 1]

    ta, tb = view.role_tiers(a), view.role_tiers(b)
    label = view.skills.get

    def skills(found: Mapping[str, int | None], keep: Callable[[str], bool]) -> list[Any]:
        return [
            {"skill": label(s, s), "iri": s, "tier": tier(found[s])}
            for s in sorted(found, key=lambda s: (label(s, s), s))
            if keep(s)
        ]

    shared = [
        {"skill": label(s, s), "iri": s, "a": tier(ta[s]), "b": tier(tb[s])}
        for s in sorted(ta.keys() & tb.keys(), key=lambda s: (label(s, s), s))
    ]
    return {
        "a": view.roles[a].label,
        "b": view.roles[b].label,
        "measure": MEASURE,
        "similarity": round(tier_similarity(ta, tb), 4),
        "shared": shared,
        "only_a": skills(ta, lambda s: s not in tb),
        "only_b": skills(tb, lambda s: s not in ta),
    }


def compare_roles(app: App, params: Mapping[str, Sequence[str]], accept: str | None) -> Reply:
    """/compare: two roles side by side."""

    def work(view: FrameworkView, values: dict[str, str], as_json: bool) -> Any:
        a, b = values.get("a", ""), values.get("b", "")
        found = None
        if a or b:
            found = role_comparison(view, find(view, "role", a, "a"), find(view, "role", b, "b"))
            if as_json:
                return {k: _without_iris(v) for k, v in found.items()}
        return render(
            "compare.html",
            title="Compare two roles" if found is None else f"{found['a']} and {found['b']}",
            a=a,
            b=b,
            choices=role_choices(view),
            found=found is not None,
            names=(found["a"], found["b"]) if found else ("", ""),
            similarity=f"{round(found['similarity'] * 100)}%" if found else "",
            shared=[{**s, "link": link(s["iri"], s["skill"])} for s in found["shared"]]
            if found
            else [],
            only=[
                {
                    "name": found[name],
                    "rows": [
                        {"link": link(s["iri"], s["skill"]), "tier": s["tier"]} for s in found[side]
                    ],
                }
                for name, side in (("a", "only_a"), ("b", "only_b"))
            ]
            if found
            else [],
            json=tool_link("/compare", a=a, b=b, format="json"),
        )

    return _answer(app, "/compare", params, accept, ("a", "b"), work)


def _without_iris(value: Any) -> Any:
    if isinstance(value, list):
        return [{k: v for k, v in item.items() if k != "iri"} for item in value]
    return value


__all__ = ["compare_roles", "gap", "path", "similar_roles"]
