"""Fetching a page over HTTP(S), with one time-out for the whole answer.

``timeout`` bounds the wait for the connection, for each read and for the whole body
(a server that drips bytes forever is cut off too). Anything that goes wrong becomes
one :class:`~rolegraph.errors.RemoteError` that names the URL and says what to check.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from rolegraph.errors import RemoteError
from rolegraph.spelling import option
from rolegraph.util.net import check_url, read_body, within
from rolegraph.version import __version__

#: Largest page accepted (the Skills A to Z page is about 1.6 MB).
MAX_BYTES = 32 * 1024 * 1024
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


@dataclass(frozen=True)
class Fetched:
    url: str
    data: bytes
    content_type: str
    charset: str | None


def is_url(location: str) -> bool:
    """Does ``location`` name a web address (checked, when fetched, by ``check_url``)?"""
    return location.lower().startswith(("http://", "https://"))


def _too_slow(url: str, timeout: float) -> RemoteError:
    return RemoteError(
        f"{url} did not answer within {timeout:g} s",
        hint=f"raise {option('timeout')}, or check the address and your connection",
    )


def fetch(url: str, *, timeout: float, max_bytes: int = MAX_BYTES) -> Fetched:
    """The body of ``url`` (http or https), read within ``timeout`` seconds."""

    check_url(url, "https://ddat-capability-framework.service.gov.uk/role/data-scientist")

    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": f"rolegraph/{__version__}",
            "Accept": "text/html, application/xhtml+xml, text/plain;q=0.9",
        },
    )
    deadline = time.monotonic() + timeout
    try:
        return within(
            timeout + 0.5,
            lambda: _fetch(request, url, timeout, deadline, max_bytes),
            lambda: _too_slow(url, timeout),
        )
    except RemoteError:
        raise
    except urllib.error.HTTPError as exc:
        raise RemoteError(
            f"{url} answered HTTP {exc.code} {exc.reason}", hint="check the address"
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise _too_slow(url, timeout) from None
        if isinstance(reason, ConnectionRefusedError):
            raise RemoteError(
                f"cannot reach {url}: connection refused", hint="is the server running?"
            ) from None
        if isinstance(reason, socket.gaierror):
            raise RemoteError(
                f"cannot reach {url}: the host name cannot be resolved",
                hint="check the address and your connection",
            ) from None
        detail = getattr(reason, "strerror", None) or reason
        raise RemoteError(f"cannot reach {url}: {detail}") from None
    except TimeoutError:
        raise _too_slow(url, timeout) from None
    except (http.client.HTTPException, ConnectionError) as exc:
        raise RemoteError(
            f"{url} broke off its answer ({type(exc).__name__})", hint="try again"
        ) from None
    except OSError as exc:
        raise RemoteError(f"cannot read {url}: {exc.strerror or exc}") from None


def _fetch(
    request: urllib.request.Request, url: str, timeout: float, deadline: float, max_bytes: int
) -> Fetched:
    with urllib.request.urlopen(request, timeout=timeout) as response:
        content_type = response.headers.get_content_type()
        charset = response.headers.get_content_charset()
        declared = response.headers.get("Content-Type")
        if declared and content_type not in _TEXT_TYPES:
            raise RemoteError(
                f"{url} answered {content_type}, not a web page",
                hint="give the address of a framework role page or the Skills A to Z page",
            )
        body = read_body(
            response,
            deadline,
            max_bytes,
            too_slow=lambda _size: _too_slow(url, timeout),
            too_big=lambda: RemoteError(
                f"{url} answered more than {max_bytes // (1024 * 1024)} MB; "
                "that is not a framework page",
                hint="check the address",
            ),
            cut_short=lambda size, promised: RemoteError(
                f"{url} broke off its answer ({size:,} bytes of {promised:,})", hint="try again"
            ),
        )
        final = response.geturl() or url
    return Fetched(final, body, content_type, charset)
