"""Faults injected on purpose: nothing is lost, nothing is left half-done.

Each test breaks one thing (a signal, a damaged record, an unusable
directory, a crowd of activations, a misbehaving hook, a hostile file in the
state directory) and checks what the user sees and what is left behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from conftest import ACTIVATE, COUNTING_HOOK, Sandbox, hook_runs, shell_path, wait_until


def leftovers(sandbox: Sandbox) -> list[str]:
    """Registry files that mean an activation is ready or under way."""
    return [p.name for p in sandbox.state_files() if p.name in ("record", "starting")]


def test_ctrl_c_during_the_hook_stops_with_130_and_leaves_no_record(sandbox: Sandbox) -> None:
    sandbox.write_manifest(
        "[hook]\non-activate = '''\necho HOOK-START\nsleep 30\nexport X=1\n'''\n"
    )
    child = pexpect.spawn(
        ACTIVATE,
        ["--shell", "bash"],
        env=sandbox.env,
        cwd=str(sandbox.project),
        encoding="utf-8",
        timeout=15,
    )
    child.expect("HOOK-START")
    time.sleep(0.3)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "interrupted while running the hook" in (child.before or "")
    assert leftovers(sandbox) == []


@pytest.mark.parametrize("count", [1, 2, 5])
def test_ctrl_c_while_waiting_says_interrupted_once_however_many_arrive(
    sandbox: Sandbox, count: int
) -> None:
    """timeout(1) signals the process and then its group: two SIGINTs at
    once (or a user pressing Ctrl-C repeatedly) give the one line, status 130."""
    sandbox.write_manifest("[hook]\non-activate = 'sleep 5'\n")
    first = subprocess.Popen(
        [ACTIVATE, "--", "true"], cwd=sandbox.project, env=sandbox.env, stderr=subprocess.DEVNULL
    )
    try:
        wait_until(lambda: any(p.name == "starting" for p in sandbox.state_files()))
        second = subprocess.Popen(
            [ACTIVATE, "--", "true"],
            cwd=sandbox.project,
            env=sandbox.env,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert second.stderr is not None
        assert "waiting" in second.stderr.readline()  # it waits for the first one's hook
        for _ in range(count):
            second.send_signal(signal.SIGINT)
        rest = second.stderr.read()
        assert (second.wait(timeout=10), rest) == (130, "activate: interrupted\n")
    finally:
        first.kill()
        first.wait()


def test_a_hook_killed_with_sigkill_fails_cleanly_and_the_next_activation_runs_it(
    sandbox: Sandbox,
) -> None:
    sandbox.write_manifest(
        COUNTING_HOOK.replace(
            "echo run", '[ -e "$FLOX_ENV_PROJECT/count" ] || kill -9 $$\necho run'
        )
    )
    first = sandbox.run(["--", "true"])
    assert first.returncode == 137 and "killed by signal 9" in first.stderr
    assert leftovers(sandbox) == []
    (sandbox.project / "count").write_text("")
    assert sandbox.run(["--", "printenv", "FROM_HOOK"]).stdout == "hooked 1\n"


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"garbage",
        b"activate-record-1\n\xff\x00",
        b"activate-record-1\n",
        b"activate-record-1\n\xe9\x01\x00\x00\x00",
    ],
    ids=["empty", "garbage", "bad-marshal", "truncated", "wrong-shape"],
)
def test_a_damaged_record_gives_a_warning_and_a_fresh_start(
    sandbox: Sandbox, damage: bytes
) -> None:
    sandbox.write_manifest(COUNTING_HOOK)
    holder = subprocess.Popen(
        [ACTIVATE, "--", "sleep", "60"],
        cwd=sandbox.project,
        env=sandbox.env,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: "record" in leftovers(sandbox))
        record = next(p for p in sandbox.state_files() if p.name == "record")
        record.write_bytes(damage)
        result = sandbox.run(["--", "printenv", "FROM_HOOK"])
        assert result.returncode == 0, result.stderr
        assert result.stdout == "hooked 2\n"
        assert "damaged activation record" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait()


def test_damaged_caches_and_markers_are_recovered_silently(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK)
    assert sandbox.run(["--", "true"]).returncode == 0
    for path in sandbox.state_files():
        if path.name.endswith(".manifest"):
            path.write_bytes(b"\x00junk")
        if path.name == "record":
            (path.parent / "starting").write_bytes(b"not a pid")
            (path.parent / "holders" / "junk-name").write_bytes(b"")
            (path.parent / "holders" / "999999999-t1").write_bytes(b"")
    result = sandbox.run(["--", "printenv", "FROM_HOOK"])
    assert (result.returncode, result.stdout) == (0, "hooked 2\n"), result.stderr


def test_xdg_runtime_dir_pointing_nowhere_falls_back_to_the_cache(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK)
    for runtime in ("/nonexistent/runtime", str(sandbox.project)):  # missing; not private (0755)
        result = sandbox.run(["--", "printenv", "FROM_HOOK"], env={"XDG_RUNTIME_DIR": runtime})
        assert result.returncode == 0, result.stderr
    assert (sandbox.root / "cache" / "activate" / "run" / "envs").is_dir()
    assert not (sandbox.project / "activate").exists()


def test_an_unusable_state_directory_is_a_one_screen_error(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK)
    blocker = sandbox.root / "a-file"
    blocker.write_text("")
    env = {**sandbox.env, "XDG_CACHE_HOME": str(blocker / "cache")}
    del env["XDG_RUNTIME_DIR"]
    result = subprocess.run(
        [ACTIVATE, "--print", "--shell", "bash"],
        cwd=sandbox.project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "cannot create the state directory" in result.stderr and "hint:" in result.stderr
    assert len(result.stderr.splitlines()) < 10
    assert hook_runs(sandbox) == 0


def test_without_home_every_way_still_works(sandbox: Sandbox, shell: str) -> None:
    sandbox.write_manifest('version = 1\n[vars]\nV = "v"\n')
    env = {k: v for k, v in sandbox.env.items() if k != "HOME"}
    done = subprocess.run(
        [ACTIVATE, "--shell", shell, "-c", "printenv V"],
        cwd=sandbox.project,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert (done.returncode, done.stdout) == (0, "v\n"), done.stderr


def _can_mount_read_only() -> bool:
    return shutil.which("unshare") is not None and (
        subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0
    )


@pytest.mark.skipif(not _can_mount_read_only(), reason="needs unshare for a read-only bind mount")
def test_a_read_only_project_uses_a_folder_in_the_users_cache(sandbox: Sandbox) -> None:
    sandbox.write_manifest('version = 1\n[hook]\non-activate = "export X=1"\n', name="ro")
    project = sandbox.project
    script = (
        f"mount --bind {project} {project} && mount -o remount,bind,ro {project} && "
        f"cd {project} && {ACTIVATE} -- printenv X FLOX_ENV"
    )
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script], env=sandbox.env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    x, prefix = result.stdout.split()
    assert x == "1"
    assert prefix.startswith(str(sandbox.root / "cache" / "activate" / "projects" / "ro-"))
    assert "Read-only file system" in result.stderr and "using" in result.stderr


def test_32_activations_at_once_run_a_2s_hook_once(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK.replace("echo run", "sleep 2; echo run"))
    procs = [
        subprocess.Popen(
            [ACTIVATE, "--", "sh", "-c", "printenv FROM_HOOK; sleep 4"],
            cwd=sandbox.project,
            env=sandbox.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(32)
    ]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0] * 32
    assert outs == [b"hooked 1\n"] * 32
    assert hook_runs(sandbox) == 1


def test_a_hook_that_reads_stdin_reads_activates_stdin(sandbox: Sandbox) -> None:
    sandbox.write_manifest("[hook]\non-activate = '''\nread -r ANSWER\nexport ANSWER\n'''\n")
    result = sandbox.run(["--", "sh", "-c", 'echo "$ANSWER"; cat'], input="forty-two\nrest\n")
    assert result.stdout == "forty-two\nrest\n"
    closed = sandbox.run(["--", "printenv", "ANSWER"])  # stdin at EOF: read fails, the hook goes on
    assert (closed.returncode, closed.stdout) == (0, "\n")


def test_a_hook_that_backgrounds_a_process_does_not_hold_up_eval(sandbox: Sandbox) -> None:
    marker = sandbox.root / "bg-done"
    sandbox.write_manifest(
        f"[hook]\non-activate = '''\n(sleep 20; touch {marker}) &\nexport BG=started\n'''\n"
    )
    # eval returns while the background job still runs (stderr to a file: the
    # job keeps its stderr open, and the test's capture would wait for it).
    log = sandbox.root / "log"
    script = f'eval "$({ACTIVATE} --print 2>{log})"; [ -e {marker} ] && echo late || echo early; printf %s "$BG"'
    result = sandbox.shell("bash", script)
    assert result.stdout == "early\nstarted"


def test_a_hook_printing_1mb_to_stdout_keeps_print_valid(sandbox: Sandbox, shell: str) -> None:
    sandbox.write_manifest(
        "[hook]\non-activate = '''\nhead -c 1048576 /dev/zero | tr '\\\\0' x\necho\nexport BIG=ok\n'''\n"
    )
    script = {
        "fish": f"{ACTIVATE} --print 2>/dev/null | source; printenv BIG",
        "tcsh": f'eval "`{ACTIVATE} --print`" >& /dev/null; printenv BIG',
    }.get(shell, f'eval "$({ACTIVATE} --print 2>/dev/null)"; printenv BIG')
    result = sandbox.shell(shell, script)
    assert result.stdout.splitlines()[-1] == "ok", result.stderr[-300:]


def test_a_symlink_planted_at_the_state_directory_is_refused(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.write_manifest(COUNTING_HOOK)
    elsewhere = tmp_path / "attacker"
    elsewhere.mkdir()
    (sandbox.root / "runtime" / "activate").symlink_to(elsewhere)
    result = sandbox.run(["--print", "--shell", "bash"])
    assert result.returncode == 1
    assert result.stdout == ""
    assert "is not a directory (a symlink" in result.stderr
    assert list(elsewhere.iterdir()) == []
    assert hook_runs(sandbox) == 0


@pytest.mark.skipif(os.getuid() != 0, reason="making a directory owned by another user needs root")
def test_a_state_directory_owned_by_another_user_is_refused(sandbox: Sandbox) -> None:
    sandbox.write_manifest(COUNTING_HOOK)
    planted = sandbox.root / "runtime" / "activate"
    planted.mkdir(mode=0o700)
    os.chown(planted, 65534, 65534)
    result = sandbox.run(["--", "true"])
    assert result.returncode == 1
    assert "belongs to another user" in result.stderr
    assert list(planted.iterdir()) == []


def test_no_file_with_hook_values_is_readable_by_others(sandbox: Sandbox) -> None:
    sandbox.write_manifest("[hook]\non-activate = '''\nexport SECRET=hunter2\n'''\n")
    holder = subprocess.Popen(
        [ACTIVATE, "--", "sleep", "60"],
        cwd=sandbox.project,
        env={**sandbox.env},
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: "record" in leftovers(sandbox))
        sandbox.run(["--print", "--shell", "tcsh"])  # leaves its (self-deleting) file unsourced
        found = [p for p in sandbox.state_files() if b"hunter2" in p.read_bytes()]
        assert found  # the record and the unsourced tcsh file
        for path in found:
            assert path.stat().st_mode & 0o077 == 0, path
            for parent in path.relative_to(sandbox.root).parents:
                mode = (sandbox.root / parent).stat().st_mode
                if parent.parts[:1] == ("runtime",) and len(parent.parts) > 1:
                    assert mode & 0o077 == 0, parent
    finally:
        holder.kill()
        holder.wait()


def test_errors_on_a_terminal_keep_manifest_text_literal(sandbox: Sandbox) -> None:
    sandbox.write_manifest("[vars]\nPORT = 8080 # [bold]not markup[/bold]\n")
    child = pexpect.spawn(
        ACTIVATE,
        ["--", "true"],
        env={**sandbox.env, "TERM": "xterm-256color"},
        cwd=str(sandbox.project),
        encoding="utf-8",
        timeout=15,
    )
    child.expect(pexpect.EOF)
    child.close()
    text = child.before or ""
    assert child.exitstatus == 3
    assert "[vars] PORT must be a string" in text  # rich markup did not eat "[vars]"
    assert "[bold]not markup[/bold]" in text
    assert "\x1b[" in text  # styled, since stderr is a terminal


def test_flox_shell_naming_a_program_that_is_not_a_shell(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    for value in (sys.executable, "/bin/true", "not-a-shell"):
        result = sandbox.run(["-c", "true"], env={"FLOX_SHELL": value})
        assert result.returncode == 2, value
        assert "is not a shell activate supports" in result.stderr


def test_flox_shell_naming_a_missing_shell(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    shell_path("bash")
    result = sandbox.run([], env={"FLOX_SHELL": "/opt/nowhere/bash"})
    assert result.returncode == 1
    assert "cannot start bash (FLOX_SHELL=/opt/nowhere/bash)" in result.stderr
