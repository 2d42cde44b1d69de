"""Packages from `[install]` pip and conda entries: resolved, locked, built
once into a shared store, and exposed in the environment's `$FLOX_ENV`.

One module per backend (`uv` for pip, `conda` for conda) behind the small
`Backend` protocol below; `store` keeps the shared environments, `lockfile`
the project's lock, `view` fills `$FLOX_ENV`, and `provision` ties them
together when an activation starts. Nothing here is imported on attach.
"""

from __future__ import annotations

import os

from ..bundled import which
from ..errors import EXIT_PACKAGES, ActivateError
from ..values import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Protocol

    from ..manifest import Manifest

    class Backend(Protocol):
        """What activate needs from a package backend."""

        NAME: str  # "pip" or "conda": the [install] key and the lock section

        def fingerprint(self, need: Need) -> dict[str, object]:
            """What the lock section was resolved from (the entries and options):
            when it changes, the backend resolves again."""
            ...

        def still_valid(self, need: Need, section: dict[str, object]) -> bool:
            """Whether a lock section with the right fingerprint still fits this
            machine (the interpreter's version, the platform)."""
            ...

        def resolve(self, need: Need, say: Callable[[str], None]) -> dict[str, object]:
            """Resolve the entries to a lock section (every package, pinned)."""
            ...

        def key(self, need: Need, section: dict[str, object]) -> dict[str, object]:
            """What defines the built environment's contents (hashed into the store key)."""
            ...

        def finish(self) -> None:
            """Release what `resolve` kept for `build` (called after both, or a failure)."""
            ...

        def build(
            self,
            need: Need,
            section: dict[str, object],
            tmp: str,
            final: str,
            say: Callable[[str], None],
        ) -> dict[str, object]:
            """Build the environment into the empty folder `tmp`, working once
            renamed to `final`; return the marker's data (see provision.MARKER_FIELDS)."""
            ...


class Need(Value):
    """What a manifest asks of one backend."""

    __slots__ = ("backend", "entries", "options", "project", "manifest", "python", "environ")

    def __init__(
        self,
        backend: str,
        entries: list[tuple[str, str, str]],
        options: dict[str, object],
        project: str,
        manifest: str,
        python: str | None = None,
        environ: dict[str, str] | None = None,
    ) -> None:
        self.backend = backend
        self.entries = entries  # (install id, spec as written, normalized spec)
        self.options = options  # [options] activate.<backend>
        self.project = project  # relative paths in options are relative to it
        self.manifest = manifest  # its path, for messages naming an entry's line
        self.python = python  # pip: the interpreter's absolute path
        self.environ = environ if environ is not None else {}  # the environment activate runs in


class PackageError(Exception):
    """A backend could not resolve or install: `entry` (an install id) if known."""

    def __init__(self, message: str, entry: str | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.entry = entry
        self.detail = detail  # the backend's own words


class Provided:
    """What the packages add to an activation."""

    __slots__ = ("environments", "conda_prefix", "activate_scripts")

    def __init__(self) -> None:
        self.environments: list[tuple[str, str]] = []  # (backend, store key)
        self.conda_prefix: str | None = None  # for the conda packages' activate.d scripts
        self.activate_scripts: list[str] = []  # etc/conda/activate.d/*.sh, in order


def prelude(provided: Provided) -> str:
    """bash code run before the hook: the conda packages' activation scripts,
    with CONDA_PREFIX set (as conda's own activation does), in name order."""
    if provided.conda_prefix is None or not provided.activate_scripts:
        return ""
    from ..shells.posix import quote

    lines = [f"export CONDA_PREFIX={quote(provided.conda_prefix)}"]
    lines += [f". {quote(script)}" for script in provided.activate_scripts]
    return "\n".join(lines) + "\n"


def interpreter(
    manifest: Manifest,
    options: dict[str, object],
    project: str,
    environ: dict[str, str],
    conda: str | None,
) -> str:
    """The pip environment's interpreter: `activate.pip.python`, else the conda
    prefix's python, else `python3` on PATH (outside the environment)."""

    wanted = options.get("python")
    if isinstance(wanted, str):
        if "/" in wanted:  # a path, relative to the project (uv reads a relative one as a version)
            found = which(os.path.join(project, os.path.expanduser(wanted)), None)
        else:
            found = which(wanted, environ.get("PATH"))
        if found is None:
            raise ActivateError(
                f"[options] activate.pip.python = {wanted!r}: no such interpreter",
                path=manifest.path,
                hint="name a Python on your PATH (python3.12) or give its path",
                status=EXIT_PACKAGES,
            )
        return os.path.abspath(found)
    if conda is not None:
        return conda
    found = which("python3", environ.get("PATH"))
    if found is None:
        raise ActivateError(
            "pip entries need a Python: there is no python3 on PATH",
            hint="install Python 3, or set [options] activate.pip.python, or add python to the conda entries",
            status=EXIT_PACKAGES,
        )
    return os.path.abspath(found)
