"""The pip backend: virtualenvs built with uv.

Resolution is `uv pip compile --format pylock.toml` (PEP 751: every package
pinned, with its file's URL and hash); a build is `uv venv --relocatable`
(scripts find their interpreter relative to themselves, so the folder can
be renamed into place) and `uv pip install` of exactly the locked files,
without resolving again.
"""

from __future__ import annotations

import os
import sys

from ..bundled import which
from ..state import write_atomic
from . import Need, PackageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

NAME = "pip"


def uv_program(environ: dict[str, str]) -> str:
    """The uv to run: the one of activate's `pip` extra, else one on PATH."""
    try:
        from uv import find_uv_bin  # type: ignore[import-not-found,unused-ignore]

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        pass
    found = which("uv", environ.get("PATH"))
    if found is None:
        raise PackageError(
            "pip entries need uv, which is not installed",
            detail=f'install it into activate\'s own environment: "{sys.executable}" -m pip install uv '
            "(or reinstall activate with its extras: ./install.sh, or pipx install 'activate[all]')",
        )
    return found


def python_version(python: str) -> str:
    """`3.11.7`: the interpreter's version."""
    return _python_facts(python)[0]


def base_python(python: str) -> str:
    """The real path of the interpreter `python` runs: itself, or for a venv's
    `python` or a wrapper script (an activated environment's `python3`,
    found first on PATH inside an activation) the base interpreter. The
    store key names it, so that the same set is one folder inside and
    outside an activation."""
    return _python_facts(python)[1]


_FACTS = (
    "import os, sys; print('.'.join(map(str, sys.version_info[:3])));"
    "print(os.path.realpath(getattr(sys, '_base_executable', '') or sys.executable))"
)


def _python_facts(python: str) -> tuple[str, str]:
    """The version and the base interpreter of `python` (cached by its path,
    size and mtime: asking it costs a process start)."""
    from ..state import cache_home
    from . import store

    try:
        st = os.stat(python)
    except OSError as e:
        raise PackageError(f"the interpreter {python} cannot be used: {e.strerror}") from None
    real = os.path.realpath(python)
    cache = os.path.join(
        cache_home(),
        "activate",
        "pythons",
        store.digest(["facts", real, st.st_size, st.st_mtime_ns]),
    )
    try:
        with open(cache, encoding="utf-8") as f:
            version, base = f.read().split("\n")[:2]
            if version and base:
                return version, base
    except (OSError, ValueError):
        pass
    import subprocess  # here: a start whose environment is built never runs one

    done = subprocess.run([python, "-I", "-c", _FACTS], capture_output=True, text=True)
    lines = done.stdout.splitlines()
    if done.returncode != 0 or len(lines) != 2 or not all(lines):
        raise PackageError(f"the interpreter {python} does not run: {done.stderr.strip()[:200]}")
    version, base = lines
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        write_atomic(cache, f"{version}\n{base}\n".encode())
    except OSError:
        pass
    return version, base


def _index_args(need: Need) -> list[str]:
    """uv's options for where packages come from ([options] activate.pip)."""
    opts = need.options
    args: list[str] = []
    if opts.get("index-url"):
        args += ["--index-url", str(opts["index-url"])]
    for url in opts.get("extra-index-urls") or []:  # type: ignore[attr-defined]
        args += ["--extra-index-url", str(url)]
    for link in opts.get("find-links") or []:  # type: ignore[attr-defined]
        link = str(link)
        if "://" not in link:  # a folder, relative to the project
            link = os.path.normpath(os.path.join(need.project, os.path.expanduser(link)))
        args += ["--find-links", link]
    if opts.get("no-index"):
        args.append("--no-index")
    return args


def fingerprint(need: Need) -> dict[str, object]:
    """The normalized requirements and the options (as written)."""
    return {
        "requirements": sorted(normal for _, _, normal in need.entries),
        "options": {k: need.options[k] for k in sorted(need.options)},
    }


def still_valid(need: Need, section: dict[str, object]) -> bool:
    """The lock was resolved for this interpreter's minor version."""
    assert need.python is not None
    return section.get("python") == ".".join(python_version(need.python).split(".")[:2])


def resolve(need: Need, say: Callable[[str], None]) -> dict[str, object]:
    """`uv pip compile` of the requirements: every package pinned, with URLs and hashes."""
    import tomllib

    assert need.python is not None
    uv = uv_program(need.environ)
    version = python_version(need.python)
    requirements = "".join(normal + "\n" for _, _, normal in need.entries)
    # The base interpreter, as the build's `uv venv` takes: uv asks it for its
    # facts once (cached in uv's cache) instead of asking two interpreters.
    python = base_python(need.python)
    argv = [uv, "pip", "compile", "-", "--format", "pylock.toml", "--python", python]
    argv += ["--quiet", "--no-header", *_index_args(need)]
    say(f"resolving {len(need.entries)} pip requirement(s) with uv")
    import subprocess

    # The venv does not depend on the resolution: made meanwhile, in the store's
    # folder (the same file system as the build), it is renamed into the build.
    early = _start_venv(need, uv, python)
    done = subprocess.run(
        argv,
        input=requirements,
        capture_output=True,
        text=True,
        env=_env(need),
        preexec_fn=_with_activate(),
    )
    _finish_venv(early)
    if done.returncode != 0:
        raise _failure(need, "cannot resolve the pip entries", done.stderr)
    try:
        lock = tomllib.loads(done.stdout)
    except tomllib.TOMLDecodeError as e:
        raise PackageError(f"uv wrote a lock activate cannot read: {e}") from None
    packages = [_files(p, need.project, relative=True) for p in lock.get("packages") or []]
    return {"python": ".".join(version.split(".")[:2]), "packages": packages}


def _files(package: dict[str, object], project: str, relative: bool) -> dict[str, object]:
    """A package's files (wheels, sdist) with `file://` URLs inside the project
    written as `path`s relative to it (`relative`), or back: a lock committed
    with the project's wheel folder works in every checkout."""
    from urllib.parse import quote, unquote

    # Compared unquoted: uv leaves characters such as + and @ as they are,
    # which quote() would escape.
    root = "file://" + os.path.abspath(project) + "/"

    def one(f: object) -> object:
        if not isinstance(f, dict):
            return f
        rest = {k: v for k, v in f.items() if k not in ("url", "path")}
        url, path = f.get("url"), f.get("path")
        if relative and isinstance(url, str) and unquote(url).startswith(root):
            return {"path": unquote(url)[len(root) :], **rest}
        if not relative and isinstance(path, str):
            return {"url": "file://" + quote(os.path.join(os.path.abspath(project), path)), **rest}
        return f

    out = dict(package)
    wheels = out.get("wheels")
    if isinstance(wheels, list):
        out["wheels"] = [one(w) for w in wheels]
    if "sdist" in out:
        out["sdist"] = one(out["sdist"])
    return out


def key(need: Need, section: dict[str, object]) -> dict[str, object]:
    """The locked packages, the names requested (the marker records which
    programs are theirs: the run-mode view) and the base interpreter (its
    real path and full version)."""
    assert need.python is not None
    return {
        "backend": NAME,
        "packages": section.get("packages"),
        "requested": _requested(need),
        "python": [base_python(need.python), python_version(need.python)],
        "platform": sys.platform,
    }


def build(
    need: Need, section: dict[str, object], tmp: str, final: str, say: Callable[[str], None]
) -> dict[str, object]:
    """A relocatable venv in `tmp` holding exactly the locked packages."""
    assert need.python is not None
    uv = uv_program(need.environ)
    packages = list(section.get("packages") or [])  # type: ignore[call-overload]
    env = _env(need)
    if not _take_venv(base_python(need.python), tmp):
        say(f"creating a virtual environment ({os.path.basename(need.python)})")
        _run(
            [uv, "venv", "--quiet", "--relocatable", "--python", base_python(need.python), tmp],
            need,
            env,
            "cannot create the virtual environment",
        )
    from .tomlwrite import table

    files = [_files(p, need.project, relative=False) for p in packages]
    doc = {"lock-version": "1.0", "created-by": "activate", "packages": files}
    pylock = os.path.join(tmp, "pylock.toml")  # uv takes only this name (PEP 751)
    with open(pylock, "w", encoding="utf-8") as f:
        f.write(table("", doc, arrays=("packages",)))
    if packages:
        say(f"installing {len(packages)} pip package(s)")
        argv = [
            uv,
            "pip",
            "install",
            "--quiet",
            "--python",
            os.path.join(tmp, "bin", "python"),
            "--compile-bytecode",
            # Files of its own: uv's default hardlinks into its cache would share
            # them with the user's other venvs (protect() would make theirs
            # read-only, an edit of theirs would change this environment).
            "--link-mode",
            "copy",
            "-r",
            pylock,
        ]
        _run(argv, need, env, "cannot install the pip packages")
    os.unlink(pylock)
    requested = set(_requested(need))
    programs = _programs(tmp, requested)
    return {
        "backend": NAME,
        "python": [base_python(need.python), python_version(need.python)],
        "packages": [
            {"name": str(p.get("name")), "version": str(p.get("version"))} for p in packages
        ],
        "requested": sorted(requested),
        "programs": programs,
    }


def _programs(prefix: str, requested: set[str]) -> dict[str, list[str]]:
    """The venv's programs (relative to it): those of the requested
    distributions, and all of them (dependencies' too), from the RECORD files.
    The interpreter and the venv's own activate scripts are never included."""
    import glob

    mine: list[str] = []
    every: list[str] = []
    for record in sorted(
        glob.glob(os.path.join(prefix, "lib", "python*", "site-packages", "*.dist-info", "RECORD"))
    ):
        dist = os.path.basename(os.path.dirname(record))[: -len(".dist-info")].rsplit("-", 1)[0]
        with open(record, encoding="utf-8") as f:
            for line in f:
                rel = line.split(",", 1)[0]
                if rel.startswith("../../../bin/"):
                    program = "bin/" + rel[len("../../../bin/") :]
                    every.append(program)
                    if _canonical(dist) in requested:
                        mine.append(program)
    return {"requested": sorted(set(mine)), "all": sorted(set(every))}


def _requested(need: Need) -> list[str]:
    """The distributions the entries name (PEP 503 names, sorted)."""
    return sorted({_canonical(_name(normal)) for _, _, normal in need.entries})


def _name(requirement: str) -> str:
    for i, c in enumerate(requirement):
        if not (c.isalnum() or c in "-_."):
            return requirement[:i]
    return requirement


def _canonical(name: str) -> str:
    """PEP 503's normalized name."""
    out = []
    for c in name.lower():
        out.append("-" if c in "-_." else c)
    text = "".join(out)
    while "--" in text:
        text = text.replace("--", "-")
    return text


def _env(need: Need) -> dict[str, str]:
    """uv's environment: the user's (UV_* settings apply), without a venv of theirs."""
    env = dict(need.environ)
    env.pop("VIRTUAL_ENV", None)  # uv would target it
    env.pop("CONDA_PREFIX", None)
    return env


def _with_activate() -> Callable[[], None] | None:
    """What uv's child process runs before uv (Linux): ask the kernel to kill
    it when activate dies. A uv outliving a killed activate would go on
    writing into a build folder that the next build removes, or hold a
    wheel it is reading for nobody."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    activate = os.getpid()

    def bind() -> None:
        prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
        if os.getppid() != activate:  # activate died before that
            os._exit(1)

    return bind


# Venvs made while resolving, by base interpreter: (folder, uv process).
_early: dict[str, tuple[str, object]] = {}


def _start_venv(need: Need, uv: str, python: str) -> str | None:
    """Start `uv venv` for `python` in a scratch folder of the store; its
    folder, or None when the store cannot take one."""
    import subprocess

    from . import store

    folder = os.path.join(store.root(), f".venv-{os.urandom(6).hex()}")
    try:
        os.makedirs(store.root(), exist_ok=True)
        proc = subprocess.Popen(
            [uv, "venv", "--quiet", "--relocatable", "--python", python, folder],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(need),
            preexec_fn=_with_activate(),
        )
    except OSError:
        return None
    _early[python] = (folder, proc)
    return python


def _finish_venv(python: str | None) -> None:
    """Wait for the venv started with `_start_venv`; forget it if it failed
    (the build then makes its own, and says why if that fails too)."""
    if python is None or python not in _early:
        return
    folder, proc = _early[python]
    if proc.wait() != 0:  # type: ignore[attr-defined]
        del _early[python]
        _discard(folder)


def _take_venv(python: str, tmp: str) -> bool:
    """Move the venv made while resolving into the build folder `tmp` (empty)."""
    found = _early.pop(python, None)
    if found is None:
        return False
    folder, proc = found
    if proc.wait() != 0:  # type: ignore[attr-defined]
        _discard(folder)
        return False
    try:
        os.rename(folder, tmp)  # over the empty folder: the venv is relocatable
    except OSError:
        _discard(folder)
        return False
    return True


def finish() -> None:
    """Remove venvs made while resolving that no build took (the environment
    was in the store already)."""
    while _early:
        _, (folder, proc) = _early.popitem()
        proc.wait()  # type: ignore[attr-defined]
        _discard(folder)


def _discard(folder: str) -> None:
    from . import store

    store.remove_tree(folder)


def _run(argv: list[str], need: Need, env: dict[str, str], what: str) -> None:
    import subprocess

    done = subprocess.run(
        argv, capture_output=True, text=True, env=env, preexec_fn=_with_activate()
    )
    if done.returncode != 0:
        raise _failure(need, what, done.stderr)


def _failure(need: Need, what: str, stderr: str) -> PackageError:
    """The error, naming the entry uv's message is about: the one it names
    first, as a whole name (`hello-tool-ext` does not name `hello-tool`)."""
    import re

    text = stderr.strip()
    lowered = text.lower()
    entry = None
    first = len(lowered)
    for pid, _, normal in need.entries:
        parts = _canonical(_name(normal)).split("-")
        if not all(parts):
            continue
        whole = "[-_.]+".join(re.escape(p) for p in parts)
        found = re.search(rf"(?<![a-z0-9._-]){whole}(?![a-z0-9_-]|\.[a-z0-9])", lowered)
        if found is not None and found.start() < first:
            entry, first = pid, found.start()
    lines = [line for line in text.splitlines() if line.strip()]
    return PackageError(what, entry=entry, detail="\n".join(lines[-12:]))
