"""The web server: pages, the SPARQL endpoint and the explorer over HTTP."""
