"""The environment outside every activation, for `activate --outside`.

The outermost activation (one started where `_ACTIVATE_OUTSIDE` is not set)
saves the environment it started from, exactly, in a private file under the
state root named by its digest (`outside/KEY`), and the environment it hands
over carries `_ACTIVATE_OUTSIDE="KEY NAME NAME ..."`: the key and the names
of every variable an activation set, changed or unset (its built-ins, `.env`
files, `[vars]`, path lists, the hook's exports and unsets, and what a new
shell's start-up changes). Every activation inside it keeps the key and adds
its own names. An in-place activation records the variable like any other,
so `deactivate` puts back the level below (or removes it at the last level).

`environment` takes the current environment and gives each listed name (and
every `_ACTIVATE_*` bookkeeping variable) its saved value, or removes it
where it was unset; every other variable keeps its current value (what the
user or their shell changed since: `PWD`, `SHLVL`, their own exports).

Activation imports this module (the hot path): it imports only modules
activation has loaded already.
"""

from __future__ import annotations

import os

from . import registry
from .errors import ActivateError
from .state import digest, makedirs_private, read_file, state_roots_to_read, write_atomic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

VAR = "_ACTIVATE_OUTSIDE"
DIR = "outside"  # under the state root; registry.collect_garbage removes long-unused files
OWN = "_ACTIVATE_"  # activate's bookkeeping variables: all restored, never listed

HINT_GONE = (
    "it is removed when no activation used it for 30 days, and with the state folder "
    "(at logout, for $XDG_RUNTIME_DIR); leave the active environments (exit, or "
    "deactivate) and activate again, or open a new terminal"
)


def save(root: str, environ: Mapping[str, str]) -> str:
    """The key of the environment outside `environ`: the outermost activation
    (none in `environ`) saves `environ` to a private file named by its digest;
    a nested one keeps the key it finds. Either way the file is marked as in
    use (called before the clean-up, which removes only long-unused files)."""
    key, _ = split(environ.get(VAR))
    data = b""
    if not key:
        data = registry.encode({"v": 1, "environ": dict(environ)})
        key = digest(data)
    path = os.path.join(root, DIR, key)
    try:
        os.utime(path)
    except FileNotFoundError:
        if data:
            makedirs_private(os.path.dirname(path))
            write_atomic(path, data)
        # else: gone (or in another state root); `activate --outside` says so
    return key


def point(
    key: str, environ: Mapping[str, str], final: dict[str, str], names: Iterable[str]
) -> None:
    """Set `_ACTIVATE_OUTSIDE` in `final`, the environment an activation hands
    over: `key` (from `save`), the names listed in `environ`, and `names`."""
    final[VAR] = " ".join([key, *split(environ.get(VAR))[1]])
    add_names(final, names)


def add_names(env: dict[str, str], names: Iterable[str]) -> None:
    """Add `names` to the list in `env`'s `_ACTIVATE_OUTSIDE`, if it has one."""
    key, known = split(env.get(VAR))
    if key:
        merged = set(known)
        merged.update(n for n in names if n and not n.startswith(OWN) and " " not in n)
        env[VAR] = " ".join([key, *sorted(merged)])


def split(value: str | None) -> tuple[str, list[str]]:
    """The key and the names of an `_ACTIVATE_OUTSIDE` value; ("", []) when
    there is none or it is not one (then an activation counts as the outermost)."""
    if not value:
        return "", []
    key, *names = value.split(" ")
    if len(key) != 24 or not all(c in "0123456789abcdef" for c in key):
        return "", []
    return key, [n for n in names if n]


def environment(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` as it is outside every active environment (unchanged when none is)."""
    value = environ.get(VAR)
    if value is None:
        active = environ.get("FLOX_ENV") or environ.get("_FLOX_ACTIVE_ENVIRONMENTS")
        if active:
            raise ActivateError(
                f"an environment is active (FLOX_ENV={environ.get('FLOX_ENV', '')}) but "
                f"{VAR} is not set: Flox or an older activate activated it, and the "
                "environment it started from is unknown",
                hint="leave that environment (exit) to run commands outside it",
            )
        return dict(environ)
    key, names = split(value)
    if not key:
        raise ActivateError(
            f"{VAR} is not a value activate wrote: {value[:60]!r}",
            hint=f"unset {VAR} if you set it; else leave the active environments and activate again",
        )
    before = saved(key)
    out = dict(environ)
    for name in {*names, *(n for n in environ if n.startswith(OWN))}:
        if name in before:
            out[name] = before[name]
        else:
            out.pop(name, None)
    return out


def saved(key: str) -> dict[str, str]:
    """The environment saved under `key`, looked for in every state root."""
    roots = state_roots_to_read()
    for root in roots:
        path = os.path.join(root, DIR, key)
        raw = read_file(path)
        if raw is None:
            continue
        data = registry.decode(raw)
        environ = data.get("environ") if data is not None and data.get("v") == 1 else None
        if not isinstance(environ, dict):
            raise ActivateError(
                f"the saved environment {path} is damaged",
                hint="remove it, leave the active environments (exit, or deactivate) and activate again",
            )
        try:
            os.utime(path)  # in use: kept by the clean-up
        except OSError:
            pass
        return environ
    where = os.path.join(roots[0], DIR, key) if roots else f"{DIR}/{key} (no state folder exists)"
    raise ActivateError(
        f"the environment the outermost activation started from is no longer saved: {where} is gone",
        hint=HINT_GONE,
    )
