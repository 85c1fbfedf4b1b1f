"""Helpers that know nothing of the framework: text, files, HTTP, tables, rendering."""
