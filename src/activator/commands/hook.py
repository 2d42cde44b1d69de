"""`activate hook SHELL`: print the prompt hook that auto-activates on `cd`.

The hook's code is in the bundled `shell/hook/` files; only the path of this
activate (for tcsh, of the files it sources; for bash and zsh, their shared
test of what changed, `changed.sh`) is filled in.
"""

from __future__ import annotations

import os

from ..grammar import Invocation


def run(inv: Invocation) -> int:
    """Print the prompt-hook code for the shell named (the table checked it)."""
    from .. import bundled, inplace
    from ..shells import SHELLS
    from ..state import write_all

    kind = inv.args[0]
    shell = SHELLS[kind]
    code = bundled.template("hook", f"hook.{kind}", shell.quote(inplace.command()))
    if kind in ("bash", "zsh"):  # one test of what changed, in both
        code = code.replace("@CHANGED@", bundled.template("hook", "changed.sh", "").rstrip("\n"))
    if kind == "tcsh":
        folder = os.path.join(bundled.shell_dir(), "hook")
        code = code.replace("@PRECMD@", shell.quote(os.path.join(folder, "precmd.tcsh")))
        code = code.replace("@INSTALL@", shell.quote(os.path.join(folder, "install.tcsh")))
    write_all(1, code.encode("utf-8", "surrogateescape"))
    return 0
