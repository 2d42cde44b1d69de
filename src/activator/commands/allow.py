"""`activate allow [-d DIR | -f FILE]`: let an environment activate automatically.

Records the fingerprint of the manifest and of every manifest it includes in
the trust store (`trust.py`); the prompt hook activates the environment when
the shell is in its folder, until any of those files changes.
"""

from __future__ import annotations

import os

from ..errors import UsageError, warn
from ..grammar import Invocation


def run(inv: Invocation) -> int:
    """Allow the environment of `-d`, `-f`, or the nearest `.flox` above."""
    from .. import auto, locate, trust

    loc = locate.find(inv.get("dir"), inv.get("file"), os.getcwd())
    manifest = os.path.realpath(loc.manifest_path)
    if loc.dotflox != os.path.join(loc.project, ".flox"):
        raise UsageError(
            f"{manifest} is not a project's .flox/env/manifest.toml: only those "
            "activate automatically (when the shell enters the project's folder)",
            ("allow",),
        )
    fp, files = auto.fingerprint(manifest)
    trust.allow(manifest, fp)
    also = f" (and the {len(files) - 1} it includes)" if len(files) > 1 else ""
    warn(f"allowed {manifest}{also} to activate automatically until it changes")
    return 0
