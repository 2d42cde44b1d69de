"""`activate deny [-d DIR | -f FILE]`: withdraw `activate allow`."""

from __future__ import annotations

import os

from ..errors import warn
from ..grammar import Invocation


def run(inv: Invocation) -> int:
    """Remove the environment's trust record; a shell where it was activated
    automatically deactivates it at its next prompt."""
    from .. import locate, trust

    loc = locate.find(inv.get("dir"), inv.get("file"), os.getcwd())
    manifest = os.path.realpath(loc.manifest_path)
    if trust.deny(manifest):
        warn(f"{manifest} may no longer activate automatically")
    else:
        warn(f"{manifest} was not allowed to activate automatically; nothing to do")
    return 0
