"""`deactivate` leaves an in-place activation as if it had never happened.

Each test dumps the shell's variables (with values), functions and aliases
before the activation and after `deactivate`, in the real shell, and
compares: nothing may differ except what the user changed in between.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import ACTIVATE, COUNTING_HOOK, Sandbox, hook_runs, in_place, wait_until

MANIFEST = """version = 1
[vars]
GREETING = "hi"
[hook]
on-activate = '''
export FROM_HOOK=1
export PATH="/hook/bin:$PATH"
export PYTHONPATH="/hook/py${PYTHONPATH:+:$PYTHONPATH}"
'''
[profile]
bash = '''
alias ll='ls -l'
myfunc() { echo my; }
PROFILE_VAR=set
export PROFILE_EXPORT=1
'''
zsh = '''
alias ll='ls -l'
myfunc() { echo my; }
PROFILE_VAR=set
export PROFILE_EXPORT=1
'''
fish = '''
alias ll 'ls -l'
function myfunc; echo my; end
set -g PROFILE_VAR set
set -gx PROFILE_EXPORT 1
'''
tcsh = '''
alias ll 'ls -l'
set PROFILE_VAR = set
setenv PROFILE_EXPORT 1
'''
deactivate-common = '''
echo "leaving $FLOX_ENV_DESCRIPTION"
'''
"""

# Dumps of variables (with values), functions and aliases, minus what the
# shell itself changes from one command to the next.
DUMP = {
    "bash": (
        "dump() { (set; alias; declare -f) | grep -v -E "
        "'^(_|BASH_[A-Z_]*|PIPESTATUS|LINENO|SECONDS|RANDOM|SRANDOM|EPOCH[A-Z]*|HISTCMD|PPID)='; }"
    ),
    "zsh": (
        "dump() { print -l ${(k)functions} ${(k)aliases}; for k in ${(k)parameters}; do "
        "case $k in _|RANDOM|SECONDS|EPOCH*|LINENO|history*|funcfiletrace|funcsourcetrace|funcstack|"
        "functrace|zsh_eval_context|parameters|pipestatus|status|'?'|TTYIDLE|k) ;; "
        '*) print -r -- "$k=${(P)k}";; esac; done | sort; }'
    ),
    "fish": (
        "function dump; functions -a -n; for k in (set -n); switch $k; "
        "case _ history status pipestatus fish_pid last_pid CMD_DURATION argv status_generation "
        "fish_kill_signal k; case '*'; echo $k=$$k; end; end; end"
    ),
}


def _script(shell: str, between: str = "") -> str:
    """Dump, activate in place, check, `between`, deactivate, dump, compare."""
    before, after = "/tmp/activate-test-before", "/tmp/activate-test-after"
    if shell == "tcsh":
        dump = (
            "alias > {0}; set | grep -v -E '^(_|status|cwd|owd)\t' >> {0}; printenv | sort >> {0}"
        )
        return (
            (
                f"{dump.format('$B')}\n"
                f"{in_place(shell)}\n"
                'echo "in: $GREETING $PROFILE_VAR $FROM_HOOK"\n'
                f"{between}\n"
                "deactivate\n"
                f"{dump.format('$A')}\n"
                "diff $B $A && echo NO-DIFF\n"
            )
            .replace("$B", before + ".tcsh")
            .replace("$A", after + ".tcsh")
        )
    activate = (
        f"{ACTIVATE} --print | source" if shell == "fish" else f'eval "$({ACTIVATE} --print)"'
    )
    compare = (
        "diff {b} {a}; and echo NO-DIFF" if shell == "fish" else "diff {b} {a} && echo NO-DIFF"
    )
    return (
        f"{DUMP[shell]}\n"
        f"dump > {before}.{shell}\n"
        f"{activate}\n"
        'echo "in: $GREETING $PROFILE_VAR $FROM_HOOK"\n'
        f"{between}\n"
        "deactivate\n"
        f"dump > {after}.{shell}\n"
        f"{compare.format(b=before + '.' + shell, a=after + '.' + shell)}\n"
    )


def test_deactivate_restores_variables_functions_and_aliases(sandbox: Sandbox, shell: str) -> None:
    sandbox.write_manifest(MANIFEST, name="demo")
    script = _script(shell).replace("/tmp/activate-test", str(sandbox.root / "dump"))
    result = sandbox.shell(shell, script)
    assert "in: hi set 1" in result.stdout, result.stderr
    assert "leaving demo" in result.stdout  # [profile] deactivate-common ran
    assert result.stdout.rstrip().endswith("NO-DIFF"), result.stdout + result.stderr


def test_deactivate_keeps_path_entries_added_since(sandbox: Sandbox, shell: str) -> None:
    sandbox.write_manifest(MANIFEST, name="demo")
    add = {
        "fish": "set -gx PATH /user/added $PATH",
        "tcsh": "setenv PATH /user/added:$PATH",
    }.get(shell, 'export PATH="/user/added:$PATH"')
    activate = in_place(shell)
    show = 'printenv PATH; printenv FLOX_ENV || echo "no FLOX_ENV"'
    # (fish and tcsh read their rc files even with -c: the shell's own PATH is the reference)
    result = sandbox.shell(shell, f"printenv PATH\n{activate}\n{add}\ndeactivate\n{show}\n")
    own, path, flox_env = result.stdout.splitlines()[0], *result.stdout.splitlines()[-2:]
    assert path == "/user/added:" + own, result.stderr
    assert flox_env == "no FLOX_ENV"


def test_nested_in_place_activations_are_left_one_at_a_time(sandbox: Sandbox, shell: str) -> None:
    sandbox.write_manifest("version = 1\n", name="outer")
    inner = sandbox.root / "inner"
    (inner / ".flox" / "env").mkdir(parents=True)
    (inner / ".flox" / "env" / "manifest.toml").write_text('version = 1\n[vars]\nINNER = "1"\n')
    (inner / ".flox" / "env.json").write_text('{"name": "inner", "version": 1}')
    act = in_place(shell) + "\n" + in_place(shell, "-d", str(inner))
    show = "printenv FLOX_PROMPT_ENVIRONMENTS || echo none"
    result = sandbox.shell(shell, f"{act}\n{show}\ndeactivate\n{show}\ndeactivate\n{show}\n")
    assert result.stdout.split() == ["inner", "outer", "outer", "none"], result.stderr


def test_deactivate_in_a_subshell_says_to_exit(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    result = sandbox.run(["--shell", "bash", "-c", f"{ACTIVATE} deactivate"])
    assert result.returncode == 1
    assert result.stdout == ""
    assert "type `exit` to leave it" in result.stderr


def test_deactivate_without_an_activation_is_an_error(sandbox: Sandbox) -> None:
    result = sandbox.run(["deactivate", "--shell", "bash"])
    assert (result.returncode, result.stdout) == (1, "")
    assert "no environment is active in this shell" in result.stderr


@pytest.mark.parametrize("shell_name", ["bash"])
def test_deactivate_in_a_child_of_the_activated_shell_says_to_exit(
    sandbox: Sandbox, shell_name: str
) -> None:
    sandbox.write_manifest("version = 1\n")
    # `; true`: bash would exec a last command in place, and then it is not a child.
    script = f'eval "$({ACTIVATE} --print)"\nbash -c "{ACTIVATE} deactivate --shell bash; echo rc=\\$?"; true\n'
    result = sandbox.shell(shell_name, script)
    assert "rc=1" in result.stdout
    assert "activated in place in a parent shell" in result.stderr


def test_undo_records_of_shells_that_exited_are_collected(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    assert sandbox.shell("bash", in_place("bash")).returncode == 0  # that shell exits
    inplace = sandbox.root / "runtime" / "activate" / "inplace"
    assert any(inplace.iterdir())
    sandbox.write_manifest("version = 1\n# changed: the next activation starts afresh\n")
    assert sandbox.run(["--", "true"]).returncode == 0
    assert list(inplace.iterdir()) == []


def test_a_deactivate_that_exists_already_is_left_alone(sandbox: Sandbox, shell: str) -> None:
    """A Python venv active before the in-place activation keeps its `deactivate`."""
    sandbox.write_manifest("version = 1\n")
    own = {
        "fish": "function deactivate; echo venv-deactivate; end",
        "tcsh": "alias deactivate 'echo venv-deactivate'",
    }.get(shell, "deactivate() { echo venv-deactivate; }")
    leave = {
        "fish": f"{ACTIVATE} deactivate | source",
        "tcsh": f'eval "`{ACTIVATE} deactivate`"',
    }.get(shell, f'eval "$({ACTIVATE} deactivate)"')
    show = "printenv FLOX_ENV || echo none"
    script = f"{own}\n{in_place(shell)}\n{leave}\n{show}\ndeactivate\n"
    result = sandbox.shell(shell, script)
    assert result.stdout.split() == ["none", "venv-deactivate"], result.stderr


def test_deactivate_reports_a_failure(sandbox: Sandbox, shell: str) -> None:
    sandbox.write_manifest("version = 1\n")
    # The state directory vanished under the shell: the record is gone.
    wipe = f"rm -rf {sandbox.root / 'runtime' / 'activate' / 'inplace'}"
    status = "echo status=$status" if shell == "fish" else "echo status=$?"
    result = sandbox.shell(shell, f"{in_place(shell)}\n{wipe}\ndeactivate\n{status}\n")
    assert "status=1" in result.stdout
    assert "the record of this in-place activation is gone" in result.stderr


def test_deactivate_typed_at_a_terminal_explains_itself(sandbox: Sandbox) -> None:
    import pexpect

    sandbox.write_manifest("version = 1\n")
    child = pexpect.spawn(
        ACTIVATE, ["deactivate", "--shell", "bash"], env=sandbox.env, encoding="utf-8"
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "prints code for your shell to run" in (child.before or "")


def _status(shell: str) -> str:
    return "echo status=$status" if shell in ("fish", "tcsh") else "echo status=$?"


def test_deactivate_releases_the_shells_hold(sandbox: Sandbox, shell: str) -> None:
    """Once the only holder deactivated, status lists no activation and the next
    activation starts afresh: the hook runs again."""
    sandbox.write_manifest(COUNTING_HOOK)
    status = f"{ACTIVATE} status --json > {sandbox.root / 'status-SUFFIX.json'}"
    script = "\n".join(
        [
            in_place(shell),
            status.replace("SUFFIX", "in"),
            "deactivate",
            status.replace("SUFFIX", "out"),
            f"{ACTIVATE} -- printenv FROM_HOOK",
        ]
    )
    result = sandbox.shell(shell, script + "\n")
    assert result.returncode == 0, result.stderr
    held = json.loads((sandbox.root / "status-in.json").read_text())["activations"]
    assert len(held) == 1 and len(held[0]["pids"]) == 1
    assert json.loads((sandbox.root / "status-out.json").read_text())["activations"] == []
    assert result.stdout.splitlines()[-1] == "hooked 2"
    assert hook_runs(sandbox) == 2


def test_deactivate_keeps_a_hold_that_another_shell_has(sandbox: Sandbox) -> None:
    """Two shells activated in place; one deactivates: the other still holds it,
    and a third activation attaches (no second hook run)."""
    sandbox.write_manifest(COUNTING_HOOK)
    script = f"{in_place('bash')}\ndeactivate\n{ACTIVATE} -- printenv FROM_HOOK\n"
    holder = subprocess.Popen(
        ["bash", "-c", f"{in_place('bash')}; sleep 60"], cwd=sandbox.project, env=sandbox.env
    )
    try:
        wait_until(lambda: hook_runs(sandbox) == 1)
        wait_until(lambda: _holders(sandbox) == 1)
        result = sandbox.shell("bash", script)
        assert result.stdout.splitlines()[-1] == "hooked 1", result.stderr
        assert hook_runs(sandbox) == 1
    finally:
        holder.kill()
        holder.wait()


def _holders(sandbox: Sandbox) -> int:
    done = sandbox.run(["status", "--json"])
    acts = json.loads(done.stdout)["activations"]
    return sum(len(a["pids"]) for a in acts)


def test_deactivate_in_a_started_shell_says_to_exit_and_fails(sandbox: Sandbox, shell: str) -> None:
    """`deactivate` typed in a shell `activate` started: the message, a failing
    status, and the shell stays in the environment."""
    sandbox.write_manifest("version = 1\n")
    code = f"deactivate\n{_status(shell)}\nprintenv FLOX_ENV_DESCRIPTION\n"
    result = sandbox.run(["--shell", shell, "-c", code])
    assert "type `exit` to leave it" in result.stderr
    assert "command not found" not in result.stderr.lower()
    assert result.stdout.split() == ["status=1", "project"], result.stderr
