"""Attach: the hook runs once per activation; later activations replay it.

A hook appends a line to a counter file each time it runs, so every test can
see how many times it ran.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

from conftest import ACTIVATE, COUNTING_HOOK, Sandbox, hook_runs, wait_until


def hold(
    sandbox: Sandbox, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """An activation kept alive in the background (`activate -- sleep`)."""
    proc = subprocess.Popen(
        [ACTIVATE, *args, "--", "sleep", "60"],
        cwd=sandbox.project,
        env={**sandbox.env, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_until(lambda: _holders(sandbox) > 0 or proc.poll() is not None)
    assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    return proc


def _holders(sandbox: Sandbox) -> int:
    return sum(1 for p in sandbox.state_files() if p.parent.name == "holders")


def test_second_activation_attaches_without_running_the_hook(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK)
    holder = hold(sandbox)
    try:
        assert hook_runs(sandbox) == 1
        result = sandbox.run(["--", "printenv", "FROM_HOOK"])
        assert result.stdout == "hooked 1\n", result.stderr
        assert hook_runs(sandbox) == 1
    finally:
        holder.kill()
        holder.wait()
    # Nothing of the first activation is alive: the next one starts afresh.
    result = sandbox.run(["--", "printenv", "FROM_HOOK"])
    assert result.stdout == "hooked 2\n"


def test_editing_the_manifest_starts_afresh(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK)
    holder = hold(sandbox)
    try:
        sandbox.write_manifest(COUNTING_HOOK + '[vars]\nNEW = "yes"\n')
        result = sandbox.run(["--", "printenv", "FROM_HOOK", "NEW"])
        assert result.stdout == "hooked 2\nyes\n"
        assert holder.poll() is None  # the attached shell keeps what it had
    finally:
        holder.kill()
        holder.wait()


def test_each_mode_is_its_own_activation(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK)
    holder = hold(sandbox, "--mode", "dev")
    try:
        sandbox.run(["--mode", "run", "--", "true"])
        assert hook_runs(sandbox) == 2
        sandbox.run(["--mode", "dev", "--", "true"])
        assert hook_runs(sandbox) == 2
    finally:
        holder.kill()
        holder.wait()


def test_hook_paths_are_replayed_onto_the_attaching_shells_own_path(sandbox: Sandbox) -> None:
    sandbox.write_manifest(
        "version = 1\n[hook]\non-activate = '''\n"
        'export PATH="/hook/front:$PATH:/hook/back"\n'
        'export PYTHONPATH="/hook/py${PYTHONPATH:+:$PYTHONPATH}"\n'
        "'''\n"
    )
    holder = hold(sandbox, env={"PATH": sandbox.env["PATH"] + ":/only/in/first"})
    try:
        dump = "import json,os; print(json.dumps(dict(os.environ)))"
        own_path = sandbox.env["PATH"] + ":/only/in/second"
        result = sandbox.run(
            ["--", sys.executable, "-c", dump], env={"PATH": own_path, "PYTHONPATH": "/mine"}
        )
        env = json.loads(result.stdout)
        assert env["PATH"] == f"/hook/front:{env['FLOX_ENV']}/bin:{own_path}:/hook/back"
        assert "/only/in/first" not in env["PATH"]
        assert env["PYTHONPATH"] == "/hook/py:/mine"
    finally:
        holder.kill()
        holder.wait()


def test_an_in_place_activation_is_held_by_the_shell_that_evaluated_it(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK)
    script = f'eval "$({ACTIVATE} --print --shell bash)"\n{ACTIVATE} -- printenv FROM_HOOK\n'
    result = sandbox.shell("bash", script)
    assert result.stdout == "hooked 1\n", result.stderr
    assert hook_runs(sandbox) == 1
    # That shell has exited: the activation ended with it.
    assert sandbox.run(["--", "printenv", "FROM_HOOK"]).stdout == "hooked 2\n"


def test_activations_started_together_run_the_hook_once(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK.replace("echo run", "sleep 1; echo run"))
    procs = [
        subprocess.Popen(
            [ACTIVATE, "--", "sh", "-c", "printenv FROM_HOOK; sleep 3"],
            cwd=sandbox.project,
            env=sandbox.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(8)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [o.decode() for o, _ in outs] == ["hooked 1\n"] * 8
    assert hook_runs(sandbox) == 1
    waited = [e.decode() for _, e in outs if b"waiting for another activation" in e]
    assert len(waited) == 7


def test_a_starter_killed_during_the_hook_is_taken_over(sandbox: Sandbox) -> None:
    sandbox.write_manifest(
        COUNTING_HOOK.replace(
            "echo run",
            '[ -e "$FLOX_ENV_PROJECT/count" ] || { touch "$FLOX_ENV_PROJECT/asleep"; sleep 60; }\necho run',
        )
    )
    starter = subprocess.Popen(
        [ACTIVATE, "--", "true"],
        cwd=sandbox.project,
        env=sandbox.env,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until((sandbox.project / "asleep").exists)  # the hook is running: its bash sleeps
    starter.send_signal(signal.SIGKILL)
    starter.wait()
    (sandbox.project / "count").write_text("")  # the next hook run must not sleep
    result = sandbox.run(["--", "printenv", "FROM_HOOK"], timeout=20)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hooked 1\n"
    assert "waiting" not in result.stderr


def test_a_hook_killed_by_a_signal_fails_and_leaves_no_record(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n[hook]\non-activate = '''\nkill -9 $$\n'''\n")
    result = sandbox.run(["--", "true"])
    assert result.returncode == 128 + 9
    assert "killed by signal 9" in result.stderr
    assert not [p for p in sandbox.state_files() if p.name in ("record", "starting")]


def test_a_reused_pid_or_a_zombie_does_not_count_as_alive(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK)
    # A finished activation that nobody has reaped yet is a zombie.
    zombie = subprocess.Popen([ACTIVATE, "--", "true"], cwd=sandbox.project, env=sandbox.env)
    wait_until(lambda: _is_zombie(zombie.pid))
    sandbox.run(["--", "true"])
    assert hook_runs(sandbox) == 2
    zombie.wait()
    # A holder whose pid is alive but whose start time differs is someone else.
    holders = next(p.parent for p in sandbox.state_files() if p.parent.name == "holders")
    for old in holders.iterdir():
        old.unlink()
    (holders / f"{os.getpid()}-t1").touch()
    sandbox.run(["--", "true"])
    assert hook_runs(sandbox) == 3


def _is_zombie(pid: int) -> bool:
    with open(f"/proc/{pid}/stat", "rb") as f:
        return f.read().rsplit(b")", 1)[1].split()[0] == b"Z"


def test_state_is_private_to_the_user(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK + "[profile]\nbash = 'true'\n")
    holder = hold(sandbox)
    try:
        sandbox.run(["--shell", "bash", "-c", "true"])
        root = sandbox.root / "runtime" / "activate"
        assert stat.S_IMODE(root.stat().st_mode) == 0o700
        files = sandbox.state_files()
        assert any(p.name == "record" for p in files)
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        for path in root.rglob("*"):
            if path.is_dir():
                assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
        # launch files delete themselves once the shell has read them
        assert not [p for p in files if p.parent.name == "launch"]
    finally:
        holder.kill()
        holder.wait()


def test_without_xdg_runtime_dir_state_goes_to_the_cache(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK)
    env = {k: v for k, v in sandbox.env.items() if k != "XDG_RUNTIME_DIR"}
    done = subprocess.run(
        [ACTIVATE, "--", "true"],
        cwd=sandbox.project,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    assert (Path(env["XDG_CACHE_HOME"]) / "activate" / "run" / "envs").is_dir()


def test_old_activations_are_cleaned_up_when_nothing_holds_them(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK)
    holder = hold(sandbox)
    try:
        sandbox.write_manifest(COUNTING_HOOK + "# edited\n")
        sandbox.run(["--", "true"])
        records = [p for p in sandbox.state_files() if p.name == "record"]
        assert len(records) == 2  # the first is still held
    finally:
        holder.kill()
        holder.wait()
    sandbox.write_manifest(COUNTING_HOOK + "# edited again\n")
    sandbox.run(["--", "true"])
    records = [p for p in sandbox.state_files() if p.name == "record"]
    assert len(records) == 1
    manifests = [p for p in sandbox.state_files() if p.name.endswith(".manifest")]
    assert len(manifests) == 1
