"""`activate update [ID...]`: resolve again, ignoring the lock."""

from __future__ import annotations

from .. import activation
from ..errors import ActivateError, warn
from ..grammar import Invocation


def run(inv: Invocation) -> int:
    """Resolve every entry (or the backends of the ids given) afresh."""
    ids = set(inv.args)
    manifest, _ = activation.provide_packages(
        inv.get("dir"), inv.get("file"), inv.get("mode"), update=ids or True
    )
    known = {pid for pid, _, _ in (*manifest.pip, *manifest.conda)}
    unknown = sorted(ids - known)
    if unknown:
        raise ActivateError(f"[install] has no pip or conda entry {', '.join(map(repr, unknown))}")
    warn("updated the lock: " + (", ".join(sorted(ids)) if ids else "every entry"))
    return 0
