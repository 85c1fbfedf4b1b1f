"""The command line: thin commands that parse arguments, call one library function,
render the result and exit (:mod:`.exits`: 0 ok, 1 data invalid, 2 error).

- :mod:`.group`: the ``rolegraph`` group, loading each command's module when it runs;
- :mod:`.options`: options shared by the commands (``--graph``, ``--format``, ``-o``);
- one module per command family: :mod:`.graph_cmds`, :mod:`.serve_cmds`, :mod:`.query_cmds`,
  :mod:`.analysis_cmds`, :mod:`.viz_cmds`.

Only this package prints, and only it names flags.
"""

from rolegraph.cli.group import cli, main

__all__ = ["cli", "main"]
