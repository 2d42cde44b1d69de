"""`[include]`: a manifest composed of the environments it includes.

    [include]
    environments = [{ dir = "../base" }, { dir = "tools/python", name = "py" }]

Each included environment's manifest (itself composed: includes nest) is
read, then they are merged in list order and the including manifest goes on
top, as Flox merges them: later definitions win key by key for `[vars]`,
`[install]` entries (by install id), `[options]` and `[services]`; the hook
and each `[profile]` key are joined in the same order (included first), each
piece keeping its own file and line for messages. A `remote` include
(FloxHub) cannot be reached: it is named as not merged and skipped.
"""

from __future__ import annotations

import os

from . import manifest as manifest_mod
from .errors import EXIT_MANIFEST, ActivateError
from .manifest import Manifest, find_key_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


def load(path: str, raw: bytes) -> tuple[Manifest, str]:
    """The manifest at `path` (bytes `raw`), composed with what it includes,
    and the stamp of the included manifests as they were read ("" for none)."""
    read: list[tuple[str, bytes]] = []
    m = _compose(path, raw, (), read)
    return m, _stamp(read)


def stamp(paths: Sequence[str]) -> str | None:
    """The stamp of the included manifests `paths` as they are now (what
    `load` returned for them when they are unchanged); None when one of them
    cannot be read."""
    read = []
    for path in paths:
        try:
            with open(path, "rb") as f:
                read.append((path, f.read()))
        except OSError:
            return None
    return _stamp(read)


def identity(key: str, stamp: str) -> str:
    """The activation's identity: the manifest's `key` (locate.manifest_key)
    and the `stamp` of what it includes ("" for nothing: then `key` itself)."""
    from .state import digest

    return digest(key.encode(), stamp.encode()) if stamp else key


def _stamp(read: Sequence[tuple[str, bytes]]) -> str:
    from .state import digest

    return digest(*(path.encode() + b"\0" + data for path, data in read)) if read else ""


def project_of(path: str) -> str:
    """The folder an include's `dir` is relative to: the project of a
    `.flox/env/manifest.toml`, the folder of any other manifest file."""
    parts = os.path.realpath(path).split(os.sep)
    if parts[-3:] == [".flox", "env", "manifest.toml"]:
        return os.sep.join(parts[:-3]) or os.sep
    return os.path.dirname(os.path.realpath(path))


def _compose(
    path: str, raw: bytes, chain: Sequence[str], read: list[tuple[str, bytes]]
) -> Manifest:
    own, text, data = manifest_mod.parse(path, raw)
    entries = _entries(path, text, data)
    if not entries:
        return own
    merged: Manifest | None = None
    included: list[tuple[str, str]] = []
    remote: list[str] = []
    real = os.path.realpath(path)
    for dir_value, name, line in entries:
        if dir_value is None:
            remote.append(name)
            continue
        target = _manifest_of(path, text, dir_value, line)
        if os.path.realpath(target) in (*chain, real):
            cycle = [*chain, real, os.path.realpath(target)]
            raise ActivateError(
                "[include] environments include each other in a circle: " + " -> ".join(cycle),
                path=path,
                line=line,
                source_text=text,
                hint="remove one of the includes in that circle",
                status=EXIT_MANIFEST,
            )
        with open(target, "rb") as f:
            target_raw = f.read()
        read.append((target, target_raw))
        piece = _compose(target, target_raw, (*chain, real), read)
        included += [(dir_value, target), *piece.included]
        merged = piece if merged is None else merge(merged, piece)
    assert merged is not None or remote
    result = own if merged is None else merge(merged, own)
    result.included = included
    result.includes = [*(merged.includes if merged else []), *remote]
    return result


def _entries(
    path: str, text: str, data: dict[str, object]
) -> list[tuple[str | None, str, int | None]]:
    """(dir or None for a remote, what to call it, its line) per include entry
    of the manifest at `path` (its `text`, parsed as `data`)."""
    table = data.get("include")
    if not isinstance(table, dict):
        return []
    line = find_key_line(text, ("include", "environments"))
    out: list[tuple[str | None, str, int | None]] = []
    for entry in table.get("environments") or []:
        if not isinstance(entry, dict):
            raise ActivateError(
                "[include] environments holds something that is not a table",
                path=path,
                line=line,
                source_text=text,
                hint='write each as { dir = "../base" }',
                status=EXIT_MANIFEST,
            )
        if isinstance(entry.get("dir"), str):
            out.append((str(entry["dir"]), str(entry.get("name") or entry["dir"]), line))
        elif isinstance(entry.get("remote"), str):
            out.append((None, f"remote {entry['remote']}", line))
        else:
            raise ActivateError(
                "an [include] environment needs a dir (or a remote)",
                path=path,
                line=line,
                source_text=text,
                hint='write it as { dir = "../base" }',
                status=EXIT_MANIFEST,
            )
    return out


def _manifest_of(path: str, text: str, dir_value: str, line: int | None) -> str:
    """The manifest of the included environment at `dir_value` (relative to the
    including manifest's project, `path`, whose text is `text`), or an error
    naming the include entry."""
    folder = os.path.normpath(os.path.join(project_of(path), os.path.expanduser(dir_value)))
    if os.path.basename(os.path.normpath(folder)) == ".flox":
        folder = os.path.dirname(os.path.normpath(folder))
    target = os.path.join(folder, ".flox", "env", "manifest.toml")
    if os.path.isfile(target):
        return target
    what = "no such folder" if not os.path.isdir(folder) else "no .flox/env/manifest.toml in it"
    raise ActivateError(
        f"[include] {{ dir = {dir_value!r} }}: {what} ({folder})",
        path=path,
        line=line,
        source_text=text or None,
        hint="fix the dir (relative to the project folder), or create that environment with `activate init DIR`",
        status=EXIT_MANIFEST,
    )


def merge(low: Manifest, high: Manifest) -> Manifest:
    """`high` on top of `low` (Flox's shallow merge): `high` wins key by key;
    the hook and [profile] pieces of `low` come first."""
    from . import varrefs

    m = Manifest(path=high.path)
    m.vars = {**low.vars, **high.vars}
    try:
        m.var_order = varrefs.resolution_order(m.vars)
    except varrefs.CycleError as e:
        raise ActivateError(
            "[vars] of the composed environments refer to each other in a circle: "
            + " -> ".join(e.cycle),
            path=high.path,
            hint="break the circle: one of them must not refer to the others",
            status=EXIT_MANIFEST,
        ) from None
    m.hook_pieces = [*low.hook_parts(), *high.hook_parts()]
    parts = m.hook_pieces
    m.hook = "\n".join(text for _, _, text in parts) if parts else None
    m.hook_line = parts[0][1] if parts else None
    m.hook_key = high.hook_key if high.hook is not None else low.hook_key
    keys = dict.fromkeys([*low.profile, *low.profile_pieces, *high.profile, *high.profile_pieces])
    for key in keys:
        m.profile_pieces[key] = [*low.profile_parts(key), *high.profile_parts(key)]
        m.profile[key] = "\n".join(text for _, text in m.profile_pieces[key])
    m.mode = high.mode or low.mode
    m.systems = high.systems if high.systems is not None else low.systems
    m.env_files = high.env_files or low.env_files
    m.unsupported = list(dict.fromkeys([*low.unsupported, *high.unsupported]))
    m.packages = _by_id(low.packages, high.packages)
    m.pip = _by_id(low.pip, high.pip)
    m.conda = _by_id(low.conda, high.conda)
    m.catalog = _by_id(low.catalog, high.catalog)
    # an install id defined again replaces the entry, whatever its backend
    for name in ("packages", "pip", "conda", "catalog"):
        others = {
            e[0]
            for other in ("packages", "pip", "conda", "catalog")
            if other != name
            for e in getattr(high, other)
        }
        setattr(
            m, name, [e for e in getattr(m, name) if e[0] not in others or e in getattr(high, name)]
        )
    m.package_options = {
        backend: {**low.package_options.get(backend, {}), **high.package_options.get(backend, {})}
        for backend in dict.fromkeys([*low.package_options, *high.package_options])
    }
    # a service defined again replaces the whole service; auto-start: high's if it says
    names = {s.name for s in high.services}
    m.services = [s for s in low.services if s.name not in names] + list(high.services)
    m.auto_start = high.auto_start if high.auto_start is not None else low.auto_start
    m.includes = [*low.includes, *high.includes]
    return m


def _by_id(low: list, high: list) -> list:  # type: ignore[type-arg]
    """Entries (tuples whose first item is an id) of `low`, then `high`'s: an
    id in `high` replaces the whole of `low`'s entry (all of its tuples)."""
    ids = {e[0] for e in high}
    return [e for e in low if e[0] not in ids] + list(high)
