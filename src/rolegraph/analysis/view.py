"""Analytical views of a graph: who needs what at which tier, and how roles overlap.

:func:`framework_view` reads a graph once (seven SELECTs) into plain Python
structures. Overlaps are sparse matrix products, which stay fast as the framework
grows (a SPARQL self-join is quadratic in the number of roles sharing a skill):

* ``shared[a, b]`` = number of skills roles a and b both use = ``B @ B.T`` for the
  binary role x skill matrix ``B``;
* tier-aware similarity (weighted Jaccard) = sum over skills of min(tier_a, tier_b)
  divided by the sum of max(tier_a, tier_b), where a role's tier for a skill is the
  highest tier any of its levels needs (rank 1-4; 1 for a skill the role uses with no
  tier known). Because tiers are small integers, sum(min) = sum over k = 1..4 of
  ``B_k @ B_k.T`` with ``B_k = (W >= k)``, so it is four sparse products too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rolegraph.combine.ordering import MAIN_TRACK, level_track
from rolegraph.errors import DataInvalid
from rolegraph.model.vocab import TIERS, compact_iri, sparql_prefixes
from rolegraph.spelling import advice

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

    from rolegraph.graph.store import RoleGraph

_PREFIX = sparql_prefixes("rg", "rdfs")


@dataclass(frozen=True)
class RoleInfo:
    iri: str
    label: str
    family: str | None
    senior_civil_service: bool = False


@dataclass(frozen=True)
class LevelInfo:
    iri: str
    label: str
    role: str
    rank: int
    #: "stated" (a source gives the order) or "derived" (rolegraph worked it out).
    rank_basis: str | None = None
    #: "main", or "management" for "X - management", the level beside X (rg:track).
    track: str = MAIN_TRACK


@dataclass
class FrameworkView:
    """The graph's roles, levels, skills and requirements as plain Python data (IRIs as keys)."""

    roles: dict[str, RoleInfo] = field(default_factory=dict)
    levels: dict[str, LevelInfo] = field(default_factory=dict)
    skills: dict[str, str] = field(default_factory=dict)
    #: level IRI -> {skill IRI: tier rank (1-4), or None for an untiered requirement}
    requirements: dict[str, dict[str, int | None]] = field(default_factory=dict)
    #: role IRI -> the skills it uses (any level's requirement, or a listed link)
    uses: dict[str, set[str]] = field(default_factory=dict)
    #: (level IRI, skill IRI) -> the requirement's "You can: ..." text, as written for the level
    descriptors: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (skill IRI, tier rank 1-4) -> what a person at that tier can do, from the skill descriptions
    tier_descriptors: dict[tuple[str, int], str] = field(default_factory=dict)
    #: IRI of a role, level or skill -> its alternative labels (other names in the sources)
    alt_labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _by_role: dict[str, list[LevelInfo]] | None = field(default=None, repr=False, compare=False)
    _indexed: int = field(default=-1, repr=False, compare=False)
    #: The graph the view was read from: descriptors are fetched from it when first asked for.
    graph: RoleGraph | None = field(default=None, repr=False, compare=False)
    _texts_of_level: set[str] = field(default_factory=set, repr=False, compare=False)
    _texts_of_skill: set[str] = field(default_factory=set, repr=False, compare=False)
    #: the graph of moves between levels (careers.move_graph), with the sizes it was made at
    _moves: tuple[tuple[int, int], Any] | None = field(default=None, repr=False, compare=False)

    def levels_of(self, role: str) -> list[LevelInfo]:
        """A role's levels, most junior first."""
        if self._by_role is None or self._indexed != len(self.levels):
            index: dict[str, list[LevelInfo]] = {}
            for lv in self.levels.values():
                index.setdefault(lv.role, []).append(lv)
            for found in index.values():
                found.sort(key=lambda lv: (lv.rank, lv.label))
            self._by_role, self._indexed = index, len(self.levels)
        return list(self._by_role.get(role, ()))

    def role_tiers(self, role: str) -> dict[str, int | None]:
        """Each skill the role uses -> the highest tier any of its levels needs (None if none)."""
        out: dict[str, int | None] = dict.fromkeys(sorted(self.uses.get(role, ())))
        for lv in self.levels_of(role):
            for skill, tier in self.requirements.get(lv.iri, {}).items():
                best = out.get(skill)
                if tier is not None and (best is None or tier > best):
                    out[skill] = tier
                else:
                    out.setdefault(skill, best)
        return out

    def role_by_label(self) -> dict[str, str]:
        return {r.label: iri for iri, r in self.roles.items()}

    def descriptor(self, level: str, skill: str) -> str | None:
        """What ``level`` needs a person to do with ``skill``: the requirement's own text,
        else the skill's descriptor at the required tier."""
        self._fetch_texts(level, skill)
        text = self.descriptors.get((level, skill))
        if text:
            return text
        tier = self.requirements.get(level, {}).get(skill)
        return self.tier_descriptors.get((skill, tier)) if tier is not None else None

    def _fetch_texts(self, level: str, skill: str) -> None:
        """Read a level's requirement texts and a skill's tier texts on first use (the texts
        are most of a large graph's bytes, and most analyses never show them)."""
        import pyoxigraph as ox

        if self.graph is None:
            return
        if level not in self._texts_of_level:
            self._texts_of_level.add(level)
            for row in self.graph.query(
                _PREFIX
                + "SELECT ?s ?text WHERE { ?q rg:roleLevel ?level ; rg:skill ?s ; rg:descriptor ?text }",
                {"level": ox.NamedNode(level)},
            ):
                self.descriptors[(level, row["s"].value)] = row["text"].value
        if skill not in self._texts_of_skill:
            self._texts_of_skill.add(skill)
            for row in self.graph.query(
                _PREFIX
                + """SELECT ?rank ?text WHERE {
                    ?skill rg:tierDescriptor ?d . ?d rg:tier/rg:rank ?rank ; rg:descriptor ?text }""",
                {"skill": ox.NamedNode(skill)},
            ):
                rank = tier_rank_value(row["rank"], f"a tier of skill <{skill}>")
                self.tier_descriptors[(skill, rank)] = row["text"].value

    def labels(self, kind: str) -> list[tuple[str, str]]:
        """(IRI, name) for every ``kind`` ("role", "level" or "skill"), alternative names too."""
        if kind == "skill":
            names = dict(self.skills)
        elif kind == "role":
            names = {iri: r.label for iri, r in self.roles.items()}
        else:
            names = {iri: lv.label for iri, lv in self.levels.items()}
        out: list[tuple[str, str]] = []
        for iri, label in names.items():
            out.append((iri, label))
            out.extend((iri, alt) for alt in self.alt_labels.get(iri, ()))
        return sorted(out, key=lambda pair: (pair[1], pair[0]))


def rank_value(term: Any, what: str) -> int:
    """An ``rg:rank`` read from the graph (an RDF term, or its text) as an integer; a
    graph that gives something else (``"two"``) is invalid data, named, never a crash."""
    text = term if isinstance(term, str) else term.value
    try:
        return int(text)
    except (TypeError, ValueError):
        shown = text if len(text) <= 40 else text[:39] + "…"
        raise DataInvalid(
            f"{what} has rank {shown!r}, which is not an integer",
            hint=f"fix the graph; {advice('validate')} lists every problem",
        ) from None


def tier_rank_value(term: Any, what: str) -> int:
    """A proficiency tier's ``rg:rank``: an integer from 1 to 4 (the shapes say so, and
    the analyses index the four tiers by it); anything else is invalid data, named."""
    rank = rank_value(term, what)
    if not 1 <= rank <= len(TIERS):
        text = str(rank)
        shown = text if len(text) <= 40 else text[:39] + "…"
        raise DataInvalid(
            f"{what} has rank {shown}, out of range: a proficiency tier's rank is 1 to 4",
            hint=f"fix the graph; {advice('validate')} lists every problem",
        )
    return rank


def _tier_ranks(graph: RoleGraph) -> dict[str, int]:
    """The rank of every tier a requirement names; a tier with two ranks is invalid data,
    named (read with the requirements, it made them look needed at two tiers)."""
    ranks: dict[str, int] = {}
    for row in graph.query(
        _PREFIX
        + "SELECT DISTINCT ?t ?rank WHERE { [] rg:roleLevel [] ; rg:tier ?t . ?t rg:rank ?rank }"
    ):
        iri = row["t"].value
        rank = tier_rank_value(row["rank"], f"tier <{iri}>")
        if ranks.get(iri, rank) != rank:
            low, high = sorted((ranks[iri], rank))
            raise DataInvalid(
                f"the tier {compact_iri(iri) or iri} has two ranks ({low} and {high})",
                hint=f"a tier has one rank; {advice('validate')} lists every problem",
            )
        ranks[iri] = rank
    return ranks


def framework_view(graph: RoleGraph, *, tiers: bool = True, levels: bool = True) -> FrameworkView:
    """Read what the analyses need from ``graph``: roles, levels, skills, what each role
    uses and (``tiers``) the tier each level needs each skill at. Descriptor texts are
    read later, as they are asked for. ``levels=False`` reads only roles, skills and what
    each role uses: all :func:`role_pairs` needs, in a fraction of the time."""
    view = FrameworkView(graph=graph)
    for row in graph.query(
        _PREFIX
        + """SELECT ?r ?label ?family ?scs WHERE {
            ?r a rg:Role ; rdfs:label ?label .
            OPTIONAL { ?r rg:family/rdfs:label ?family }
            BIND (EXISTS { ?r a rg:SeniorCivilServiceRole } AS ?scs)
        }"""
    ):
        iri = row["r"].value
        view.roles[iri] = RoleInfo(
            iri,
            row["label"].value,
            row["family"].value if row["family"] else None,
            row["scs"].value == "true",
        )
    for row in graph.query(
        _PREFIX + "SELECT ?s ?label WHERE { ?s a rg:Skill ; rdfs:label ?label }"
    ):
        view.skills[row["s"].value] = row["label"].value
    for row in graph.query(_PREFIX + "SELECT ?r ?s WHERE { ?r rg:usesSkill ?s }"):
        view.uses.setdefault(row["r"].value, set()).add(row["s"].value)
    if not levels:
        return view
    for row in graph.query(
        _PREFIX
        + """SELECT ?l ?label ?role ?rank ?basis ?track WHERE {
            ?l a rg:RoleLevel ; rdfs:label ?label ; rg:role ?role .
            OPTIONAL { ?l rg:rank ?rank } OPTIONAL { ?l rg:rankBasis ?basis }
            OPTIONAL { ?l rg:track ?track }
        }"""
    ):
        rank = (
            rank_value(row["rank"], f"role level {row['label'].value!r}")
            if row["rank"] is not None
            else 0
        )
        held = view.levels.get(row["l"].value)
        if held is not None and held.rank != rank:
            raise DataInvalid(
                f"role level {row['label'].value!r} has two ranks "
                f"({min(held.rank, rank)} and {max(held.rank, rank)})",
                hint=f"a role level has one rank; {advice('validate')} lists every problem",
            )
        view.levels[row["l"].value] = LevelInfo(
            row["l"].value,
            row["label"].value,
            row["role"].value,
            rank,
            row["basis"].value if row["basis"] is not None else None,
            # A graph written before rg:track existed: the name says it.
            row["track"].value if row["track"] is not None else level_track(row["label"].value),
        )
    ranks = _tier_ranks(graph) if tiers else {}
    for row in graph.query(
        _PREFIX
        + """SELECT ?l ?s ?t WHERE {
            ?q rg:roleLevel ?l ; rg:skill ?s . OPTIONAL { ?q rg:tier ?t }
        }"""
        if tiers
        else _PREFIX + "SELECT ?l ?s WHERE { ?l rg:requiresSkill ?s }"
    ):
        found = ranks.get(row["t"].value) if tiers and row["t"] is not None else None
        if tiers and row["t"] is not None and found is None:
            # A tier the graph does not rank is not "untiered": it is a tier we cannot place.

            level = view.levels.get(row["l"].value)
            skill = view.skills.get(row["s"].value, row["s"].value)
            tier_iri = row["t"].value
            raise DataInvalid(
                f"{level.label if level else row['l'].value} needs {skill} at "
                f"{compact_iri(tier_iri) or tier_iri}, which is not one of the four tiers",
                hint="use awareness, working, practitioner or expert; "
                f"{advice('validate')} lists every problem",
            )
        tier = found
        needs = view.requirements.setdefault(row["l"].value, {})
        if tiers and needs.get(row["s"].value, tier) != tier:
            level = view.levels.get(row["l"].value)
            raise DataInvalid(
                f"{level.label if level else row['l'].value} needs "
                f"{view.skills.get(row['s'].value, row['s'].value)} at two tiers "
                f"({TIERS[min(needs[row['s'].value] or 1, tier or 1) - 1]} and "
                f"{TIERS[max(needs[row['s'].value] or 1, tier or 1) - 1]})",
                hint=f"a requirement has one tier; {advice('validate')} lists every problem",
            )
        needs[row["s"].value] = tier
    alts: dict[str, set[str]] = {}
    for row in graph.query(
        "SELECT ?x ?alt WHERE { ?x <http://www.w3.org/2004/02/skos/core#altLabel> ?alt }"
    ):
        alts.setdefault(row["x"].value, set()).add(row["alt"].value)
    view.alt_labels = {iri: tuple(sorted(names)) for iri, names in alts.items()}
    return view


@dataclass
class SkillMatrix:
    """Rows (roles or levels) x skills, holding tier ranks (0 = not needed)."""

    rows: list[str]
    skills: list[str]
    weights: sp.csr_matrix

    def binary(self, at_least: int = 1) -> sp.csr_matrix:
        import numpy as np

        m = self.weights.copy()
        m.data = (m.data >= at_least).astype(np.int64)
        m.eliminate_zeros()
        return m


def role_matrix(view: FrameworkView, roles: Sequence[str] | None = None) -> SkillMatrix:
    """Roles x skills with each role's highest tier (1 where the role uses a skill untiered)."""
    order = (
        list(roles) if roles is not None else sorted(view.roles, key=lambda r: view.roles[r].label)
    )
    return _matrix(order, ((r, view.role_tiers(r)) for r in order), view)


def level_matrix(view: FrameworkView, levels: Sequence[str] | None = None) -> SkillMatrix:
    """Role levels x skills with the tier each level needs."""
    order = (
        list(levels)
        if levels is not None
        else sorted(
            view.levels,
            key=lambda lv: (view.roles[view.levels[lv].role].label, view.levels[lv].rank),
        )
    )
    return _matrix(order, ((lv, view.requirements.get(lv, {})) for lv in order), view)


def _matrix(
    rows: list[str], tiers: Iterable[tuple[str, dict[str, int | None]]], view: FrameworkView
) -> SkillMatrix:
    import numpy as np
    import scipy.sparse as sp

    skills = sorted(view.skills, key=lambda s: view.skills[s])
    col = {s: j for j, s in enumerate(skills)}
    r_idx: list[int] = []
    c_idx: list[int] = []
    data: list[int] = []
    for i, (_, by_skill) in enumerate(tiers):
        for skill, tier in by_skill.items():
            if skill in col:
                r_idx.append(i)
                c_idx.append(col[skill])
                data.append(tier if tier is not None else 1)
    weights = sp.csr_matrix(
        (
            np.array(data, dtype=np.int64),
            (np.array(r_idx, dtype=np.int64), np.array(c_idx, dtype=np.int64)),
        ),
        shape=(len(rows), len(skills)),
    )
    return SkillMatrix(rows, skills, weights)


def shared_counts(matrix: SkillMatrix) -> sp.csr_matrix:
    """rows x rows: how many skills each pair shares (the diagonal: each row's own count)."""
    b = matrix.binary()
    return (b @ b.T).tocsr()


def weighted_jaccard(matrix: SkillMatrix) -> np.ndarray[Any, Any]:
    """rows x rows tier-aware similarity in [0, 1] (see the module doc), as a dense array."""
    import numpy as np

    sim = sparse_weighted_jaccard(matrix).toarray()
    total = np.asarray(matrix.weights.sum(axis=1)).ravel()
    # A row with skills is identical to itself even where it shares nothing with others.
    np.fill_diagonal(sim, np.where(total > 0, 1.0, 0.0))
    return np.asarray(sim, dtype=float)


def sparse_weighted_jaccard(matrix: SkillMatrix) -> sp.csr_matrix:
    """The same similarity, only for pairs that share a skill (the rest are 0): memory
    grows with the pairs, not with rows squared."""
    import numpy as np

    mins: sp.csr_matrix | None = None
    for k in range(1, len(TIERS) + 1):
        bk = matrix.binary(at_least=k)
        product = (bk @ bk.T).tocsr()
        mins = product if mins is None else (mins + product).tocsr()
    assert mins is not None
    total = np.asarray(matrix.weights.sum(axis=1)).ravel().astype(float)
    coo = mins.tocoo()
    maxes = total[coo.row] + total[coo.col] - coo.data
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(maxes > 0, coo.data / maxes, 0.0)
    import scipy.sparse as sparse

    return sparse.csr_matrix((values, (coo.row, coo.col)), shape=mins.shape)


def tier_similarity(a: Mapping[str, int | None], b: Mapping[str, int | None]) -> float:
    """Weighted Jaccard of two skill -> tier profiles: the same measure as
    :func:`weighted_jaccard` (an untiered skill counts as 1), for one pair, in plain Python."""
    mins = maxes = 0
    for skill in a.keys() | b.keys():
        x = (a[skill] or 1) if skill in a else 0
        y = (b[skill] or 1) if skill in b else 0
        mins += min(x, y)
        maxes += max(x, y)
    return mins / maxes if maxes else 0.0


def role_pairs(view: FrameworkView) -> list[tuple[str, str, int]]:
    """Every pair of roles sharing skills, as the saved query role-pairs orders them."""
    matrix = role_matrix(view)
    counts = shared_counts(matrix).tocoo()
    labels = [view.roles[r].label for r in matrix.rows]
    # Each pair once (the matrix is symmetric), its two names in alphabetical order; two
    # roles that share a name are still two roles.
    pairs = [
        (*sorted((labels[i], labels[j])), int(n))
        for i, j, n in zip(counts.row, counts.col, counts.data, strict=True)
        if n and i < j
    ]
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return pairs
