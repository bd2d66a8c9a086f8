"""Fetch partner feeds and images over HTTP(S): bounded in time, size and redirects, and polite.

Every request names the site in its User-Agent, may be conditional (ETag / Last-Modified, so an
unchanged feed costs one 304), follows at most a few redirects and never the same URL twice, and
stops reading at a size cap, gzip or not. Anything else is a `FetchError` with the reason.

Each request connects to the addresses its host was vetted at (`articles.ingest.pinned`), so a
host that answers a public address to the check and a private one to the connection gets nowhere.
"""

import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from articles.ingest.pinned import pinned_opener

CHUNK_SIZE = 64 * 1024
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
URL_MAX_LENGTH = 2000
# IPv6 reaching IPv4 through a NAT64 gateway: the well-known prefix embeds the IPv4 address
# (RFC 6052); the local-use one (RFC 8215) may lead anywhere on the operator's network.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")


class FetchError(Exception):
    """The resource could not be fetched; the message says why."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case

    @property
    def not_modified(self):
        return self.status == 304

    @property
    def etag(self):
        return self.headers.get("etag", "")

    @property
    def last_modified(self):
        return self.headers.get("last-modified", "")

    @property
    def content_type(self):
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def user_agent():
    """Name the site and where to find it, so a partner knows who polls them."""
    return f"{settings.SITE_NAME} feed fetcher (+{settings.SITE_URL})"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # fetch() follows redirects itself: it counts them and detects loops


def fetch(
    url,
    *,
    etag="",
    last_modified="",
    accept="*/*",
    max_bytes=None,
    timeout=None,
    max_redirects=None,
) -> Fetched:
    """GET `url` and return a `Fetched` (status 200, or 304 for a conditional request).

    Raise `FetchError` for a URL that is not public http(s), an HTTP error, too many redirects or
    a loop, a response over `max_bytes` (after decompression), or running past `timeout` seconds.
    """
    max_bytes = settings.FEED_MAX_BYTES if max_bytes is None else max_bytes
    timeout = settings.FETCH_TIMEOUT if timeout is None else timeout
    max_redirects = settings.FETCH_MAX_REDIRECTS if max_redirects is None else max_redirects
    deadline = time.monotonic() + timeout
    headers = {"User-Agent": user_agent(), "Accept": accept, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    visited = [url]
    try:
        while True:
            addresses = check_url(url)
            request = urllib.request.Request(url, headers=headers)
            with _open(request, addresses, deadline) as response:
                status = response.status
                if status not in REDIRECT_CODES:
                    return _finish(url, response, max_bytes, deadline)
                url = _redirect_target(url, response, visited, max_redirects)
    except TimeoutError:
        raise FetchError(f"timed out after {timeout:g} s") from None


def check_url(url):
    """Refuse anything but an http(s) URL whose host has only public addresses (unless allowed).

    Return the host's addresses (`getaddrinfo` entries): the request must connect to these, not
    look the name up again, or the host could answer differently the second time.
    """
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"not a valid URL: {url[:200]!r}") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError(f"only http(s) URLs are fetched, not {url[:200]!r}")
    if len(url) > URL_MAX_LENGTH or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise FetchError(f"not a valid URL: {url[:200]!r}")
    try:
        addresses = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {parts.hostname}: {exc}") from None
    if settings.FETCH_ALLOW_PRIVATE_HOSTS:
        return addresses
    for *_, sockaddr in addresses:
        if not is_public_address(sockaddr[0]):
            raise FetchError(f"{parts.hostname} resolves to a non-public address ({sockaddr[0]})")
    return addresses


def is_public_address(address):
    """Tell whether `address` is globally reachable; an IPv6 one carrying IPv4 must be both."""
    ip = ipaddress.ip_address(address.split("%")[0])
    carried = _carried_ipv4(ip) if ip.version == 6 else None
    if carried is not None and not carried.is_global:
        return False
    return ip.is_global and ip not in NAT64_LOCAL_USE


def _carried_ipv4(ip):
    """The IPv4 address an IPv6 one stands for: IPv4-mapped or -compatible, 6to4 or NAT64."""
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip in NAT64 or int(ip) >> 32 == 0:
        return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    return None


def _open(request, addresses, deadline):
    try:
        opener = pinned_opener(addresses, _NoRedirect)
        return opener.open(request, timeout=_remaining(deadline))
    except urllib.error.HTTPError as response:
        return response  # 304, redirects and errors carry their status and headers
    except TimeoutError:
        raise
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise exc.reason from None
        raise FetchError(f"cannot connect: {exc.reason}") from None
    except (http.client.HTTPException, OSError) as exc:
        raise FetchError(f"connection failed: {exc!r}") from None


def _remaining(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _redirect_target(url, response, visited, max_redirects):
    location = response.headers.get("Location")
    if not location:
        raise FetchError(f"HTTP {response.status} redirect without a Location header")
    target = urljoin(url, location.strip())
    if target in visited:
        raise FetchError("redirect loop: " + " -> ".join([*visited, target]))
    if len(visited) > max_redirects:
        raise FetchError(f"more than {max_redirects} redirects, last to {target}")
    visited.append(target)
    return target


def _finish(url, response, max_bytes, deadline):
    status = response.status
    headers = {name.lower(): value for name, value in response.headers.items()}
    if status == 304:
        return Fetched(url, status, b"", headers)
    if not 200 <= status < 300:
        raise FetchError(f"HTTP {status} {response.reason}".strip())
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"response is {int(declared):,} bytes, over the limit of {max_bytes:,}")
    gzipped = headers.get("content-encoding", "").lower() in {"gzip", "x-gzip"}
    try:
        content = _read_capped(response, max_bytes, deadline, gzipped)
    except (http.client.HTTPException, ConnectionError) as exc:
        raise FetchError(f"connection failed while reading: {exc!r}") from None
    return Fetched(url, status, content, headers)


def _read_capped(response, max_bytes, deadline, gzipped):
    too_big = FetchError(f"response is over the limit of {max_bytes:,} bytes")
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16) if gzipped else None
    parts, size = [], 0
    while chunk := response.read1(CHUNK_SIZE):
        _remaining(deadline)
        if inflater:
            try:
                chunk = inflater.decompress(chunk, max_bytes + 1 - size)
            except zlib.error as exc:
                raise FetchError(f"gzip data is corrupt: {exc}") from None
            if inflater.unconsumed_tail:
                raise too_big
        size += len(chunk)
        if size > max_bytes:
            raise too_big
        parts.append(chunk)
    return b"".join(parts)
