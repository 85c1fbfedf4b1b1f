"""The RDF graph: the store, building it from records, opening what the user gave, releases, validation, export, publishing."""
