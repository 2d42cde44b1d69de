"""`activate services start|stop|restart|status|logs`: the manifest's [services].

start and restart need the environment the services run with, so they run
inside an activation of the environment (and never from its hook, which
would wait on itself); stop, status and logs work from anywhere.
"""

from __future__ import annotations

import os
import sys

from .. import activation, locate, planner
from ..errors import EXIT_SERVICES, ActivateError, UsageError, warn
from ..grammar import Invocation
from ..manifest import Manifest
from ..services import control
from ..services.layout import Layout
from ..state import state_root


def run(inv: Invocation) -> int:
    """Dispatch `services VERB` (the table checked the words)."""
    from .. import missing

    verb = inv.path[1]
    loc = locate.find(inv.get("dir"), inv.get("file"), os.getcwd())
    if verb in ("start", "restart"):
        missing.require_supervisor()
    lay = Layout(locate.group_dir(state_root(), loc.dotflox))
    if verb in ("start", "restart"):
        target = _target(inv, loc, verb)
        if verb == "start":
            control.start(target, list(inv.args))
            return 0
        return _restart(lay, target, list(inv.args))
    if verb == "stop":  # from what was started: even a manifest broken since stops them
        stopped = control.stop(lay, list(inv.args))
        warn(f"services stopped: {', '.join(stopped)}" if stopped else "no service was running")
        return 0
    m = _manifest(loc)
    if verb == "status":
        return _status(lay, m, bool(inv.get("json")))
    return _logs(inv, lay, m)


def _target(inv: Invocation, loc: locate.Location, verb: str) -> control.Target:
    """The activation the services start with: the one this command runs in."""
    if os.environ.get("_ACTIVATE_IN_HOOK") == loc.dotflox:
        raise ActivateError(
            f"activate services {verb} cannot run from the environment's hook: the hook "
            "runs before the activation is ready, and the services wait for it",
            hint="start them with the activation instead: activate -s, or [services] auto-start = true",
            status=EXIT_SERVICES,
        )
    mine = [e for e in planner.active_environments(os.environ) if e.get("path") == loc.dotflox]
    if not mine:
        raise ActivateError(
            f"activate services {verb} runs inside an activation of the environment "
            f"({loc.manifest_path}): the services get its variables",
            hint="activate it first (activate, then activate services start), "
            "or start them with it: activate -s",
            status=EXIT_SERVICES,
        )
    act = activation.prepare(
        inv.get("dir"), inv.get("file"), mine[0].get("mode") or None, False, "no"
    )
    return control.target_of(act)


def _restart(lay: Layout, target: control.Target, names: list[str]) -> int:
    _, recorded, _ = control.recorded_services(lay)
    current = control.services_digest(control.runnable(target.manifest))
    if names and recorded == current and control.running(lay):
        control.stop(lay, names)
        control.start(target, names)
        return 0
    if names:
        warn("the manifest's [services] changed: restarting all services from it")
    control.shut_down(lay)
    control.start(target, [])
    return 0


def _manifest(loc: locate.Location) -> Manifest:
    """The project's manifest (composed with what it includes, as activation reads it)."""
    return activation.load_manifest(loc)


def _status(lay: Layout, m: Manifest, as_json: bool) -> int:
    data = control.status(lay, m)
    if as_json:
        import json

        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    rows = [(str(r["name"]), control.label(r), str(r["pid"] or "")) for r in data["services"]]  # type: ignore[attr-defined]
    if not rows:
        warn("the manifest has no [services]")
        return 0
    width = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(("NAME", "STATUS"))]
    lines = [("NAME", "STATUS", "PID"), *rows]
    for name, status, pid in lines:
        sys.stdout.write(f"{name:<{width[0]}}  {status:<{width[1]}}  {pid}".rstrip() + "\n")
    if data["manifest_changed"]:
        warn(
            "the manifest's [services] changed since they started: activate services restart applies it"
        )
    return 0


def _logs(inv: Invocation, lay: Layout, m: Manifest) -> int:
    lines_text = inv.get("lines")
    if lines_text is not None and not (lines_text.isdigit()):
        raise UsageError(f"-n needs a number of lines, not {lines_text!r}", inv.path)
    names = list(dict.fromkeys(inv.args))
    if not inv.get("follow"):
        if len(names) != 1:
            raise UsageError("activate services logs needs one NAME (or --follow)", inv.path)
        path = control.log_file(lay, m, names[0])
        if lines_text is None:
            with open(path, "rb") as f:
                sys.stdout.buffer.write(f.read())
        else:
            for line in control.tail(path, int(lines_text)):
                sys.stdout.write(line + "\n")
        return 0
    if not names:
        known, _, _ = control.recorded_services(lay)
        names = list(dict.fromkeys([s.name for s in control.runnable(m)] + [s.name for s in known]))
    files = [(n, control.log_file(lay, m, n)) for n in names]

    def out(line: str) -> None:
        """One line on stdout, at once (a pipe sees it as it comes)."""
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    import time

    try:
        for _ in control.follow(files, int(lines_text or 10), len(files) > 1, out):
            time.sleep(0.1)
    except KeyboardInterrupt:
        return 0
    return 0
