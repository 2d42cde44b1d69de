"""Build an activation plan from a manifest, an environment and a mode.

The order is Flox's: the variables every activation sets, then `[vars]`,
then the mode's path lists; the hook's recorded changes come last.
"""

from __future__ import annotations

import os

from . import operations, varrefs
from .operations import Op, PathEdit, SetVar
from .supported import system
from .values import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .manifest import Manifest


class Identity(Value):
    """Which environment is being activated, and how."""

    __slots__ = ("dotflox", "project", "name", "mode", "base")

    def __init__(self, dotflox: str, project: str, name: str, mode: str, base: str = "") -> None:
        self.dotflox = dotflox  # the project's .flox (or a private stand-in for `-f FILE`)
        self.project = project  # FLOX_ENV_PROJECT
        self.name = name
        self.mode = mode
        self.base = base  # where run/ and cache/ are: dotflox, unless it is read-only

    @property
    def prefix(self) -> str:
        """FLOX_ENV: `.flox/run/<system>.<name>.<mode>`."""
        return os.path.join(self.base or self.dotflox, "run", f"{system()}.{self.name}.{self.mode}")

    @property
    def cache(self) -> str:
        """FLOX_ENV_CACHE: `.flox/cache`."""
        return os.path.join(self.base or self.dotflox, "cache")


def builtin_ops(ident: Identity, environ: Mapping[str, str]) -> list[Op]:
    """The variables every activation sets (hooks written for Flox read them)."""
    prefix = ident.prefix
    active = [e for e in active_environments(environ) if e.get("path") != ident.dotflox]
    active.insert(0, {"path": ident.dotflox, "name": ident.name, "mode": ident.mode})
    names: list[str] = []
    for entry in active:
        name = entry.get("name", "")
        if name and name not in names:
            names.append(name)
    return [
        SetVar("FLOX_ENV", prefix),
        SetVar("FLOX_ENV_CACHE", ident.cache),
        SetVar("FLOX_ENV_PROJECT", ident.project),
        SetVar("FLOX_ENV_DESCRIPTION", ident.name),
        PathEdit("FLOX_ENV_DIRS", front=(prefix,)),
        SetVar("_FLOX_ACTIVE_ENVIRONMENTS", encode_active(active)),
        SetVar("FLOX_PROMPT_ENVIRONMENTS", " ".join(names)),
    ]


def mode_ops(prefix: str, mode: str, env_dirs: Sequence[str] = ()) -> list[Op]:
    """Path lists for `dev` or `run` mode. PATH gets the `bin` of every active
    environment (`env_dirs`, newest first), so a nested shell whose rc files
    reset PATH gets the outer environments' tools back too."""
    bins = [f"{d}/bin" for d in (prefix, *env_dirs) if d]
    ops: list[Op] = [
        PathEdit("PATH", front=tuple(dict.fromkeys(bins))),
        PathEdit("MANPATH", front=(f"{prefix}/share/man",), default=""),
        PathEdit("INFOPATH", front=(f"{prefix}/share/info",), default=""),
        PathEdit(
            "XDG_DATA_DIRS", front=(f"{prefix}/share",), default="/usr/local/share:/usr/share"
        ),
    ]
    if mode == "dev":
        ops += [
            PathEdit("CPATH", front=(f"{prefix}/include",)),
            PathEdit("LIBRARY_PATH", front=(f"{prefix}/lib",)),
            PathEdit(
                "PKG_CONFIG_PATH", front=(f"{prefix}/lib/pkgconfig", f"{prefix}/share/pkgconfig")
            ),
            PathEdit("ACLOCAL_PATH", front=(f"{prefix}/share/aclocal",)),
            PathEdit("CMAKE_PREFIX_PATH", front=(prefix,)),
        ]
    return ops


def var_ops(manifest: Manifest, known: Mapping[str, str], environ: Mapping[str, str]) -> list[Op]:
    """`[vars]`, resolved in dependency order; `known` are activate's own values.

    A reference to a `[vars]` name gives its resolved value, except a
    reference to the variable's own name, which gives the value from outside.
    """
    resolved: dict[str, str] = {}
    for name in manifest.var_order:

        def lookup(ref: str, this: str = name) -> str:
            if ref != this and ref in resolved:
                return resolved[ref]
            if ref in known:
                return known[ref]
            return environ.get(ref, "")

        resolved[name] = varrefs.expand(manifest.vars[name], lookup)
    return [
        _var_op(name, resolved[name], known.get(name, environ.get(name))) for name in manifest.vars
    ]


def _var_op(name: str, value: str, before: str | None) -> Op:
    """A path list set from its own old value (`PATH = "$FLOX_ENV_CACHE/bin:$PATH"`)
    becomes an edit: replayed relative to a new shell's own value, like a hook's.
    Only when the edit gives exactly `value` here; otherwise the literal value."""
    if before and operations.is_path_list(name):
        change = operations.path_change(name, before, value)
        if operations.edit_path(before, change) == value:
            return change
    return SetVar(name, value)


def build(
    manifest: Manifest, ident: Identity, environ: Mapping[str, str], hook_ops: Sequence[Op] = ()
) -> list[Op]:
    """The whole plan: built-ins, `.env` files, `[vars]`, mode paths, then the hook's changes."""
    ops = builtin_ops(ident, environ)
    known = operations.apply({}, ops)
    known["FLOX_ENV_DIRS"] = operations.apply(environ, ops)["FLOX_ENV_DIRS"]
    env_files = env_file_values(manifest, ident, known, environ)
    ops += [
        _var_op(name, value, known.get(name, environ.get(name)))
        for name, value in env_files.items()
    ]
    known.update(env_files)
    ops += var_ops(manifest, known, environ)
    ops += mode_ops(ident.prefix, ident.mode, known["FLOX_ENV_DIRS"].split(":"))
    ops += hook_ops
    return ops


def env_file_values(
    manifest: Manifest, ident: Identity, known: Mapping[str, str], environ: Mapping[str, str]
) -> dict[str, str]:
    """The variables of `[options] activate.env-files` (dotenv format), read at
    every activation, in order; a later file overrides an earlier one. A file
    that does not exist is skipped, with a note."""
    if not manifest.env_files:
        return {}
    from . import dotenv
    from .errors import EXIT_MANIFEST, ActivateError, warn

    values: dict[str, str] = {}

    def lookup(name: str) -> str | None:
        return values.get(name, known.get(name, environ.get(name)))

    for relative in manifest.env_files:
        path = os.path.join(ident.project, relative)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            warn(f"{relative} (listed in [options] activate.env-files) does not exist; skipped")
            continue
        except (OSError, UnicodeDecodeError) as e:
            raise ActivateError(f"cannot read {path}: {e}", status=EXIT_MANIFEST) from None
        values.update(dotenv.parse(text, path, lookup))
    return values


def active_environments(environ: Mapping[str, str]) -> list[dict[str, str]]:
    """The `_FLOX_ACTIVE_ENVIRONMENTS` list from the environment (newest first)."""
    raw = environ.get("_FLOX_ACTIVE_ENVIRONMENTS")
    if not raw:
        return []
    try:
        data = _json_loads(raw)
    except ValueError:
        return []
    if not isinstance(data, list):
        return []
    out = []
    for entry in data:
        if isinstance(entry, dict):
            out.append(
                {k: v for k, v in entry.items() if isinstance(k, str) and isinstance(v, str)}
            )
    return out


class _JSONContext:
    """What CPython's C JSON scanner reads from a decoder."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = float

    def __init__(self) -> None:
        self.memo: dict[str, str] = {}  # the scanner's own cache of keys


def _json_loads(text: str) -> object:
    """json.loads through the C scanner directly: importing json.decoder drags in
    `re` and `enum`, a third of an attach, on every nested activation."""
    try:
        import _json

        scan = _json.make_scanner(_JSONContext())  # type: ignore[arg-type]  # any object with these attributes
        obj, end = scan(text.strip(), 0)
        if end != len(text.strip()):
            raise ValueError("extra data after JSON")
        return obj
    except (ImportError, AttributeError):  # another Python: the public way
        import json

        return json.loads(text)
    except StopIteration:
        raise ValueError("not JSON") from None


def encode_active(entries: Sequence[Mapping[str, str]]) -> str:
    """JSON for `_FLOX_ACTIVE_ENVIRONMENTS`, written without importing json."""
    objs = (
        "{" + ",".join(f"{_json_str(k)}:{_json_str(v)}" for k, v in e.items()) + "}"
        for e in entries
    )
    return "[" + ",".join(objs) + "]"


def _json_str(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch < " " or ch == "\x7f" or "\ud800" <= ch <= "\udfff":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
