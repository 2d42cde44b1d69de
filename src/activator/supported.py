"""Facts every layer shares, written once: the shells and the modes activate supports."""

from __future__ import annotations

import os

# The shells activate renders code for and starts, in the order docs list them.
SHELLS = ("bash", "zsh", "fish", "tcsh")

# Other shells, by the family whose code they read: sh and dash read bash's
# (the bash-family code is POSIX where it must be), csh reads tcsh's.
FAMILIES = {"sh": "bash", "dash": "bash", "ash": "bash", "ksh": "bash", "csh": "tcsh"}

# Activation modes: dev (tools plus build paths) and run (tools only); dev is the default.
MODES = ("dev", "run")
DEFAULT_MODE = "dev"


def system() -> str:
    """Nix-style system string, e.g. x86_64-linux."""
    u = os.uname()
    arch = {"arm64": "aarch64", "amd64": "x86_64"}.get(u.machine.lower(), u.machine.lower())
    kernel = "darwin" if u.sysname == "Darwin" else u.sysname.lower()
    return f"{arch}-{kernel}"
