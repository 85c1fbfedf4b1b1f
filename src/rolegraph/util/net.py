"""Network work with a deadline for the whole of it, and URLs checked before use.

A socket time-out bounds each read, not the exchange: a server that sends its headers or
body one byte at a time would never time out. :func:`within` runs the exchange in a
daemon thread and gives up when the deadline passes (the thread ends with its socket's
own time-out, or with the process).
"""

from __future__ import annotations

import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from rolegraph.errors import RemoteError
from rolegraph.util.text import printable

T = TypeVar("T")


def within(seconds: float, work: Callable[[], T], too_slow: Callable[[], Exception]) -> T:
    """``work()``'s result, or ``too_slow()`` raised once ``seconds`` have passed."""
    done: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            done.append(work())
        except BaseException as exc:  # handed to the caller's thread
            failed.append(exc)

    thread = threading.Thread(target=run, name="rolegraph-network", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise too_slow()
    if failed:
        raise failed[0]
    return done[0]


def read_body(
    response: Any,
    deadline: float,
    max_bytes: int,
    *,
    too_slow: Callable[[int], Exception],
    too_big: Callable[[], Exception],
    cut_short: Callable[[int, int], Exception],
) -> bytes:
    """An HTTP response's whole body, read as it arrives so that ``deadline`` (a
    ``time.monotonic()`` value) holds, at most ``max_bytes``, and as long as its
    Content-Length promised. The callables make the error for each case (given the bytes
    read so far, and for ``cut_short`` the bytes promised)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise too_slow(size)
        chunk = response.read1(64 * 1024)  # whatever has arrived, so the deadline holds
        if not chunk:
            if getattr(response, "length", None):  # Content-Length promised more
                raise cut_short(size, size + response.length)
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise too_big()
        chunks.append(chunk)


def check_url(url: str, example: str) -> str:
    """``url`` if it is a usable http(s) URL; else a :class:`RemoteError` saying why."""
    problem = None
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        problem = "it contains spaces or control characters"
    else:
        try:
            parts = urllib.parse.urlsplit(url)
            parts.port  # noqa: B018  (raises on a port that is not a number up to 65535)
        except ValueError as exc:
            problem = str(exc)
        else:
            if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
                problem = "it is not an http(s) URL"
            elif parts.username is not None:
                problem = "it holds a user name or password (rolegraph sends none)"
            elif not (parts.path + parts.query + parts.fragment).isascii():
                problem = "its path holds characters a URL cannot (percent-encode them)"
            elif not parts.hostname.isascii():
                try:
                    parts.hostname.encode("idna")  # an international name resolves as such
                except UnicodeError:
                    problem = "its host name is not a valid international name"
    if problem:
        raise RemoteError(f"{url!r} cannot be used: {problem}", hint=f"as in {example}")
    return url


@dataclass(frozen=True)
class Answer:
    """An HTTP answer read whole: its status, reason, media type (lower case, no
    parameters), headers and body."""

    status: int
    reason: str
    media: str
    headers: Mapping[str, str]
    body: bytes

    def said(self, limit: int = 160) -> str:
        """The status and the body as one trimmed line (an HTML page's text, without its
        title and heading, which repeat the status):
        ``HTTP 400 Bad Request (Virtuoso 37000 Error ...)``."""
        # Quoted to a terminal: no escape sequence or control character of the body's.
        text = printable(self.body[:8192].decode("utf-8", "replace"))
        if "html" in self.media or text.lstrip().startswith("<"):
            text = re.sub(
                r"<(title|head|style|script|h1)\b.*?</\1\s*>", " ", text, flags=re.S | re.I
            )
            text = re.sub(r"<[^>]*>", " ", text)
        # Virtuoso follows its message with the whole request ("SPARQL query: ..."): the
        # message is what the store said, the request is what was sent.
        detail = " ".join(text.split()).split(" SPARQL query:")[0]
        if len(detail) > limit:
            detail = detail[: limit - 1].rstrip() + "…"
        return f"HTTP {self.status} {self.reason}".rstrip() + (f" ({detail})" if detail else "")


def exchange(
    method: str,
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    auth: Any = None,
    failed: Callable[[BaseException], Exception],
    too_slow: Callable[[int], Exception],
    too_big: Callable[[], Exception],
) -> Answer:
    """One HTTP request through httpx, its answer read whole within ``timeout`` in all (an
    answer that trickles never outlives it) and ``max_bytes``; redirects are not followed
    (the status is the caller's to judge). A failure to talk (refused, reset, a read that
    timed out) goes through ``failed``; ``auth`` is an ``httpx.Auth`` or None."""
    import httpx

    deadline = time.monotonic() + timeout
    size = [0]

    def work() -> Answer:
        with (
            httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False) as client,
            client.stream(method, url, content=body, headers=headers, auth=auth) as response,
        ):
            chunks: list[bytes] = []
            for chunk in response.iter_bytes():
                size[0] += len(chunk)
                if size[0] > max_bytes:
                    raise too_big()
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise too_slow(size[0])
            media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            return Answer(
                response.status_code,
                response.reason_phrase,
                media,
                response.headers,  # a case-insensitive mapping
                b"".join(chunks),
            )

    try:
        return within(timeout + 0.5, work, lambda: too_slow(size[0]))
    except RemoteError:
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise failed(exc) from None
