"""Make larger frameworks with the real shape, for benchmarks.

    python benchmarks/synthetic.py FACTOR OUT_DIR [--roles ROLE_CSV --skills SKILL_CSV]

Writes ``OUT_DIR/role-content.csv`` and ``OUT_DIR/skill-descriptions.csv`` in the
official format holding FACTOR copies of the real export: copy 1 is the export as it
is; copy c > 1 replicates every role, level and skill under new names (" (copy c)"),
with the same levels per role, skills per level, tiers and texts, so the tier mix and
every per-role figure stay those of the real framework while the totals grow FACTOR
times. Quirks (duplicates, sentinels, invisible characters) are replicated too.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import FRAMEWORK

NOT_IN_USE = "NOT IN USE"


def generate(
    factor: int, out: Path, roles: Path | None = None, skills: Path | None = None
) -> tuple[Path, Path]:
    roles = roles or FRAMEWORK / "role-content.csv"
    skills = skills or FRAMEWORK / "skill-descriptions.csv"
    out.mkdir(parents=True, exist_ok=True)
    with roles.open(encoding="utf-8", newline="") as f:
        role_rows = list(csv.reader(f))
    with skills.open(encoding="utf-8", newline="") as f:
        skill_rows = list(csv.reader(f))
    r_head, s_head = role_rows[0], skill_rows[0]
    ri = {h: i for i, h in enumerate(r_head)}
    si = {h: i for i, h in enumerate(s_head)}
    role_out = out / "role-content.csv"
    skill_out = out / "skill-descriptions.csv"
    with role_out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(r_head)
        for copy in range(1, factor + 1):
            suffix = "" if copy == 1 else f" (copy {copy})"
            for row in role_rows[1:]:
                new = list(row)
                if suffix:
                    new[ri["Role"]] = row[ri["Role"]].rstrip() + suffix
                    if row[ri["Role Level"]] != NOT_IN_USE:
                        new[ri["Role Level"]] = row[ri["Role Level"]].rstrip() + suffix
                    new[ri["Skill Name"]] = row[ri["Skill Name"]] + suffix
                w.writerow(new)
    with skill_out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(s_head)
        for copy in range(1, factor + 1):
            suffix = "" if copy == 1 else f" (copy {copy})"
            for row in skill_rows[1:]:
                new = list(row)
                if suffix:
                    new[si["Skill Name"]] = row[si["Skill Name"]] + suffix
                    listed = [
                        n.strip()
                        for n in row[si["Roles that require Skill"]].split(",")
                        if n.strip()
                    ]
                    new[si["Roles that require Skill"]] = ", ".join(n + suffix for n in listed)
                w.writerow(new)
    return role_out, skill_out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("factor", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--roles", type=Path)
    parser.add_argument("--skills", type=Path)
    args = parser.parse_args()
    r, s = generate(args.factor, args.out, args.roles, args.skills)
    print(f"wrote {r} and {s}")


if __name__ == "__main__":
    main()
