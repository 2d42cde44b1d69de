"""A small XML-RPC client for supervisord over its private unix socket.

Imported only by service code (xmlrpc.client costs ~30 ms). supervisor's own
client (supervisor.xmlrpc) is not used: it costs twice that.
"""

from __future__ import annotations

import http.client
import socket
import xmlrpc.client

Fault = xmlrpc.client.Fault


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        """Connect to the unix socket instead of a host and port."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class _UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__()
        self._path = path
        self._timeout = timeout

    def make_connection(self, host: object) -> http.client.HTTPConnection:
        """A connection to the socket (the URL's host is ignored)."""
        return _UnixConnection(self._path, self._timeout)  # a fresh one per call


def connect(sock: str, timeout: float = 30) -> xmlrpc.client.ServerProxy:
    """A proxy for supervisord's XML-RPC interface at the unix socket `sock`."""
    return xmlrpc.client.ServerProxy(
        "http://localhost/RPC2", transport=_UnixTransport(sock, timeout), allow_none=True
    )


def answers(sock: str) -> bool:
    """True when supervisord answers at `sock` and is running."""
    try:
        state = connect(sock, timeout=5).supervisor.getState()
    except (OSError, xmlrpc.client.Error, http.client.HTTPException):
        return False
    return isinstance(state, dict) and state.get("statename") == "RUNNING"
