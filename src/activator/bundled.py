"""Where the bundled shell scripts are, and finding programs on PATH."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

_HERE = os.path.dirname(os.path.abspath(__file__))


def shell_dir() -> str:
    """The bundled `shell/` directory (inside the installed package, or the
    repository's top-level `shell/` when running from a source checkout)."""
    installed = os.path.join(_HERE, "shell")
    if os.path.isfile(os.path.join(installed, "activate.bash")):
        return installed
    return os.path.join(os.path.dirname(os.path.dirname(_HERE)), "shell")


def which(program: str, path: str | None) -> str | None:
    """The executable `program` would run as, searching `path` (like the shell)."""
    if "/" in program:
        return program if os.access(program, os.X_OK) and not os.path.isdir(program) else None
    for d in (path or os.defpath).split(":"):
        candidate = os.path.join(d or ".", program)
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return candidate
    return None


def bash_program(environ: Mapping[str, str]) -> str:
    """The bash that runs hooks: bash on PATH, else /bin/bash."""
    return which("bash", environ.get("PATH")) or "/bin/bash"
