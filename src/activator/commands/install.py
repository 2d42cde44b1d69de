"""`activate install [--pip REQ]... [--conda SPEC]... [--locked]`: build the
manifest's packages without activating, after adding the entries given."""

from __future__ import annotations

import os

from .. import activation, editing, locate
from ..errors import EXIT_MANIFEST, ActivateError, UsageError, warn
from ..grammar import Invocation


def run(inv: Invocation) -> int:
    """Add the entries (if any), then lock, build and show every package."""
    added = [("pip", r) for r in inv.all("pip")] + [("conda", s) for s in inv.all("conda")]
    if added:
        if inv.get("locked"):
            raise UsageError(
                "--locked cannot be combined with --pip or --conda: adding changes the lock",
                inv.path,
            )
        add(inv.get("dir"), inv.get("file"), added)
    manifest, mode = activation.provide_packages(
        inv.get("dir"), inv.get("file"), inv.get("mode"), locked=bool(inv.get("locked"))
    )
    count = len(manifest.pip) + len(manifest.conda) + len({pid for pid, *_ in manifest.catalog})
    if not count:
        warn("the manifest has no pip or conda entries: nothing to install")
    else:
        warn(f"{count} package entr{'y' if count == 1 else 'ies'} installed ({mode} mode)")
    return 0


def add(directory: str | None, file: str | None, entries: list[tuple[str, str]]) -> None:
    """Add (or replace) [install] entries, keeping the manifest's comments."""
    import tomlkit

    from ..installs import entry_id

    loc = locate.find(directory, file, os.getcwd())
    doc = tomlkit.parse(loc.manifest_bytes.decode("utf-8"))
    table = doc.get("install")
    if table is None:
        table = tomlkit.table()
        doc["install"] = table
    for backend, spec in entries:
        try:
            pid = entry_id(backend, spec)
        except ValueError as e:
            raise ActivateError(f"--{backend} {spec!r}: {e}", status=EXIT_MANIFEST) from None
        if pid in table:
            del table[pid]  # replaced: the new spec is the whole entry
        table.add(tomlkit.key([pid, backend]), spec)  # `id.pip = "..."`, as Flox writes entries
        warn(f"[install] {pid}.{backend} = {spec!r} in {loc.manifest_path}")
    editing.save(loc, tomlkit.dumps(doc))
