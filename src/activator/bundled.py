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


def template(kind: str, name: str, entries: str) -> str:
    """The bundled shell file `shell/<kind>/<name>` with `@ENTRIES@` replaced
    by `entries` (data the caller quoted for that shell)."""
    with open(os.path.join(shell_dir(), kind, name), encoding="utf-8") as f:
        return f.read().replace("@ENTRIES@", entries)


def which(program: str, path: str | None) -> str | None:
    """The executable `program` would run as, searching `path` (like the shell)."""
    if "/" in program:
        return program if os.access(program, os.X_OK) and not os.path.isdir(program) else None
    for d in (path or os.defpath).split(":"):
        candidate = os.path.join(d or ".", program)
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return candidate
    return None


def system_program(name: str) -> str:
    """The absolute path of a system tool (rm) for generated code, which must
    not depend on the PATH an activation sets: the system folders first, then
    the PATH activate runs with."""
    return which(name, "/usr/bin:/bin") or which(name, os.environ.get("PATH")) or name


def bash_program(environ: Mapping[str, str]) -> str:
    """The bash that runs hooks: bash on PATH, else /bin/bash."""
    return which("bash", environ.get("PATH")) or "/bin/bash"


def capture(argv: list[str], env: Mapping[str, str]) -> tuple[int, str]:
    """Run `argv` (stdin from /dev/null) and return its wait status and what
    it wrote to stdout and stderr."""
    r, w = os.pipe()
    try:
        pid = os.posix_spawn(
            argv[0],
            argv,
            dict(env),
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, w, 1),
                (os.POSIX_SPAWN_DUP2, w, 2),
            ],
        )
    finally:
        os.close(w)
    with os.fdopen(r, "rb") as f:
        output = f.read().decode("utf-8", "replace")
    return os.waitpid(pid, 0)[1], output
