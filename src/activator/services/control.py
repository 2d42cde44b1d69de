"""Start, stop, restart, status and logs of one environment's services.

`activate -s` (and `[services] auto-start`) and `activate services` come here.
A start holds the services' lock while it stops leftovers of a killed
supervisor, writes the configuration and the scripts, starts the keeper
(which runs supervisord) and waits, bounded, until each service runs.
"""

from __future__ import annotations

import os
import sys
import time

from .. import bundled, procs, registry
from ..errors import EXIT_SERVICES, ActivateError, warn
from ..manifest import Manifest, Service
from ..state import digest, makedirs_private, read_file, remove, write_atomic
from ..supported import system
from ..values import Value
from . import config, processes, rpc
from .layout import Layout, log_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from ..activation import Activation

START_WAIT = 30  # seconds a start waits for each service to run (a daemon's command to return)
SETTLE = 0.5  # after that, how long a service that dies at once still fails the start
SHUTDOWN_WAIT = 10  # seconds a shutdown.command may take before its process group is killed
LOG_LINES = 10  # log lines shown when a service fails to start


class Target(Value):
    """The environment whose services are started: its registry folder, its
    manifest, its name and project, where its logs go, and the environment
    `activate -- CMD` would see (None for commands that only stop or read)."""

    __slots__ = ("group_dir", "manifest", "name", "project", "base", "env")

    def __init__(
        self,
        group_dir: str,
        manifest: Manifest,
        name: str,
        project: str,
        base: str,
        env: Mapping[str, str] | None,
    ) -> None:
        self.group_dir = group_dir
        self.manifest = manifest
        self.name = name
        self.project = project
        self.base = base  # the project's .flox, or its private fallback (read-only project)
        self.env = env


def target_of(act: Activation) -> Target:
    """The services target of an activation."""
    ident = act.ident
    return Target(
        act.group_dir,
        act.manifest,
        ident.name,
        ident.project,
        ident.base or ident.dotflox,
        act.final,
    )


def start_with(act: Activation) -> None:
    """`activate -s` (or auto-start): start every service, or say they run."""
    start(target_of(act), [])


def runnable(m: Manifest) -> list[Service]:
    """The manifest's services that run on this system."""
    here = system()
    return [s for s in m.services if s.applies(here)]


def services_digest(services: list[Service]) -> str:
    """A digest of the services' definitions (a changed manifest shows in status)."""
    return digest(registry.encode({"s": [s.to_record() for s in services]}))


# -- state -------------------------------------------------------------------


def _read(path: str) -> dict[str, object] | None:
    raw = read_file(path)
    return registry.decode(raw) if raw is not None else None


def recorded_services(lay: Layout) -> tuple[list[Service], str | None, str | None]:
    """The services supervisord was started with, their digest, and the log folder."""
    state = _read(lay.state)
    if not state:
        return [], None, None
    try:
        services = [Service.from_record(r) for r in state["services"]]  # type: ignore[attr-defined]
        return services, str(state["digest"]), str(state["logs"])
    except (KeyError, TypeError, ValueError):
        return [], None, None


def _pair(data: dict[str, object] | None, key: str) -> tuple[int, str] | None:
    """A recorded (pid, start token), if `data` holds a well-formed one at `key`."""
    value = (data or {}).get(key)
    if isinstance(value, tuple | list) and len(value) == 2:
        pid, token = value
        if isinstance(pid, int) and isinstance(token, str):
            return pid, token
    return None


def _alive(pair: tuple[int, str] | None) -> bool:
    return pair is not None and procs.alive(*pair)


def running(lay: Layout) -> bool:
    """True when this environment's keeper and supervisord are alive and
    answer (and the keeper is not stopping them)."""
    data = _read(lay.keeper)
    if not (_alive(_pair(data, "keeper")) and _alive(_pair(data, "supervisord"))):
        return False
    return not os.path.exists(lay.stopping) and rpc.answers(lay.sock)


def _wait_stopping(lay: Layout) -> None:
    """When the keeper is stopping the services (the last activation just
    ended), wait for it to finish, bounded (then leftovers are stopped)."""
    keeper = _pair(_read(lay.keeper), "keeper")
    if keeper is not None and os.path.exists(lay.stopping):
        _wait_ended(keeper)


def _wait_ended(keeper: tuple[int, str]) -> None:
    """Wait, bounded, until the keeper has stopped the services and ended."""
    deadline = time.monotonic() + START_WAIT + SHUTDOWN_WAIT * 4
    while _alive(keeper) and time.monotonic() < deadline:
        time.sleep(0.05)


class _Locked:
    """flock() on the services' lock file while starting or stopping."""

    def __init__(self, lay: Layout) -> None:
        self.lay = lay
        self.fd = -1

    def __enter__(self) -> None:
        import fcntl

        self.lay.create()
        self.fd = os.open(
            self.lay.lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600
        )
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        os.close(self.fd)


# -- start -------------------------------------------------------------------


def start(t: Target, names: list[str]) -> None:
    """Start the services `names` (all when empty) of `t`; say which started
    and which already ran; fail (status 6) when one dies at once."""
    assert t.env is not None
    services = runnable(t.manifest)
    if not services:
        warn(f"the manifest defines no [services] that run on {system()}; nothing to start")
        return
    targets = _choose(t.manifest, services, names)
    lay = Layout(t.group_dir)
    with _Locked(lay):
        logs = _log_dir(t.base, lay)
        if not running(lay):
            _wait_stopping(lay)
            clean_leftovers(lay)
            _write_scripts(lay, t, services)
            write_atomic(lay.conf, config.conf(lay, services).encode("utf-8", "surrogateescape"))
            for s in services:
                _link(lay, s.name, logs)
            state: dict[str, object] = {
                "digest": services_digest(services),
                "services": [s.to_record() for s in services],
                "logs": logs,
            }
            write_atomic(lay.state, registry.encode(state))
            _launch(lay)
        else:
            known, _, logs_then = recorded_services(lay)
            configured = {s.name for s in known}
            missing = [s.name for s in targets if s.name not in configured]
            if missing:
                raise ActivateError(
                    f"the manifest has services the running supervisor does not know: {', '.join(missing)}",
                    hint="`activate services restart` restarts all services from the current manifest",
                    status=EXIT_SERVICES,
                )
            logs = logs_then or logs
            _write_scripts(lay, t, targets)
        proxy = rpc.connect(lay.sock)
        infos = _infos(proxy)
        already = [s.name for s in targets if _active(lay, s, infos.get(s.name))]
        to_start = [s for s in targets if s.name not in already]
        for s in to_start:
            _truncate(os.path.join(logs, f"{s.name}.log"))
            try:
                proxy.supervisor.startProcess(s.name, False)
            except rpc.Fault as e:
                if "ALREADY_STARTED" not in e.faultString:
                    raise ActivateError(
                        f"supervisor could not start {s.name}: {e.faultString}",
                        status=EXIT_SERVICES,
                    ) from None
        if to_start:
            infos = _wait_started(proxy, to_start)
    if already:
        warn(f"services already running: {', '.join(already)}")
    failed = [(s, _failure(s, infos.get(s.name))) for s in to_start]
    failed = [(s, why) for s, why in failed if why]
    good = [s.name for s in to_start if s.name not in {f.name for f, _ in failed}]
    if good:
        warn(f"services started: {', '.join(good)}")
    if failed:
        details: list[str] = []
        for s, why in failed:
            details.append(f"{s.name}: {why}; the last lines of its log:")
            details += [
                f"  {line}" for line in tail(os.path.join(logs, f"{s.name}.log"), LOG_LINES)
            ]
        raise ActivateError(
            f"{'services' if len(failed) > 1 else 'service'} failed to start: "
            + ", ".join(s.name for s, _ in failed),
            details=tuple(details),
            hint=f"see activate services logs {failed[0][0].name}; fix the command in [services], then activate services start",
            status=EXIT_SERVICES,
        )


def _choose(m: Manifest, services: list[Service], names: list[str]) -> list[Service]:
    """The services named (all when none), or an error naming the unknown one."""
    if not names:
        return services
    by_name = {s.name: s for s in services}
    out = []
    for name in dict.fromkeys(names):
        if name not in by_name:
            elsewhere = any(s.name == name for s in m.services)
            raise ActivateError(
                f"[services] has no {name}" + (f" that runs on {system()}" if elsewhere else ""),
                hint="the services: " + (", ".join(by_name) or "none"),
                status=EXIT_SERVICES,
            )
        out.append(by_name[name])
    return out


def _log_dir(base: str, lay: Layout) -> str:
    """The log folder (0700): the project's .flox/log/services, else private state."""
    logs = log_dir(base)
    try:
        makedirs_private(logs)
        os.chmod(logs, 0o700)
        if os.access(logs, os.W_OK):
            return logs
    except OSError:
        pass
    fallback = os.path.join(lay.dir, "log")
    makedirs_private(fallback)
    warn(f"cannot write {logs}; the services' logs go to {fallback}")
    return fallback


def _link(lay: Layout, name: str, logs: str) -> None:
    """supervisord writes to a link in the private folder (its configuration
    then never holds the project's path) that points at the log."""
    link = lay.link(name)
    remove(link)
    os.symlink(os.path.join(logs, f"{name}.log"), link)


def _truncate(path: str) -> None:
    """Each start of a service begins its log afresh (0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    os.close(fd)


def _write_scripts(lay: Layout, t: Target, services: list[Service]) -> None:
    assert t.env is not None
    env = dict(t.env)
    env.pop(config.MARKER, None)
    env.pop("_ACTIVATE_IN_HOOK", None)
    for s in services:
        text = config.script(s, s.command, env, lay.ident, t.project)
        write_atomic(lay.script(s.name), text.encode("utf-8", "surrogateescape"))
        if s.shutdown is not None:
            text = config.script(s, s.shutdown, env, lay.ident, t.project)
            write_atomic(lay.script(s.name, True), text.encode("utf-8", "surrogateescape"))
        else:
            remove(lay.script(s.name, True))


def _launch(lay: Layout) -> None:
    """Start the keeper (detached: its own session, not our child) and wait,
    bounded, for supervisord to answer on the socket."""
    env = {k: v for k, v in os.environ.items() if k not in (config.MARKER, "_ACTIVATE_IN_HOOK")}
    log = os.path.join(lay.dir, "keeper.log")
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    argv = [sys.executable, "-m", "activator.services.keeper", lay.group_dir]
    child = os.fork()
    if child == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                os.execve(sys.executable, argv, env)
        finally:
            os._exit(0)
    os.close(fd)
    os.waitpid(child, 0)
    deadline = time.monotonic() + START_WAIT
    delay = 0.02
    while not rpc.answers(lay.sock):
        keeper = _pair(_read(lay.keeper), "keeper")
        keeper_gone = keeper is not None and not _alive(keeper)
        if keeper_gone or time.monotonic() > deadline:
            raise ActivateError(
                "supervisor did not start"
                + (" (it exited)" if keeper_gone else f" within {START_WAIT} s"),
                details=tuple(tail(log, LOG_LINES)),
                hint=f"its messages are in {log}",
                status=EXIT_SERVICES,
            )
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def _infos(proxy: object) -> dict[str, dict[str, object]]:
    infos = proxy.supervisor.getAllProcessInfo()  # type: ignore[attr-defined]
    return {str(i["name"]): i for i in infos}


def _active(lay: Layout, s: Service, info: dict[str, object] | None) -> bool:
    """True when the service runs (or is starting); a daemon when its processes live."""
    if info is None:
        return False
    if info["statename"] in ("RUNNING", "STARTING", "BACKOFF", "STOPPING"):
        return True
    return s.is_daemon and bool(processes.marked(lay.ident, s.name))


def _wait_started(proxy: object, started: list[Service]) -> dict[str, dict[str, object]]:
    """Wait until each started service runs (a daemon: until its command
    returned), bounded; then SETTLE seconds more, for one that dies at once."""
    deadline = time.monotonic() + START_WAIT
    while True:
        infos = _infos(proxy)
        pending = [s for s in started if not _settled(s, infos.get(s.name))]
        if not pending or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if any(not s.is_daemon for s in started):
        end = time.monotonic() + SETTLE
        while time.monotonic() < end:
            time.sleep(0.05)
            infos = _infos(proxy)
            if all(not _is_up(infos.get(s.name)) for s in started if not s.is_daemon):
                break  # all ended already: nothing more to wait for
    return infos


def _settled(s: Service, info: dict[str, object] | None) -> bool:
    state = info["statename"] if info else "UNKNOWN"
    if s.is_daemon:
        return state in ("EXITED", "FATAL", "STOPPED")
    return state in ("RUNNING", "EXITED", "FATAL", "STOPPED")


def _is_up(info: dict[str, object] | None) -> bool:
    return info is not None and info["statename"] in ("RUNNING", "STARTING")


def _failure(s: Service, info: dict[str, object] | None) -> str | None:
    """Why a service just started is not running, or None."""
    if info is None:
        return "supervisor does not know it"
    state = str(info["statename"])
    if state == "FATAL":
        return str(info.get("spawnerr") or "it could not be started")
    if state == "EXITED":
        code = int(info["exitstatus"])  # type: ignore[call-overload]
        return None if code == 0 else _exit_why(code)
    if state in ("STARTING", "BACKOFF"):
        return f"it did not start within {START_WAIT} s"
    if s.is_daemon and state == "RUNNING":
        return f"its command (a daemon's) did not return within {START_WAIT} s"
    return None


def _exit_why(code: int) -> str:
    return "killed by a signal" if code < 0 else f"exit status {code}"


# -- stop --------------------------------------------------------------------


def stop(lay: Layout, names: list[str]) -> list[str]:
    """Stop the services `names` (all when empty): each one's shutdown.command
    first (bounded), then SIGTERM to its process group (SIGKILL after a
    bounded wait); what escaped its group is stopped too. Returns those stopped."""
    with _Locked(lay):
        if not running(lay):
            _wait_stopping(lay)
            clean_leftovers(lay)
            return []
        known, _, _ = recorded_services(lay)
        by_name = {s.name: s for s in known}
        for name in names:
            if name not in by_name:
                raise ActivateError(
                    f"no service {name} runs here",
                    hint="the services: " + (", ".join(by_name) or "none"),
                    status=EXIT_SERVICES,
                )
        targets = [by_name[n] for n in dict.fromkeys(names)] if names else known
        proxy = rpc.connect(lay.sock)
        infos = _infos(proxy)
        active = [s for s in targets if _active(lay, s, infos.get(s.name))]
        run_shutdown_commands(lay, [s.name for s in active])
        for s in active:
            try:
                proxy.supervisor.stopProcess(s.name, True)
            except rpc.Fault:
                pass  # it had ended already
        for s in active:
            _stop_rest(lay, s.name)
        return [s.name for s in active]


def _stop_rest(lay: Layout, name: str) -> None:
    """What a service left running outside its process group (a daemon after
    its shutdown.command): a bounded wait for it to end, then stopped."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        left = processes.marked(lay.ident, name)
        if not left:
            return
        time.sleep(0.05)
    processes.stop(processes.marked(lay.ident, name), grace=3)


def run_shutdown_commands(lay: Layout, names: list[str] | None) -> None:
    """Run the shutdown.command of each service in `names` (None: every one
    that is running), each bounded by SHUTDOWN_WAIT seconds (then its process
    group is killed). Its output goes to the service's log."""
    import subprocess

    known, _, logs = recorded_services(lay)
    infos: dict[str, dict[str, object]] = {}
    if names is None:  # which run: asked only here (`stop` names those it found running)
        try:
            infos = _infos(rpc.connect(lay.sock, timeout=10))
        except Exception:
            pass
    for s in known:
        if s.shutdown is None or not os.path.exists(lay.script(s.name, True)):
            continue
        if names is None:
            if not _active(lay, s, infos.get(s.name)):
                continue
        elif s.name not in names:
            continue
        log = os.path.join(logs or lay.dir, f"{s.name}.log")
        with open(log, "ab") as out:
            bash = bundled.system_program("bash")
            p = subprocess.Popen(
                [bash, "--noprofile", "--norc", lay.script(s.name, True)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                p.wait(SHUTDOWN_WAIT)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, 9)
                except OSError:
                    pass
                p.wait()
                out.write(
                    f"activate: the shutdown.command of {s.name} did not end within "
                    f"{SHUTDOWN_WAIT} s; it was killed\n".encode()
                )


def clean_leftovers(lay: Layout) -> None:
    """After a killed keeper or supervisord: stop the recorded processes that
    are still the same (pid and start time) and everything carrying the mark,
    and remove the stale socket."""
    import signal

    data = _read(lay.keeper)
    for key in ("keeper", "supervisord"):
        pair = _pair(data, key)
        if pair is not None and _alive(pair):
            try:
                os.kill(pair[0], signal.SIGKILL)
            except OSError:
                pass
    pids = _read(lay.pids) or {}
    recorded = [(int(p), str(t)) for p, t in pids.get("pids", [])]  # type: ignore[attr-defined]
    left = set(processes.still(recorded)) | set(processes.marked(lay.ident))
    if left:
        processes.stop(sorted(left), grace=3)
    lay.remove_runtime()


def shut_down(lay: Layout) -> None:
    """Stop every service and supervisord (the keeper does it on SIGTERM);
    wait, bounded, for the keeper to end."""
    import signal

    keeper = _pair(_read(lay.keeper), "keeper")
    if keeper is None or not _alive(keeper):
        return
    os.kill(keeper[0], signal.SIGTERM)
    _wait_ended(keeper)


# -- status and logs ----------------------------------------------------------


def status(lay: Layout, m: Manifest) -> dict[str, object]:
    """Each service's status (the --json document)."""
    services = runnable(m)
    known, recorded_digest, _ = recorded_services(lay)
    up = running(lay)
    infos = _infos(rpc.connect(lay.sock)) if up else {}
    rows = []
    names = list(
        dict.fromkeys([s.name for s in services] + ([s.name for s in known] if up else []))
    )
    defs = {**{s.name: s for s in known}, **{s.name: s for s in services}}
    for name in names:
        rows.append(
            _row(lay, defs[name], infos.get(name), in_manifest=name in {s.name for s in services})
        )
    changed = up and recorded_digest is not None and recorded_digest != services_digest(services)
    return {"schema": 1, "supervisor": up, "manifest_changed": bool(changed), "services": rows}


def _row(
    lay: Layout, s: Service, info: dict[str, object] | None, in_manifest: bool
) -> dict[str, object]:
    row: dict[str, object] = {
        "name": s.name,
        "status": "Stopped",
        "pid": None,
        "exit_status": None,
        "why": None,
    }
    if not in_manifest:
        row["why"] = "not in the manifest any more"
    if info is None:
        return row
    state = str(info["statename"])
    pid = int(info["pid"]) or None  # type: ignore[call-overload]
    if s.is_daemon and state in ("EXITED", "STOPPED"):
        alive = processes.marked(lay.ident, s.name)
        if alive:
            row.update(status="Running", pid=min(alive))
            return row
    if state == "RUNNING":
        row.update(status="Running", pid=pid)
    elif state in ("STARTING", "BACKOFF"):
        row.update(status="Starting", pid=pid)
    elif state == "STOPPING":
        row.update(status="Stopping", pid=pid)
    elif state == "EXITED":
        code = int(info["exitstatus"])  # type: ignore[call-overload]
        if code == 0 and not s.is_daemon:
            row.update(status="Completed", exit_status=0)
        elif code == 0:
            row.update(status="Stopped")
        else:
            row.update(status="Error", exit_status=code if code > 0 else None, why=_exit_why(code))
    elif state == "FATAL":
        row.update(status="Error", why=str(info.get("spawnerr") or "it could not be started"))
    return row


def label(row: Mapping[str, object]) -> str:
    """A row's STATUS column: Running, Completed (0), Error (why), ..."""
    status = str(row["status"])
    if status == "Completed":
        return f"Completed ({row['exit_status']})"
    if status == "Error":
        return f"Error ({row['why']})"
    return status


def log_file(lay: Layout, m: Manifest, name: str) -> str:
    """The log file of service `name` (an error when there is none yet)."""
    known, _, logs = recorded_services(lay)
    names = {s.name for s in m.services} | {s.name for s in known}
    if name not in names:
        raise ActivateError(
            f"[services] has no {name}",
            hint="the services: " + (", ".join(sorted(names)) or "none"),
            status=EXIT_SERVICES,
        )
    path = os.path.join(logs, f"{name}.log") if logs else None
    if path is None or not os.path.exists(path):
        raise ActivateError(
            f"{name} has no log yet: it has not been started",
            hint="start it with activate services start (inside an activation)",
            status=EXIT_SERVICES,
        )
    return path


def tail(path: str, n: int) -> list[str]:
    """The last `n` lines of a file (none when it cannot be read)."""
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 65536 * max(1, n // 100 + 1)))
            data = f.read()
    except OSError:
        return []
    lines = data.decode("utf-8", "replace").splitlines()
    return lines[-n:] if n > 0 else []


def follow(
    files: list[tuple[str, str]], lines: int, prefix: bool, out: Callable[[str], None]
) -> Iterator[None]:
    """Follow the log files [(name, path)]: the last `lines` lines of each,
    then new lines as they come (prefixed with the service's name when
    `prefix`). A generator: each step polls once (the caller loops)."""

    def show(name: str, line: str) -> None:
        """Say one line of service `name`'s log."""
        out(f"{name}: {line}" if prefix else line)

    state: dict[str, tuple[int, bytes]] = {}
    for name, path in files:
        for line in tail(path, lines):
            show(name, line)
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0
        state[name] = (size, b"")
    while True:
        for name, path in files:
            offset, partial = state[name]
            try:
                size = os.path.getsize(path)
            except OSError:
                continue
            if size < offset:  # started afresh
                offset, partial = 0, b""
            if size == offset:
                continue
            with open(path, "rb") as f:
                f.seek(offset)
                data = f.read(size - offset)
            offset += len(data)
            *complete, rest = (partial + data).split(b"\n")
            for raw in complete:
                show(name, raw.decode("utf-8", "replace"))
            state[name] = (offset, rest)
        yield
