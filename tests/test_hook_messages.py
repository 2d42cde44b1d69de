"""bash's own messages about the hook name the user's manifest and its real line.

The hook runs from a private copy in the state directory; its output goes
through a relay that names the manifest instead. These tests check the
messages in each way a hook runs, the order of the hook's output and
activate's own, the terminal the hook sees, and the background jobs a hook
leaves running.
"""

from __future__ import annotations

import re
import subprocess
import time

import pexpect
import pytest

from conftest import ACTIVATE, Sandbox, shell_path, wait_until

# The hook's first line is line 6 of the manifest.
FIRST_LINE = 6

# Each way a hook runs without a terminal: a command, a shell's -c, --print.
WAYS = {
    "command": ["--", "true"],
    "shell-c": ["--shell", "bash", "-c", "true"],
    "print": ["--print", "--shell", "bash"],
}


def hook_manifest(script: str) -> str:
    """A manifest whose hook (`script`) starts on line FIRST_LINE."""
    return f"version = 1\n[vars]\nBEFORE = \"set\"\n[hook]\non-activate = '''\n{script}\n'''\n"


def private_paths(sandbox: Sandbox) -> list[str]:
    """The state directories, none of which may appear in what the user sees."""
    return [str(sandbox.root / "runtime"), str(sandbox.root / "cache")]


def assert_no_private_path(sandbox: Sandbox, text: str) -> None:
    for path in private_paths(sandbox):
        assert path not in text, text
    assert ".dev/manifest.toml" not in text, text  # the private copy, wherever it is


# (hook, manifest line of the message, bash's message there, activate's exit status)
MESSAGES = {
    "command-not-found": (
        "echo one\nnosuch-tool-x --version\nexport AFTER=1",
        7,
        "nosuch-tool-x: command not found",
        0,
    ),
    "unbound-variable": (
        'set -u\necho one\necho "$UNSET_ANYWHERE"\necho never',
        8,
        "UNSET_ANYWHERE: unbound variable",
        1,
    ),
    "cd-missing-folder": (
        "cd /no/such/folder\nexport AFTER=1",
        6,
        "cd: /no/such/folder: No such file or directory",
        0,
    ),
    "bad-substitution": ('echo one\necho "${1x}"\nexport AFTER=1', 7, "${1x}: bad substitution", 0),
    "syntax-error-mid": (
        "echo fine\nif then\nfi",
        7,
        "syntax error near unexpected token `then'",
        2,
    ),
}


@pytest.mark.parametrize("way", WAYS.values(), ids=WAYS.keys())
@pytest.mark.parametrize("case", MESSAGES.values(), ids=MESSAGES.keys())
def test_bash_messages_name_the_manifest_and_its_line(
    sandbox: Sandbox, case: tuple[str, int, str, int], way: list[str]
) -> None:
    script, line, message, status = case
    sandbox.write_manifest(hook_manifest(script))
    result = sandbox.run(way)
    assert result.returncode == status, result.stderr
    manifest = str(sandbox.manifest.resolve())
    assert f"{manifest}: line {line}: {message}\n" in result.stderr
    assert_no_private_path(sandbox, result.stderr + result.stdout)


@pytest.mark.parametrize("way", WAYS.values(), ids=WAYS.keys())
def test_a_syntax_error_at_the_end_is_on_a_line_of_the_hook(
    sandbox: Sandbox, way: list[str]
) -> None:
    # bash finds the missing `fi` only at the end of the file, after the lines
    # activate appends to the hook: the line must still be one of the hook's.
    sandbox.write_manifest(hook_manifest("echo fine\nif true; then\n  echo inside"))
    last = FIRST_LINE + 2
    result = sandbox.run(way)
    assert result.returncode == 2
    assert result.stdout == ""
    manifest = str(sandbox.manifest.resolve())
    found = re.findall(
        rf"^{re.escape(manifest)}: line (\d+): syntax error: unexpected end of file$",
        result.stderr,
        re.MULTILINE,
    )
    assert found == [str(last)], result.stderr
    # activate's own report names the same place.
    assert f"in {manifest}, line {last}\n" in result.stderr
    assert "has a bash syntax error: syntax error: unexpected end of file" in result.stderr
    assert_no_private_path(sandbox, result.stderr)


def test_a_message_after_a_partial_line_names_the_manifest(sandbox: Sandbox) -> None:
    sandbox.write_manifest(hook_manifest("printf 'no newline: '\nnosuch-tool-y"))
    result = sandbox.run(["--", "true"])
    manifest = str(sandbox.manifest.resolve())
    assert f"no newline: {manifest}: line 7: nosuch-tool-y: command not found\n" in result.stderr
    assert_no_private_path(sandbox, result.stderr)


def test_the_hooks_output_comes_in_order_before_activates_own(sandbox: Sandbox) -> None:
    # 200 KB before the failure: the relay is still passing output on when bash ends.
    sandbox.write_manifest(
        hook_manifest(
            "echo out-1\necho err-1 >&2\nhead -c 200000 /dev/zero | tr '\\0' x\necho\n"
            "nosuch-tool-z\necho out-2\nexit 3"
        )
    )
    result = sandbox.run(["--print", "--shell", "bash"])
    assert result.returncode == 3
    assert result.stdout == ""
    manifest = str(sandbox.manifest.resolve())
    marks = [
        "out-1\n",
        "err-1\n",
        "x" * 200000 + "\n",
        f"{manifest}: line 10: nosuch-tool-z: command not found\n",
        "out-2\n",
        "activate: error: the hook",
    ]
    places = [result.stderr.find(m) for m in marks]
    assert -1 not in places and places == sorted(places), result.stderr[-500:]


def test_the_hooks_output_comes_before_the_commands(sandbox: Sandbox) -> None:
    sandbox.write_manifest(
        hook_manifest("head -c 300000 /dev/zero | tr '\\0' y\necho\necho hook-last")
    )
    result = sandbox.run(["--", "sh", "-c", "echo command-first >&2"])
    assert result.returncode == 0
    assert result.stderr.endswith("hook-last\ncommand-first\n")


# A hook whose background job, once the file `go` exists, writes to stdout and
# stderr, then creates `bg-done` (only if both writes succeeded). Until `go`
# exists, activate must not be waiting for it.
BACKGROUND_HOOK = hook_manifest(
    '(until [ -e "$FLOX_ENV_PROJECT/go" ]; do sleep 0.05; done\n'
    ' echo late-err >&2 && echo late-out && touch "$FLOX_ENV_PROJECT/bg-done") &\n'
    "export BG=started"
)


def test_a_background_job_writing_after_the_hook_ends_survives(sandbox: Sandbox) -> None:
    sandbox.write_manifest(BACKGROUND_HOOK)
    log = sandbox.root / "log"
    with open(log, "wb") as err:
        done = subprocess.run(
            [ACTIVATE, "--", "printenv", "BG"],
            cwd=sandbox.project,
            env=sandbox.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            timeout=30,
        )
    assert done.stdout == b"started\n"
    assert log.read_text() == ""
    (sandbox.project / "go").touch()  # activate has ended: now the job writes
    wait_until(lambda: (sandbox.project / "bg-done").exists())
    wait_until(lambda: "late-out" in log.read_text())
    assert log.read_text() == "late-err\nlate-out\n"


def test_eval_does_not_wait_for_a_background_jobs_output(sandbox: Sandbox) -> None:
    sandbox.write_manifest(BACKGROUND_HOOK)
    log = sandbox.root / "log"
    script = f'eval "$({ACTIVATE} --print 2>>{log})"; printf "%s" "$BG"'
    result = sandbox.shell("bash", script)
    assert result.stdout == "started"
    (sandbox.project / "go").touch()
    wait_until(lambda: (sandbox.project / "bg-done").exists())
    wait_until(lambda: "late-out" in log.read_text())


def test_no_process_is_left_as_a_child_of_the_command(sandbox: Sandbox) -> None:
    # The relay is not a child of the process activate becomes (which would
    # have to reap it), whether it is still running (a background job holds
    # its pipe) or has ended.
    log = sandbox.root / "log"
    for hook in (BACKGROUND_HOOK, hook_manifest("echo plain")):
        sandbox.write_manifest(hook)
        with open(log, "wb") as err:  # not a pipe: the job holds stderr until `go`
            done = subprocess.run(
                [ACTIVATE, "--", "sh", "-c", "exec cat /proc/$$/task/$$/children"],
                cwd=sandbox.project,
                env=sandbox.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=err,
                timeout=30,
            )
        assert (done.returncode, done.stdout) == (0, b""), log.read_text()
        (sandbox.project / "go").touch()


def spawn(sandbox: Sandbox, args: list[str], **kwargs: object) -> pexpect.spawn:
    """activate on a terminal (stdin, stdout and stderr), 30 rows by 97 columns."""
    return pexpect.spawn(
        ACTIVATE,
        args,
        env=sandbox.env,
        cwd=str(sandbox.project),
        timeout=20,
        dimensions=(30, 97),
        **kwargs,  # type: ignore[arg-type]
    )


TERMINAL_CHECK = (
    "[ -t 1 ] && echo out=tty || echo out=pipe\n"
    "[ -t 2 ] && echo err=tty || echo err=pipe\n"
    "stty size <&2 2>/dev/null || echo no-size\n"
    "printf 'two\\nlines\\n'"
)


def test_the_hook_sees_a_terminal_when_activates_stderr_is_one(sandbox: Sandbox) -> None:
    sandbox.write_manifest(hook_manifest(TERMINAL_CHECK))
    child = spawn(sandbox, ["--", "true"])
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # One "\r" per line, added by the real terminal: the relay's terminal does
    # not add its own.
    assert child.before == b"out=tty\r\nerr=tty\r\n30 97\r\ntwo\r\nlines\r\n"


def test_the_hook_sees_no_terminal_when_activates_stderr_is_not_one(sandbox: Sandbox) -> None:
    sandbox.write_manifest(hook_manifest(TERMINAL_CHECK))
    result = sandbox.run(["--", "true"])
    assert result.stderr == "out=pipe\nerr=pipe\nno-size\ntwo\nlines\n"


@pytest.mark.parametrize("prompt", ["Your name? ", "a folder: /"])
def test_a_prompt_without_a_newline_shows_before_the_hook_reads(
    sandbox: Sandbox, prompt: str
) -> None:
    # "/" could start the private copy's path: the relay holds it back only briefly.
    sandbox.write_manifest(hook_manifest(f"read -r -p '{prompt}' NAME\nexport NAME"))
    child = spawn(sandbox, ["--", "printenv", "NAME"], encoding="utf-8")
    child.expect_exact(prompt, timeout=10)
    child.sendline("bob")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (child.before or "").endswith("bob\r\nbob\r\n")


def test_messages_name_the_manifest_on_a_terminal_in_an_interactive_shell(
    sandbox: Sandbox,
) -> None:
    shell_path("bash")
    sandbox.write_manifest(
        hook_manifest("echo hook-start\nnosuch-tool-t\nset -u\necho $UNSET_T || true")
    )
    manifest = str(sandbox.manifest.resolve())
    child = spawn(sandbox, ["--shell", "bash"], encoding="utf-8")
    child.expect_exact(f"{manifest}: line 7: nosuch-tool-t: command not found\r\n")
    child.expect_exact(f"{manifest}: line 9: UNSET_T: unbound variable\r\n")
    child.expect_exact("activate: error:")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert_no_private_path(sandbox, child.before or "")


def test_a_background_job_keeps_writing_to_the_terminal(sandbox: Sandbox) -> None:
    sandbox.write_manifest(BACKGROUND_HOOK)
    command = "echo command-start; touch go; until [ -e bg-done ]; do sleep 0.05; done"
    child = spawn(sandbox, ["--", "sh", "-c", command])
    # The terminal closes when the last process writing to it (the relay,
    # once the job has ended) is gone: by then all the job wrote is shown.
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (sandbox.project / "bg-done").exists()
    assert child.before == b"command-start\r\nlate-err\r\nlate-out\r\n"


def test_ctrl_c_reaches_the_hook_when_stderr_is_not_a_terminal(sandbox: Sandbox) -> None:
    # stdin is the terminal (Ctrl-C comes from it), stderr a file: the hook's
    # output goes through a pipe, and the relay must not be the one to stop.
    sandbox.write_manifest(hook_manifest("echo HOOK-START\nsleep 30\nexport X=1"))
    log = sandbox.root / "log"
    child = pexpect.spawn(
        shell_path("bash"),
        ["-c", f"{ACTIVATE} -- true 2>{log}; echo status=$?"],
        env=sandbox.env,
        cwd=str(sandbox.project),
        encoding="utf-8",
        timeout=20,
    )
    wait_until(lambda: log.exists() and "HOOK-START" in log.read_text())
    time.sleep(0.3)
    child.sendintr()
    child.expect(r"status=(\d+)")
    assert child.match.group(1) == "130"
    child.expect(pexpect.EOF)
    assert "interrupted while running the hook" in log.read_text()


def test_the_spinner_is_erased_before_the_hooks_output(sandbox: Sandbox) -> None:
    sandbox.write_manifest(hook_manifest("sleep 2.5\necho after-the-wait"))
    child = spawn(sandbox, ["--", "true"], encoding="utf-8")
    child.expect(pexpect.EOF)
    child.close()
    text = child.before or ""
    assert "activate: running [hook] on-activate (2s)" in text
    # The output starts on a clean line, and the status line is gone at the end.
    assert "\r\x1b[Kafter-the-wait\r\n" in text
    assert text.endswith("after-the-wait\r\n")


def test_the_spinner_does_not_cover_a_prompt(sandbox: Sandbox) -> None:
    sandbox.write_manifest(hook_manifest("read -r -p 'Your name? ' NAME\nexport NAME"))
    child = spawn(sandbox, ["--", "printenv", "NAME"], encoding="utf-8")
    child.expect_exact("Your name? ")
    time.sleep(2.6)  # longer than the 2 s after which a silent hook gets a spinner
    child.sendline("bob")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "running" not in (child.before or "")


BIG_BACKGROUND_HOOK = hook_manifest(
    '(until [ -e "$FLOX_ENV_PROJECT/go" ]; do sleep 0.05; done\n'
    " head -c 500000 /dev/zero | tr '\\0' z >&2 && echo && touch \"$FLOX_ENV_PROJECT/bg-done\") &\n"
    "export BG=started"
)


def test_a_background_job_can_write_a_lot_after_the_hook_ends(sandbox: Sandbox) -> None:
    sandbox.write_manifest(BIG_BACKGROUND_HOOK)
    log = sandbox.root / "log"
    with open(log, "wb") as err:
        done = subprocess.run(
            [ACTIVATE, "--", "touch", "go"],
            cwd=sandbox.project,
            env=sandbox.env,
            stdin=subprocess.DEVNULL,
            stderr=err,
            timeout=30,
        )
    assert done.returncode == 0
    wait_until(lambda: (sandbox.project / "bg-done").exists())
    wait_until(lambda: log.read_text().endswith("\n"))
    assert log.read_text() == "z" * 500000 + "\n"


def test_a_background_job_can_write_a_lot_to_the_terminal(sandbox: Sandbox) -> None:
    sandbox.write_manifest(BIG_BACKGROUND_HOOK)
    # The command outlives the job and its relay: here activate leads the
    # terminal's session, and its end would hang up the terminal under them (a
    # user's shell leads it instead). It ends once the test has read everything.
    command = "touch go; until [ -e seen ] && [ -e bg-done ]; do sleep 0.05; done"
    child = spawn(sandbox, ["--", "sh", "-c", command], encoding="utf-8")
    child.expect_exact("\r\n", timeout=60)  # the job's last line ends its output
    written = child.before
    (sandbox.project / "seen").touch()
    child.expect(pexpect.EOF, timeout=60)
    child.close()
    assert child.exitstatus == 0
    assert (sandbox.project / "bg-done").exists()
    assert written == "z" * 500000


def test_a_hook_that_closes_its_output_is_waited_for_without_spinning(sandbox: Sandbox) -> None:
    import resource

    sandbox.write_manifest(hook_manifest("echo bye\nexec >&- 2>&-\nsleep 1\nexport CLOSED=1"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = sandbox.run(["--", "printenv", "CLOSED"])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert (result.returncode, result.stdout, result.stderr) == (0, "1\n", "bye\n")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert cpu < 0.6  # activate and bash; a loop on the closed pipe would take the whole second


@pytest.mark.parametrize("ending", ["export DONE=1", "exit 3", "return 4"])
def test_a_set_x_trace_shows_the_hook_and_nothing_of_activates(
    sandbox: Sandbox, ending: str
) -> None:
    sandbox.write_manifest(hook_manifest(f"set -x\nfalse\necho traced\n{ending}"))
    result = sandbox.run(["--", "true"])
    traced = [line for line in result.stderr.splitlines() if line.startswith("+")]
    assert traced[:3] == ["++ false", "++ echo traced", f"++ {ending}"], result.stderr
    assert "__activate" not in result.stderr  # the runner's own commands
    assert_no_private_path(sandbox, result.stderr)
