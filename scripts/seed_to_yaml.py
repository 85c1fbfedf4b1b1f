"""Regenerate the bundled YAML from a GOV.UK role page saved as text (the seed).

    python scripts/seed_to_yaml.py ../shared/seeds/000_8f440ef26aa17d85.txt \
        > data/roles/machine-learning-engineer.yaml

The test suite checks that the bundled file and the seed give the same records.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rolegraph.model.report import ImportReport
from rolegraph.sources.bundled import dump_role_yaml
from rolegraph.sources.pages.role_text import read_govuk_text

HEADER = (
    "Bundled data: the Machine learning engineer role page of the Government Digital and Data",
    "Profession Capability Framework (GOV.UK, published 30 August 2024).",
    "Crown copyright, Open Government Licence v3.0:",
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "",
    "Levels are listed in page order, which is their seniority order. Each skill entry is a",
    "requirement: the skill, its tier (awareness, working, practitioner or expert) and the",
    "'You can:' descriptor as written for that level. See data/README.md for the format.",
    "Regenerate from the seed with scripts/seed_to_yaml.py.",
)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    framework = read_govuk_text(Path(argv[0]), ImportReport())
    sys.stdout.write(dump_role_yaml(framework, header=HEADER))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
