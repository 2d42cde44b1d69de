"""[services] under a real supervisor: real processes, real sockets, real logs.

Each test drives the installed `activate` in a sandbox (its own state folders:
its own supervisord) and waits by polling, with bounds, never by sleeping a
fixed time for something to happen. The processes a test leaves are killed by
the sandbox fixture (they carry its XDG_RUNTIME_DIR).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from activator import manifest as manifest_mod
from activator.errors import ActivateError
from test_readonly import needs_mounts, read_only

from conftest import (
    ACTIVATE,
    CORPUS,
    IN_CI,
    Sandbox,
    in_place,
    sandbox_processes,
    toml_str,
    wait_until,
)


def _python_of(script: str) -> str:
    with open(script, "rb") as f:
        first = f.readline().decode().strip()
    return first[2:].split()[0] if first.startswith("#!") else "python3"


def _supervisor_installed() -> bool:
    check = [_python_of(ACTIVATE), "-c", "import supervisor.supervisord"]
    return subprocess.run(check, capture_output=True).returncode == 0


@pytest.fixture(autouse=True)
def _supervisor() -> None:
    """Services need supervisor (the services extra; CI installs .[all,test])."""
    if not _supervisor_installed():
        if IN_CI:
            pytest.fail("supervisor is not installed: CI installs .[all,test]")
        pytest.skip("supervisor is not installed (pip install 'activate[services]')")


HOSTILE = "a,b %s %% \"q\" #x ; y=1 $HOME `id` !x 'sq' \\ end é\nsecond line"
# HOSTILE as a [vars] value: \, $ and ` written as [vars] escapes (never expanded)
AS_VAR = HOSTILE.replace("\\", "\\\\").replace("$", "\\$").replace("`", "\\`")


def status(sandbox: Sandbox) -> dict[str, dict[str, object]]:
    """`activate services status --json`, by service name."""
    result = sandbox.run(["services", "status", "--json"])
    assert result.returncode == 0, result.stderr
    return {row["name"]: row for row in json.loads(result.stdout)["services"]}


def state_of(sandbox: Sandbox, name: str) -> str:
    return str(status(sandbox)[name]["status"])


def log_of(sandbox: Sandbox, name: str) -> Path:
    return sandbox.project / ".flox" / "log" / "services" / f"{name}.log"


def holder(sandbox: Sandbox, *args: str) -> subprocess.Popen[bytes]:
    """`activate ARGS -- cat`: an activation held until its stdin is closed."""
    return subprocess.Popen(
        [ACTIVATE, *args, "--", "cat"],
        cwd=sandbox.project,
        env=sandbox.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_held(sandbox: Sandbox, process: subprocess.Popen[bytes]) -> None:
    """Wait until `process` holds an activation (its registry entry exists)."""

    def held() -> bool:
        assert process.poll() is None, "the holder ended"
        return any((sandbox.root / "runtime").rglob(f"holders/{process.pid}-*"))

    wait_until(held, timeout=60)


def end(process: subprocess.Popen[bytes]) -> None:
    """End a holder (close its stdin) and wait for it."""
    assert process.stdin is not None
    process.stdin.close()
    process.wait(timeout=60)


def running_with_arg(sandbox: Sandbox, arg: str) -> list[int]:
    """Live processes of this sandbox that have `arg` as one whole argument."""
    return sandbox_processes(sandbox, arg.encode(), argument=True)


def supervisord_pid(sandbox: Sandbox) -> int:
    (pid,) = running_with_arg(sandbox, "from supervisor.supervisord import main; main()")
    return pid


def keeper_pid(sandbox: Sandbox) -> int:
    (pid,) = running_with_arg(sandbox, "activator.services.keeper")
    return pid


def gone(sandbox: Sandbox) -> bool:
    """No supervisord or keeper of this sandbox is left."""
    return not running_with_arg(
        sandbox, "from supervisor.supervisord import main; main()"
    ) and not running_with_arg(sandbox, "activator.services.keeper")


@pytest.fixture
def box(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The sandbox; at the end, whatever a failed test left is killed (conftest)."""
    yield sandbox


# -- the manifest ------------------------------------------------------------


def load(text: str) -> manifest_mod.Manifest:
    return manifest_mod.load("/x/manifest.toml", text.encode())


def test_the_manifest_reads_flox_service_keys() -> None:
    m = load(
        "[services]\nauto-start = true\n"
        'db.command = "postgres -D \\"$PGDATA\\""\ndb.vars = { PGPORT = "5433" }\n'
        'web.command = "python3 -m http.server"\nweb.systems = ["x86_64-linux"]\n'
        'daemon.command = "d --fork"\ndaemon.is-daemon = true\n'
        'daemon.shutdown.command = "d --stop"\n'
    )
    assert m.auto_start is True
    db, web, daemon = m.services
    assert (db.name, db.command, db.vars, db.line) == (
        "db",
        'postgres -D "$PGDATA"',
        {"PGPORT": "5433"},
        3,
    )
    assert web.systems == ["x86_64-linux"] and not web.is_daemon
    assert (daemon.is_daemon, daemon.shutdown) == (True, "d --stop")
    again = manifest_mod.Manifest.from_record(m.to_record())
    assert again == m


def test_composed_services_merge_by_name() -> None:
    """[include]: a service defined again replaces the whole service; the
    including manifest's auto-start wins when it says one."""
    from activator.compose import merge

    low = load(
        "[services]\nauto-start = true\n"
        'db.command = "old"\ndb.vars = { A = "1" }\nweb.command = "serve"\n'
    )
    high = load('[services]\ndb.command = "new"\nworker.command = "work"\n')
    m = merge(low, high)
    assert [(s.name, s.command, s.vars) for s in m.services] == [
        ("web", "serve", {}),
        ("db", "new", {}),
        ("worker", "work", {}),
    ]
    assert m.auto_start is True
    assert merge(low, load("[services]\nauto-start = false\n")).auto_start is False


@pytest.mark.parametrize(
    "text, line, message",
    [
        ('[services]\nd.command = "x"\nd.is-daemon = true\n', 3, "without a shutdown.command"),
        ('[services]\nd.command = "x"\nd.comand = "y"\n', 3, "unknown key 'comand'"),
        ('[services]\n\n[services.d]\nvars = { A = "1" }\n', 3, "d has no command"),
        ('[services]\nauto-start = "yes"\n', 2, "auto-start must be true or false"),
        ('[services]\nd.command = "x"\nd.vars = { A = 1 }\n', 3, "vars A must be a string"),
        ('[services]\nd.command = "x"\nd.shutdown = "stop"\n', 3, "shutdown must be a table"),
        ('[services]\nd = "x"\n', 2, "must be a table with a command"),
    ],
)
def test_bad_service_definitions_name_their_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ActivateError) as caught:
        load(text)
    assert message in caught.value.summary
    assert caught.value.line == line and caught.value.status == 3


def test_every_corpus_service_definition_is_read() -> None:
    """The [services] of the Flox corpus: 17 manifests define 28 services; each
    manifest is accepted, or refused with an error naming its line (two mark a
    service is-daemon without a shutdown.command, which Flox refuses too)."""
    import tomllib

    accepted: dict[str, int] = {}
    refused: dict[str, tuple[int | None, str]] = {}
    for path in sorted(CORPUS.glob("*.toml")):
        raw = path.read_bytes()
        try:
            table = tomllib.loads(raw.decode()).get("services")
        except tomllib.TOMLDecodeError:
            continue  # the corpus's one invalid TOML file (its error: test_corpus.py)
        names = {k for k, v in (table or {}).items() if isinstance(v, dict)}
        if not names:
            continue
        try:
            m = manifest_mod.load(str(path), raw)
        except ActivateError as e:
            refused[path.name] = (e.line, e.summary)
            assert e.line is not None and raw.decode().splitlines()[e.line - 1].strip()
            continue
        assert {s.name for s in m.services} == names
        accepted[path.name] = len(m.services)
    if not accepted:
        pytest.skip("the corpus is not here (../shared)")
    assert (len(accepted) + len(refused), sum(accepted.values()) + len(refused)) == (17, 28)
    assert len(refused) == 2
    for _, summary in refused.values():
        assert "is a daemon (is-daemon = true) without a shutdown.command" in summary


# -- starting, the environment, status and logs -------------------------------


def test_a_service_sees_the_activation_environment_and_its_vars_exactly(box: Sandbox) -> None:
    box.write_manifest(
        "version = 1\n"
        f"[vars]\nHOSTILE = {toml_str(AS_VAR)}\n"
        "[hook]\non-activate = 'export FROM_HOOK=\"hooked\"'\n"
        "[profile]\ncommon = 'export FROM_PROFILE=1'\n"
        "[services]\n"
        "ticker.command = '''while true; do printf \"%s|\\n\" \"$HOSTILE\" \"$OWN\"; sleep 0.2; done'''\n"
        f"ticker.vars = {{ OWN = {toml_str(HOSTILE)} }}\n"
        "dump.command = 'env -0 > \"$FLOX_ENV_PROJECT/service.env\"'\n"
    )
    result = box.run(["-s", "--", "env", "-0"], env={"OUTER": "from outside"})
    assert result.returncode == 0, result.stderr
    assert "activate: services started: ticker, dump" in result.stderr
    expected = dict(line.split("=", 1) for line in result.stdout.split("\0") if line)
    wait_until(
        lambda: (box.project / "service.env").exists() and state_of(box, "dump") != "Running"
    )
    seen = dict(
        line.split("=", 1)
        for line in (box.project / "service.env").read_bytes().decode().split("\0")
        if line
    )
    ignore = {"_", "SHLVL", "PWD", "OLDPWD", "_ACTIVATE_SERVICE"}
    assert {k: v for k, v in seen.items() if k not in ignore} == {
        k: v for k, v in expected.items() if k not in ignore
    }
    assert seen["OUTER"] == "from outside" and seen["FROM_HOOK"] == "hooked"
    assert "FROM_PROFILE" not in seen  # no [profile]
    assert seen["FLOX_ACTIVATE_START_SERVICES"] == "true"
    # the hostile values reach the log exactly: [vars] and the service's own vars
    log = log_of(box, "ticker")
    wait_until(lambda: log.exists() and log.read_text().count("|") >= 4)
    assert log.read_text().startswith(f"{HOSTILE}|\n{HOSTILE}|\n")


def test_an_http_server_a_one_shot_and_a_failing_service(box: Sandbox) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box.write_manifest(
        "version = 1\n[services]\n"
        f"web.command = 'exec python3 -m http.server {port} --bind 127.0.0.1'\n"
        "once.command = 'echo did it once'\n"
        "pipe.command = 'yes | head -n 2'\n"  # SIGPIPE is back to its default
        "bad.command = 'echo about to fail; exit 3'\n"
        "missing.command = 'no-such-program-here --serve'\n"
    )
    (box.project / "hello.txt").write_text("served\n")
    h = holder(box)
    wait_held(box, h)
    start = box.run(["--", ACTIVATE, "services", "start", "web", "once", "pipe"])
    assert start.returncode == 0, start.stderr
    rows = status(box)
    assert rows["web"]["status"] == "Running" and isinstance(rows["web"]["pid"], int)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/hello.txt", timeout=10) as r:
        assert r.read() == b"served\n"
    wait_until(
        lambda: state_of(box, "once") == "Completed" and state_of(box, "pipe") == "Completed"
    )
    assert status(box)["once"]["exit_status"] == 0
    assert log_of(box, "pipe").read_text() == "y\ny\n"
    assert rows["bad"]["status"] == "Stopped"  # before any start: Stopped
    failed = box.run(["--", ACTIVATE, "services", "start", "bad"])
    assert failed.returncode == 6
    assert "activate: error: service failed to start: bad" in failed.stderr
    assert "bad: exit status 3; the last lines of its log:" in failed.stderr
    assert "    about to fail" in failed.stderr
    row = status(box)["bad"]
    assert (row["status"], row["exit_status"], row["why"]) == ("Error", 3, "exit status 3")
    never = box.run(["--", ACTIVATE, "services", "start", "missing"])
    assert never.returncode == 6 and "missing: exit status 127" in never.stderr
    assert "no-such-program-here: command not found" in never.stderr
    table = box.run(["services", "status"]).stdout.splitlines()
    assert table[0].split() == ["NAME", "STATUS", "PID"]
    assert table[1].split() == ["web", "Running", str(rows["web"]["pid"])]
    assert [line.split(None, 1)[1] for line in table[2:]] == [
        "Completed (0)",
        "Completed (0)",
        "Error (exit status 3)",
        "Error (exit status 127)",
    ]
    # a port already in use: the second server fails, its log says why. The port is held
    # by this test, not by web: services start together, so web and web2 would race for it.
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    box.write_manifest(
        box.manifest.read_text()
        + f"web2.command = 'exec python3 -m http.server {taken.getsockname()[1]} --bind 127.0.0.1'\n"
    )
    fresh = box.run(["--", "true"])  # an activation of the new manifest starts (and cleans up)
    assert fresh.returncode == 0, fresh.stderr
    changed = box.run(["services", "status"])
    assert "the manifest's [services] changed since they started" in changed.stderr
    assert changed.stdout.splitlines()[1].split()[:2] == ["web", "Running"]
    restarted = box.run(["--", ACTIVATE, "services", "restart"])
    assert restarted.returncode == 6  # bad fails again, and web2 finds the port taken
    assert "services failed to start: bad, missing, web2" in restarted.stderr
    assert "web2: exit status 1" in restarted.stderr
    assert "Address already in use" in log_of(box, "web2").read_text()
    assert status(box)["web"]["status"] == "Running"
    taken.close()
    keeper_pid(box)  # exactly one keeper (and supervisord): the old ones ended
    supervisord_pid(box)
    end(h)
    wait_until(lambda: gone(box))
    assert status(box)["web"]["status"] == "Stopped"


def test_start_runs_inside_an_activation_and_never_from_the_hook(box: Sandbox) -> None:
    box.write_manifest(
        "version = 1\n[services]\nt.command = 'sleep 4141'\n"
        "[hook]\non-activate = '''\n"
        'activate -d "$FLOX_ENV_PROJECT" services start\n'
        'echo "from the hook: $?" >&2\n'
        "'''\n"
    )
    outside = box.run(["services", "start"])
    assert outside.returncode == 6
    assert "activate services start runs inside an activation of the environment" in outside.stderr
    inside = box.run(["--", "true"], timeout=60)
    assert inside.returncode == 0, inside.stderr
    assert "activate services start cannot run from the environment's hook" in inside.stderr
    assert "from the hook: 6" in inside.stderr
    assert not running_with_arg(box, "4141")


def test_auto_start_and_no_start_services(box: Sandbox) -> None:
    box.write_manifest(
        "version = 1\n[services]\nauto-start = true\nt.command = 'sleep 4242'\n"
        "[hook]\non-activate = 'echo \"hook sees ${FLOX_ACTIVATE_START_SERVICES:-unset}\" >&2'\n"
    )
    off = box.run(["--no-start-services", "--", "printenv", "FLOX_ACTIVATE_START_SERVICES"])
    assert off.returncode == 1 and "hook sees unset" in off.stderr
    assert not running_with_arg(box, "4242")
    on = box.run(
        ["--", "sh", "-c", f"printenv FLOX_ACTIVATE_START_SERVICES; {ACTIVATE} services status"]
    )
    assert on.returncode == 0, on.stderr
    assert "hook sees true" in on.stderr
    lines = on.stdout.splitlines()
    assert lines[0] == "true" and lines[2].split()[:2] == ["t", "Running"]
    again = box.run(["-s", "--no-start-services", "--", "true"])
    assert (
        again.returncode == 2 and "--no-start-services cannot be combined with -s" in again.stderr
    )


def test_start_says_when_they_already_run(box: Sandbox) -> None:
    box.write_manifest("version = 1\n[services]\nt.command = 'sleep 4343'\n")
    h = holder(box, "-s")
    wait_until(lambda: running_with_arg(box, "4343"))
    again = box.run(["-s", "--", "true"])
    assert again.returncode == 0, again.stderr
    assert "activate: services already running: t" in again.stderr
    assert len(running_with_arg(box, "4343")) == 1
    (pid,) = running_with_arg(box, "4343")
    overall = json.loads(box.run(["status", "--json"]).stdout)["project"]["services"]
    assert [(r["name"], r["status"], r["pid"]) for r in overall] == [("t", "Running", pid)]
    assert f"  services: t Running (pid {pid})" in box.run(["status"]).stdout.splitlines()
    end(h)
    wait_until(lambda: not running_with_arg(box, "4343") and gone(box))


def test_logs_last_lines_and_follow(box: Sandbox) -> None:
    box.write_manifest(
        "version = 1\n[services]\n"
        "a.command = 'for i in 1 2 3 4 5; do echo \"a $i\"; done; sleep 1000'\n"
        'b.command = \'echo "b 1"; while [ ! -e "$FLOX_ENV_PROJECT/go" ]; do sleep 0.05; done; echo "b 2"; sleep 1000\'\n'
    )
    h = holder(box, "-s")
    wait_until(lambda: log_of(box, "a").exists() and log_of(box, "a").read_text().count("\n") == 5)
    last = box.run(["services", "logs", "a", "-n", "2"])
    assert (last.returncode, last.stdout) == (0, "a 4\na 5\n")
    whole = box.run(["services", "logs", "a"])
    assert whole.stdout == "".join(f"a {i}\n" for i in range(1, 6))
    follow = subprocess.Popen(
        [ACTIVATE, "services", "logs", "--follow", "-n", "1"],
        cwd=box.project,
        env=box.env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert follow.stdout is not None
    try:
        first = {follow.stdout.readline(), follow.stdout.readline()}
        assert first == {"a: a 5\n", "b: b 1\n"}
        (box.project / "go").touch()
        assert follow.stdout.readline() == "b: b 2\n"
    finally:
        follow.send_signal(signal.SIGINT)
        follow.wait(timeout=30)
    none = box.run(["services", "logs", "nosuch"])
    assert none.returncode == 6 and "[services] has no nosuch" in none.stderr
    end(h)


# -- the life of the services: holders, faults ---------------------------------


def test_services_stop_when_the_last_activation_ends_and_not_before(box: Sandbox) -> None:
    box.write_manifest(
        "version = 1\n[services]\nt.command = 'sleep 4444'\n"
        "d.command = 'sleep 4545 & echo $! > \"$FLOX_ENV_PROJECT/daemon.pid\"'\n"
        "d.is-daemon = true\n"
        'd.shutdown.command = \'kill "$(cat "$FLOX_ENV_PROJECT/daemon.pid")"; echo ran > "$FLOX_ENV_PROJECT/shutdown"\'\n'
    )
    # a subshell started with the services...
    subshell = subprocess.Popen(
        [ACTIVATE, "-s", "--shell", "bash"],
        cwd=box.project,
        env=box.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until(lambda: running_with_arg(box, "4444") and running_with_arg(box, "4545"), timeout=60)
    assert state_of(box, "d") == "Running"
    (service,) = running_with_arg(box, "4444")
    # ... a command, and a shell activated in place
    command = holder(box)
    wait_held(box, command)
    inplace = subprocess.Popen(
        ["bash", "-c", f"{in_place('bash')}\nread line\ndeactivate\nread line\n"],
        cwd=box.project,
        env=box.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert inplace.stdin is not None
    wait_until(lambda: len(list((box.root / "runtime").rglob("holders/*"))) >= 3)

    def still_running() -> None:
        time.sleep(1)  # the keeper looks 5 times a second: it would have stopped them
        assert running_with_arg(box, "4444") == [service]
        assert not (box.project / "shutdown").exists()

    end(subshell)
    still_running()
    end(command)
    still_running()
    inplace.stdin.write("deactivate now\n")
    inplace.stdin.flush()
    wait_until(lambda: not running_with_arg(box, "4444") and gone(box), timeout=60)
    assert (box.project / "shutdown").read_text() == "ran\n"
    assert not running_with_arg(box, "4545")
    inplace.stdin.close()
    inplace.wait(timeout=30)


def test_a_service_running_activate_does_not_hold_the_environment(box: Sandbox) -> None:
    box.write_manifest(
        "version = 1\n[services]\n"
        f"inner.command = 'exec {ACTIVATE} -d \"$FLOX_ENV_PROJECT\" -- sleep 4646'\n"
    )
    result = box.run(["-s", "--", "true"])
    assert result.returncode == 0, result.stderr
    wait_until(lambda: gone(box) and not running_with_arg(box, "4646"), timeout=60)


@pytest.mark.parametrize("how", ["supervisord", "both"])
def test_killed_supervisor_then_a_new_start_runs_exactly_one_copy(box: Sandbox, how: str) -> None:
    box.write_manifest("version = 1\n[services]\nt.command = 'echo started; exec sleep 4747'\n")
    h = holder(box, "-s")
    wait_until(lambda: running_with_arg(box, "4747"))
    (old,) = running_with_arg(box, "4747")
    sup, keeper = supervisord_pid(box), keeper_pid(box)
    if how == "both":  # nobody is left to clean up: the service is orphaned
        os.kill(keeper, signal.SIGSTOP)
        os.kill(sup, signal.SIGKILL)
        os.kill(keeper, signal.SIGKILL)
        wait_until(lambda: gone(box))
        assert running_with_arg(box, "4747") == [old]
    else:  # the keeper stops what supervisord left
        os.kill(sup, signal.SIGKILL)
        wait_until(lambda: not running_with_arg(box, "4747"))
    assert state_of(box, "t") == "Stopped"
    assert box.run(["services", "logs", "t"]).stdout == "started\n"  # the log survived
    again = box.run(["--", ACTIVATE, "services", "start"])
    assert again.returncode == 0, again.stderr
    copies = running_with_arg(box, "4747")
    assert len(copies) == 1 and copies != [old]
    end(h)
    wait_until(lambda: not running_with_arg(box, "4747") and gone(box))


def test_a_hanging_shutdown_command_is_killed_after_a_bounded_wait(box: Sandbox) -> None:
    box.write_manifest(
        "version = 1\n[services]\nt.command = 'sleep 4848'\nt.shutdown.command = 'sleep 4949'\n"
    )
    result = box.run(["-s", "--", "true"])
    assert result.returncode == 0, result.stderr
    wait_until(lambda: running_with_arg(box, "4949"), timeout=30)  # the shutdown command runs
    wait_until(lambda: gone(box) and not running_with_arg(box, "4848"), timeout=60)
    assert not running_with_arg(box, "4949")
    assert "did not end within 10 s; it was killed" in log_of(box, "t").read_text()


def test_stop_and_restart_by_name(box: Sandbox) -> None:
    box.write_manifest(
        "version = 1\n[services]\na.command = 'sleep 5050 & sleep 5052; wait'\nb.command = 'sleep 5151'\n"
    )
    h = holder(box, "-s")
    wait_until(lambda: running_with_arg(box, "5050") and running_with_arg(box, "5151"))
    assert running_with_arg(box, "5052")
    (b,) = running_with_arg(box, "5151")
    stopped = box.run(["services", "stop", "a"])
    assert stopped.returncode == 0 and "activate: services stopped: a" in stopped.stderr
    assert not running_with_arg(box, "5050") and running_with_arg(box, "5151") == [b]
    assert not running_with_arg(box, "5052")  # its whole process group
    assert state_of(box, "a") == "Stopped"
    elsewhere = box.run(["-d", str(box.project), "services", "status"], cwd=box.home)
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert [line.split()[:2] for line in elsewhere.stdout.splitlines()[1:]] == [
        ["a", "Stopped"],
        ["b", "Running"],
    ]
    restarted = box.run(["--", ACTIVATE, "services", "restart", "b"])
    assert restarted.returncode == 0, restarted.stderr
    (b2,) = running_with_arg(box, "5151")
    assert b2 != b and not running_with_arg(box, "5050")
    box.manifest.write_text("[services\n")  # broken while they run: stop still works
    broken = box.run(["services", "stop"])
    assert broken.returncode == 0 and "activate: services stopped: b" in broken.stderr
    assert not running_with_arg(box, "5151")
    end(h)
    wait_until(lambda: gone(box) and not running_with_arg(box, "5151"))


def test_the_services_files_are_private_and_nothing_listens_on_the_network(box: Sandbox) -> None:
    box.write_manifest("version = 1\n[services]\nt.command = 'echo private'\n")
    h = holder(box, "-s")
    wait_until(lambda: state_of(box, "t") == "Completed")
    folders = [p for p in (box.root / "runtime").rglob("services") if p.is_dir()]
    folders.append(log_of(box, "t").parent)
    for folder in folders:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        for p in folder.rglob("*"):
            if p.is_file() and not p.is_symlink():
                assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    conf = next((box.root / "runtime").rglob("supervisord.conf")).read_text()
    assert "[unix_http_server]" in conf and "inet_http_server" not in conf
    end(h)
    wait_until(lambda: gone(box))


@needs_mounts
def test_a_read_only_project_keeps_the_logs_in_its_private_fallback(box: Sandbox) -> None:
    box.write_manifest("version = 1\n[services]\nt.command = 'echo logged; exec sleep 5353'\n")
    wait_log = f"until {ACTIVATE} services logs t 2>/dev/null | grep -q logged; do sleep 0.1; done"
    inner = f"timeout 60 sh -c '{wait_log}' && {ACTIVATE} services logs t"
    script = f'{read_only(box.project)} && {ACTIVATE} -s -- sh -c "{inner}"'
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        cwd=box.project,
        env=box.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "logged\n"
    (log,) = (box.root / "cache" / "activate" / "projects").rglob("log/services/t.log")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    assert not (box.project / ".flox" / "log").exists()
    wait_until(lambda: gone(box) and not running_with_arg(box, "5353"), timeout=60)


def test_s_without_services_says_so_and_activates(box: Sandbox) -> None:
    box.write_manifest(
        "version = 1\n[services]\nelsewhere.command = 'true'\nelsewhere.systems = ['none-such']\n"
    )
    result = box.run(["-s", "--", "printenv", "FLOX_ACTIVATE_START_SERVICES"])
    assert result.returncode == 1, result.stderr  # not set: nothing started
    assert "activate: -s: the manifest defines no [services] that run on" in result.stderr
    assert gone(box)
