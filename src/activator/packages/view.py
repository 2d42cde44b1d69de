"""`$FLOX_ENV` as the view of the environment's packages.

`$FLOX_ENV/bin` holds links to the programs of the requested packages (in
dev mode, of their dependencies too), and `python`/`python3` wrappers that
run the pip environment's interpreter (a symlink would run the base Python,
outside the venv). In dev mode `include`, `lib` and `share` lead to the
conda prefix's, which the dev-mode paths (CPATH, PKG_CONFIG_PATH, ...) name.

The view is built in `$FLOX_ENV/.view-<hash>/`, then `bin` (and the others)
are switched to it with a rename of a symlink, so a shell never sees half a
view. Views are built when an activation starts, never when one attaches.
"""

from __future__ import annotations

import os

from ..errors import warn
from . import store

DEV_DIRS = ("include", "lib", "share")


class Part:
    """One built environment as the view uses it."""

    __slots__ = ("backend", "prefix", "programs", "python")

    def __init__(self, backend: str, prefix: str, programs: list[str], python: bool) -> None:
        self.backend = backend
        self.prefix = prefix  # its folder in the store
        self.programs = programs  # paths relative to `prefix` (bin/hello)
        self.python = python  # expose its interpreter as python, python3


def update(flox_env: str, mode: str, parts: list[Part]) -> None:
    """Make `flox_env` show `parts` (an empty list: an empty bin/)."""
    links: dict[str, str] = {}
    wrappers: dict[str, str] = {}
    for part in parts:  # later parts win a name: pip's programs over conda's
        for rel in part.programs:
            links[os.path.basename(rel)] = os.path.join(part.prefix, rel)
        if part.python:
            for name in ("python", "python3"):
                links.pop(name, None)
                wrappers[name] = os.path.join(part.prefix, "bin", "python")
    dirs = {}
    if mode == "dev":
        for part in parts:
            if part.backend == "conda":
                for d in DEV_DIRS:
                    if os.path.isdir(os.path.join(part.prefix, d)):
                        dirs[d] = os.path.join(part.prefix, d)
    if not links and not wrappers and not dirs:
        _empty(flox_env)
        return
    name = (
        ".view-"
        + store.digest([sorted(links.items()), sorted(wrappers.items()), sorted(dirs.items())])[:16]
    )
    view = os.path.join(flox_env, name)
    if not os.path.isdir(view):
        tmp = f"{view}.{os.getpid()}.tmp"
        store.remove_tree(tmp)
        os.makedirs(os.path.join(tmp, "bin"))
        for program, target in links.items():
            os.symlink(target, os.path.join(tmp, "bin", program))
        for program, python in wrappers.items():
            path = os.path.join(tmp, "bin", program)
            with open(path, "w", encoding="utf-8") as f:
                f.write(_wrapper(python))
            os.chmod(path, 0o755)
        for d, target in dirs.items():
            os.symlink(target, os.path.join(tmp, d))
        os.rename(tmp, view)
    _point(flox_env, "bin", os.path.join(name, "bin"))
    for d in DEV_DIRS:
        if d in dirs:
            _point(flox_env, d, os.path.join(name, d))
        elif os.path.islink(os.path.join(flox_env, d)):
            os.unlink(os.path.join(flox_env, d))
    _remove_other_views(flox_env, keep=name)


def _wrapper(python: str) -> str:
    """A script running `python` by its path: the venv's interpreter finds its
    environment from the path it is started as."""
    quoted = "'" + python.replace("'", "'\\''") + "'"
    return f'#!/bin/sh\nexec {quoted} "$@"\n'


def _point(flox_env: str, name: str, target: str) -> None:
    """Make `flox_env/name` a symlink to `target`, replacing what is there in one rename."""
    path = os.path.join(flox_env, name)
    if os.path.islink(path) and os.readlink(path) == target:
        return
    if os.path.isdir(path) and not os.path.islink(path):
        try:
            os.rmdir(path)  # the empty bin/ of an environment without packages
        except OSError:
            warn(
                f"{path} is a folder with files in it, so the packages cannot be shown there; move them away"
            )
            return
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _empty(flox_env: str) -> None:
    """No packages: a plain empty bin/, and no view."""
    for d in ("bin", *DEV_DIRS):
        path = os.path.join(flox_env, d)
        if os.path.islink(path):
            os.unlink(path)
    os.makedirs(os.path.join(flox_env, "bin"), exist_ok=True)
    _remove_other_views(flox_env, keep=None)


def _remove_other_views(flox_env: str, keep: str | None) -> None:
    try:
        names = os.listdir(flox_env)
    except OSError:
        return
    for name in names:
        if name.startswith(".view-") and name != keep:
            store.remove_tree(os.path.join(flox_env, name))
