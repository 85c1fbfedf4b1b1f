"""``python -m rolegraph`` and the ``rolegraph`` command.

The command line is imported inside :func:`run`, so a Ctrl-C while it loads is an exit
with status 130 and one line, like a Ctrl-C at any other moment.
"""

import sys


def run() -> None:
    try:
        from rolegraph.cli import main
    except KeyboardInterrupt:  # while starting up: nothing was written yet
        sys.stderr.write("rolegraph: interrupted; no output file was left half-written\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
