"""How the command line spells the options and next steps library text names.

Library messages name an option by its parameter (``option("max_nodes")``) and a next
step by a key (``advice("validate")``; see :mod:`rolegraph.spelling`). While a command
runs, the CLI spells them as its users type them: flags and whole commands.
"""

from __future__ import annotations

#: options whose flag is not ``--`` and the parameter name in dash-case
FLAGS: dict[str, str] = {
    "output": "-o",
}

#: each next step as the command that takes it ({0}, {1}: the step's arguments)
COMMANDS: dict[str, str] = {
    "validate": "'rolegraph validate --graph GRAPH'",
    "build-file": "'rolegraph build -o FILE'",
    "build-store": "'rolegraph build --store DIR'",
    "build-csv": (
        "'rolegraph build --roles role-content.csv --skills skill-descriptions.csv "
        "-o framework.ttl'"
    ),
    "build-page": "'rolegraph build --page {0} -o graph.ttl'",
    "build-whole": "'rolegraph build --roles CSV ...'",
    "build-release": "'rolegraph build ... --store DIR --release NAME'",
    "add-release": "'rolegraph build --store DIR --release NAME'",
    "releases": "'rolegraph releases STORE_DIR'",
    "export": "'rolegraph export'",
    "queries": "'rolegraph queries'",
    "serve": "'rolegraph serve'",
    "open-store": "rolegraph ... --graph {0}",
    "list-roles": "'rolegraph query families'",
    "list-levels": "'rolegraph query role-levels --param role=ROLE'",
    "list-skills": "'rolegraph query top-skills'",
    "list-families": "'rolegraph query families'",
}


class CommandLineSpelling:
    """Options as flags, next steps as commands to type."""

    def option(self, name: str) -> str:
        return FLAGS.get(name, "--" + name.replace("_", "-"))

    def advice(self, key: str, *args: str) -> str:
        return COMMANDS[key].format(*args)


CLI_SPELLING = CommandLineSpelling()
