"""`activate uninstall ID...`: remove [install] entries, then update the lock and view."""

from __future__ import annotations

import os

from .. import activation, editing, locate
from ..errors import ActivateError, warn
from ..grammar import Invocation


def run(inv: Invocation) -> int:
    """Remove the entries named by their install ids."""
    import tomlkit

    loc = locate.find(inv.get("dir"), inv.get("file"), os.getcwd())
    doc = tomlkit.parse(loc.manifest_bytes.decode("utf-8"))
    plugin = doc.get("plugins", {}).get("activate", {}).get("install")
    tables = [t for t in (doc.get("install"), plugin) if t is not None]
    for pid in inv.args:
        table = next((t for t in tables if pid in t), None)
        if table is None:
            raise ActivateError(f"[install] has no entry {pid!r} in {loc.manifest_path}")
        del table[pid]
        warn(f"removed [install] {pid} from {loc.manifest_path}")
    editing.save(loc, tomlkit.dumps(doc))
    activation.provide_packages(inv.get("dir"), inv.get("file"), inv.get("mode"))
    return 0
