"""The registry of live activations, one directory per environment identity.

    <root>/envs/<project>/<manifest>.<mode>/
        record      the hook's recorded changes (written once, atomically)
        starting    "PID TOKEN" of the activation running the hook
        holders/    one empty file "PID-TOKEN" per process holding an activation
        lock        flock()ed while deciding who runs the hook

An activation attaches when `record` exists and a holder is alive; otherwise
it takes the lock and either becomes the starter or waits for a live one.
A starter that died (its pid gone or reused) is taken over.
"""

from __future__ import annotations

import marshal
import os
import time

from . import procs
from .errors import warn
from .state import makedirs_private, read_file, remove, write_atomic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_MAGIC = b"activate-record-1\n"


def encode(data: dict[str, object]) -> bytes:
    """Serialize a record (private, same-user data: marshal is fast and builtin)."""
    return _MAGIC + marshal.dumps(data)


def decode(raw: bytes) -> dict[str, object] | None:
    """Inverse of `encode`; None if the bytes are not a record."""
    if not raw.startswith(_MAGIC):
        return None
    try:
        data = marshal.loads(raw[len(_MAGIC) :])
    except (EOFError, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


class ActivationDir:
    """The registry directory of one environment identity."""

    def __init__(self, path: str, valid: Callable[[dict[str, object]], bool] = bool) -> None:
        self.path = path
        self.valid = valid  # tells a record of the right shape from a damaged one
        self.record_path = os.path.join(path, "record")
        self.starting_path = os.path.join(path, "starting")
        self.holders_path = os.path.join(path, "holders")

    def attachable(self) -> dict[str, object] | None:
        """The record, if it exists and a process holding it is alive."""
        raw = read_file(self.record_path)
        if raw is None:
            return None
        record = decode(raw)
        if record is None or not self.valid(record):
            warn(f"ignoring a damaged activation record ({self.record_path}); starting afresh")
            remove(self.record_path)
            return None
        return record if self.live_holders() else None

    def live_holders(self, prune: bool = True) -> list[tuple[int, str]]:
        """Live holders; with `prune`, files of dead ones are removed (readers
        such as `status` pass False: they change nothing)."""
        try:
            names = os.listdir(self.holders_path)
        except FileNotFoundError:
            return []
        live = []
        for name in names:
            pid_text, _, tok = name.partition("-")
            if pid_text.isdigit() and tok and procs.alive(int(pid_text), tok):
                live.append((int(pid_text), tok))
            elif prune:
                remove(os.path.join(self.holders_path, name))
        return live

    def add_holder(self, pid: int) -> bool:
        """Record `pid` as holding this activation; True if it held it already."""
        tok = procs.token(pid)
        if tok is None:
            return False
        makedirs_private(self.holders_path)
        try:
            fd = os.open(
                os.path.join(self.holders_path, f"{pid}-{tok}"),
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                0o600,
            )
        except FileExistsError:
            return True
        os.close(fd)
        return False

    def remove_holder(self, pid: int) -> None:
        """`pid` no longer holds this activation (`deactivate`)."""
        tok = procs.token(pid)
        if tok is not None:
            remove(os.path.join(self.holders_path, f"{pid}-{tok}"))

    def begin(self, waiting: Callable[[int], None]) -> dict[str, object] | None:
        """Attach (returning the record) or become the starter (returning None).

        While another live activation runs the hook, waits for it, calling
        `waiting(pid)` once.
        """
        import fcntl

        makedirs_private(self.path)
        told = False
        while True:
            fd = os.open(
                os.path.join(self.path, "lock"),
                os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                0o600,
            )
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                record = self.attachable()
                if record is not None:
                    return record
                starter = self.starter()
                if starter is None:
                    remove(self.record_path)
                    me = os.getpid()
                    write_atomic(self.starting_path, f"{me} {procs.token(me)}".encode())
                    return None
            finally:
                os.close(fd)  # closing releases the lock
            if not told:
                waiting(starter)
                told = True
            self._wait_for(starter)

    def starter(self) -> int | None:
        """The pid of a live starter, if any."""
        raw = read_file(self.starting_path)
        if raw is None:
            return None
        pid_text, _, tok = raw.decode("ascii", "replace").partition(" ")
        if pid_text.isdigit() and procs.alive(int(pid_text), tok):
            return int(pid_text)
        return None

    def _wait_for(self, starter: int) -> None:
        delay = 0.01
        while os.path.exists(self.starting_path) and self.starter() == starter:
            time.sleep(delay)
            delay = min(delay * 2, 0.1)

    def finish(self, record: dict[str, object]) -> None:
        """Publish the record and stop being the starter."""
        write_atomic(self.record_path, encode(record))
        remove(self.starting_path)

    def abandon(self) -> None:
        """Stop being the starter without a record (the hook failed)."""
        raw = read_file(self.starting_path)
        if raw is not None and raw.split(b" ", 1)[0] == str(os.getpid()).encode():
            remove(self.starting_path)


def collect_garbage(group_dir: str, current_keys: set[str], launch_dir: str) -> None:
    """Remove what no live process can use any more: this project's activations
    of older manifests (no live holder or starter), their cached manifest and
    profile files, undo records of shells that have exited, launch files
    nobody sourced (older than an hour) and saved starting environments no
    activation used for 30 days.
    Run when an activation starts, never when attaching."""
    try:
        names = os.listdir(group_dir)
    except FileNotFoundError:
        names = []
    in_use = set(current_keys)  # the activation's key, and its manifest cache's
    for name in names:
        path = os.path.join(group_dir, name)
        if not os.path.isdir(path) or "." not in name:
            continue  # not an activation (KEY.MODE): the services' folder, say
        key = name.split(".")[0]
        adir = ActivationDir(path)
        if key in current_keys or adir.live_holders() or adir.starter() is not None:
            in_use.add(key)
        else:
            import shutil  # only here: it imports re

            shutil.rmtree(path, ignore_errors=True)
    for name in names:
        path = os.path.join(group_dir, name)
        if not os.path.isdir(path) and name.split(".")[0] not in in_use:
            remove(path)
    inplace = os.path.join(os.path.dirname(launch_dir), "inplace")
    try:
        shells = os.listdir(inplace)  # undo records, one folder per shell that activated in place
    except FileNotFoundError:
        shells = []
    for name in shells:
        pid_text, _, tok = name.partition("-")
        if not (pid_text.isdigit() and procs.alive(int(pid_text), tok)):
            import shutil

            shutil.rmtree(os.path.join(inplace, name), ignore_errors=True)
    now = time.time()
    _remove_older(launch_dir, now - 3600)
    # The environments outermost activations started from (`activate --outside`):
    # every activation inside one refreshes its file, so only long-unused ones go.
    _remove_older(os.path.join(os.path.dirname(launch_dir), "outside"), now - OUTSIDE_KEPT)


OUTSIDE_KEPT = 30 * 24 * 3600  # seconds an unused `outside/` file is kept (docs/activation.md)


def _remove_older(folder: str, cutoff: float) -> None:
    """Remove the files in `folder` last modified before `cutoff`."""
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                    remove(entry.path)
    except FileNotFoundError:
        pass
