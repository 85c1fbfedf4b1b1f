"""``/assess``: how a person's skills, or a team's, compare with the framework, as
``rolegraph assess`` answers it (:mod:`rolegraph.analysis.careers`).

``GET /assess`` is the form: a tier to pick for each skill (``?role=NAME`` narrows it to
the skills one role uses), or a profile file to upload (YAML or CSV, as the CLI reads
them), and a target level. The answer comes from a ``POST`` (urlencoded, or
``multipart/form-data`` with the file), so what a person says of themselves stays out of
URLs, histories and logs: nothing sent is stored or logged. An uploaded file is at most
:data:`MAX_UPLOAD` bytes; it is read from a private temporary folder (in memory where the
system has one) that is deleted before the answer is sent.

``format=json`` (or ``Accept: application/json``) answers the JSON of
``rolegraph assess --format json``."""

from __future__ import annotations

import os
import re
import tempfile
import urllib.parse
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request

from rolegraph.analysis.careers import (
    VALID_TIERS,
    best_matches,
    compare,
    find_role,
    find_skill,
    parse_tier,
    person_record,
    read_profile,
    team_coverage,
    team_record,
)
from rolegraph.errors import NotFound, RolegraphError
from rolegraph.model.vocab import TIERS
from rolegraph.serve.negotiation import form_fields
from rolegraph.serve.pages import render
from rolegraph.serve.people import link
from rolegraph.serve.reply import HTML, HttpError, Reply
from rolegraph.serve.tools import (
    find,
    gap_rows,
    json_reply,
    level_choices,
    read_params,
    role_choices,
    wants_json,
)
from rolegraph.util.text import whole_number

if TYPE_CHECKING:
    from rolegraph.analysis.careers import Gap, Match, ProfileFile
    from rolegraph.analysis.view import FrameworkView
    from rolegraph.serve.app import App

#: the largest profile file taken, and the largest request body (the file and the form)
MAX_UPLOAD = 256 * 1024
MAX_BODY = MAX_UPLOAD + 64 * 1024
#: the most form fields read (a tier per skill, and the others)
MAX_FIELDS = 1000
#: the form's fields besides the tiers (one ``skill:NAME`` field per skill)
FIELDS = ("name", "target", "top", "role", "profile")
SKILL = "skill:"
#: best-matching levels shown: the default (as the CLI's --top) and the most
TOP, MAX_TOP = 5, 50
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
PRIVACY = (
    "Nothing you send is stored or logged: your answers (and any file you upload) are "
    "read to make this one page and then discarded."
)


async def handler(
    app: App, request: Request, params: dict[str, list[str]], _gone: Callable[[], bool]
) -> Reply:
    """GET: the form; POST: the answer (read here, worked out on a worker thread)."""
    accept = request.headers.get("accept")
    query = {
        k: list(v)
        for k, v in urllib.parse.parse_qs(request.url.query, keep_blank_values=True).items()
    }
    if request.method != "POST":
        if any(k.startswith(SKILL) for k in query) or "profile" in query:
            raise HttpError(
                HTTPStatus.BAD_REQUEST,
                "skill: send tiers by POST (the form does), so they stay out of URLs and logs",
            )
        return await run_in_threadpool(_form_page, app, query)
    fields, upload = await read_form(request)
    for key, values in query.items():
        fields.setdefault(key, []).extend(values)
    return await run_in_threadpool(answer, app, fields, upload, accept)


async def read_form(request: Request) -> tuple[dict[str, list[str]], tuple[str, bytes] | None]:
    """A POST's fields and its uploaded file (name, bytes), the body at most
    :data:`MAX_BODY` bytes (413 past it) and read in memory only."""
    ctype = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if ctype not in FORM_TYPES:
        raise HttpError(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            f"a POST to /assess must be {' or '.join(FORM_TYPES)}, not {ctype or 'untyped'}",
        )
    declared = request.headers.get("content-length")
    if declared is not None and (whole_number(declared) or 0) > MAX_BODY:
        raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _too_large())
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _too_large())
        chunks.append(chunk)
    body = b"".join(chunks)
    if ctype == FORM_TYPES[0]:  # (read in its charset, as every form body)
        return form_fields(body, request.headers.get("content-type") or ""), None
    return await _multipart(request, body, {})


async def _multipart(
    request: Request, body: bytes, fields: dict[str, list[str]]
) -> tuple[dict[str, list[str]], tuple[str, bytes] | None]:
    """A multipart body read (by python-multipart, through Starlette) from memory."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    upload: tuple[str, bytes] | None = None
    try:
        form = await Request(request.scope, receive).form(
            max_files=1, max_fields=MAX_FIELDS, max_part_size=MAX_UPLOAD
        )
    except HTTPException as exc:
        raise HttpError(HTTPStatus.BAD_REQUEST, f"profile: {exc.detail}") from None
    try:
        for key, value in form.multi_items():
            if isinstance(value, str):
                fields.setdefault(key, []).append(value)
            elif value.filename:
                data = await value.read(MAX_UPLOAD + 1)
                if len(data) > MAX_UPLOAD:
                    raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _too_large())
                if data:
                    upload = (value.filename, data)
    finally:
        await form.close()
    return fields, upload


def _too_large() -> str:
    return f"profile: the file is larger than {MAX_UPLOAD // 1024} KB, more than any profile"


# -- the answer -------------------------------------------------------------------------


def answer(
    app: App, fields: dict[str, list[str]], upload: tuple[str, bytes] | None, accept: str | None
) -> Reply:
    values, tiers, fmt = _read_fields(fields)
    as_json = wants_json(fmt, accept)

    def work(view: FrameworkView) -> Reply:
        target = find(view, "level", values["target"], "target") if values.get("target") else None
        top = _top(values.get("top", ""))
        if upload is not None:
            if tiers:
                raise HttpError(
                    HTTPStatus.BAD_REQUEST,
                    "profile: upload a file or pick tiers in the form, not both",
                )
            if values.get("name"):
                raise HttpError(
                    HTTPStatus.BAD_REQUEST,
                    "name: an uploaded profile names its person itself: leave the name "
                    "empty, or pick tiers in the form instead of uploading a file",
                )
            read = read_upload(view, *upload)
            if read.team:
                return _team(view, read, target, as_json)
            ((name, held),) = read.people.items()
            notes = read.notes
        else:
            held = _tiers(view, tiers)
            name, notes = values.get("name") or "you", []
        matches = best_matches(view, held, top=top)
        gaps = [compare(view, held, target, source=name)] if target else []
        if as_json:
            return json_reply(person_record(name, len(held), matches, gaps))
        page = _form_page_for(
            view, values, held if upload is None else {}, matches, gaps, notes, name
        )
        return Reply(HTTPStatus.OK, page, HTML)

    return app.analyse(work)


def _read_fields(fields: dict[str, list[str]]) -> tuple[dict[str, str], dict[str, str], str]:
    """The form's values, its tiers (skill name -> tier text, blanks left out) and the
    format asked for; unknown or repeated fields are a 400 naming them."""
    tiers: dict[str, str] = {}
    for key, given in fields.items():
        if key.startswith(SKILL):
            if len(given) > 1:
                raise HttpError(
                    HTTPStatus.BAD_REQUEST, f"{key}: given more than once: give it once"
                )
            if given[0].strip():
                tiers[key[len(SKILL) :]] = given[0].strip()
    others = {k: v for k, v in fields.items() if not k.startswith(SKILL)}
    more = f" and {SKILL}SKILL for each skill's tier"
    values, fmt = read_params("/assess", others, FIELDS, more=more)
    return values, tiers, fmt


def _top(text: str) -> int:
    if not text:
        return TOP
    top = whole_number(text)
    if top is None or not 1 <= top <= MAX_TOP:
        raise HttpError(
            HTTPStatus.BAD_REQUEST, f"top: {text[:20]!r} is not a number from 1 to {MAX_TOP}"
        )
    return top


def _tiers(view: FrameworkView, tiers: dict[str, str]) -> dict[str, int]:
    """The form's tiers as skill IRI -> rank; a skill or tier that is not one is a 400
    naming its field."""
    held: dict[str, int] = {}
    for name, text in tiers.items():
        try:
            skill = find_skill(view, name)
        except NotFound as exc:
            close = ", ".join(repr(s) for s in exc.suggestions)
            hint = f"; did you mean {close}?" if close else ""
            raise HttpError(HTTPStatus.BAD_REQUEST, f"{SKILL}{name}: {exc.message}{hint}") from None
        rank = parse_tier(text)
        if rank is None:
            raise HttpError(
                HTTPStatus.BAD_REQUEST,
                f"{SKILL}{name}: unknown tier {text[:40]!r} (valid tiers: {VALID_TIERS})",
            )
        held[skill] = rank
    if not held:
        raise HttpError(
            HTTPStatus.BAD_REQUEST,
            "skill: pick a tier for at least one skill, or upload a profile file",
        )
    return held


def read_upload(view: FrameworkView, filename: str, data: bytes) -> ProfileFile:
    """A profile file sent by a person, read as ``rolegraph assess`` reads one: written to
    a private temporary folder (in memory where there is one, ``/dev/shm``) only while
    it is read, and deleted then. Any problem is a 400 naming the file, row and column."""
    base = Path(filename.replace("\\", "/")).name
    suffix = Path(base).suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv", ".txt"):
        raise HttpError(
            HTTPStatus.BAD_REQUEST,
            "profile: name the file .yaml for 'skill: tier' lines, or .csv for columns "
            "skill, tier (and person, for a team)",
        )
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:100].lstrip(".") or "profile" + suffix
    memory = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="rolegraph-assess-", dir=memory) as folder:
        path = Path(folder) / safe
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(handle, data)
        finally:
            os.close(handle)
        try:
            return read_profile(path, view)
        except RolegraphError as exc:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"profile: {exc}") from None


def _team(view: FrameworkView, read: ProfileFile, target: str | None, as_json: bool) -> Reply:
    """A team's coverage of the target level."""
    if target is None:
        raise HttpError(
            HTTPStatus.BAD_REQUEST,
            f"target: {read.label} is a team file (it has a person column): choose the level "
            "to cover",
        )
    cover = team_coverage(view, read.people, target)
    level = view.levels[target].label
    data = team_record(read.label, list(read.people), [(level, cover)])
    if as_json:
        return json_reply(data)
    page = render(
        "assess.html",
        **_form_values(view, {"target": level}, {}),
        title=f"{read.label} against {level}",
        matches=[],
        gap=None,
        team=data["targets"][0],
        people=len(read.people),
        notes=read.notes,
    )
    return Reply(HTTPStatus.OK, page, HTML)


# -- the page ---------------------------------------------------------------------------


def _form_page(app: App, query: dict[str, list[str]]) -> Reply:
    values, _tiers_given, fmt = _read_fields(query)
    if fmt == "json":
        raise HttpError(
            HTTPStatus.BAD_REQUEST,
            "format: GET /assess is the form; POST it (with format=json) for a JSON answer",
        )

    def work(view: FrameworkView) -> bytes:
        if values.get("target"):
            find(view, "level", values["target"], "target")
        return _form_page_for(view, values, {}, [], [], [])

    return Reply(HTTPStatus.OK, app.analyse(work), HTML)


def _form_page_for(
    view: FrameworkView,
    values: dict[str, str],
    held: dict[str, int],
    matches: list[Match],
    gaps: list[Gap],
    notes: list[str],
    name: str = "you",
) -> bytes:
    """The form, and the answer for ``name`` (as ``rolegraph assess`` names the person:
    "you" when no name is given) when there are ``matches``."""
    whose = "your" if name == "you" else f"{name}’s"
    ranked = [
        {
            "rank": i + 1,
            "level": link(m.level.iri, m.level.label),
            "role": m.role,
            "similarity": f"{round(m.similarity * 100)}%",
            "coverage": f"{round(m.coverage * 100)}%",
            "steps": m.steps,
        }
        for i, m in enumerate(matches)
    ]
    gap = gaps[0] if gaps else None
    return render(
        "assess.html",
        **_form_values(view, values, held),
        title="Assess your skills" if not matches else f"The levels most like {whose} skills",
        matches=ranked,
        gap=None
        if gap is None
        else {"summary": gap.summary(), "target": gap.target, "rows": gap_rows(gap)},
        team=None,
        people=0,
        notes=notes,
    )


def _form_values(
    view: FrameworkView, values: dict[str, str], held: dict[str, int]
) -> dict[str, Any]:
    """What the form shows: a tier select per skill (those of ``role`` when one is
    chosen), each set to ``held``, the target and the name."""
    role = values.get("role", "")
    shown = sorted(view.skills, key=lambda s: view.skills[s])
    if role:
        try:
            iri = find_role(view, role)
        except NotFound:
            find(view, "role", role, "role")
            raise
        shown = [s for s in shown if s in view.uses.get(iri, ()) or s in held]
        role = view.roles[iri].label
    return {
        "privacy": PRIVACY,
        "role": role,
        "roles": role_choices(view),
        "skills": [
            {
                "field": SKILL + view.skills[s],
                "id": f"skill-{i}",
                "name": view.skills[s],
                "chosen": TIERS[held[s] - 1] if s in held else "",
            }
            for i, s in enumerate(shown)
        ],
        "tiers": TIERS,
        "choices": level_choices(view),
        "target": values.get("target", ""),
        "name": values.get("name", ""),
        "top": values.get("top", "") or str(TOP),
        "max_upload": f"{MAX_UPLOAD // 1024} KB",
    }
