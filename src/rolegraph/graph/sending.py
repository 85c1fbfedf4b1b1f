"""Talking to a store that is written to (``publish``): one request at a time through
httpx, with the credentials the store asks for (HTTP Digest when its challenge says so,
else Basic), and every refusal quoted: the store's status and what it said, on one line.

httpx's own :class:`httpx.DigestAuth` does Digest (a well-kept implementation of RFC
7616, rather than one written here); a store is first asked with a small ``HEAD`` so that
the data itself goes out already authenticated: Virtuoso closes the connection after its
401 challenge, which a large upload then meets as "connection reset by peer".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rolegraph.errors import RemoteError
from rolegraph.sparql.remote import MAX_ANSWER, too_slow
from rolegraph.spelling import option
from rolegraph.util.net import Answer, exchange

#: what a store says when it refuses a request only for its size (Virtuoso: "The length
#: of generated SQL text has exceeded 10000 lines", "memory exhausted")
_TOO_LARGE = re.compile(
    r"exceeded|memory exhausted|out of memory|too (large|long|big)|request entity|payload",
    re.I,
)

#: what a store says when it has no default graph to write to (Virtuoso's Graph Store:
#: "not configured to have default graph"; its SPARQL Update: "CLEAR DEFAULT operator
#: requires declaration of a plain default graph")
_NO_DEFAULT = re.compile(r"default graph", re.I)


def too_large(answer: Answer) -> bool:
    """Whether ``answer`` refuses a request for its size (a smaller one may pass)."""
    if answer.status in (413, 414, 431, 507):
        return True
    text = answer.body[:4096].decode("utf-8", "replace")
    return answer.status >= 400 and _TOO_LARGE.search(text) is not None


class Store:
    """A store's write URL, the time each exchange may take, the graph written (None: the
    default graph) and the credentials, once :meth:`log_in` has found how to send them."""

    def __init__(self, url: str, timeout: float, graph_iri: str | None) -> None:
        self.url = url
        self.timeout = timeout
        self.graph_iri = graph_iri
        self.auth: Any = None
        self.user: str | None = None

    def log_in(self, user: str, password: str) -> None:
        """Ask the store (``HEAD``) how it wants credentials, and check that it takes
        these: Digest when its challenge says Digest, else Basic."""
        import httpx

        self.user = user
        probe = self.exchange("HEAD", self.url, None, {})
        challenge = probe.headers.get("WWW-Authenticate", "")
        if not challenge.lower().startswith("digest"):
            self.auth = httpx.BasicAuth(user, password)
            return
        self.auth = httpx.DigestAuth(user, password)
        again = self.exchange("HEAD", self.url, None, {})  # keeps the challenge for the data
        if again.status in (401, 403):
            raise RemoteError(
                f"the store {self.url} refused the credentials of user {user!r}: {again.said()}",
                hint="check the user name and the password",
            )

    def exchange(
        self, method: str, url: str, body: bytes | None, headers: Mapping[str, str]
    ) -> Answer:
        """One request and its whole answer (any status); a :class:`RemoteError` when the
        store cannot be talked to."""
        base = url.split("?")[0]
        return exchange(
            method,
            url,
            timeout=self.timeout,
            max_bytes=MAX_ANSWER,
            body=body,
            headers=headers,
            auth=self.auth,
            failed=lambda exc: self._failure(base, exc, method, body is not None),
            too_slow=lambda size: too_slow(base, self.timeout),
            too_big=lambda: RemoteError(
                f"the store {base} answered more than {MAX_ANSWER // (1024 * 1024)} MB",
                hint="is the URL the store's Graph Store Protocol or update endpoint?",
            ),
        )

    def send(self, url: str, body: bytes, method: str, content_type: str) -> str:
        """Send ``body``; the answer's media type (an answer other than 2xx raises)."""
        return self.accepted(self.exchange(method, url, body, {"Content-Type": content_type}), url)

    def accepted(self, answer: Answer, url: str) -> str:
        """``answer``'s media type if the store took the data; else a :class:`RemoteError`
        quoting its status and what it said."""
        base = url.split("?")[0]
        if 200 <= answer.status < 300:
            return answer.media
        if 300 <= answer.status < 400:
            where = answer.headers.get("Location", "elsewhere").split("?")[0]
            raise RemoteError(
                f"the store {base} redirected the data to {where} ({answer.said()})",
                hint="give the URL it redirects to",
            )
        text = answer.body[:4096].decode("utf-8", "replace")
        if self.graph_iri is None and answer.status >= 400 and _NO_DEFAULT.search(text):
            raise RemoteError(
                f"the store {base} has no default graph to write to: it answered {answer.said()}",
                hint=f"publish into a named graph with {option('graph_iri')} IRI (Virtuoso's "
                "queries read every graph as their default)",
            )
        hint = self._hint(answer)
        raise RemoteError(f"the store {base} refused the data: {answer.said()}", hint=hint)

    def _hint(self, answer: Answer) -> str | None:
        challenge = answer.headers.get("WWW-Authenticate", "").split(" ")[0]
        if answer.status == 401 and self.user is None:
            scheme = f" ({challenge})" if challenge else ""
            return f"the store asks for credentials{scheme}: give {option('user')} NAME"
        if answer.status in (401, 403) and self.user is not None:
            return f"check the password of user {self.user!r} and that the user may write"
        if answer.status in (403, 404, 405, 415, 501):
            return "is the URL the store's Graph Store Protocol or update endpoint, and is it writable?"
        if answer.status in (400, 413, 422):
            return "the store's answer says what it refused"
        return None

    def _failure(self, base: str, exc: BaseException, method: str, sent: bool) -> RemoteError:
        """One clear message for an exchange that broke; when the data was being sent,
        what the store answers a small request instead (a 401 it could not deliver)."""
        import httpx

        if isinstance(exc, httpx.TimeoutException):
            return RemoteError(
                f"the store {base} did not answer within {self.timeout:g} s",
                hint=f"raise {option('timeout')}, or check the server",
            )
        if isinstance(exc, httpx.ConnectError):
            refused = "refused" in str(exc).lower() or "errno 111" in str(exc).lower()
            return RemoteError(
                f"cannot reach {base}: " + ("connection refused" if refused else str(exc)),
                hint="is the server running on that port?" if refused else None,
            )
        if sent and isinstance(exc, httpx.TransportError):
            try:
                probe = self.exchange("HEAD", self.url, None, {})
            except RemoteError:
                probe = None
            if probe is not None and probe.status >= 400:
                return RemoteError(
                    f"the store {base} broke off the connection while the data was sent; "
                    f"it answers {probe.said()}",
                    hint=self._hint(probe),
                )
        return RemoteError(f"the store {base} broke off its answer ({type(exc).__name__}: {exc})")
