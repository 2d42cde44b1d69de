"""Find the environment to activate: `.flox/env/manifest.toml` above the
current folder (like git), in `-d DIR`, or a bare manifest given with `-f`."""

from __future__ import annotations

import os

from . import __version__
from .errors import EXIT_USAGE, ActivateError
from .state import cache_home, digest, read_file
from .values import Value


class Location(Value):
    """Where an environment's files are."""

    __slots__ = (
        "manifest_path",
        "dotflox",
        "project",
        "default_name",
        "manifest_bytes",
        "env_json",
    )

    def __init__(
        self,
        manifest_path: str,
        dotflox: str,
        project: str,
        default_name: str,
        manifest_bytes: bytes,
        env_json: bytes,
    ) -> None:
        self.manifest_path = manifest_path
        self.dotflox = dotflox  # the project's .flox; for a bare file, a private stand-in
        self.project = project  # FLOX_ENV_PROJECT
        self.default_name = default_name  # the name when .flox/env.json gives none
        self.manifest_bytes = manifest_bytes
        self.env_json = env_json  # raw .flox/env.json (b"" if none): part of the identity


def group_dir(root: str, dotflox: str) -> str:
    """Where the private state root `root` keeps what belongs to the environment
    `dotflox`: its activations, cached manifests and services."""
    return os.path.join(root, "envs", digest(dotflox.encode()))


def manifest_key(loc: Location) -> str:
    """This version of the environment's manifest: its bytes, `.flox/env.json`
    and activate's version (composition.identity adds what it includes)."""
    return digest(loc.manifest_bytes, loc.env_json, __version__.encode())


def find(directory: str | None, file: str | None, cwd: str) -> Location:
    """The environment for `-d`, `-f`, or the nearest `.flox` above `cwd`."""
    if file is not None:
        return _from_file(os.path.join(cwd, file))
    if directory is not None:
        base = os.path.realpath(os.path.join(cwd, directory))
        if os.path.basename(base) == ".flox":
            base = os.path.dirname(base)
        if not os.path.isdir(base):
            raise ActivateError(f"-d {directory}: no such directory", status=EXIT_USAGE)
        return _from_project(base, f"-d {directory}")
    here = os.path.realpath(cwd)
    while True:
        if os.path.isdir(os.path.join(here, ".flox")):
            return _from_project(here, None)
        up = os.path.dirname(here)
        if up == here:
            raise ActivateError(
                f"no environment here: no .flox/env/manifest.toml in {os.path.realpath(cwd)} or above",
                hint="`activate init` creates an environment here; or use -d DIR or -f FILE",
                status=EXIT_USAGE,
            )
        here = up


def _from_project(project: str, flag: str | None) -> Location:
    dotflox = os.path.join(project, ".flox")
    manifest = os.path.join(dotflox, "env", "manifest.toml")
    raw = _read_manifest(manifest, flag)
    return Location(
        manifest_path=manifest,
        dotflox=dotflox,
        project=project,
        default_name=os.path.basename(project) or "default",
        manifest_bytes=raw,
        env_json=read_file(os.path.join(dotflox, "env.json")) or b"",
    )


def _from_file(path: str) -> Location:
    path = os.path.realpath(path)
    parts = path.split(os.sep)
    if parts[-3:] == [".flox", "env", "manifest.toml"]:
        return _from_project(os.sep.join(parts[:-3]) or os.sep, None)
    raw = _read_manifest(path, "-f")
    project = os.path.dirname(path)
    stem = os.path.splitext(os.path.basename(path))[0]
    name = os.path.basename(project) if stem == "manifest" else stem
    # A bare file has no .flox of its own: its run and cache folders live in
    # the user's cache, one per manifest path, so the project stays clean.
    dotflox = os.path.join(
        cache_home(), "activate", "files", f"{name}-{digest(path.encode())[:12]}"
    )
    return Location(path, dotflox, project, name or "default", raw, b"")


def _read_manifest(path: str, flag: str | None) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        where = f"{flag}: " if flag else ""
        dotflox = os.path.dirname(os.path.dirname(path))
        if flag == "-f":
            summary = f"{where}no such manifest file: {path}"
        elif os.path.isdir(dotflox):
            summary = f"{where}found {dotflox} but no env/manifest.toml in it"
        else:
            summary = f"{where}no .flox/env/manifest.toml in {os.path.dirname(dotflox)}"
        if flag == "-f":
            hint = "check the path; `activate init DIR` creates a project's manifest"
        else:
            project = os.path.dirname(dotflox)
            hint = f"`activate init {_shown(project)}` creates one (docs/manifest.md)"
        raise ActivateError(summary, hint=hint, status=EXIT_USAGE) from None
    except IsADirectoryError:
        raise ActivateError(
            f"{path} is a directory, not a manifest file", status=EXIT_USAGE
        ) from None
    except OSError as e:
        raise ActivateError(f"cannot read {path}: {e.strerror}", status=EXIT_USAGE) from None


def _shown(folder: str) -> str:
    """`folder` as short as it can be typed from here: `.` or a relative path."""
    relative = os.path.relpath(folder)
    return relative if not relative.startswith("../..") else folder


def env_name(loc: Location) -> str:
    """The environment's name: `.flox/env.json`'s "name", else the default."""
    if loc.env_json:
        import json

        try:
            data = json.loads(loc.env_json)
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("name"), str) and data["name"].strip():
            return str(data["name"]).strip()
    return loc.default_name
