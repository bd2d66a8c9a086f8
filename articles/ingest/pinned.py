"""HTTP(S) connections to addresses resolved and vetted beforehand, never to a second lookup.

`fetch.check_url` resolves a host once and vets every address it answers. urllib would look the
name up again to connect, and a DNS-rebinding host can answer a public address to the check and
127.0.0.1 or 169.254.169.254 to the connection. These connections open their socket to the vetted
addresses themselves; the Host header, TLS SNI and certificate verification still use the
hostname, as urllib's own connections do.
"""

import functools
import http.client
import socket
import urllib.request


def pinned_opener(addresses, *handlers):
    """Build a urllib opener whose HTTP(S) connections go only to `addresses` (getaddrinfo entries).

    Proxies from the environment are not used: a proxy would look the name up itself.
    """
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        _PinnedHTTPHandler(addresses),
        _PinnedHTTPSHandler(addresses),
        *handlers,
    )


def connect_to_any(addresses, timeout):
    """Connect to the first of `addresses` that answers, as `socket.create_connection` would."""
    error = OSError("no address to connect to")
    for family, type_, proto, _, sockaddr in addresses:
        sock = socket.socket(family, type_, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            error = exc
        else:
            return sock
    raise error


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to `addresses`; the request still names the host it was given."""

    def __init__(self, host, *, addresses, **kwargs):
        super().__init__(host, **kwargs)
        self.addresses = addresses

    def connect(self):
        self.sock = connect_to_any(self.addresses, self.timeout)


class PinnedHTTPSConnection(PinnedHTTPConnection, http.client.HTTPSConnection):
    """An HTTPS connection to `addresses`; SNI and the certificate check use the hostname."""

    def connect(self):
        super().connect()
        # http.client's default context: the certificate must be trusted and match the hostname.
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, addresses):
        super().__init__()
        self._connection = functools.partial(PinnedHTTPConnection, addresses=addresses)

    def http_open(self, req):
        return self.do_open(self._connection, req)


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, addresses):
        super().__init__()
        self._connection = functools.partial(PinnedHTTPSConnection, addresses=addresses)

    def https_open(self, req):
        return self.do_open(self._connection, req)
