"""How ``rolegraph serve`` spells the options and next steps library text names (see
:mod:`rolegraph.spelling`): a web reader is shown the service's own pages, under its root
path (``/queries/families``), and steps only the service's operator can take in words,
never a shell command. :mod:`.web` sets it for every request, so the command line's
spelling (set while ``rolegraph serve`` runs) never reaches a page or an error."""

from __future__ import annotations

from rolegraph.serve.pages import url
from rolegraph.spelling import PLAIN_ADVICE

#: the next steps a reader takes on this service: key -> its path here
PAGES = {
    "queries": "/queries",
    "list-roles": "/queries/families",
    "list-levels": "/queries/role-levels",
    "list-skills": "/queries/top-skills",
    "list-families": "/queries/families",
}
#: the steps for the service's operator, in words
WORDS = {
    "validate": "validating the graph (its operator can)",
    "serve": "this service",
}


class WebSpelling:
    """Options as the parameter's name; next steps as this service's pages, or words."""

    def option(self, name: str) -> str:
        return repr(name)

    def advice(self, key: str, *args: str) -> str:
        if key in PAGES:
            return url(PAGES[key])
        if key in WORDS:
            return WORDS[key]
        return PLAIN_ADVICE[key].format(*args)


WEB_SPELLING = WebSpelling()
