"""Shared fixtures: the installed `activate`, the real shells, and a sandbox.

Every test runs activate the way a user would: the installed console script,
started from a real shell or directly, in a sandbox with its own HOME (whose
rc files are hostile: they reset PATH and set the prompt), its own state
directories, and a project folder holding `.flox/env/manifest.toml`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pexpect
import pytest

SHELLS = ("bash", "zsh", "fish", "tcsh")
REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "flox-manifests"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# What a hostile rc file does: reset PATH and set its own prompt.
HOSTILE_PATH = "/usr/bin:/bin"
HOSTILE_RC = {
    ".bashrc": "export PATH=/usr/bin:/bin\nPS1='hostile$ '\n",
    ".zshrc": "export PATH=/usr/bin:/bin\nPS1='hostile%# '\n",
    ".zshenv": "export ZSHENV_RAN=1\n",
    ".config/fish/config.fish": (
        "set -gx PATH /usr/bin /bin\nfunction fish_prompt; echo -n 'hostile> '; end\n"
    ),
    ".tcshrc": "setenv PATH /usr/bin:/bin\nset prompt = 'hostile% '\n",
}


def _find_activate() -> str:
    explicit = os.environ.get("ACTIVATE_BIN")
    if explicit:
        return explicit
    venv = REPO / ".ci" / "venv" / "bin" / "activate"
    if venv.exists():
        return str(venv)
    found = shutil.which("activate")
    if found and os.access(found, os.X_OK):
        return found
    pytest.exit("the activate command is not installed: run .ci/run (see README)", returncode=4)


ACTIVATE = _find_activate()


def shell_path(name: str) -> str:
    """The real shell, or a skip (a failure in CI: shells are never skipped there)."""
    path = shutil.which(name)
    if path is None:
        if IN_CI:
            pytest.fail(f"{name} is not installed; CI must install it (.ci/run does)")
        pytest.skip(f"{name} is not installed")
    return path


@pytest.fixture(params=SHELLS)
def shell(request: pytest.FixtureRequest) -> str:
    """Each of bash, zsh, fish and tcsh in turn."""
    shell_path(request.param)
    return str(request.param)


@dataclass
class Sandbox:
    """An isolated user: HOME, state directories, a project, and the environment."""

    root: Path
    home: Path
    project: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def manifest(self) -> Path:
        return self.project / ".flox" / "env" / "manifest.toml"

    def write_manifest(self, text: str, name: str | None = None) -> Path:
        """Write the project's manifest (and env.json with `name`)."""
        self.manifest.parent.mkdir(parents=True, exist_ok=True)
        self.manifest.write_text(text, encoding="utf-8")
        if name is not None:
            (self.project / ".flox" / "env.json").write_text(
                json.dumps({"name": name, "version": 1})
            )
        return self.manifest

    def run(
        self,
        args: list[str],
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        input: str | None = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        """Run the installed activate with `args` (from the project folder)."""
        return _run_exact(
            [ACTIVATE, *args], cwd or self.project, {**self.env, **(env or {})}, input, timeout
        )

    def shell(
        self,
        name: str,
        script: str,
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        """Run `script` with the real shell `name` (non-interactive, -c)."""
        return _run_exact(
            [shell_path(name), "-c", script],
            cwd or self.project,
            {**self.env, **(env or {})},
            None,
            timeout,
        )

    def state_files(self) -> list[Path]:
        """Every file under the private state directories."""
        out: list[Path] = []
        for d in (self.root / "runtime", self.root / "cache"):
            out += [p for p in d.rglob("*") if p.is_file()]
        return out


def _run_exact(
    argv: list[str], cwd: Path, env: dict[str, str], input: str | None, timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run and decode output exactly (no newline translation: a CR stays a CR)."""
    done = subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        input=None if input is None else input.encode(),
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
    )
    return subprocess.CompletedProcess(
        argv,
        done.returncode,
        done.stdout.decode("utf-8", "surrogateescape"),
        done.stderr.decode("utf-8", "surrogateescape"),
    )


def sandbox_env(root: Path, home: Path) -> dict[str, str]:
    """A clean environment for one isolated user."""
    runtime = root / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    bindir = str(Path(ACTIVATE).parent)
    return {
        "HOME": str(home),
        "USER": os.environ.get("USER", "tester"),
        "PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm",
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CACHE_HOME": str(root / "cache"),
        "SHELL": "/bin/bash",
    }


def make_sandbox(root: Path) -> Sandbox:
    """An isolated user under `root`: hostile rc files and an empty project folder."""
    home = root / "home"
    for rel, text in HOSTILE_RC.items():
        path = home / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    project = root / "project"
    project.mkdir()
    return Sandbox(root=root, home=home, project=project, env=sandbox_env(root, home))


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    """An isolated user with hostile rc files and an empty project folder."""
    yield make_sandbox(tmp_path)
    stop_leftovers(tmp_path)


def stop_leftovers(root: Path) -> None:
    """Kill the processes started in the sandbox at `root` that are still running
    (background holders): those whose XDG_RUNTIME_DIR is exactly its runtime dir."""
    if not sys.platform.startswith("linux"):
        return
    mine = b"\0XDG_RUNTIME_DIR=" + str(root / "runtime").encode() + b"\0"
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                environ = b"\0" + f.read()
        except OSError:
            continue
        if mine in environ:
            try:
                os.kill(int(pid), 9)
            except OSError:
                pass


# A hook that counts its runs in the project's `count` file and exports the count.
COUNTING_HOOK = """version = 1
[hook]
on-activate = '''
echo run >> "$FLOX_ENV_PROJECT/count"
export FROM_HOOK="hooked $(wc -l < "$FLOX_ENV_PROJECT/count" | tr -d ' ')"
'''
"""


def sandbox_processes(sandbox: Sandbox, word: bytes, *, argument: bool = False) -> list[int]:
    """The live processes of this sandbox (its XDG_RUNTIME_DIR in their
    environment) whose command line holds `word` (with `argument`: as one
    whole argument)."""
    mine = b"\0XDG_RUNTIME_DIR=" + str(sandbox.root / "runtime").encode() + b"\0"
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                environ = b"\0" + f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
            with open(f"/proc/{pid}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        held = word in cmdline.split(b"\0") if argument else word in cmdline
        if mine in environ and held and state != b"Z":
            found.append(int(pid))
    return found


def hook_runs(sandbox: Sandbox) -> int:
    """How many times COUNTING_HOOK ran in this sandbox."""
    count = sandbox.project / "count"
    return len(count.read_text().splitlines()) if count.exists() else 0


def wait_until(done: Callable[[], object], timeout: float = 20) -> None:
    """Poll until `done()` is true (a test failure after `timeout` seconds)."""
    import time

    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def toml_str(text: str) -> str:
    """`text` as a TOML basic string. JSON's escapes are TOML's, but TOML also
    forbids a raw DEL (U+007F), which JSON leaves alone."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def manifest(
    vars: Mapping[str, str],
    hook: str | None = None,
    profile: Mapping[str, str] | None = None,
    raw: str = "",
) -> str:
    """A manifest: `vars` values are literal (escaped here), `raw` is [vars]
    lines as they are, hook and profile code as is."""
    from activator.varrefs import escape

    lines = ["version = 1", "[vars]", *([raw] if raw else [])]
    lines += [f"{name} = {toml_str(escape(value))}" for name, value in vars.items()]
    if hook is not None:
        lines += ["[hook]", f"on-activate = {toml_str(hook)}"]
    if profile:
        lines.append("[profile]")
        lines += [f"{sh} = {toml_str(code)}" for sh, code in profile.items()]
    return "\n".join(lines) + "\n"


def in_place(shell: str, *args: str) -> str:
    """The line that activates `shell` in place (`activate --print ARGS`, evaluated)."""
    command = " ".join([ACTIVATE, "--print", *args])
    if shell == "fish":
        return f"{command} | source"
    if shell == "tcsh":
        return f'eval "`{command}`"'
    return f'eval "$({command})"'


# Terminal control sequences: CSI, OSC, charset selection, keypad mode, BEL, BS.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>]|[\x07\x08]"
)
# zsh and fish mark a partial line with `%`/`#`/`⏎` and a row of spaces.
_PARTIAL = re.compile(r"[#%⏎] {20,}|⏎ ?")
# Writes {"env": the environment, "ppid": the shell's pid} to the file named in argv[1].
_DUMP = (
    f"{sys.executable} -c 'import json,os,sys; "
    'json.dump({"env": dict(os.environ), "ppid": os.getppid()}, open(sys.argv[1], "w"))\''
)


class Terminal:
    """One interactive shell in a pseudo-terminal, in the sandbox (whose rc
    files set a prompt ending in "hostile"), started in `cwd` with `env`
    added to the sandbox's environment."""

    def __init__(
        self, shell: str, sandbox: Sandbox, cwd: Path, env: Mapping[str, str], timeout: float
    ) -> None:
        self.dumps = sandbox.root / "dumps"
        self.dumps.mkdir(exist_ok=True)
        self.n = 0
        self.prompt = ""  # the prefix before "hostile" of the last prompt seen (the label)
        self.said = ""  # what was printed after the last command, before its prompt
        self.child = pexpect.spawn(
            shell_path(shell),
            ["-i"],
            env={**sandbox.env, **env},
            cwd=str(cwd),
            timeout=timeout,
            encoding="utf-8",
            codec_errors="replace",
            dimensions=(40, 400),
        )
        self.run("true")  # the shell is up and reading commands

    def send(self, line: str) -> None:
        """Type `line` (for lines that start or leave a subshell: no markers around it).
        What is typed next waits in the terminal until the new shell reads it."""
        self.child.sendline(line)

    def run(self, command: str) -> str:
        """Type `command` and return its output (CR-LF as LF, no trailing newline);
        what follows, up to the next prompt, is kept in `said` and `prompt`."""
        self.n += 1
        n = self.n
        self.child.sendline(f"echo BE''GIN{n}; {command}; echo EN''D{n}")
        self.child.expect(f"BEGIN{n}\r\n(.*?)END{n}\r\n(.*?)hostile")
        match = self.child.match
        assert isinstance(match, re.Match)
        output = _CONTROL.sub("", match.group(1)).replace("\r\n", "\n").rstrip("\n")
        after = _CONTROL.sub("", match.group(2))
        self.prompt = re.split(r"[\r\n]", after)[-1]
        lines = [_PARTIAL.sub("", line) for line in after.replace("\r", "").split("\n")]
        self.said = "\n".join(line for line in lines[:-1] if line.strip()).strip()
        return output

    def dump(self) -> dict[str, object]:
        """The environment the shell gives its commands, and the shell's pid."""
        path = self.dumps / f"{self.n + 1}.json"
        self.run(f"{_DUMP} '{path}'")
        data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def env(self) -> dict[str, str]:
        """The environment the shell gives its commands."""
        env = self.dump()["env"]
        assert isinstance(env, dict)
        return env

    def close(self) -> None:
        self.child.close(force=True)
