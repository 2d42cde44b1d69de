"""Service processes: found by their mark or their recorded pid and start token,
stopped whole process groups at a time, with a bounded wait."""

from __future__ import annotations

import os
import signal
import time

from .. import procs, registry
from .config import MARKER


def marked(ident: str, name: str | None = None) -> list[int]:
    """Live processes of this user carrying the mark of environment `ident`'s
    services (of service `name` only, if given): everything a service runs."""
    needle = f"\0{MARKER}={ident}:{name + chr(0) if name else ''}".encode()
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                environ = b"\0" + f.read()
        except OSError:
            continue
        if needle in environ and procs.token(int(entry)) is not None:  # not a zombie
            found.append(int(entry))
    return found


def is_service(pid: int, ident: str, keeper: int | None) -> bool:
    """True for a service's process, or anything it runs (its mark, or the
    keeper among its ancestors): never a holder of the environment."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            if f"\0{MARKER}={ident}:".encode() in b"\0" + f.read():
                return True
    except OSError:
        pass
    current: int | None = pid
    for _ in range(64):
        current = procs.parent(current) if current else None
        if not current or current == 1:
            return False
        if current == keeper:
            return True
    return False


def held(group_dir: str, ident: str, keeper: int | None) -> bool:
    """True while an activation of the environment is alive (a holder that is
    not a service process, or an activation running its hook)."""
    try:
        names = os.listdir(group_dir)
    except OSError:
        return False
    for name in names:
        path = os.path.join(group_dir, name)
        if name == "services" or not os.path.isdir(path):
            continue
        adir = registry.ActivationDir(path)
        if adir.starter() is not None:
            return True
        for pid, _ in adir.live_holders(prune=False):
            if not is_service(pid, ident, keeper):
                return True
    return False


def still(recorded: list[tuple[int, str]]) -> list[int]:
    """The recorded (pid, start token) pairs whose process is still that one."""
    return [pid for pid, token in recorded if procs.alive(pid, token)]


def stop(pids: list[int], grace: float) -> None:
    """SIGTERM each process (and its process group, when it leads one that is
    not ours), wait up to `grace` seconds, then SIGKILL what is left."""
    mine = os.getpgrp()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                group = os.getpgid(pid)
                if group == pid and group != mine:
                    os.killpg(group, sig)
                else:
                    os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + (grace if sig == signal.SIGTERM else 5)
        while time.monotonic() < deadline:
            pids = [p for p in pids if procs.token(p) is not None]
            if not pids:
                return
            time.sleep(0.05)
