"""`activate vars list | set NAME VALUE | unset NAME`: read and change [vars].

Changes go through tomlkit, so the manifest keeps its comments and layout;
the changed manifest must pass every check activation makes before it is
written (atomically; when the manifest or its folder cannot be written, or
the disk is full, it is left as it was and the error says which and why).
"""

from __future__ import annotations

import os
import sys

from .. import editing, locate, manifest, varrefs
from ..errors import ActivateError, UsageError, warn
from ..grammar import Invocation


def run(inv: Invocation) -> int:
    """`vars list`, `vars set NAME VALUE` and `vars unset NAME` (the table checked the words)."""
    loc = locate.find(inv.get("dir"), inv.get("file"), os.getcwd())
    verb = inv.path[1]
    if verb == "list":
        return _list(loc)
    if verb == "set":
        return _change(loc, inv.args[0], inv.args[1], inv.path)
    return _change(loc, inv.args[0], None, inv.path)


def _list(loc: locate.Location) -> int:
    """Print `NAME = "value"` lines (TOML, so any value is unambiguous)."""
    import tomlkit

    m = manifest.load(loc.manifest_path, loc.manifest_bytes)  # the manifest must be valid
    doc = tomlkit.parse(loc.manifest_bytes.decode("utf-8"))
    table = doc.get("vars", {})
    lines = [f"{name} = {tomlkit.string(str(table[name])).as_string()}" for name in m.vars]
    sys.stdout.write("".join(line + "\n" for line in lines))
    return 0


def _change(loc: locate.Location, name: str, value: str | None, path: tuple[str, ...]) -> int:
    import tomlkit

    if not varrefs.is_valid_name(name):
        raise UsageError(
            f"{name!r} is not a valid variable name (letters, digits, _; not a digit first)", path
        )
    doc = tomlkit.parse(loc.manifest_bytes.decode("utf-8"))
    table = doc.get("vars")
    if value is None:
        if table is None or name not in table:
            raise ActivateError(f"[vars] has no {name} in {loc.manifest_path}", status=1)
        del table[name]
    else:
        if table is None:
            table = tomlkit.table()
            doc["vars"] = table
        table[name] = value
    editing.save(loc, tomlkit.dumps(doc))
    warn(f"{'unset' if value is None else 'set'} {name} in {loc.manifest_path}")
    return 0
