"""``python -m rolegraph``."""

import sys

try:
    from rolegraph.cli import main
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing was written yet
    sys.stderr.write("rolegraph: interrupted; no output file was left half-written\n")
    sys.exit(130)

main()
