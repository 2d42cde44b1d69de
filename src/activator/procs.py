"""Is a process still the one we recorded? Which shell holds an in-place activation?

A process is recorded as (pid, token). The token is its start time, so a pid
the kernel reused for another process no longer matches. On Linux it is read
straight from /proc (the exact start tick, no import); elsewhere psutil's
create_time is used. Zombies count as dead.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

# Linux: /proc answers directly, without psutil.
HAS_PROC = sys.platform.startswith("linux") and os.path.isdir("/proc/self")


def _proc_stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state is [0])."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    # The command name is in parentheses and may itself contain ") ".
    return data[data.rfind(b")") + 2 :].decode("ascii", "replace").split()


def token(pid: int) -> str | None:
    """The start-time token of a live process, or None if it is gone or a zombie."""
    if HAS_PROC:
        fields = _proc_stat(pid)
        if fields is None or fields[0] in ("Z", "X", "x"):
            return None
        return "t" + fields[19]  # field 22 of stat: start time in clock ticks after boot
    import psutil  # not on Linux: the portable way

    try:
        p = psutil.Process(pid)
        if p.status() == psutil.STATUS_ZOMBIE:
            return None
        return f"c{p.create_time():.2f}"
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def alive(pid: int, recorded: str) -> bool:
    """True if `pid` is still the process whose token was `recorded`."""
    return token(pid) == recorded


def parent(pid: int) -> int | None:
    """The parent pid of `pid`."""
    if HAS_PROC:
        fields = _proc_stat(pid)
        return int(fields[1]) if fields else None
    import psutil

    try:
        return int(psutil.Process(pid).ppid())
    except psutil.Error:
        return None


def _cmdline(pid: int) -> bytes | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return None


_evaluating: dict[int, int] = {}  # asked twice by the prompt hook's call: read /proc once


def evaluating_shell(pid: int) -> int:
    """The process that will hold an in-place activation run as `pid`'s child.

    `eval "$(activate --print)"` runs activate as a child of the shell; when
    the shell forked a subshell in between (a pipeline inside `$(...)`), that
    copy has the same command line as its parent and is skipped.
    """
    if pid not in _evaluating:
        _evaluating[pid] = _evaluating_shell(pid)
    return _evaluating[pid]


def _evaluating_shell(pid: int) -> int:
    shell = pid
    if not (HAS_PROC):
        return shell
    for _ in range(8):
        up = parent(shell)
        if not up or up == 1:
            break
        mine = _cmdline(shell)
        if mine is None or mine != _cmdline(up):
            break
        shell = up
    return shell


def shell_ancestor(pid: int, is_shell: Callable[[str], bool]) -> tuple[str, str] | None:
    """Linux: (name, program) of the nearest process from `pid` upward whose
    name `is_shell` accepts; None elsewhere or if there is none."""
    if not (HAS_PROC):
        return None
    current: int | None = pid
    for _ in range(32):
        if not current or current < 1:
            return None
        try:
            with open(f"/proc/{current}/comm", encoding="utf-8", errors="replace") as f:
                name = f.read().strip().lstrip("-")  # a login shell may show as -bash
        except OSError:
            return None
        if is_shell(name):
            try:
                return name, os.readlink(f"/proc/{current}/exe")
            except OSError:
                return name, name
        current = parent(current)
    return None
