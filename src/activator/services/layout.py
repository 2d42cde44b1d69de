"""Where one environment's services keep their files.

    <state root>/envs/<project>/services/     0700
        supervisord.conf   generated at each start of supervisord
        supervisor.sock    supervisord's XML-RPC socket (nothing on the network)
        scripts/NAME.bash, NAME.shutdown.bash   each service's exact environment
        logs/NAME.log      links to the logs in the project (.flox/log/services/)
        state              what was started: the services' digest, the log folder
        keeper             pids and start times of the keeper and supervisord
        pids               pids and start times of the services (for leftovers)
        lock               flock()ed while starting or stopping
        stopping           the keeper is stopping everything (a start waits for it)

A socket path must fit in 108 bytes: when the usual one does not, the socket
goes to `$TMPDIR/activate-<uid>/` (else `/tmp/activate-<uid>/`, a private
folder) under a digest of the services' folder.
"""

from __future__ import annotations

import os

from ..state import digest, ensure_private_dir, fallback_root, makedirs_private, remove
from ..values import Value

_SOCKET_MAX = 100


class Layout(Value):
    """The paths of one environment's services."""

    __slots__ = (
        "group_dir",
        "dir",
        "conf",
        "sock",
        "scripts",
        "links",
        "state",
        "keeper",
        "pids",
        "lock",
        "stopping",
    )

    def __init__(self, group_dir: str) -> None:
        self.group_dir = group_dir  # the environment's registry folder (envs/<project>)
        self.dir = os.path.join(group_dir, "services")
        self.conf = os.path.join(self.dir, "supervisord.conf")
        name = f"services-{digest(self.dir.encode())[:16]}.sock"
        places = (
            os.path.join(self.dir, "supervisor.sock"),
            os.path.join(fallback_root(), name),
            os.path.join("/tmp", f"activate-{os.getuid()}", name),
        )
        short = [p for p in places if len(p.encode("utf-8", "surrogateescape")) <= _SOCKET_MAX]
        self.sock = short[0] if short else places[-1]
        self.scripts = os.path.join(self.dir, "scripts")
        self.links = os.path.join(self.dir, "logs")
        self.state = os.path.join(self.dir, "state")
        self.keeper = os.path.join(self.dir, "keeper")
        self.pids = os.path.join(self.dir, "pids")
        self.lock = os.path.join(self.dir, "lock")
        self.stopping = os.path.join(self.dir, "stopping")

    @property
    def ident(self) -> str:
        """This environment's mark on its service processes (`_ACTIVATE_SERVICE=ID:NAME`)."""
        return os.path.basename(self.group_dir)

    def create(self) -> None:
        """Create the private folders (and the socket's, when it is elsewhere)."""
        for d in (self.dir, self.scripts, self.links):
            makedirs_private(d)
            os.chmod(d, 0o700)
        if os.path.dirname(self.sock) != self.dir:
            ensure_private_dir(os.path.dirname(self.sock))

    def remove_runtime(self) -> None:
        """Remove what lives only while supervisord runs: its socket, the
        records of the keeper and of the service processes, the stopping mark."""
        for path in (self.sock, self.keeper, self.pids, self.stopping):
            remove(path)

    def script(self, name: str, shutdown: bool = False) -> str:
        """The generated bash script of service `name` (or of its shutdown.command)."""
        return os.path.join(self.scripts, f"{name}.shutdown.bash" if shutdown else f"{name}.bash")

    def link(self, name: str) -> str:
        """The path supervisord writes service `name`'s output to (a link to its log)."""
        return os.path.join(self.links, f"{name}.log")


def log_dir(base: str) -> str:
    """The services' log folder of an environment whose run/ and cache/ are in
    `base` (the project's .flox, or its private fallback when .flox is read-only)."""
    return os.path.join(base, "log", "services")
