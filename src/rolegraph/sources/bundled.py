"""The bundled data: role pages kept as YAML in ``data/roles/``, one file per page.

The YAML mirrors the page: the role, its levels in page (seniority) order with
their skills, tiers and "You can:" descriptors, and the "Role / Shared skills"
table. A maintainer edits it by hand; ``rolegraph validate`` checks the result, and
``scripts/seed_to_yaml.py`` regenerates it from the seed page.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rolegraph.errors import InputError, SourceError
from rolegraph.model import paths
from rolegraph.model.records import (
    ROLE_PAGE_KIND,
    Framework,
    Origin,
    Requirement,
    Role,
    RoleLevel,
    SharedSkills,
    Skill,
    Source,
)
from rolegraph.model.vocab import OGL, TIERS, tier_name
from rolegraph.sources.yamlkeys import unique_key_loader
from rolegraph.util.tables import decode_utf8, read_bytes
from rolegraph.util.text import clean_name, clean_text

_TOP = {"source", "role", "levels", "shared_skills"}
_SOURCE = {"title", "kind", "url", "published", "updated", "release", "licence", "summary", "key"}
_ROLE = {"name", "family", "description", "senior_civil_service"}
_LEVEL = {"name", "description", "grades", "skills"}
_REQ = {"skill", "tier", "descriptor"}
_SHARED = {"role", "skills"}


class _Reader:
    def __init__(self, label: str) -> None:
        self.label = label

    def fail(self, where: str, message: str) -> InputError:
        return SourceError(
            f"{self.label}, {where}: {message}",
            hint="fix the YAML by hand (see data/README.md for its format)",
        )

    def mapping(self, value: object, where: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping, got {type(value).__name__}")
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            raise self.fail(
                where, f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
            )
        return value

    def text(
        self, m: dict[str, Any], key: str, where: str, *, required: bool = False
    ) -> str | None:
        value = m.get(key)
        if value is None:
            if required:
                raise self.fail(where, f"{key!r} is required")
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(f"{where}.{key}", f"expected text, got {type(value).__name__}")
        cleaned = clean_text(str(value))[0]
        if required and not cleaned:
            raise self.fail(where, f"{key!r} is empty")
        return cleaned or None

    def name(self, m: dict[str, Any], key: str, where: str) -> str:
        value = self.text(m, key, where, required=True)
        assert value is not None
        return clean_name(value)[0]

    def items(self, m: dict[str, Any], key: str, where: str) -> list[Any]:
        value = m.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"{where}.{key}", f"expected a list, got {type(value).__name__}")
        return value


def load_role_yaml(path: Path | str) -> Framework:
    """Read one bundled role file into records."""
    import yaml

    p = Path(path)
    label = p.name
    text = decode_utf8(read_bytes(p, "bundled role file"), label)
    try:
        loader = unique_key_loader(label, "give each key once (see data/README.md)")
        doc = yaml.load(text, Loader=loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "somewhere"
        raise SourceError(
            f"{label}, {where}: not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    r = _Reader(label)
    doc = r.mapping(doc, "top level", _TOP)
    src = r.mapping(doc.get("source") or {}, "source", _SOURCE)
    role_m = r.mapping(doc.get("role"), "role", _ROLE)
    role = r.name(role_m, "name", "role")
    source = Source(
        key=r.text(src, "key", "source") or label,
        kind=r.text(src, "kind", "source") or ROLE_PAGE_KIND,
        title=r.text(src, "title", "source") or role,
        location=str(p),
        url=r.text(src, "url", "source"),
        published=r.text(src, "published", "source"),
        updated=r.text(src, "updated", "source"),
        release=r.text(src, "release", "source"),
        licence=_licence(r.text(src, "licence", "source")),
        description=r.text(src, "summary", "source"),
    )
    origin = Origin(source.key)
    fw = Framework(sources=[source])
    scs = role_m.get("senior_civil_service", False)
    if not isinstance(scs, bool):
        raise r.fail("role.senior_civil_service", "expected true or false")
    fw.roles.append(
        Role(
            role,
            family=r.text(role_m, "family", "role"),
            description=r.text(role_m, "description", "role"),
            senior_civil_service=scs,
            origin=origin,
        )
    )
    descriptors: dict[str, dict[str, str]] = {}
    levels = r.items(doc, "levels", "top level")
    if not levels:
        raise r.fail("levels", "the role has no levels")
    for i, raw_level in enumerate(levels, start=1):
        where = f"levels[{i}]"
        lv = r.mapping(raw_level, where, _LEVEL)
        name = r.name(lv, "name", where)
        grades = tuple(str(g) for g in r.items(lv, "grades", where))
        fw.levels.append(
            RoleLevel(
                role,
                name,
                description=r.text(lv, "description", where),
                rank=i,
                rank_basis="stated",
                grades=grades,
                origin=origin,
            )
        )
        for j, raw_req in enumerate(r.items(lv, "skills", where), start=1):
            rwhere = f"{where}.skills[{j}]"
            req = r.mapping(raw_req, rwhere, _REQ)
            skill = r.name(req, "skill", rwhere)
            tier_text = r.text(req, "tier", rwhere)
            tier = tier_name(tier_text) if tier_text else None
            if tier_text and tier is None:
                raise r.fail(
                    f"{rwhere}.tier", f"unknown tier {tier_text!r} (use one of {', '.join(TIERS)})"
                )
            if tier is None and not scs:
                raise r.fail(
                    rwhere, "'tier' is required (only Senior Civil Service roles have none)"
                )
            descriptor = r.text(req, "descriptor", rwhere)
            fw.requirements.append(Requirement(role, name, skill, tier, descriptor, origin))
            seen = descriptors.setdefault(skill, {})
            if tier is not None and descriptor is not None:
                seen.setdefault(tier, descriptor)
    for skill, by_tier in descriptors.items():
        pairs = tuple((t, by_tier[t]) for t in TIERS if t in by_tier)
        fw.skills.append(Skill(skill, descriptors=pairs, origin=origin))
    for i, raw_row in enumerate(r.items(doc, "shared_skills", "top level"), start=1):
        where = f"shared_skills[{i}]"
        row = r.mapping(raw_row, where, _SHARED)
        other = r.name(row, "role", where)
        skills = tuple(clean_name(str(s))[0] for s in r.items(row, "skills", where))
        if not skills:
            raise r.fail(where, "lists no skills")
        fw.shared.append(SharedSkills(role, other, skills, origin))
    return fw


def _licence(text: str | None) -> str | None:
    if text is None or "open government licence" in text.lower():
        return OGL
    return text


def dump_role_yaml(fw: Framework, *, header: Iterable[str] = ()) -> str:
    """Write one role's records as bundled YAML (the inverse of :func:`load_role_yaml`)."""
    if len(fw.roles) != 1:
        raise SourceError(f"a bundled file holds one role; these records hold {len(fw.roles)}")
    role = fw.roles[0]
    source = fw.sources[0] if fw.sources else None
    doc: dict[str, Any] = {}
    if source is not None:
        doc["source"] = {
            k: v
            for k, v in {
                "title": source.title,
                "kind": source.kind,
                "url": source.url,
                "published": source.published,
                "updated": source.updated,
                "release": source.release,
                "licence": "Open Government Licence v3.0"
                if source.licence == OGL
                else source.licence,
                "summary": source.description,
            }.items()
            if v
        }
    doc["role"] = {
        k: v
        for k, v in {
            "name": role.name,
            "family": role.family,
            "description": role.description,
            "senior_civil_service": role.senior_civil_service or None,
        }.items()
        if v is not None
    }
    doc["levels"] = []
    for level in fw.levels_of(role.name):
        entry: dict[str, Any] = {"name": level.name}
        if level.description:
            entry["description"] = level.description
        if level.grades:
            entry["grades"] = list(level.grades)
        entry["skills"] = [
            {
                k: v
                for k, v in {"skill": q.skill, "tier": q.tier, "descriptor": q.descriptor}.items()
                if v is not None
            }
            for q in fw.requirements
            if q.level == level.name
        ]
        doc["levels"].append(entry)
    if fw.shared:
        doc["shared_skills"] = [{"role": s.other_role, "skills": list(s.skills)} for s in fw.shared]
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    lines = [f"# {line}" if line else "#" for line in header]
    return ("\n".join(lines) + "\n" if lines else "") + body


def load_bundled() -> list[Framework]:
    """The bundled role pages in ``data/roles/``."""
    return [load_role_yaml(p) for p in paths.bundled_files()]
