"""Benchmark activate against its peers, side by side, in one run.

    python3 benchmarks/run.py [--runs N] [--json FILE] [--quick] [--prompts-only]

Each case runs a few times to warm up, then `--runs` times; the table shows
the median wall time, its ratio to `direnv exec DIR true` and to
`python3 -c pass` (the interpreter activate itself runs on), and the peak
memory (max RSS) of the measured process where that is activate. Peers that
are not installed are left out (the table says so). Everything runs in a
throw-away HOME and state directory, so nothing of the user's is touched.

The "prompt" group (auto-activation, docs/auto-activation.md) is timed
inside one bash process with bash's own clock, prompt by prompt: a prompt
with activate's hook when nothing changed, next to a prompt without a hook
and to direnv's and mise's hooks in the same loop; and the prompt that
enters (or leaves) a project, next to `eval "$(activate --print)"`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Case:
    """One measured command."""

    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    group: str
    seconds: list[float] = field(default_factory=list)
    max_rss_kib: int = 0
    timed_inside: bool = False  # the command times its own steps: one line of microseconds each
    # Timed in turn with another case in the same process (lines "TAG MICROSECONDS"):
    # its tag, and the other case, whose figures the same run fills in.
    tag: str = ""
    partner: Case | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000


def find_activate() -> str:
    explicit = os.environ.get("ACTIVATE_BIN")
    if explicit:
        return explicit
    for candidate in (
        Path(__file__).resolve().parent.parent / ".ci" / "venv" / "bin" / "activate",
        Path(shutil.which("activate") or "/nonexistent"),
    ):
        if candidate.exists() and os.access(candidate, os.X_OK):
            return str(candidate)
    sys.exit("benchmarks: the activate command is not installed (run ./install.sh or .ci/run)")


def interpreter_of(script: str) -> str:
    """The Python a console script runs on (from its shebang)."""
    with open(script, "rb") as f:
        first = f.readline().decode().strip()
    return first[2:].split()[0] if first.startswith("#!") else sys.executable


def run_once(case: Case) -> tuple[float, int]:
    """Wall time and max RSS (KiB) of one run."""
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: a chatty hook cannot block
        start = time.perf_counter()
        proc = subprocess.Popen(
            case.argv,
            cwd=case.cwd,
            env=case.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            message = err.read().decode(errors="replace")[-2000:]
            raise SystemExit(
                f"benchmarks: {case.name} failed ({proc.returncode}): {' '.join(case.argv)}\n{message}"
            )
    return elapsed, usage.ru_maxrss


def measure(case: Case, runs: int, warmup: int) -> None:
    if case.seconds:  # measured with its partner
        return
    if case.timed_inside:
        done = subprocess.run(
            [*case.argv, str(runs)],
            cwd=case.cwd,
            env=case.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"benchmarks: {case.name} failed ({done.returncode}):\n{done.stderr}")
        if case.partner is None:
            case.seconds = [int(line) / 1e6 for line in done.stdout.split()]
            return
        by_tag = {case.tag: case, case.partner.tag: case.partner}
        for line in done.stdout.splitlines():
            tag, micros = line.split()
            by_tag[tag].seconds.append(int(micros) / 1e6)
        return
    for _ in range(warmup):
        run_once(case)
    for _ in range(runs):
        seconds, rss = run_once(case)
        case.seconds.append(seconds)
        case.max_rss_kib = max(case.max_rss_kib, rss)


class Bench:
    """The sandbox and the cases."""

    def __init__(self, root: Path, activate: str, quick: bool) -> None:
        self.root = root
        self.activate = activate
        self.quick = quick
        self.home = root / "home"
        self.home.mkdir()
        runtime = root / "runtime"
        runtime.mkdir(mode=0o700)
        self.env = {
            "HOME": str(self.home),
            "PATH": f"{Path(activate).parent}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_CACHE_HOME": str(root / "cache"),
            "XDG_CONFIG_HOME": str(root / "config"),
            "XDG_DATA_HOME": str(root / "data"),
            "SHELL": "/bin/bash",
            "TERM": "dumb",
        }
        self.cases: list[Case] = []
        self.holders: list[subprocess.Popen[bytes]] = []
        self.missing: list[str] = []

    def project(self, name: str, manifest: str, envrc: str | None = None) -> Path:
        path = self.root / name
        (path / ".flox" / "env").mkdir(parents=True)
        (path / ".flox" / "env" / "manifest.toml").write_text(manifest)
        if envrc is not None:
            (path / ".envrc").write_text(envrc)
        return path

    def hold(self, project: Path, env: dict[str, str] | None = None) -> None:
        """Keep an activation of `project` alive, so later ones attach."""
        proc = subprocess.Popen(
            [self.activate, "--", "sleep", "3600"],
            cwd=project,
            env=env or self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.holders.append(proc)
        time.sleep(0.3)
        subprocess.run([self.activate, "--", "true"], cwd=project, env=env or self.env, check=True)

    def add(
        self,
        group: str,
        name: str,
        argv: list[str],
        cwd: Path,
        env: dict[str, str] | None = None,
        timed_inside: bool = False,
    ) -> None:
        self.cases.append(Case(name, argv, env or self.env, cwd, group, timed_inside=timed_inside))

    def close(self) -> None:
        for proc in self.holders:
            proc.kill()
            proc.wait()


TRIVIAL = 'version = 1\n[vars]\nGREETING = "hello"\nDATA = "$FLOX_ENV_CACHE/data"\n'
TRIVIAL_HOOK = TRIVIAL + "[hook]\non-activate = '''\nexport STARTED=1\n'''\n"
ENVRC = 'export GREETING=hello\nexport DATA="$PWD/.direnv/data"\nexport STARTED=1\nPATH_add bin\n'


def build(bench: Bench) -> None:
    a = bench.activate
    python = interpreter_of(a)
    attach = bench.project("attach", TRIVIAL_HOOK, ENVRC)
    start_hook = bench.project("start-hook", TRIVIAL_HOOK)
    start_plain = bench.project("start-nohook", TRIVIAL)
    bench.hold(attach)

    bench.add("activate", "activate -- true (attach)", [a, "--", "true"], attach)
    bench.add("activate", "activate -- true (start, trivial hook)", [a, "--", "true"], start_hook)
    bench.add("activate", "activate -- true (start, no hook)", [a, "--", "true"], start_plain)
    evaluated = 'eval "$(' + a + ' --print --shell bash)"'
    bench.add("activate", "eval activate --print, bash (attach)", ["bash", "-c", evaluated], attach)
    bench.add(
        "activate", "eval activate --print, bash (start)", ["bash", "-c", evaluated], start_hook
    )
    for shell in ("bash", "zsh", "fish", "tcsh"):
        if shutil.which(shell):
            bench.add(
                "activate",
                f"activate --shell {shell} -c true (attach)",
                [a, "--shell", shell, "-c", "true"],
                attach,
            )
        else:
            bench.missing.append(shell)

    if shutil.which("direnv"):
        subprocess.run(
            ["direnv", "allow", str(attach)], env=bench.env, check=True, capture_output=True
        )
        bench.add("peers", "direnv exec DIR true", ["direnv", "exec", str(attach), "true"], attach)
        direnv_env = {**bench.env, "DIRENV_LOG_FORMAT": ""}
        bench.add(
            "peers",
            "eval direnv export bash, bash",
            ["bash", "-c", 'eval "$(direnv export bash)"'],
            attach,
            direnv_env,
        )
    else:
        bench.missing.append("direnv")
    mise = shutil.which("mise")
    if mise:
        (attach / "mise.toml").write_text(
            '[env]\nGREETING = "hello"\nSTARTED = "1"\n_.path = ["bin"]\n'
        )
        subprocess.run(
            [mise, "trust", str(attach / "mise.toml")],
            cwd=attach,
            env=bench.env,
            capture_output=True,
        )
        bench.add("peers", "mise exec -- true", [mise, "exec", "--", "true"], attach)
        bench.add(
            "peers",
            "eval mise env -s bash, bash",
            ["bash", "-c", f'eval "$({mise} env -s bash)"'],
            attach,
        )
    else:
        bench.missing.append("mise")
    venv = bench.root / "venv"
    subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True)
    bench.add(
        "peers",
        "source a venv's bin/activate, bash",
        ["bash", "-c", f". {venv}/bin/activate"],
        attach,
    )
    bench.add("floor", "python3 -c pass", [python, "-c", "pass"], attach)
    bench.add("floor", "python3 -I -S -c pass", [python, "-I", "-S", "-c", "pass"], attach)
    bench.add("floor", "bash -c true", ["bash", "-c", "true"], attach)

    for count in (10, 100, 1000):
        lines = "".join(f'V{i} = "value {i} $FLOX_ENV_CACHE"\n' for i in range(count))
        p = bench.project(f"vars-{count}", f"version = 1\n[vars]\n{lines}")
        bench.hold(p)
        bench.add("scale", f"{count} [vars], attach", [a, "--", "true"], p)
    for depth in (1, 5, 20):
        env = dict(bench.env)
        for level in range(depth):
            p = bench.project(f"nest-{depth}-{level}", TRIVIAL)
            bench.hold(p, env)
            if level < depth - 1:
                dump = subprocess.run(
                    [a, "--", python, "-c", "import json,os; print(json.dumps(dict(os.environ)))"],
                    cwd=p,
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                env = json.loads(dump.stdout)
        bench.add("scale", f"{depth} nested environments, attach", [a, "--", "true"], p, env)
    big = bench.project(
        "hook-100k",
        "version = 1\n[hook]\non-activate = '''\nhead -c 102400 /dev/zero | tr '\\\\0' x\n'''\n",
    )
    bench.add("scale", "100 KB hook output, start", [a, "--", "true"], big)
    prompts(bench)
    packages(bench, python)
    conda(bench, python)


# In one bash process, time N prompts with bash's own clock ($EPOCHREALTIME),
# one line of microseconds each. $1: the set-up code, $2: the project, $3: N.
# "same": the shell stays in the project (nothing changed); "enter": each
# prompt follows a cd into the project (the shell leaves it again, untimed);
# "leave": each prompt follows a cd out of it; "cd": a cd to a folder below
# the project (no project entered or left); "enter+print": entering with the
# hook and an in-place attach (`eval "$(activate --print)"`) in turn, each
# line tagged "enter" or "print".
PROMPT_LOOP = r"""
setup=$1 project=$2 kind=$3 n=$4
eval "$setup"
us() { local t=${EPOCHREALTIME/./}; REPLY=$((10#$t)); }
cd "$project"; eval "${PROMPT_COMMAND-}"
cd /; eval "${PROMPT_COMMAND-}"
cd "$project"; eval "${PROMPT_COMMAND-}"
for ((i = 0; i < n; i++)); do
  case $kind in
  same) us; t0=$REPLY; eval "${PROMPT_COMMAND-}"; us; echo $((REPLY - t0)) ;;
  enter) cd /; eval "${PROMPT_COMMAND-}"; cd "$project"
         us; t0=$REPLY; eval "${PROMPT_COMMAND-}"; us; echo $((REPLY - t0)) ;;
  leave) cd "$project"; eval "${PROMPT_COMMAND-}"; cd /
         us; t0=$REPLY; eval "${PROMPT_COMMAND-}"; us; echo $((REPLY - t0)) ;;
  cd) cd "$project/deep/er"; us; t0=$REPLY; eval "${PROMPT_COMMAND-}"; us; echo $((REPLY - t0))
      cd "$project"; eval "${PROMPT_COMMAND-}" ;;
  enter+print) # in turn, so that both see the same moments of the machine
         cd /; eval "${PROMPT_COMMAND-}"; cd "$project"
         us; t0=$REPLY; eval "${PROMPT_COMMAND-}"; us; echo "enter $((REPLY - t0))"
         cd /; eval "${PROMPT_COMMAND-}"; cd "$project"  # left by the hook; no prompt now
         us; t0=$REPLY; eval "$(activate --print --shell bash)"; us; echo "print $((REPLY - t0))"
         eval "$(activate deactivate --shell bash)" ;;
  esac
done
"""


def prompts(bench: Bench) -> None:
    """Auto-activation: one bash prompt with the hook when nothing changed
    (against direnv's and mise's hooks in the same loop, and a prompt with no
    hook), and entering and leaving a project (against an in-place attach)."""
    a = bench.activate
    auto = bench.project("auto", TRIVIAL_HOOK, ENVRC)
    bench.hold(auto)
    subprocess.run([a, "allow", "-d", str(auto)], env=bench.env, check=True, capture_output=True)

    def loop(name: str, setup: str, kind: str, env: dict[str, str] | None = None) -> None:
        argv = ["bash", "-c", PROMPT_LOOP, "bench", setup, str(auto), kind]
        bench.add("prompt", name, argv, auto, env, timed_inside=True)

    hook = f'eval "$({a} hook bash)"'
    loop("bash prompt, no hook", "PROMPT_COMMAND=:", "same")
    loop("bash prompt, activate hook, no change", hook, "same")
    if shutil.which("direnv"):
        subprocess.run(
            ["direnv", "allow", str(auto)], env=bench.env, check=True, capture_output=True
        )
        loop(
            "bash prompt, direnv hook, no change",
            'eval "$(direnv hook bash)" 2>/dev/null',
            "same",
            {**bench.env, "DIRENV_LOG_FORMAT": ""},
        )
    mise = shutil.which("mise")
    if mise:
        (auto / "mise.toml").write_text('[env]\nGREETING = "hello"\n')
        subprocess.run([mise, "trust", str(auto / "mise.toml")], env=bench.env, capture_output=True)
        loop("bash prompt, mise hook-env, no change", f'eval "$({mise} activate bash)"', "same")
    (auto / "deep" / "er").mkdir(parents=True)
    loop("bash prompt, activate hook, cd in a project", hook, "cd")
    # Entering against an in-place attach, timed in turn in one bash: the
    # difference is smaller than what two runs a minute apart differ by.
    argv = ["bash", "-c", PROMPT_LOOP, "bench", hook, str(auto), "enter+print"]
    enter = Case("enter a project: activate hook (attach)", argv, bench.env, auto, "prompt")
    attach = Case("eval activate --print, in place (attach)", argv, bench.env, auto, "prompt")
    enter.timed_inside, enter.tag, enter.partner, attach.tag = True, "enter", attach, "print"
    bench.cases.append(enter)
    loop("leave a project: activate hook", hook, "leave")
    bench.cases.append(attach)
    if shutil.which("direnv"):
        loop(
            "enter a project: direnv hook",
            'eval "$(direnv hook bash)" 2>/dev/null',
            "enter",
            {**bench.env, "DIRENV_LOG_FORMAT": ""},
        )


WHEELS = Path(__file__).resolve().parent.parent / "manifests" / "wheels"


def add_cold_install(bench: Bench, name: str, project: Path) -> None:
    """`activate install` in `project` from nothing: the shared store and the
    project's lock removed before each run."""
    store = Path(bench.env["XDG_CACHE_HOME"]) / "activate" / "packages"
    lock = project / ".flox" / "env" / "activate.lock"
    removal = f'chmod -R u+w "{store}"; rm -rf "{store}" "{lock}"'
    bench.add(
        "packages",
        name,
        ["sh", "-c", f'{removal}; exec "{bench.activate}" install'],
        project,
    )


def packages(bench: Bench, python: str) -> None:
    """Starts whose pip environment is built, against starts without packages;
    a cold build (empty store, no lock) against uv run by hand for the same set."""
    a = bench.activate
    uv = shutil.which("uv", path=str(Path(python).parent)) or shutil.which("uv")
    if uv is None:
        bench.missing.append("uv")
        return
    system_python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin") or python
    options = f'[options]\nactivate.pip.find-links = ["{WHEELS}"]\nactivate.pip.no-index = true\n'
    manifest = f'version = 1\n[install]\ngreeting.pip = "greeting>=1"\n{options}'
    built = bench.project("pip-built", manifest)
    subprocess.run([a, "--", "greet"], cwd=built, env=bench.env, check=True, capture_output=True)
    bench.add(
        "packages", "activate -- true (start, pip environment built)", [a, "--", "true"], built
    )
    cold = bench.project("pip-cold", manifest)
    add_cold_install(bench, "activate install, cold (resolve and build)", cold)
    by_hand = bench.root / "by-hand"
    bench.add(
        "packages",
        "uv venv + uv pip install, by hand",
        [
            "sh",
            "-c",
            f'rm -rf "{by_hand}" && "{uv}" venv -q --relocatable --python "{system_python}" "{by_hand}" '
            f'&& "{uv}" pip install -q --python "{by_hand}/bin/python" --compile-bytecode '
            f'--no-index --find-links "{WHEELS}" "greeting>=1"',
        ],
        cold,
    )


def report(bench: Bench, as_json: Path | None) -> None:
    by_name = {c.name: c for c in bench.cases}
    direnv = by_name.get("direnv exec DIR true")
    floor = by_name.get("python3 -c pass")
    rows = []
    for c in bench.cases:
        rows.append(
            {
                "group": c.group,
                "case": c.name,
                "median_ms": round(c.median_ms, 4),
                "min_ms": round(min(c.seconds) * 1000, 4),
                "vs_direnv_exec": round(c.median_ms / direnv.median_ms, 2) if direnv else None,
                "vs_python": round(c.median_ms / floor.median_ms, 2) if floor else None,
                "max_rss_mib": round(c.max_rss_kib / 1024, 1)
                if c.argv[0] == bench.activate
                else None,
                "runs": len(c.seconds),
            }
        )
    machine = f"{platform.node()}: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
    print(f"machine: {machine}")
    print(
        f"activate: {bench.activate} (Python {platform.python_version()} at {interpreter_of(bench.activate)})"
    )
    if bench.missing:
        print(f"not installed, left out: {', '.join(bench.missing)}")
    print()
    print(
        f"| {'case':<44} | {'median ms':>9} | {'x direnv exec':>13} | {'x python3 -c pass':>17} | {'max RSS MiB':>11} |"
    )
    print(f"|{'-' * 46}|{'-' * 11}|{'-' * 15}|{'-' * 19}|{'-' * 13}|")
    for r in rows:
        vs_d = f"{r['vs_direnv_exec']:.2f}" if r["vs_direnv_exec"] is not None else "-"
        rss = f"{r['max_rss_mib']:.1f}" if r["max_rss_mib"] is not None else ""
        vs_p = f"{r['vs_python']:.2f}" if r["vs_python"] is not None else "-"
        print(
            f"| {r['case']:<44} | {_ms(r['median_ms']):>9} | {vs_d:>13} | {vs_p:>17} | {rss:>11} |"
        )
    if as_json:
        as_json.write_text(
            json.dumps({"machine": machine, "missing": bench.missing, "cases": rows}, indent=2)
            + "\n"
        )
        print(f"\nwritten: {as_json}")


def _ms(value: float) -> str:
    """Milliseconds, with more digits below 1 ms (a prompt costs microseconds)."""
    return f"{value:.1f}" if value >= 1 else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="measured runs per case (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured runs first (default 3)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--quick", action="store_true", help="5 runs per case (a smoke test)")
    parser.add_argument(
        "--prompts-only",
        action="store_true",
        help="only the auto-activation cases (prompt hooks), with python3 -c pass",
    )
    args = parser.parse_args()
    runs = 5 if args.quick else args.runs
    with tempfile.TemporaryDirectory(prefix="activate-bench-") as tmp:
        bench = Bench(Path(tmp), find_activate(), args.quick)
        try:
            if args.prompts_only:
                prompts(bench)
                python = interpreter_of(bench.activate)
                bench.add("floor", "python3 -c pass", [python, "-c", "pass"], bench.root)
            else:
                build(bench)
            for case in bench.cases:
                measure(case, runs, 1 if args.quick else args.warmup)
                print(f"  {case.name}: {_ms(case.median_ms)} ms", file=sys.stderr)
        finally:
            bench.close()
        report(bench, args.json)


# py-rattler's own solve and install of a channel's packages, in one process:
# what pixi does for the same set (the floor a conda build is compared with).
RATTLER_BY_HAND = """
import asyncio, os, sys
import rattler
channel, target, cache = sys.argv[1:4]
async def main():
    records = await rattler.solve([channel], ["jqlike"], platforms=[rattler.Platform.current(), "noarch"],
                                  gateway=rattler.Gateway(cache_dir=cache + "/repodata"))
    await rattler.install(records, target_prefix=target, cache_dir=cache + "/pkgs", show_progress=False)
asyncio.run(main())
sys.stdout.flush()
os._exit(0)
"""


def conda(bench: Bench, python: str) -> None:
    """A cold conda build (empty store, no lock; the package cache warm, as
    for a by-hand run) against py-rattler's own solve and install."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    try:
        from condachannel import Package, make_channel  # type: ignore[import-not-found]
    except ImportError:
        bench.missing.append("the test channel helper")
        return
    probe = subprocess.run([python, "-c", "import rattler"], capture_output=True)
    if probe.returncode != 0:
        bench.missing.append("py-rattler")
        return
    channel = make_channel(
        bench.root / "conda-channel",
        [
            Package("libfoo", "1.0", files={"lib/libfoo.txt": "foo\n"}),
            Package(
                "jqlike",
                "1.7.1",
                depends=["libfoo >=1"],
                files={"bin/jqlike": ("#!/bin/sh\necho jq\n", 0o755)},
            ),
        ],
    )
    a = bench.activate
    manifest = f'version = 1\n[install]\njq.conda = "jqlike"\n[options]\nactivate.conda.channels = ["{channel}"]\n'
    cold = bench.project("conda-cold", manifest)
    subprocess.run([a, "install"], cwd=cold, env=bench.env, check=True, capture_output=True)
    add_cold_install(bench, "activate install, conda, cold (solve and build)", cold)
    script = bench.root / "rattler-by-hand.py"
    script.write_text(RATTLER_BY_HAND)
    target = bench.root / "rattler-prefix"
    cache = bench.root / "rattler-cache"
    subprocess.run([python, str(script), f"file://{channel}", str(target), str(cache)], check=True)
    bench.add(
        "packages",
        "py-rattler solve + install, by hand",
        [
            "sh",
            "-c",
            f'rm -rf "{target}"; exec "{python}" "{script}" "file://{channel}" "{target}" "{cache}"',
        ],
        cold,
    )


if __name__ == "__main__":
    main()
