"""Career analytics on a :class:`~rolegraph.analysis.view.FrameworkView`, one module per
question: :mod:`.gap` (the gap between two role levels), :mod:`.ladder` (a role's
ladder), :mod:`.similar` (similar roles and levels, the role x role overlap) and
:mod:`.heatmap` (its image), :mod:`.moves` (the cheapest path of moves between levels),
:mod:`.profiles` and :mod:`.assess` (how a person's or a team's skills compare with role
levels); :mod:`.common` holds tier ranks, result words and name look-ups.

Sits above :mod:`rolegraph.analysis.view` and below the CLI's commands. Nothing here
prints or exits; errors are :class:`~rolegraph.errors.InputError`.
"""

from __future__ import annotations

from rolegraph.analysis.careers.assess import Coverage, Match, best_matches, team_coverage
from rolegraph.analysis.careers.common import (
    ACROSS,
    ADDED,
    BANDS,
    GAP,
    LATERAL,
    LOWERED,
    MET,
    NOT_NEEDED,
    PROMOTION,
    RAISED,
    REMOVED,
    VALID_TIERS,
    Profile,
    find_level,
    find_role,
    find_role_of,
    find_role_or_level,
    find_skill,
    parse_tier,
    rank,
    tier_text,
)
from rolegraph.analysis.careers.gap import Gap, SkillGap, compare, gap_steps, level_gap
from rolegraph.analysis.careers.heatmap import IMAGE_FORMATS, MAX_HEATMAP_ROLES, write_heatmap
from rolegraph.analysis.careers.ladder import Change, Ladder, LadderStep, ladder
from rolegraph.analysis.careers.moves import (
    CareerPath,
    Move,
    career_path,
    move_graph,
    seniority_bands,
    tracks_of,
)
from rolegraph.analysis.careers.profiles import ProfileFile, read_profile
from rolegraph.analysis.careers.records import (
    MEASURE,
    gap_record,
    path_record,
    person_record,
    similar_record,
    team_record,
)
from rolegraph.analysis.careers.similar import (
    Neighbour,
    Overlap,
    cluster_order,
    overlap,
    similar,
)

__all__ = [
    "ACROSS",
    "ADDED",
    "BANDS",
    "GAP",
    "IMAGE_FORMATS",
    "LATERAL",
    "LOWERED",
    "MAX_HEATMAP_ROLES",
    "MEASURE",
    "MET",
    "NOT_NEEDED",
    "PROMOTION",
    "RAISED",
    "REMOVED",
    "VALID_TIERS",
    "CareerPath",
    "Change",
    "Coverage",
    "Gap",
    "Ladder",
    "LadderStep",
    "Match",
    "Move",
    "Neighbour",
    "Overlap",
    "Profile",
    "ProfileFile",
    "SkillGap",
    "best_matches",
    "career_path",
    "cluster_order",
    "compare",
    "find_level",
    "find_role",
    "find_role_of",
    "find_role_or_level",
    "find_skill",
    "gap_record",
    "gap_steps",
    "ladder",
    "level_gap",
    "move_graph",
    "overlap",
    "parse_tier",
    "path_record",
    "person_record",
    "rank",
    "read_profile",
    "seniority_bands",
    "similar",
    "similar_record",
    "team_coverage",
    "team_record",
    "tier_text",
    "tracks_of",
    "write_heatmap",
]
