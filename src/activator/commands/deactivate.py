"""`activate deactivate`: leave the newest in-place activation of this shell.

It prints code for the shell to evaluate (the `deactivate` function that an
in-place activation defines does that): the `[profile] deactivate-*` code
first, then the removal of what the profile defined, every variable back to
its value before the activation (path lists lose only the entries the
activation added), and the prompt as it was.
"""

from __future__ import annotations

import os

from .. import inplace, procs
from ..errors import ActivateError
from ..grammar import Invocation
from ..state import state_root


def run(inv: Invocation) -> int:
    """Print the code that undoes the newest in-place activation of the calling shell."""
    from .. import detect, launch

    choice = detect.choose(inv.get("shell"), os.environ)
    if os.isatty(1):  # typed at a prompt: nothing would evaluate the code
        line = {
            "fish": "activate deactivate | source",
            "tcsh": 'eval "`activate deactivate`"',
        }.get(choice.kind, 'eval "$(activate deactivate)"')
        raise ActivateError(
            "activate deactivate prints code for your shell to run",
            hint=f"type `deactivate`, or {line}",
            status=2,
        )
    stack = os.environ.get(inplace.STACK, "").split()
    if not stack:
        if os.environ.get("FLOX_ENV"):
            raise ActivateError(
                "this shell was started by `activate`: type `exit` to leave it",
                hint='deactivate undoes only `eval "$(activate --print)"` (an in-place activation)',
            )
        raise ActivateError("no environment is active in this shell")
    record_id = stack[-1]
    shell_pid = procs.evaluating_shell(os.getppid())
    if not record_id.startswith(f"{shell_pid}-"):
        raise ActivateError(
            "the environment was activated in place in a parent shell: type `exit` to leave this one"
        )
    try:
        code, _ = launch.undo_code(state_root(), choice.kind, os.environ, record_id)
    except LookupError:
        raise ActivateError(
            "the record of this in-place activation is gone (the state directory was cleared)",
            hint="start a new shell",
        ) from None
    return launch.emit(state_root(), choice.kind, code)
