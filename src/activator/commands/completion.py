"""`activate completion bash|zsh|fish|tcsh`: print the shell's completion code."""

from __future__ import annotations

import sys

from ..grammar import Invocation


def run(inv: Invocation) -> int:
    """Print completion code for one shell (the table checked the shell's name)."""
    from ..completion import script

    sys.stdout.write(script(inv.args[0]))
    return 0
