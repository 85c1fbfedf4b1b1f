"""Source readers: each reads one kind of input into :class:`rolegraph.model.records.Framework`
records and notes what it skipped in an :class:`rolegraph.model.report.ImportReport`.

- :mod:`.csv_export`: the official CSV export (role content, skill descriptions);
- :mod:`.bundled`: the bundled role pages in ``data/roles/``;
- :mod:`.pages`: the framework's published HTML pages, fetched or saved;
- :mod:`.profile`: a person's or a team's skills, for the career questions.

Readers never combine: :func:`rolegraph.combine.framework.load_framework` does.
"""
