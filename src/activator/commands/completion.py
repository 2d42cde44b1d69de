"""`activate completion bash|zsh|fish|tcsh`: print the shell's completion code."""

from __future__ import annotations

import sys

from ..activation import Request
from ..cli import UsageError, split_options

SHELLS = ("bash", "zsh", "fish", "tcsh")


def run(req: Request) -> int:
    """Print completion code for one shell (see docs for the line to add to your rc file)."""
    _, words = split_options(req.argv, (), ())
    if len(words) != 1 or words[0] not in SHELLS:
        raise UsageError("usage: activate completion bash|zsh|fish|tcsh")
    from ..completion import script

    sys.stdout.write(script(words[0]))
    return 0
