"""What the prompt hook's call (`activate hook-env SHELL`) does.

The hook (`activate hook SHELL`) calls it when the shell's folder or a
watched file changed since the last call. It prints, for the calling shell
to evaluate, the in-place deactivation of the environments it auto-activated
and no longer should have (innermost first) and the in-place activation of
those it now should (outermost first), through the same code as
`activate deactivate` and `activate --print`; then the list of files the
hook watches, the stamp file they are compared with and the shell's new
state (`auto.py` decides). A module of its own,
outside `commands/`, so that the call imports neither the command table nor
the grammar.
"""

from __future__ import annotations

import os
import time

from .errors import ActivateError, report, warn


def update(kind: str, state: str) -> int:
    """Print the code that brings the calling shell (of kind `kind`, its
    auto-activation state `state`) up to date."""
    from . import activation, auto, inplace, launch, planner, procs, trust
    from .shells import SHELLS
    from .state import state_root

    started = time.time_ns()
    shell = SHELLS[kind]
    root = state_root()
    shell_pid = procs.evaluating_shell(os.getppid())
    path = auto.stamp_file(shell_pid, procs.token(shell_pid) or "unknown")
    environ = dict(os.environ)
    try:
        cwd = os.getcwd()
    except OSError:  # the folder was removed under the shell
        cwd = "/"
    here = []
    for project in auto.projects(cwd):
        try:
            here.append(auto.find(project))
        except OSError as problem:  # an unreadable manifest cannot activate
            warn(f"cannot read {problem.filename}: {problem.strerror}")
    active = {e.get("path", "") for e in planner.active_environments(environ)}
    stack = environ.get(inplace.STACK, "").split()
    d = auto.decide(auto.decode_state(state), here, stack, active)
    for line in d.say:
        warn(line)

    code: list[str] = []
    stuck: set[str] = set()  # cannot be undone: an activation made after it is still on
    for e in d.undo:
        top = environ.get(inplace.STACK, "").split()[-1:]
        if stuck or top != [e.rec]:
            stuck.add(e.project)
            warn(
                f"{auto.home_short(e.project)} stays active: an environment activated "
                "after it is still active (type `deactivate` to leave them)"
            )
            continue
        try:
            undo, environ = launch.undo_code(root, kind, environ, e.rec)
            code.append(undo)
        except LookupError:
            pass  # its record is gone (state cleared): nothing left to undo
    records: dict[str, str] = {}
    failed: set[str] = set()
    for f in d.start:
        if f.project in stuck:
            continue
        try:
            act = activation.prepare(f.project, None, None, True, environ=environ)
            launch.start_services(act)  # [services] auto-start, as for any activation
            code.append(launch.inplace_code(act, kind))
        except ActivateError as err:
            report(err)
            failed.add(f.project)
            continue
        environ = act.final
        records[f.project] = environ[inplace.STACK].split()[-1]
    kept = []
    for e in d.state:
        if e.project in stuck:
            kept.append(auto.Entry(e.project, "ext", e.fp))
        elif e.project in failed:
            kept.append(auto.Entry(e.project, "err", e.fp))
        elif e.project in records:
            kept.append(auto.Entry(e.project, "on", e.fp, records[e.project]))
        else:
            kept.append(e)

    if auto.touch(path, started):  # the shell's first call
        auto.prune(os.path.dirname(path), path)
        trust.ensure_store()  # watched: `activate allow` and `deny` change it
    watch = [trust.store(), *(name for f in here for name in f.files)]
    code.append(shell.set_list("_activate_auto_watch", watch))
    code.append(shell.set_list("_activate_auto_stamp", [path]))
    code.append(shell.set_list(auto.STATE_VAR, [auto.encode_state(kept)]))
    return launch.emit(root, kind, "".join(c if c.endswith("\n") else c + "\n" for c in code))
