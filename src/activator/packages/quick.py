"""Starting an environment whose packages are built already, cheaply.

Provisioning reads the lock (TOML), hashes and asks the backends: tens of
milliseconds of imports. When nothing it depends on has changed since the
last start of the same manifest and mode (the lock file, the interpreter,
the built environments, the view), the record it left says the answer:
checking it costs a few `stat` calls and no import beyond the standard
ones activate already uses.
"""

from __future__ import annotations

import os

from .. import registry
from ..state import cache_home, read_file, write_atomic
from . import Provided, interpreter, lockfile

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..manifest import Manifest

STORE_MARKER = ".activate.json"  # store.MARKER (store itself imports json, shutil)


def stamp(manifest: Manifest, project: str, environ: dict[str, str]) -> list[object]:
    """What provisioning's answer depends on, besides the manifest: the lock
    file, the pip interpreter (path, size, mtime) and where the store is
    (another XDG_CACHE_HOME is another store)."""
    out: list[object] = [_stat(lockfile.path_for(manifest.path)), cache_home()]
    if manifest.pip:
        options = dict(manifest.package_options.get("pip") or {})
        python = interpreter(manifest, options, project, environ, None)
        out += [python, _stat(python)]
    return out


def lookup(record: str, now: list[object], flox_env: str) -> Provided | None:
    """The recorded result, if `now` is the stamp it was recorded with and
    the environments and the view it names are still there."""
    raw = read_file(record)
    data = registry.decode(raw) if raw is not None else None
    if data is None or data.get("stamp") != now:
        return None
    try:
        folders = [str(f) for f in data["folders"]]  # type: ignore[attr-defined]
        if not all(os.path.exists(os.path.join(f, STORE_MARKER)) for f in folders):
            return None  # removed by gc, or by hand
        if data["view"] != _view(flox_env):
            return None
        provided = Provided()
        provided.environments = [(str(b), str(k)) for b, k in data["environments"]]  # type: ignore[attr-defined]
        provided.conda_prefix = data["conda_prefix"]  # type: ignore[assignment]
        provided.activate_scripts = list(data["activate_scripts"])  # type: ignore[call-overload]
    except (KeyError, TypeError, ValueError):
        return None
    return provided


def save(
    record: str, now: list[object], provided: Provided, flox_env: str, store_root: str
) -> None:
    """Record what provisioning gave, for the next start."""
    data: dict[str, object] = {
        "stamp": now,
        "folders": [os.path.join(store_root, key) for _, key in provided.environments],
        "view": _view(flox_env),
        "environments": provided.environments,
        "conda_prefix": provided.conda_prefix,
        "activate_scripts": provided.activate_scripts,
    }
    try:
        write_atomic(record, registry.encode(data))
    except OSError:
        pass  # only a shortcut: the next start provisions in full


def _stat(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _view(flox_env: str) -> list[str | None]:
    """Where `flox_env`'s bin, include, lib and share lead now."""
    out: list[str | None] = []
    for name in ("bin", "include", "lib", "share"):
        try:
            out.append(os.readlink(os.path.join(flox_env, name)))
        except OSError:
            out.append(None)
    return out
