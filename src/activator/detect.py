"""Which shell to produce code for and to start.

In order: `--shell`, `FLOX_SHELL`, the shell this was started from (the
nearest shell among the parent processes: from /proc on Linux, with
shellingham elsewhere), `$SHELL`, then bash. `sh`, `dash`
(and other POSIX shells) get bash-family code; `csh` gets tcsh's.
"""

from __future__ import annotations

import os

from .bundled import which
from .errors import EXIT_USAGE, ActivateError
from .supported import FAMILIES, SHELLS
from .values import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


class ShellChoice(Value):
    """A shell kind (bash, zsh, fish, tcsh) and, where known, its program."""

    __slots__ = ("kind", "program", "origin")

    def __init__(self, kind: str, program: str | None, origin: str) -> None:
        self.kind = kind
        self.program = program  # a path or a name to find on PATH; None = the kind's own name
        self.origin = origin  # where the choice came from, for messages


def kind_of(name: str) -> str | None:
    """The shell kind for a program name or path (`/usr/bin/zsh-5.9` -> zsh)."""
    base = _base(name)
    return base if base in SHELLS else FAMILIES.get(base)


def _base(name: str) -> str:
    base = os.path.basename(name).lower().removeprefix("-")  # login shells show as "-bash"
    return base.split("-")[0].rstrip("0123456789.")


def _own_program(value: str) -> str | None:
    """`value` itself when it is a bash/zsh/fish/tcsh program (not sh or csh,
    which are started as their family's shell)."""
    return value if _base(value) in SHELLS else None


def choose(flag: str | None, environ: Mapping[str, str]) -> ShellChoice:
    """The shell for this activation."""
    for origin, value in (("--shell", flag), ("FLOX_SHELL", environ.get("FLOX_SHELL"))):
        if value:
            kind = kind_of(value)
            if kind is None:
                raise ActivateError(
                    f"{origin}={value} is not a shell activate supports",
                    hint="use bash, zsh, fish or tcsh (sh and dash get bash code, csh gets tcsh's)",
                    status=EXIT_USAGE,
                )
            return ShellChoice(kind, _own_program(value), origin)
    found = _parent_shell()
    if found is not None:
        name, path = found
        kind = kind_of(name)
        if kind is not None:
            own = _own_program(path) if kind_of(path) == kind else None
            return ShellChoice(kind, own, "parent")
    login = environ.get("SHELL", "")
    kind = kind_of(login) if login else None
    if kind is not None:
        return ShellChoice(kind, _own_program(login), "SHELL")
    return ShellChoice("bash", None, "default")


def _parent_shell() -> tuple[str, str] | None:
    """(name, program) of the shell activate was started from: read from /proc
    on Linux (shellingham would import subprocess and re, a third of an
    attach), found with shellingham elsewhere."""
    from . import procs

    if procs.HAS_PROC:
        return procs.shell_ancestor(os.getppid(), lambda name: kind_of(name) is not None)
    try:
        import shellingham  # type: ignore[import-untyped]

        name, path = shellingham.detect_shell()
        return str(name), str(path)
    except (ImportError, RuntimeError, OSError):  # ShellDetectionFailure is an OSError
        return None


def program(choice: ShellChoice, path: str | None) -> str:
    """The executable to start for `choice`, checked to exist."""
    wanted = choice.program or choice.kind
    found = which(wanted, path)
    if found is None:
        where = (
            f" ({choice.origin}={choice.program})"
            if choice.origin in ("--shell", "FLOX_SHELL")
            else ""
        )
        raise ActivateError(
            f"cannot start {choice.kind}{where}: {wanted} is not installed or not executable",
            hint=f"install {choice.kind}, or choose another shell with --shell or FLOX_SHELL",
        )
    return found
