"""The process that ties supervisord to the activations of one environment.

    python -m activator.services.keeper SERVICES_DIR

Started detached (its own session) by `activate -s` or `activate services
start`. It runs supervisord in the foreground as its child, with a
parent-death signal (if the keeper is killed, supervisord stops its services
and exits), and is a child subreaper, so that daemons the services fork stay
below it. Every 0.2 s it checks:

- supervisord died (kill -9): it stops every process carrying the
  services' mark, removes the socket and exits;
- no activation of the environment is left (no live holder that is not a
  service process, no activation running its hook), or it got SIGTERM:
  it runs the shutdown commands (bounded), stops supervisord (which stops
  each service's whole process group), stops what is left and exits.

It records the pids and start times of the services, so that a later start
finds and stops leftovers even if both it and supervisord were killed.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from .. import procs, registry
from ..state import write_atomic
from . import processes
from .layout import Layout

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_TICK = 0.2


def _prctl(option: int, value: int) -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(option, value, 0, 0, 0)


def _spawn_supervisord(lay: Layout, log_fd: int) -> int:
    me = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: supervisord, stopped with the keeper
        try:
            _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
            if os.getppid() != me:
                os._exit(1)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(log_fd, 1)
            os.dup2(log_fd, 2)
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(sig, signal.SIG_DFL)
            code = "from supervisor.supervisord import main; main()"
            os.execv(sys.executable, [sys.executable, "-c", code, "-n", "-c", lay.conf])
        finally:
            os._exit(127)
    return pid


class Keeper:
    """One environment's keeper (see the module's docstring)."""

    def __init__(self, lay: Layout) -> None:
        self.lay = lay
        self.stop_asked = False
        self.supervisord = 0
        self.alive = False  # supervisord not yet reaped
        self.recorded: list[tuple[int, str]] = []

    def run(self) -> int:
        """Run supervisord until the environment's last activation ends."""
        os.chdir("/")
        os.umask(0o077)  # supervisord's own log and pid file: private too
        _prctl(_PR_SET_CHILD_SUBREAPER, 1)
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stop_asked", True))
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        log_fd = os.open(
            os.path.join(self.lay.dir, "keeper.log"),
            os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC,
            0o600,
        )
        self.supervisord = _spawn_supervisord(self.lay, log_fd)
        self.alive = True
        me = os.getpid()
        write_atomic(
            self.lay.keeper,
            registry.encode(
                {
                    "keeper": (me, procs.token(me)),
                    "supervisord": (self.supervisord, procs.token(self.supervisord)),
                }
            ),
        )
        last_record = 0.0
        while True:
            self._reap()
            if not self.alive:
                self._lost_supervisord()
                return 1
            now = time.monotonic()
            if now - last_record > 1:
                self._record()
                last_record = now
            if self.stop_asked or not processes.held(self.lay.group_dir, self.lay.ident, me):
                self._shutdown()
                return 0
            time.sleep(_TICK)

    def _reap(self) -> None:
        """Reap exited children (orphaned service processes come here too)."""
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.alive = False
                return
            if pid == 0:
                return
            if pid == self.supervisord:
                self.alive = False

    def _record(self) -> None:
        """Write the pids and start tokens of the service processes."""
        pids = processes.marked(self.lay.ident)
        current = [(p, t) for p in pids if (t := procs.token(p)) is not None]
        if sorted(current) != sorted(self.recorded):
            self.recorded = current
            write_atomic(self.lay.pids, registry.encode({"pids": current}))

    def _lost_supervisord(self) -> None:
        """supervisord died: stop what it left running, remove the socket."""
        self._finish()

    def _shutdown(self) -> None:
        """The environment's last activation ended: stop everything."""
        from . import control

        write_atomic(self.lay.stopping, str(os.getpid()).encode())  # a start now waits for us
        try:
            control.run_shutdown_commands(self.lay, None)
        except Exception as e:  # never leave supervisord running because of it
            sys.stderr.write(f"activate keeper: shutdown commands: {e}\n")
        try:
            os.kill(self.supervisord, signal.SIGTERM)
        except OSError:
            pass
        deadline = time.monotonic() + 30
        while self.alive and time.monotonic() < deadline:
            time.sleep(0.05)
            self._reap()
        if self.alive:
            try:
                os.kill(self.supervisord, signal.SIGKILL)
            except OSError:
                pass
        self._finish()

    def _finish(self) -> None:
        """Stop every process that still carries the services' mark, then
        remove what lived only while supervisord ran."""
        processes.stop(processes.marked(self.lay.ident), grace=3)
        self._reap()
        self.lay.remove_runtime()


def main(argv: list[str]) -> int:
    """Entry point: `python -m activator.services.keeper GROUP_DIR`."""
    return Keeper(Layout(argv[0])).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
