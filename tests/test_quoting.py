"""Each shell module's own quoting, checked against the real shell.

For every hostile value, `set_var("V", value)` is written to a file, the file
is sourced by the real shell, and the exported value (read byte for byte by
Python from the environment) and the shell's own variable must equal the
value exactly; `printf '%s' <quote(value)>` must print it back exactly; and
no file named PWNED may appear. One shell process runs all values (each in its
own folder, so a PWNED file names the value that made it); a value that
comes back wrong is run again alone, so its failure is reported precisely.

tcsh code is always sourced from a file (never eval'd on one line): that is
how activate hands tcsh its code, in place and in a new shell.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from activator.shells import SHELLS

from conftest import shell_path

BIG = ("a'b\"c$d\\e!f\ng`h{i}*~%j" * 6000)[: 100 * 1024]
ALL_ASCII = "".join(chr(c) for c in range(1, 128))

HOSTILE = {
    "spaces": "a b  c",
    "single-quote": "it's",
    "double-quote": 'say "hi"',
    "dollar-home": "$HOME",
    "dollar-braces": "${HOME} $? $$",
    "command-sub": "$(touch PWNED)",
    "backticks": "`touch PWNED`",
    "bang": "!",
    "bang-bang": "!!",
    "bang-dollar": "!$",
    "bang-words": "wow! !-1 !:0 ^a^b",
    "backslash": "a\\b",
    "trailing-backslash": "ends\\",
    "backslash-quote": "\\'",
    "backslash-dollar": "\\$HOME",
    "backslash-newline": "a\\\nb",
    "backslash-bang": "\\!",
    "newline": "line1\nline2",
    "trailing-newline": "line\n",
    "newline-bang": "!\n!",
    "tab": "a\tb",
    "carriage-return": "a\rb",
    "unicode-accent": "café é",
    "unicode-cjk": "日本",
    "unicode-emoji": "🐚🎉",
    "empty": "",
    "percent": "%s 100% %%",
    "tilde": "~",
    "tilde-path": "~/x ~root",
    "star": "*",
    "braces": "{a,b}",
    "leading-dash": "-n",
    "semicolon": ";",
    "and-and": "&&",
    "quote-injection": "'; touch PWNED; '",
    "fish-injection": "\\'; touch PWNED; #",
    "100KB": BIG,
    "ascii-1-127": ALL_ASCII,
}
VALUES = [pytest.param(value, id=name) for name, value in HOSTILE.items()]

PY = sys.executable


def show_env(var: str = "V") -> str:
    """A command printing environment variable `var` as SET:<bytes>, or UNSET; the same
    in every shell (no `!`, `$` or newline in it)."""
    return (
        f'{PY} -I -S -c \'import os,sys;v=os.environb.get(b"{var}");'
        f'sys.stdout.buffer.write(b"UNSET" if v is None else b"SET:"+v)\''
    )


SHOW_ENV = show_env()
# The shell's own variable V, as SET:<value> or UNSET.
SHOW_VAR = {
    "bash": 'if [ -n "${V+x}" ]; then printf \'SET:%s\' "$V"; else printf UNSET; fi',
    "zsh": 'if [ -n "${V+x}" ]; then printf \'SET:%s\' "$V"; else printf UNSET; fi',
    "fish": "if set -q V; printf 'SET:%s' \"$V\"; else; printf UNSET; end",
    # tcsh cannot print a value holding a newline from a variable reliably; the
    # environment (SHOW_ENV) is what setenv sets.
    "tcsh": "",
}
SOURCE = {"bash": ".", "zsh": ".", "fish": "source", "tcsh": "source"}
UNSET_V = {"bash": "unset V", "zsh": "unset V", "fish": "set -e V", "tcsh": "unsetenv V"}
# activate gives sh and dash the bash module's code (they eval it in place).
FAMILY = {"bash": "bash", "zsh": "zsh", "fish": "fish", "tcsh": "tcsh", "dash": "bash"}
SAFE_PATH = re.compile(r"[A-Za-z0-9/_.+-]+")


def shell_argv(name: str, script: Path) -> list[str]:
    """The real shell running `script` without reading any rc file."""
    flags = {"bash": ["--norc", "--noprofile"], "zsh": ["-f"], "fish": ["--no-config"]}
    flags |= {"tcsh": ["-f"], "dash": []}
    return [shell_path(name), *flags[name], str(script)]


def clean_env(home: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


def run_script(
    name: str, script: str, base: Path, *, interactive: bool = False
) -> subprocess.CompletedProcess[bytes]:
    """Run `script` (shell `name`'s code) from a file in `base`, in a clean environment.

    With `interactive`, tcsh reads it from stdin as an interactive shell (history
    expansion on, as when a user's tcsh sources activate's code).
    """
    path = base / f"driver.{SHELLS[FAMILY[name]].EXT}"
    path.write_text(script, encoding="utf-8")
    home = base / "home"
    home.mkdir(exist_ok=True)
    if interactive:
        assert name == "tcsh"
        argv = [shell_path(name), "-f", "-i"]
        stdin = path.read_bytes()
    else:
        argv = shell_argv(name, path)
        stdin = b""
    return subprocess.run(
        argv, cwd=base, env=clean_env(home), input=stdin, capture_output=True, timeout=60
    )


def q(path: Path) -> str:
    """A test's own path in single quotes (the paths are checked to need no escaping)."""
    assert SAFE_PATH.fullmatch(str(path)), path
    return f"'{path}'"


def read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


@dataclass
class Outcome:
    env: bytes | None  # V in the environment: SET:<bytes> or UNSET
    var: bytes | None  # V as the shell's own variable (not for tcsh)
    quoted: bytes | None  # what printf '%s' <quote(value)> printed
    pwned: bool  # a file named PWNED appeared
    stderr: bytes

    def as_expected(self, value: str, *, shell_var: bool) -> bool:
        want = b"SET:" + value.encode()
        return (
            self.env == want
            and (self.var == want or not shell_var)
            and self.quoted == value.encode()
            and not self.pwned
        )


def run_batch(
    name: str, values: list[str], base: Path, *, interactive: bool = False
) -> dict[str, Outcome]:
    """All `values` through one process of shell `name`, each in its own folder."""
    family = FAMILY[name]
    mod = SHELLS[family]
    lines = []
    for i, value in enumerate(values):
        d = base / f"v{i}"
        d.mkdir()
        (d / f"set.{mod.EXT}").write_text(mod.set_var("V", value) + "\n", encoding="utf-8")
        (d / f"quote.{mod.EXT}").write_text(
            f"printf '%s' {mod.quote(value)} > quoted.out\n", encoding="utf-8"
        )
        lines += [
            f"cd {q(d)}",
            f"{SOURCE[family]} {q(d / f'set.{mod.EXT}')}",
            f"{SHOW_ENV} > env.out",
            f"{SHOW_VAR[family]} > var.out" if SHOW_VAR[family] else "",
            f"{SOURCE[family]} {q(d / f'quote.{mod.EXT}')}",
            UNSET_V[family],
        ]
    if interactive:
        lines.append("exit")
    proc = run_script(
        name, "\n".join(line for line in lines if line) + "\n", base, interactive=interactive
    )
    out = {}
    for i, value in enumerate(values):
        d = base / f"v{i}"
        out[value] = Outcome(
            env=read(d / "env.out"),
            var=read(d / "var.out"),
            quoted=read(d / "quoted.out"),
            pwned=any(p.name == "PWNED" for p in d.rglob("*")),
            stderr=proc.stderr,
        )
    return out


class Batches:
    """Each shell's batch, run once per module; a value that comes back wrong is run
    again alone."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.done: dict[tuple[str, bool], dict[str, Outcome]] = {}

    def get(self, name: str, *, interactive: bool = False) -> dict[str, Outcome]:
        key = (name, interactive)
        if key not in self.done:
            values = list(HOSTILE.values())
            tag = f"quoting-{name}{'-i' if interactive else ''}"
            results = run_batch(name, values, self.factory.mktemp(tag), interactive=interactive)
            for value in values:
                if not results[value].as_expected(value, shell_var=bool(SHOW_VAR[FAMILY[name]])):
                    # Run it again alone: its own stderr, and no effect of other values.
                    alone = run_batch(
                        name, [value], self.factory.mktemp(tag), interactive=interactive
                    )
                    results[value] = alone[value]
            self.done[key] = results
        return self.done[key]


@pytest.fixture(scope="module")
def batches(tmp_path_factory: pytest.TempPathFactory) -> Batches:
    return Batches(tmp_path_factory)


def check_set_var(outcome: Outcome, value: str, *, shell_var: bool) -> None:
    expected = b"SET:" + value.encode()
    assert not outcome.pwned, "a command inside the value ran"
    assert outcome.env == expected, outcome.stderr.decode(errors="replace")[-2000:]
    if shell_var:
        assert outcome.var == expected


def check_quote(outcome: Outcome, value: str) -> None:
    assert not outcome.pwned, "a command inside the value ran"
    assert outcome.quoted == value.encode(), outcome.stderr.decode(errors="replace")[-2000:]


# --- bash ---------------------------------------------------------------------


@pytest.mark.parametrize("value", VALUES)
def test_bash_set_var_round_trips(batches: Batches, value: str) -> None:
    check_set_var(batches.get("bash")[value], value, shell_var=True)


@pytest.mark.parametrize("value", VALUES)
def test_bash_quote_round_trips(batches: Batches, value: str) -> None:
    check_quote(batches.get("bash")[value], value)


@pytest.mark.parametrize("value", VALUES)
def test_dash_set_var_round_trips_with_bash_code(batches: Batches, value: str) -> None:
    """sh and dash get the bash module's code: it must round-trip there too."""
    check_set_var(batches.get("dash")[value], value, shell_var=True)


@pytest.mark.parametrize("value", VALUES)
def test_dash_quote_round_trips_with_bash_code(batches: Batches, value: str) -> None:
    check_quote(batches.get("dash")[value], value)


# --- zsh ----------------------------------------------------------------------


@pytest.mark.parametrize("value", VALUES)
def test_zsh_set_var_round_trips(batches: Batches, value: str) -> None:
    check_set_var(batches.get("zsh")[value], value, shell_var=True)


@pytest.mark.parametrize("value", VALUES)
def test_zsh_quote_round_trips(batches: Batches, value: str) -> None:
    check_quote(batches.get("zsh")[value], value)


# --- fish ---------------------------------------------------------------------


@pytest.mark.parametrize("value", VALUES)
def test_fish_set_var_round_trips(batches: Batches, value: str) -> None:
    check_set_var(batches.get("fish")[value], value, shell_var=True)


@pytest.mark.parametrize("value", VALUES)
def test_fish_quote_round_trips(batches: Batches, value: str) -> None:
    check_quote(batches.get("fish")[value], value)


# --- tcsh ---------------------------------------------------------------------


@pytest.mark.parametrize("value", VALUES)
def test_tcsh_set_var_round_trips(batches: Batches, value: str) -> None:
    check_set_var(batches.get("tcsh")[value], value, shell_var=False)


@pytest.mark.parametrize("value", VALUES)
def test_tcsh_quote_round_trips(batches: Batches, value: str) -> None:
    check_quote(batches.get("tcsh")[value], value)


@pytest.mark.parametrize("value", VALUES)
def test_tcsh_set_var_round_trips_when_sourced_interactively(batches: Batches, value: str) -> None:
    """An interactive tcsh (history expansion on) sourcing the code, as a user's does."""
    check_set_var(batches.get("tcsh", interactive=True)[value], value, shell_var=False)


# --- unset_var and source, per shell -------------------------------------------

# Checks, in each shell's own words, that V is gone from the shell and the environment.
V_GONE = {
    "bash": 'if [ -z "${V+x}" ]; then echo var-gone; fi',
    "zsh": 'if [ -z "${V+x}" ]; then echo var-gone; fi',
    "fish": "if not set -q V; echo var-gone; end",
    "tcsh": "if ( ! $?V ) echo var-gone",
}


def unset_var_case(name: str, tmp_path: Path) -> None:
    """set_var then unset_var removes V; unsetting a variable never set is quiet."""
    mod = SHELLS[name]
    code = tmp_path / f"code.{mod.EXT}"
    code.write_text(
        "\n".join([mod.set_var("V", "x"), mod.unset_var("V"), mod.unset_var("NEVER_SET"), ""]),
        encoding="utf-8",
    )
    script = f"{SOURCE[name]} {q(code)}\n{V_GONE[name]}\n{SHOW_ENV}\n"
    proc = run_script(name, script, tmp_path)
    assert proc.stdout == b"var-gone\nUNSET"
    assert proc.stderr == b""


# A folder and file name with every character a path could trip over.
HOSTILE_DIR = 'it\'s "a" $HOME `touch PWNED` $(touch PWNED) ! !! ; & * ~ é \\ new\nline'


def source_case(name: str, tmp_path: Path) -> None:
    """source() reads a file whose path is hostile, and runs nothing else."""
    mod = SHELLS[name]
    folder = tmp_path / HOSTILE_DIR
    folder.mkdir()
    profile = folder / f"pro'file \\ ! $x.{mod.EXT}"
    profile.write_text(mod.set_var("V", "sourced") + "\n", encoding="utf-8")
    code = tmp_path / f"code.{mod.EXT}"
    code.write_text(mod.source(str(profile)) + "\n", encoding="utf-8")
    proc = run_script(name, f"{SOURCE[name]} {q(code)}\n{SHOW_ENV}\n", tmp_path)
    assert proc.stdout == b"SET:sourced", proc.stderr
    assert proc.stderr == b""
    assert not list(tmp_path.rglob("PWNED"))


def test_bash_unset_var(tmp_path: Path) -> None:
    unset_var_case("bash", tmp_path)


def test_bash_source(tmp_path: Path) -> None:
    source_case("bash", tmp_path)


def test_zsh_unset_var(tmp_path: Path) -> None:
    unset_var_case("zsh", tmp_path)


def test_zsh_source(tmp_path: Path) -> None:
    source_case("zsh", tmp_path)


def test_fish_unset_var(tmp_path: Path) -> None:
    unset_var_case("fish", tmp_path)


def test_fish_source(tmp_path: Path) -> None:
    source_case("fish", tmp_path)


def test_tcsh_unset_var(tmp_path: Path) -> None:
    unset_var_case("tcsh", tmp_path)


def test_tcsh_source(tmp_path: Path) -> None:
    source_case("tcsh", tmp_path)


def test_fish_set_var_path_is_a_list(tmp_path: Path) -> None:
    """fish splits a PATH value on `:` into its list; exported, it is joined again."""
    code = tmp_path / "code.fish"
    code.write_text(SHELLS["fish"].set_var("PATH", "/a:/b c") + "\n", encoding="utf-8")
    script = (
        f"source {q(code)}\n"
        "printf '%s\\n' (count $PATH)\n"
        "printf '[%s]\\n' $PATH\n"
        f"{show_env('PATH')}\n"
    )
    proc = run_script("fish", script, tmp_path)
    assert proc.stderr == b""
    assert proc.stdout == b"2\n[/a]\n[/b c]\nSET:/a:/b c"


def test_every_shell_module_has_its_own_quoting_tests() -> None:
    """A shell added to activator.shells needs its own tests here too."""
    for name in SHELLS:
        for kind in ("set_var_round_trips", "quote_round_trips", "unset_var", "source"):
            assert f"test_{name}_{kind}" in globals(), f"no test_{name}_{kind}"
