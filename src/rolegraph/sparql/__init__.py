"""SPARQL text, saved queries, their binding and running: locally in bounded workers, or remotely."""
