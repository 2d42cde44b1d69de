"""Property tests: any value comes back exactly, whatever the way of activating.

Hypothesis generates values (any Unicode scalar value except NUL, up to
100 KiB of UTF-8, with shell-special characters mixed in) and puts them in a
manifest as `[vars]` V0..Vn and as variables H0..Hn that `[hook] on-activate`
exports (read from files the test writes). Every value must come back byte
for byte, read by Python from the environment, in bash, zsh, fish and tcsh:

- in place: `eval "$(activate --print)"`, `activate --print | source`,
  ``eval "`activate --print`"``;
- `activate -c CODE`;
- `activate -- python3 ...` (no shell at all);
- interactively, in a real shell in a pseudo-terminal: `activate` typed there
  (a subshell), and the in-place line typed there (fewer examples: each one
  is a terminal session);
- attach: with an activation held alive in the background, every way again
  replays the values (the hook does not run a second time).

Then `[vars]` references: `B = prefix${A}suffix` is prefix + A + suffix; a
name that is not a POSIX name, and a NUL in a value, are clear errors.

Profiles (environment variable HYPOTHESIS_PROFILE): "default" is sized for CI
(the whole file in well under two minutes on two cores with `-n auto`);
"deep" runs ten times as many examples. A falsifying example prints each
value as a Python expression that rebuilds it (`repeated(...)` and
`random_text(...)` are defined below), and an assertion names each variable
that came back wrong, where the first difference is, and the bytes around it.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pexpect
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activator.varrefs import escape

from conftest import (
    ACTIVATE,
    IN_CI,
    SHELLS,
    Sandbox,
    make_sandbox,
    shell_path,
    stop_leftovers,
    toml_str,
)

# --- profiles ----------------------------------------------------------------

_COMMON: dict[str, Any] = {
    "deadline": None,  # every example starts real processes
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,  # only `shell`, a plain string
        HealthCheck.data_too_large,
    ],
    "print_blob": True,
}
if IN_CI:  # as Hypothesis's own CI profile: the same examples every run, no database
    _COMMON |= {"derandomize": True, "database": None}
settings.register_profile("default", max_examples=25, **_COMMON)
settings.register_profile("deep", max_examples=250, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
# A terminal session per example: a fifth as many.
INTERACTIVE = settings(max_examples=max(2, settings.default.max_examples // 5))
# Attach checks every shell and every way per example (a background holder each).
ATTACH = settings(max_examples=max(2, settings.default.max_examples * 3 // 5))

PY = sys.executable
MAX_VALUE_BYTES = 100 * 1024  # execve allows 128 KiB per NAME=value string
MAX_VALUES = 5  # per kind ([vars], hook): at most ~1 MiB in all, under execve's ~2 MiB
TIMEOUT = 20  # seconds, for one step of a terminal session
SAFE_PATH = re.compile(r"[A-Za-z0-9/_.+-]+")
POSIX_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# --- values --------------------------------------------------------------------


def repeated(piece: str, size: int) -> str:
    """`piece` repeated to `size` bytes of UTF-8 (cut at a character boundary)."""
    data = (piece * (size // len(piece.encode()) + 1)).encode()[:size]
    return data.decode("utf-8", "ignore")


# What random_text draws from, besides arbitrary code points.
SPECIAL_CHARS = "'\"$`!\\\n\r\t%~{};&|<>*?[]#^=():@ "


def random_text(seed: int, size: int) -> str:
    """Up to `size` bytes of UTF-8, any scalar values but NUL, from a seeded generator:
    ASCII (controls included), shell-special characters, 2-, 3- and 4-byte characters."""
    rng = random.Random(seed)
    out: list[str] = []
    used = 0
    while True:
        r = rng.random()
        if r < 0.3:
            c = chr(rng.randrange(1, 0x80))
        elif r < 0.5:
            c = rng.choice(SPECIAL_CHARS)
        elif r < 0.7:
            c = chr(rng.randrange(0x80, 0x800))
        elif r < 0.9:
            code = rng.randrange(0x800, 0x10000 - 0x800)
            c = chr(code + 0x800 if code >= 0xD800 else code)  # no surrogates
        else:
            c = chr(rng.randrange(0x10000, 0x110000))
        n = len(c.encode())
        if used + n > size:
            return "".join(out)
        out.append(c)
        used += n


class Value:
    """A generated value, shown in failure reports as an expression that rebuilds it."""

    def __init__(self, text: str, recipe: str | None = None) -> None:
        self.text = text
        self.recipe = recipe if recipe is not None else repr(text)

    def __repr__(self) -> str:
        return self.recipe

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # Hypothesis's printer
        p.text(self.recipe)


SCALAR = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
# Pieces some shell treats specially; joined with arbitrary text.
TOKENS = [
    *SPECIAL_CHARS,
    "$HOME",
    "${HOME}",
    "$V0",
    "$(touch PWNED)",
    "`touch PWNED`",
    "$((1+1))",
    "$'\\n'",
    "!!",
    "!$",
    "!-1",
    "!:0",
    "^a^b",
    "\\'",
    "'\\''",
    "\\\n",
    "\\!",
    "\\$",
    "\\`",
    "\\\\",
    "\\\\\n",
    "%s",
    "%%",
    "%n",
    "%{",
    "~root",
    "{a,b}",
    "\r\n",
    "é",
    "日本",
    "🐚",
    "\x01",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\xa0",
    "\u200b",
    "\u2028",
    "\ufeff",
    "\uf600",  # fish encodes undecodable bytes in U+F600..U+F6FF
    "\uf6ff",
    "\ufffe",
    "\uffff",
    "\U0010ffff",
]
ENDINGS = ["", "\\", "\\\\", "\n", "\n\n", "\r", "\r\n", "!", "'", "$", " ", "\t", "%"]
shell_text = st.builds(
    lambda parts, end: "".join(parts) + end,
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(SCALAR, max_size=6)), max_size=24),
    st.sampled_from(ENDINGS),
)
plain_values = st.one_of(
    st.text(SCALAR, max_size=40),
    shell_text,
    shell_text,
    st.text(SCALAR, min_size=40, max_size=1500),
).map(Value)


def big_values(max_bytes: int) -> st.SearchStrategy[Value]:
    """Values of up to `max_bytes` bytes: a piece repeated, or seeded random text."""
    return st.one_of(
        st.builds(
            lambda piece, size: Value(repeated(piece, size), f"repeated({piece!r}, {size})"),
            st.one_of(shell_text, st.text(SCALAR, max_size=20)).filter(bool),
            st.integers(1, max_bytes),
        ),
        st.builds(
            lambda seed, size: Value(random_text(seed, size), f"random_text({seed}, {size})"),
            st.integers(0, 2**32 - 1),
            st.integers(1, max_bytes),
        ),
    )


def values_up_to(max_bytes: int) -> st.SearchStrategy[Value]:
    """Any value (at most `max_bytes` bytes); a third of them big."""
    return st.one_of(plain_values, plain_values, big_values(max_bytes))


values = values_up_to(MAX_VALUE_BYTES)


@dataclass
class Case:
    """Values for `[vars]` (V0, V1, ...) and for the hook to export (H0, H1, ...)."""

    vars: list[Value] = field(default_factory=list)
    hook: list[Value] = field(default_factory=list)

    def expected(self) -> dict[str, Value]:
        return {f"V{i}": v for i, v in enumerate(self.vars)} | {
            f"H{i}": v for i, v in enumerate(self.hook)
        }


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """Up to MAX_VALUES values of each kind, at least one in all."""
    in_vars = draw(st.lists(values, max_size=MAX_VALUES))
    in_hook = draw(st.lists(values, min_size=0 if in_vars else 1, max_size=MAX_VALUES))
    return Case(in_vars, in_hook)


# --- manifests ------------------------------------------------------------------


HOOK_RUNS = "hook-runs"


def write_case(box: Sandbox, case: Case, *, count_runs: bool = False) -> None:
    """The manifest for `case`; each hook value goes in a file the hook reads."""
    lines = ["version = 1"]
    if case.vars:
        lines.append("[vars]")
        lines += [f"V{i} = {toml_str(escape(v.text))}" for i, v in enumerate(case.vars)]
    hook = [f'echo run >> "$FLOX_ENV_PROJECT/{HOOK_RUNS}"'] if count_runs else []
    for i, v in enumerate(case.hook):
        (box.project / f"h{i}").write_bytes(v.text.encode())
        # `read -d ''` keeps everything, trailing newlines too ($(...) would strip them).
        hook += [f"IFS= read -r -d '' H{i} < \"$FLOX_ENV_PROJECT/h{i}\" || :", f"export H{i}"]
    if hook:
        lines += ["[hook]", f"on-activate = {toml_str(chr(10).join(hook) + chr(10))}"]
    box.write_manifest("\n".join(lines) + "\n", name="prop")


def hook_runs(box: Sandbox) -> int:
    counter = box.project / HOOK_RUNS
    return len(counter.read_text().splitlines()) if counter.exists() else 0


# --- sandboxes --------------------------------------------------------------------


@contextmanager
def fresh_sandbox(factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A sandbox like conftest's, new for each example (kept only if the example failed)."""
    root = factory.mktemp("prop")
    assert SAFE_PATH.fullmatch(str(root)), root  # typed into shells unquoted
    passed = False
    try:
        yield make_sandbox(root)
        passed = True
    finally:
        stop_leftovers(root)
    if passed:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def holding(box: Sandbox) -> Iterator[subprocess.Popen[bytes]]:
    """An activation held alive in the background (`activate -- sleep 60`)."""
    log = box.root / "holder.err"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [ACTIVATE, "--", "sleep", "60"],
            cwd=box.project,
            env=box.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + 30
        while proc.poll() is None:
            names = {(p.parent.name, p.name) for p in box.state_files()}
            if any(parent == "holders" for parent, _ in names) and any(
                name == "record" for _, name in names
            ):
                break
            assert time.monotonic() < deadline, "the holder did not start in 30 s"
            time.sleep(0.02)
        assert proc.poll() is None, log.read_text(errors="replace")
        yield proc
    finally:
        proc.kill()
        proc.wait()


# --- reading values back ---------------------------------------------------------

# Prints {name: hex of its bytes in the environment, or null}. No `'`, `!` or `$`:
# the same single-quoted word works in every shell, interactive tcsh included.
SHOW = (
    "import os,sys,json;e=os.environb;"
    "print(json.dumps({n:e[n.encode()].hex() if n.encode() in e else None"
    " for n in sys.argv[1:]}))"
)


def show(names: list[str]) -> str:
    """A shell command line that prints `names` from its environment (see SHOW)."""
    return f"{PY} -I -S -c '{SHOW}' {' '.join(names)}"


def in_place_script(shell: str, after: str) -> str:
    """Activate `shell` in place, then run `after`."""
    if shell == "fish":
        return f"{ACTIVATE} --print | source\n{after}\n"
    if shell == "tcsh":
        return f'eval "`{ACTIVATE} --print`"\n{after}\n'
    return f'eval "$({ACTIVATE} --print)"\n{after}\n'


def way_in_place(box: Sandbox, shell: str, names: list[str]) -> subprocess.CompletedProcess[str]:
    return box.shell(shell, in_place_script(shell, show(names)))


def way_c(box: Sandbox, shell: str, names: list[str]) -> subprocess.CompletedProcess[str]:
    return box.run(["--shell", shell, "-c", show(names)])


def way_command(box: Sandbox, names: list[str]) -> subprocess.CompletedProcess[str]:
    return box.run(["--", PY, "-I", "-S", "-c", SHOW, *names])


def _around(data: bytes, i: int) -> str:
    start = max(0, i - 16)
    text = data[start : i + 16].decode("utf-8", "backslashreplace")
    return ("..." if start else "") + ascii(text) + ("..." if i + 16 < len(data) else "")


def mismatch(name: str, value: Value, got: bytes | None) -> str | None:
    """How `got` differs from `value` (its UTF-8 bytes), or None if it does not."""
    want = value.text.encode()
    if got == want:
        return None
    where = f"{name} = {value.recipe if len(value.recipe) <= 300 else value.recipe[:300] + '...'}"
    if got is None:
        return f"{where}: not set"
    i = next((k for k, (a, b) in enumerate(zip(want, got, strict=False)) if a != b), None)
    if i is None:
        i = min(len(want), len(got))
    return (
        f"{where}: expected {len(want)} bytes, got {len(got)}; first difference at byte {i}: "
        f"expected {_around(want, i)}, got {_around(got, i)}"
    )


def check(
    result: subprocess.CompletedProcess[str] | dict[str, bytes | None],
    expected: dict[str, Value],
    how: str,
    output: str = "",
) -> None:
    """Every expected variable came back exactly; otherwise a readable report
    (with the stderr of `result`, or the terminal `output`)."""
    if isinstance(result, dict):
        got = result
    else:
        output = f"stderr:\n{result.stderr[-3000:]}"
        assert result.returncode == 0, f"{how}: exit status {result.returncode}; {output}"
        last = (result.stdout.splitlines() or [""])[-1]
        try:
            got = parse_shown(last)
        except ValueError:
            raise AssertionError(f"{how}: no values on stdout: {last[-300:]!r}; {output}") from None
    wrong = [m for n, v in expected.items() if (m := mismatch(n, v, got.get(n))) is not None]
    assert not wrong, (
        f"{how}: {len(wrong)} value(s) came back wrong:\n" + "\n".join(wrong) + f"\n{output}"
    )


def parse_shown(line: str) -> dict[str, bytes | None]:
    data = json.loads(line)
    return {k: None if v is None else bytes.fromhex(v) for k, v in data.items()}


def assert_nothing_ran(box: Sandbox) -> None:
    assert not (box.project / "PWNED").exists(), "a command inside a value ran"


# --- 1 and 2: [vars] and hook values, every way, every shell ------------------------


@given(case=cases())
def test_values_in_place(tmp_path_factory: pytest.TempPathFactory, shell: str, case: Case) -> None:
    with fresh_sandbox(tmp_path_factory) as box:
        write_case(box, case)
        expected = case.expected()
        check(way_in_place(box, shell, list(expected)), expected, f"{shell}, in place")
        assert_nothing_ran(box)


@given(case=cases())
def test_values_with_c(tmp_path_factory: pytest.TempPathFactory, shell: str, case: Case) -> None:
    with fresh_sandbox(tmp_path_factory) as box:
        write_case(box, case)
        expected = case.expected()
        check(way_c(box, shell, list(expected)), expected, f"{shell}, activate -c")
        assert_nothing_ran(box)


@given(case=cases())
def test_values_with_command(tmp_path_factory: pytest.TempPathFactory, case: Case) -> None:
    with fresh_sandbox(tmp_path_factory) as box:
        write_case(box, case)
        expected = case.expected()
        check(way_command(box, list(expected)), expected, "activate -- python3")


@ATTACH
@given(case=cases())
def test_values_are_replayed_on_attach(
    tmp_path_factory: pytest.TempPathFactory, case: Case
) -> None:
    """One activation holds; then each shell, in place and with -c, and a command
    attach to it: the hook ran once and every value is replayed exactly."""
    for name in SHELLS:
        shell_path(name)
    with fresh_sandbox(tmp_path_factory) as box:
        write_case(box, case, count_runs=True)
        expected = case.expected()
        names = list(expected)
        with holding(box):
            assert hook_runs(box) == 1
            for shell in SHELLS:
                check(way_in_place(box, shell, names), expected, f"{shell}, in place, attached")
                check(way_c(box, shell, names), expected, f"{shell}, activate -c, attached")
            check(way_command(box, names), expected, "activate -- python3, attached")
            assert hook_runs(box) == 1, "an activation did not attach: the hook ran again"
        assert_nothing_ran(box)


class Terminal:
    """An interactive shell in a pseudo-terminal."""

    def __init__(self, shell: str, box: Sandbox) -> None:
        self.n = 0
        self.child = pexpect.spawn(
            shell_path(shell),
            ["-i"],
            env={**box.env, "FLOX_SHELL": shell_path(shell)},
            cwd=str(box.project),
            timeout=TIMEOUT,
            encoding="utf-8",
            codec_errors="replace",
            dimensions=(40, 400),
        )

    def run(self, command: str) -> str:
        """Type `command`, wait until it has finished (BEGIN/END markers the echoed
        lines never contain) and return what the terminal showed meanwhile."""
        self.n += 1
        # Three lines: an error that abandons the command's line (tcsh does that)
        # still reaches END, so a failing example fails fast instead of timing out.
        for line in (f"echo BE''GIN{self.n}", command, f"echo EN''D{self.n}"):
            self.child.sendline(line)
        self.child.expect(f"BEGIN{self.n}\r\n")
        shown = str(self.child.before)
        self.child.expect(f"END{self.n}\r\n")
        return shown + str(self.child.before)

    def close(self) -> None:
        self.child.close(force=True)


@INTERACTIVE
@given(case=cases())
def test_values_in_interactive_shells(
    tmp_path_factory: pytest.TempPathFactory, shell: str, case: Case
) -> None:
    """`activate` typed into an interactive shell (a subshell); then, back in the
    outer shell, the in-place line typed there (tcsh expands `!` even in what it
    sources when interactive)."""
    with fresh_sandbox(tmp_path_factory) as box:
        write_case(box, case)
        expected = case.expected()
        names = list(expected)
        subshell, in_place = box.root / "subshell.json", box.root / "in-place.json"
        t = Terminal(shell, box)
        try:
            t.run("true")  # the outer shell is reading commands
            # What is typed next waits in the terminal until the subshell reads it.
            t.child.sendline(ACTIVATE)
            entered = t.run(f"{show([*names, 'SHLVL'])} > {subshell}")
            t.child.sendline("exit")
            evaluated = t.run(in_place_script(shell, "").strip())
            t.run(f"{show([*names, 'SHLVL'])} > {in_place}")
        finally:
            t.close()
        in_subshell, outer = parse_shown(subshell.read_text()), parse_shown(in_place.read_text())
        entered = f"terminal:\n{entered[-3000:]}"
        assert in_subshell["SHLVL"] != outer["SHLVL"], f"no subshell started; {entered}"
        check(in_subshell, expected, f"{shell}, interactive subshell", entered)
        check(outer, expected, f"{shell}, interactive, in place", f"terminal:\n{evaluated[-3000:]}")
        assert_nothing_ran(box)


# --- 3: references and errors ---------------------------------------------------------

# Names of the form T_..., so that no generated name means something to a shell or Python.
var_names = st.from_regex(r"[A-Za-z0-9_]{0,10}", fullmatch=True).map(lambda s: "T_" + s)
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


@given(
    a=values_up_to(MAX_VALUE_BYTES // 2 - 1024),  # C holds it twice: under 128 KiB
    prefix=st.one_of(shell_text, st.text(SCALAR, max_size=30)),
    suffix=st.one_of(shell_text, st.text(SCALAR, max_size=30)),
    names=st.lists(var_names, min_size=3, max_size=3, unique=True),
    braces=st.booleans(),
    order=st.permutations([0, 1, 2]),
)
def test_references_expand_to_the_referred_value(
    tmp_path_factory: pytest.TempPathFactory,
    a: Value,
    prefix: str,
    suffix: str,
    names: list[str],
    braces: bool,
    order: list[int],
) -> None:
    """A = literal a; B = prefix + ${A} (or $A) + suffix; C = ${B}${A}; in any order."""
    na, nb, nc = names
    bare_ok = not suffix or suffix[0] not in NAME_CHARS  # `$A` then a name char is another name
    ref_a = f"${{{na}}}" if braces or not bare_ok else f"${na}"
    spelled = {
        na: escape(a.text),
        nb: escape(prefix) + ref_a + escape(suffix),
        nc: f"${{{nb}}}${{{na}}}",
    }
    b = prefix + a.text + suffix
    expected = {na: a, nb: Value(b, f"{prefix!r} + {na} + {suffix!r}"), nc: Value(b + a.text)}
    with fresh_sandbox(tmp_path_factory) as box:
        lines = [f"{names[i]} = {toml_str(spelled[names[i]])}" for i in order]
        box.write_manifest("version = 1\n[vars]\n" + "\n".join(lines) + "\n")
        check(way_command(box, names), expected, "references, activate -- python3")


BAD_NAME_CHARS = ["-", ".", " ", "=", "$", "/", "\n", "\t", "\x00", "é", "ß", "٣", "🐚", "\x7f"]


@st.composite
def non_posix_names(draw: st.DrawFn) -> str:
    """Names that are not [A-Za-z_][A-Za-z0-9_]*: arbitrary text, or a good name
    spoilt by one character (a leading digit, or a bad one anywhere)."""
    kind = draw(st.sampled_from(["text", "digit", "bad"]))
    if kind == "text":
        name = draw(st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
    else:
        good = draw(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True))
        if kind == "digit":
            name = draw(st.sampled_from("0123456789٣")) + good
        else:
            i = draw(st.integers(0, len(good)))
            name = good[:i] + draw(st.sampled_from(BAD_NAME_CHARS)) + good[i:]
    if POSIX_NAME.fullmatch(name):
        name = "-" + name
    return name


@given(name=non_posix_names(), first=st.booleans())
def test_a_name_that_is_not_posix_is_a_clear_error(
    tmp_path_factory: pytest.TempPathFactory, name: str, first: bool
) -> None:
    entries = [f"{toml_str(name)} = {toml_str('bad')}", 'GOOD = "good"']
    if not first:
        entries.reverse()
    with fresh_sandbox(tmp_path_factory) as box:
        box.write_manifest("version = 1\n[vars]\n" + "\n".join(entries) + "\n")
        for args in (["--print", "--shell", "bash"], ["--", "true"]):
            result = box.run(args)
            assert (result.returncode, result.stdout) == (3, ""), (name, args, result.stderr)
            summary = result.stderr.partition("\n")[0]
            assert summary.startswith("activate: error: [vars] "), result.stderr
            assert repr(name) in summary, (name, result.stderr)  # the key, unambiguously


@given(
    name=var_names,
    prefix=st.one_of(shell_text, st.text(SCALAR, max_size=30)),
    suffix=st.one_of(shell_text, st.text(SCALAR, max_size=30)),
)
def test_a_nul_in_a_value_is_a_clear_error(
    tmp_path_factory: pytest.TempPathFactory, name: str, prefix: str, suffix: str
) -> None:
    value = toml_str(escape(prefix) + "\x00" + escape(suffix))  # TOML "\u0000"
    assert "\\u0000" in value
    with fresh_sandbox(tmp_path_factory) as box:
        box.write_manifest(f'version = 1\n[vars]\nOK = "fine"\n{name} = {value}\n')
        for args in (["--print", "--shell", "bash"], ["--", "true"]):
            result = box.run(args)
            assert (result.returncode, result.stdout) == (3, ""), (args, result.stderr)
            summary = result.stderr.partition("\n")[0]
            assert summary.startswith(f"activate: error: [vars] {name} "), result.stderr
            assert "NUL" in summary, result.stderr
