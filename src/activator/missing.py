"""What a manifest asked for that activate could not provide, said plainly.

Services are provided when the `services` extra (supervisor) is installed;
without it they are named here, with what to install.

Three places say it: one line per kind on stderr when an activation starts,
`activate status` (and its JSON), and the hint after `command not found`
when the command is what an `[install]` entry would have provided.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .manifest import Manifest

# Why each kind is not provided, as the lines and status say it.
WHY = {
    "service": "supervisor is not installed (install activate[services])",
    "include": "a remote environment is on FloxHub, which activate cannot reach",
    "other": "not supported yet",
}


def items(m: Manifest) -> list[dict[str, str]]:
    """Everything not provided, as plain data (`activate status --json`)."""
    out = [
        {"kind": "package", "name": pid, "detail": source, "why": why}
        for pid, source, why in m.packages
    ]
    out += [
        {"kind": "service", "name": s, "detail": "", "why": WHY["service"]} for s in services(m)
    ]
    out += [{"kind": "include", "name": i, "detail": "", "why": WHY["include"]} for i in m.includes]
    out += [{"kind": "other", "name": u, "detail": "", "why": WHY["other"]} for u in m.unsupported]
    return out


def lines(m: Manifest, width: int | None = None) -> list[str]:
    """The lines said on stderr when an activation starts, each within `width`
    columns (a terminal's, or $COLUMNS): names as long as they fit, then `and
    N more`. Without a terminal or $COLUMNS (a log), every name."""
    if width is None:
        width = _screen_width()
    out = []
    for prefix, names in (
        (
            "[install] not available without Nix: ",
            [f"{pid} ({source})" for pid, source, _ in m.packages],
        ),
        (
            "[services] not started: supervisor is not installed (install activate[services]): ",
            services(m),
        ),
        ("[include] not merged (FloxHub is not reachable): ", m.includes),
        ("not supported yet, ignored: ", m.unsupported),
    ):
        if names:
            out.append(fit("activate: " + prefix, names, width))
    return out


def services(m: Manifest) -> list[str]:
    """The services of this system that cannot run: all of them when
    supervisor is not installed, else none."""
    if not m.services or supervisor_installed():
        return []
    from .supported import system

    here = system()
    return [s.name for s in m.services if s.applies(here)]


def supervisor_installed() -> bool:
    """True when supervisor (the `services` extra) can be imported."""
    import importlib.util

    try:
        return importlib.util.find_spec("supervisor.supervisord") is not None
    except ImportError:
        return False


def require_supervisor(prefix: str = "") -> None:
    """Stop with exit status 6 when supervisor is not installed (`prefix`:
    what asked for it, such as "-s: ")."""
    if supervisor_installed():
        return
    from .errors import EXIT_SERVICES, ActivateError

    raise ActivateError(
        f"{prefix}services need supervisor, which is not installed",
        hint="install activate with its services extra: pip install 'activate[services]'",
        status=EXIT_SERVICES,
    )


def fit(prefix: str, names: list[str], width: int) -> str:
    """`prefix` and as many of `names` as fit in `width`, then `and N more`
    (at least one name is always shown)."""
    shown: list[str] = []
    for i, name in enumerate(names):
        rest = len(names) - i - 1
        candidate = prefix + ", ".join([*shown, name])
        tail = f" and {rest} more" if rest else ""
        if shown and len(candidate + tail) > width:
            return prefix + ", ".join(shown) + f" and {len(names) - len(shown)} more"
        shown.append(name)
    return prefix + ", ".join(shown)


def provider(m: Manifest, command: str) -> str | None:
    """Which `[install]` entry would have provided `command` (by its install id
    or the last part of its pkg-path), and why it was not: for the hint after
    `command not found`."""
    name = os.path.basename(command)
    for pid, source, why in m.packages:
        if name in (pid, *_names(pid, source)):
            return f"[install] {pid} ({source}) would provide {name}, but was not installed: {why}"
    return None


def commands(m: Manifest) -> list[tuple[str, str]]:
    """(command, message) for each command an `[install]` entry would have
    provided (its install id, and the last part of its pkg-path): the shells'
    not-found handlers say the message. Only plain command names, and messages
    in plain characters, so every shell can hold them in any quoting."""
    out: dict[str, str] = {}
    for pid, source, _ in m.packages:
        for name in _names(pid, source):
            message = provider(m, name)
            if message and name not in out:
                out[name] = "".join(c if c in _PLAIN else "_" for c in message)
    return list(out.items())


_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-")
_PLAIN = _NAME | frozenset(' /:,()"=@[]')


def _names(pid: str, source: str) -> list[str]:
    """The command names an entry would provide: its id, its pkg-path's last part."""
    names = [pid]
    if source.startswith('pkg-path "'):
        names.append(source[len('pkg-path "') : -1].rsplit(".", 1)[-1])
    return [n for n in names if n and n[0] != "-" and all(c in _NAME for c in n)]


def _screen_width() -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 20:
        return int(columns)
    try:
        return os.get_terminal_size(2).columns
    except OSError:
        return 1 << 30  # not a terminal: no screen to fit
