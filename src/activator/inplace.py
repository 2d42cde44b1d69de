"""Undo records of in-place activations, for `activate deactivate`.

`eval "$(activate --print)"` changes the calling shell; to undo that later,
the printing process (which sees the shell's exported variables) records
each variable's value before the activation and the path-list entries the
activation added. Records live under the state root in `inplace/<shell pid>-
<start token>/<depth>`; the shell's `_ACTIVATE_INPLACE` variable lists them
(newest last), so a nested in-place activation is undone one level at a time.
"""

from __future__ import annotations

import os
import sys

from . import operations, procs, registry
from .state import makedirs_private, read_file, remove, write_atomic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from .activation import Activation

STACK = "_ACTIVATE_INPLACE"


def record(act: Activation, shell: str, undo_profile: list[str]) -> tuple[int, dict[str, str]]:
    """Write the undo record of this in-place activation; return its depth and
    the final environment, which now also lists the record in `_ACTIVATE_INPLACE`."""
    stack = act.environ.get(STACK, "").split()
    depth = len(stack) + 1
    token = procs.token(act.holder) or "unknown"
    record_id = f"{act.holder}-{token}/{depth}"
    final = dict(act.final)
    final[STACK] = " ".join([*stack, record_id])
    before: dict[str, str | None] = {}
    added: dict[str, list[str]] = {}
    for op in operations.diff(act.environ, final):
        name = op.name  # type: ignore[union-attr]  # diff gives only SetVar and UnsetVar
        old = act.environ.get(name)
        before[name] = old
        if operations.is_path_list(name) and name in final:
            had = operations.split_path(old)
            now = operations.split_path(final[name])
            # Only entries added (PATH = "$FLOX_ENV/bin:$PATH"): undo removes just
            # them, keeping what the user adds later. A list replaced outright
            # (PATH = "/x") is set back to its old value.
            if set(had) <= set(now):
                added[name] = [e for e in now if e and e not in set(had)]
    data = {
        "v": 1,
        "before": before,
        "added": added,
        "undo_profile": undo_profile,
        "shell": shell,
        # The shell's hold on the activation, released by deactivate unless the
        # shell held it before (an in-place activation inside its own subshell).
        "activation_dir": "" if act.held_before else act.activation_dir,
    }
    path = os.path.join(act.root, "inplace", record_id)
    makedirs_private(os.path.dirname(path))
    write_atomic(path, registry.encode(data))
    return depth, final


def undo(
    root: str, environ: Mapping[str, str], record_id: str
) -> tuple[list[operations.Op], list[str]]:
    """The operations that undo record `record_id` in `environ`, and the
    deactivate-* profile files to run first; the record is removed and the
    shell's hold on the activation released (so that, once nothing holds it,
    the next activation starts afresh and runs the hook)."""
    path = os.path.join(root, "inplace", record_id)
    raw = read_file(path)
    data = registry.decode(raw) if raw is not None else None
    if data is None or data.get("v") != 1:
        raise LookupError(record_id)
    before: dict[str, str | None] = data["before"]  # type: ignore[assignment]
    added: dict[str, list[str]] = data["added"]  # type: ignore[assignment]
    ops: list[operations.Op] = []
    for name, old in before.items():
        current = environ.get(name)
        if name in added and current is not None:
            # Remove only the entries the activation added: the user's own stay.
            value = operations.edit_path(
                current, operations.PathEdit(name, remove=tuple(added[name]))
            )
            ops.append(
                operations.UnsetVar(name)
                if old is None and not value
                else operations.SetVar(name, value)
            )
        elif old is None:
            ops.append(operations.UnsetVar(name))
        else:
            ops.append(operations.SetVar(name, old))
    held = data.get("activation_dir")
    if isinstance(held, str) and held:
        registry.ActivationDir(held).remove_holder(int(record_id.split("-", 1)[0]))
    remove(path)
    return ops, list(data.get("undo_profile") or [])  # type: ignore[call-overload]


def command() -> str:
    """How the shell should call this activate again (the `deactivate` function)."""
    argv0 = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if argv0 and os.access(argv0, os.X_OK) and not argv0.endswith(".py"):
        return argv0
    return "activate"
