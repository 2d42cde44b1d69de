"""Each way of activating, in each real shell, as a user runs it.

`eval "$(activate --print)"` (and fish's `| source`, tcsh's eval of a
backtick), `activate -c`, and `activate -- cmd`: values come back exact,
exit statuses pass through, stdout carries only what is meant for it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from activator.varrefs import escape

from conftest import Sandbox, in_place

# Prints the environment variable V byte for byte, from inside any shell.
SHOW_V = f"{sys.executable} -c 'import os,sys;sys.stdout.buffer.write(os.environb[b\"V\"])'"

HOSTILE = {
    "spaces": "a b  c",
    "single-quote": "it's",
    "double-quote": 'say "hi"',
    "dollar": "$HOME and ${HOME}",
    "command-sub": "$(touch PWNED) `touch PWNED`",
    "bang": "wow! !! !$ !-1",
    "backslash": "a\\b\\\\c",
    "trailing-backslash": "ends\\",
    "quote-backslash": "\\'",
    "newlines": "line1\nline2\n",
    "tab-cr": "a\tb\rc",
    "unicode": "é 日本 🐚",
    "empty": "",
    "percent-tilde-glob": "%s ~ * ? [a] {a,b}",
    "leading-dash": "-n -e",
    "semicolons": "'; touch PWNED; '",
}


def _manifest_with(value: str) -> str:
    toml_value = json.dumps(escape(value), ensure_ascii=False)  # a TOML basic string
    return f"version = 1\n[vars]\nV = {toml_value}\n"


def in_place_then(shell: str, script_after: str) -> str:
    """A script that activates the shell in place, then runs `script_after`."""
    return f"{in_place(shell)}\n{script_after}\n"


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_value_round_trips_in_place(sandbox: Sandbox, shell: str, value: str) -> None:
    sandbox.write_manifest(_manifest_with(value))
    result = sandbox.shell(shell, in_place_then(shell, SHOW_V))
    assert result.returncode == 0, result.stderr
    assert result.stdout == value
    assert not (sandbox.project / "PWNED").exists()


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_value_round_trips_with_c(sandbox: Sandbox, shell: str, value: str) -> None:
    sandbox.write_manifest(_manifest_with(value))
    result = sandbox.run(["--shell", shell, "-c", SHOW_V])
    assert result.returncode == 0, result.stderr
    assert result.stdout == value
    assert not (sandbox.project / "PWNED").exists()


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_value_round_trips_with_command(sandbox: Sandbox, value: str) -> None:
    sandbox.write_manifest(_manifest_with(value))
    result = sandbox.run(
        ["--", sys.executable, "-c", "import os,sys;sys.stdout.buffer.write(os.environb[b'V'])"]
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == value


def test_command_gets_argv_untouched_and_its_status(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    args = ["", "two words", "'q'", '"dq"', "$HOME", "*", "-c", "--print", "\\", "é"]
    code = "import json,sys; print(json.dumps(sys.argv[1:])); sys.exit(7)"
    result = sandbox.run(["--", sys.executable, "-c", code, *args])
    assert result.returncode == 7
    assert json.loads(result.stdout) == args


def test_missing_command_says_not_found_and_exits_127(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    result = sandbox.run(["--", "no-such-command-xyz", "arg"])
    assert result.returncode == 127
    assert result.stdout == ""
    assert "no-such-command-xyz: command not found" in result.stderr


def test_c_returns_the_shells_status(sandbox: Sandbox, shell: str) -> None:
    sandbox.write_manifest("version = 1\n")
    result = sandbox.run(["--shell", shell, "-c", "exit 42"])
    assert result.returncode == 42


def test_profile_runs_with_c_and_in_place_but_not_with_command(
    sandbox: Sandbox, shell: str
) -> None:
    profile = {
        "bash": 'hello() { echo "profile-$1"; }',
        "zsh": 'hello() { echo "profile-$1"; }',
        "fish": 'function hello; echo "profile-$argv[1]"; end',
        "tcsh": "alias hello 'echo profile-\\!:1'",
    }[shell]
    sandbox.write_manifest(f"version = 1\n[profile]\n{shell} = '''\n{profile}\n'''\n")
    with_c = sandbox.run(["--shell", shell, "-c", "hello c"])
    assert with_c.stdout.strip() == "profile-c", with_c.stderr
    evaluated = sandbox.shell(shell, in_place_then(shell, "hello inplace"))
    assert evaluated.stdout.strip() == "profile-inplace", evaluated.stderr
    one_shot = sandbox.run(["--", "sh", "-c", "command -v hello || echo none"])
    assert one_shot.stdout.strip() == "none"


def test_common_profile_runs_before_the_shell_profile(sandbox: Sandbox, shell: str) -> None:
    sandbox.write_manifest(
        "version = 1\n[profile]\ncommon = '''\necho common-ran\n'''\n"
        f"{shell} = '''\necho {shell}-ran\n'''\n"
    )
    result = sandbox.run(["--shell", shell, "-c", "echo body"])
    assert result.stdout.split() == ["common-ran", f"{shell}-ran", "body"], result.stderr


def test_print_stdout_is_only_code_even_when_the_hook_prints(sandbox: Sandbox, shell: str) -> None:
    sandbox.write_manifest(
        "version = 1\n[hook]\non-activate = '''\necho HOOK-STDOUT\necho HOOK-STDERR >&2\n'''\n"
    )
    result = sandbox.run(["--print", "--shell", shell])
    assert result.returncode == 0, result.stderr
    assert "HOOK-STDOUT" not in result.stdout
    assert "HOOK-STDOUT" in result.stderr and "HOOK-STDERR" in result.stderr


def test_every_activation_sets_the_flox_variables(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n", name="demo")
    dump = "import json,os; print(json.dumps(dict(os.environ)))"
    env = json.loads(sandbox.run(["--", sys.executable, "-c", dump]).stdout)
    dotflox = str(sandbox.project.resolve() / ".flox")
    prefix = f"{dotflox}/run/{_system()}.demo.dev"
    assert env["FLOX_ENV"] == prefix
    assert Path(prefix, "bin").is_dir()
    assert env["FLOX_ENV_CACHE"] == f"{dotflox}/cache" and Path(dotflox, "cache").is_dir()
    assert env["FLOX_ENV_PROJECT"] == str(sandbox.project.resolve())
    assert env["FLOX_ENV_DESCRIPTION"] == "demo"
    assert env["FLOX_ENV_DIRS"] == prefix
    assert json.loads(env["_FLOX_ACTIVE_ENVIRONMENTS"]) == [
        {"path": dotflox, "name": "demo", "mode": "dev"}
    ]
    assert env["FLOX_PROMPT_ENVIRONMENTS"] == "demo"
    assert env["PATH"].split(":")[0] == f"{prefix}/bin"


def _system() -> str:
    import platform

    machine = platform.machine().lower()
    machine = {"arm64": "aarch64", "amd64": "x86_64"}.get(machine, machine)
    return f"{machine}-{'darwin' if sys.platform == 'darwin' else 'linux'}"


def _env(sandbox: Sandbox, *args: str, env: dict[str, str] | None = None) -> dict[str, str]:
    dump = "import json,os; print(json.dumps(dict(os.environ)))"
    result = sandbox.run([*args, "--", sys.executable, "-c", dump], env=env)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_dev_mode_sets_build_paths_and_run_mode_does_not(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n", name="m")
    dev = _env(sandbox)
    prefix = dev["FLOX_ENV"]
    assert dev["CPATH"] == f"{prefix}/include"
    assert dev["LIBRARY_PATH"] == f"{prefix}/lib"
    assert dev["PKG_CONFIG_PATH"] == f"{prefix}/lib/pkgconfig:{prefix}/share/pkgconfig"
    assert dev["ACLOCAL_PATH"] == f"{prefix}/share/aclocal"
    assert dev["CMAKE_PREFIX_PATH"] == prefix
    run = _env(sandbox, "--mode", "run")
    assert run["FLOX_ENV"].endswith(".m.run")
    for name in ("CPATH", "LIBRARY_PATH", "PKG_CONFIG_PATH", "ACLOCAL_PATH", "CMAKE_PREFIX_PATH"):
        assert name not in run
    for env in (dev, run):
        assert env["PATH"].startswith(env["FLOX_ENV"] + "/bin:")
        assert env["MANPATH"] == f"{env['FLOX_ENV']}/share/man:"  # trailing ':' keeps system pages
        assert env["INFOPATH"] == f"{env['FLOX_ENV']}/share/info:"
        assert env["XDG_DATA_DIRS"] == f"{env['FLOX_ENV']}/share:/usr/local/share:/usr/share"


def test_mode_option_and_flag(sandbox: Sandbox) -> None:
    sandbox.write_manifest('version = 1\n[options]\nactivate.mode = "run"\n', name="m")
    assert _env(sandbox)["FLOX_ENV"].endswith(".m.run")
    assert _env(sandbox, "--mode", "dev")["FLOX_ENV"].endswith(".m.dev")


def test_path_lists_get_no_duplicates(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n", name="m")
    first = _env(sandbox)
    again = _env(sandbox, env={k: first[k] for k in ("PATH", "MANPATH", "FLOX_ENV_DIRS", "CPATH")})
    for name in ("PATH", "MANPATH", "FLOX_ENV_DIRS", "CPATH"):
        entries = [e for e in again[name].split(":") if e]
        assert len(entries) == len(set(entries)), (name, again[name])
    assert again["PATH"] == first["PATH"]


def test_existing_manpath_is_kept(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    env = _env(sandbox, env={"MANPATH": "/opt/man", "XDG_DATA_DIRS": "/opt/share"})
    assert env["MANPATH"] == f"{env['FLOX_ENV']}/share/man:/opt/man"
    assert env["XDG_DATA_DIRS"] == f"{env['FLOX_ENV']}/share:/opt/share"


def test_found_from_a_subfolder_like_git(sandbox: Sandbox) -> None:
    sandbox.write_manifest('version = 1\n[vars]\nWHERE = "here"\n')
    sub = sandbox.project / "a" / "b"
    sub.mkdir(parents=True)
    result = sandbox.run(["--", "printenv", "WHERE", "FLOX_ENV_PROJECT"], cwd=sub)
    assert result.stdout.split() == ["here", str(sandbox.project.resolve())]


def test_dir_and_file_options(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.write_manifest('version = 1\n[vars]\nWHERE = "project"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    by_dir = sandbox.run(["-d", str(sandbox.project), "--", "printenv", "WHERE"], cwd=elsewhere)
    assert by_dir.stdout == "project\n", by_dir.stderr
    bare = tmp_path / "tools.toml"
    bare.write_text('[vars]\nWHERE = "bare"\n')
    by_file = sandbox.run(
        ["-f", str(bare), "--", "printenv", "WHERE", "FLOX_ENV_DESCRIPTION"], cwd=elsewhere
    )
    assert by_file.stdout.split() == ["bare", "tools"], by_file.stderr
    assert not (tmp_path / ".flox").exists()  # a bare manifest leaves its folder clean


def test_no_environment_found_is_a_clear_error(sandbox: Sandbox, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = sandbox.run(["--print"], cwd=empty)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "no .flox/env/manifest.toml" in result.stderr


def test_vars_refer_to_each_other_and_to_flox_variables(sandbox: Sandbox) -> None:
    sandbox.write_manifest(
        "version = 1\n[vars]\n"
        'URL = "http://${HOST}:$PORT/x"\n'
        'HOST = "localhost"\nPORT = "8080"\n'
        'UV_CACHE_DIR = "$FLOX_ENV_CACHE/uv"\n'
        'LIB = "$FLOX_ENV/lib"\n'
        'LITERAL = "\\\\$HOME costs \\\\$5"\n'
        'OWN = "$OWN:extra"\n'
        'MISSING = "[$NOT_SET_ANYWHERE]"\n'
    )
    env = _env(sandbox, env={"OWN": "outer"})
    assert env["URL"] == "http://localhost:8080/x"
    assert env["UV_CACHE_DIR"] == env["FLOX_ENV_CACHE"] + "/uv"
    assert env["LIB"] == env["FLOX_ENV"] + "/lib"
    assert env["LITERAL"] == "$HOME costs $5"
    assert env["OWN"] == "outer:extra"
    assert env["MISSING"] == "[]"


def test_what_was_not_provided_is_named_once_on_stderr(sandbox: Sandbox) -> None:
    sandbox.write_manifest(
        'version = 1\n[install]\nhello.pkg-path = "hello"\n[build.app]\ncommand = "make"\n'
    )
    result = sandbox.run(["--print", "--shell", "bash"])
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        'activate: [install] not available without Nix: hello (pkg-path "hello")',
        "activate: not supported yet, ignored: [build]",
    ]
    again = sandbox.run(["--print", "--shell", "bash"])  # attaches: said when starting only
    assert (again.returncode, again.stderr) == (0, "")


BASH_ONLY_COMMON = """version = 1
[profile]
common = '''
greet() { echo "common-greet"; }
'''
"""


def test_a_common_profile_a_shell_cannot_parse_is_skipped_there_and_named(
    sandbox: Sandbox, shell: str
) -> None:
    sandbox.write_manifest(BASH_ONLY_COMMON)
    for _ in range(2):  # said again at every activation, not only the first
        result = sandbox.run(["--shell", shell, "-c", "echo body"])
        assert result.returncode == 0
        assert result.stdout.splitlines()[-1] == "body"
        rejected = f"[profile] common ({sandbox.manifest.resolve()}, line 3) is not valid {shell}"
        if shell in ("fish", "tcsh"):
            assert rejected in result.stderr
            assert f"put {shell} code in [profile] {shell}" in result.stderr
        else:
            assert "not valid" not in result.stderr


def test_a_shell_profile_with_a_syntax_error_is_named_with_the_shells_message(
    sandbox: Sandbox,
) -> None:
    sandbox.write_manifest("version = 1\n[profile]\nfish = '''\necho ${HOME}\n'''\n")
    result = sandbox.run(["--shell", "fish", "-c", "echo body"])
    assert result.stdout == "body\n"
    assert (
        "[profile] fish" in result.stderr
        and "line 1: Variables cannot be bracketed" in result.stderr
    )


def test_a_vars_path_prepend_survives_rc_files_and_attach(sandbox: Sandbox, shell: str) -> None:
    sandbox.write_manifest('version = 1\n[vars]\nPATH = "$FLOX_ENV_CACHE/bin:$PATH"\n')
    # fish and tcsh read their (hostile, PATH-resetting) rc files even with -c.
    result = sandbox.run(["--shell", shell, "-c", "printenv PATH"])
    entries = result.stdout.strip().split(":")
    assert entries[0].endswith("/bin") and entries[1].endswith("/.flox/cache/bin"), entries
    assert len(entries) == len(set(entries))
    if shell in ("fish", "tcsh"):
        assert entries[2:] == ["/usr/bin", "/bin"]  # what the rc files left, kept


def test_command_lookup_behaves_like_a_shell(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.write_manifest("version = 1\n")
    script = tmp_path / "no-shebang"
    script.write_text('echo "ran with $0"\n')
    script.chmod(0o755)
    ran = sandbox.run(["--", str(script)])
    assert (ran.returncode, ran.stdout) == (0, f"ran with {script}\n")  # like bash: run by sh
    script.chmod(0o644)
    denied = sandbox.run(["--", str(script)])
    assert denied.returncode == 126 and "permission denied" in denied.stderr


def test_a_variable_too_big_for_exec_is_named(sandbox: Sandbox) -> None:
    sandbox.write_manifest(f'[vars]\nBIG = "{"x" * 140_000}"\n')
    result = sandbox.run(["--", "true"])
    assert result.returncode == 126
    assert "Argument list too long" in result.stderr and "BIG is 136 KiB" in result.stderr


def test_a_missing_env_file_is_noted_once_per_activation_also_with_a_hook(
    sandbox: Sandbox,
) -> None:
    sandbox.write_manifest(
        'version = 1\n[options]\nactivate.env-files = [".env", "missing.env"]\n'
        '[hook]\non-activate = "echo hook-output"\n'
    )
    (sandbox.project / ".env").write_text("A=1\n")
    result = sandbox.run(["--", "printenv", "A"])
    assert (result.returncode, result.stdout) == (0, "1\n")
    assert result.stderr.count("missing.env (listed in [options] activate.env-files)") == 1
    assert "hook-output" in result.stderr
