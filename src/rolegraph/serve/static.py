"""The files ``rolegraph serve`` serves as they are, under ``/static/``: the vendored
YASGUI editor (``static/yasgui/``, its licence beside it) and the script that sets it up
for the ``/sparql`` page, and the site's icon (``favicon.ico``, also at ``/favicon.ico``,
where browsers ask for it). Only the files packaged in ``static/`` are served (the list is
read once); nothing is fetched from anywhere else."""

from __future__ import annotations

import functools
from http import HTTPStatus
from importlib import resources

from rolegraph.serve.reply import HttpError, Reply

#: file extension -> Content-Type
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".ico": "image/x-icon",
    "": "text/plain; charset=utf-8",
}
#: a day: the files change only with rolegraph's version
CACHE = (("Cache-Control", "public, max-age=86400"),)


@functools.cache
def files() -> dict[str, str]:
    """The files served: their path under ``static/`` -> Content-Type."""
    out: dict[str, str] = {}

    def walk(folder: resources.abc.Traversable, prefix: str) -> None:
        for entry in folder.iterdir():
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
                continue
            suffix = "." + entry.name.rsplit(".", 1)[-1] if "." in entry.name else ""
            if suffix in TYPES:
                out[prefix + entry.name] = TYPES[suffix]

    walk(resources.files("rolegraph.serve") / "static", "")
    return out


def static(name: str) -> Reply:
    """One of the packaged files, or a 404."""
    media = files().get(name)
    if media is None:
        raise HttpError(HTTPStatus.NOT_FOUND, f"nothing at /static/{name[:200]}")
    data = (resources.files("rolegraph.serve") / "static" / name).read_bytes()
    return Reply(HTTPStatus.OK, data, media, headers=CACHE)
