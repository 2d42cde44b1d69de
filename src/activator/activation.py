"""One activation: find the environment, attach or start, then hand over.

Attach is the hot path: it reads the cached manifest and the record, checks
that a holder is alive, and builds the plan, importing neither tomllib,
json, rich nor psutil (on Linux).
"""

from __future__ import annotations

import os

from . import __version__, locate, planner, procs, registry
from . import plan as planmod
from .errors import ActivateError, warn
from .manifest import Manifest
from .plan import Op, PathEdit, SetVar, UnsetVar
from .registry import ActivationDir
from .state import (
    cache_home,
    digest,
    makedirs_private,
    read_file,
    state_root,
    write_all,
    write_atomic,
)
from .values import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


class Request(Value):
    """What the user asked for on the command line."""

    __slots__ = ("action", "directory", "file", "mode", "shell", "argv", "code")

    def __init__(
        self,
        action: str,
        directory: str | None = None,
        file: str | None = None,
        mode: str | None = None,
        shell: str | None = None,
        argv: tuple[str, ...] = (),
        code: str | None = None,
    ) -> None:
        self.action = (
            action  # "shell" (interactive subshell), "print", "command" (--) or "code" (-c)
        )
        self.directory = directory
        self.file = file
        self.mode = mode
        self.shell = shell
        self.argv = argv  # for "command"
        self.code = code  # for "code"


class Activation(Value):
    """Everything a way of activating needs to hand over."""

    __slots__ = (
        "environ",
        "plan",
        "final",
        "root",
        "group_dir",
        "manifest_key",
        "manifest",
        "holder",
    )

    def __init__(
        self,
        environ: dict[str, str],
        plan: list[Op],
        final: dict[str, str],
        root: str,
        group_dir: str,
        manifest_key: str,
        manifest: Manifest,
        holder: int,
    ) -> None:
        self.environ = environ  # the environment activate started with
        self.plan = plan
        self.final = final  # the environment after the plan
        self.root = root  # the private state directory
        self.group_dir = group_dir
        self.manifest_key = manifest_key
        self.manifest = manifest
        self.holder = holder  # the process holding the activation (the shell, in place)


def prepare(req: Request) -> Activation:
    """Attach to a live activation of the environment, or start one (running the hook)."""
    environ = dict(os.environ)
    loc = locate.find(req.directory, req.file, os.getcwd())
    root = state_root()
    group_dir = os.path.join(root, "envs", digest(loc.dotflox.encode()))
    key = digest(loc.manifest_bytes, loc.env_json, __version__.encode())
    manifest, name = _manifest(loc, group_dir, key)
    mode = req.mode or manifest.mode or "dev"
    ident = planner.Identity(loc.dotflox, loc.project, name, mode)
    adir = ActivationDir(os.path.join(group_dir, f"{key}.{mode}"), valid=_valid_record)
    holder = procs.evaluating_shell(os.getppid()) if req.action == "print" else os.getpid()

    record = adir.attachable() or adir.begin(lambda pid: _say_waiting(name, pid))
    if record is None:
        registry.collect_garbage(group_dir, key, os.path.join(root, "launch"))
        try:
            record = _start(manifest, ident, environ, adir)
            adir.add_holder(holder)
            adir.finish(record)
        except BaseException:
            adir.abandon()
            raise
    else:
        adir.add_holder(holder)
    ident = ident.replace(base=str(record.get("base") or ""))
    ops = planner.build(manifest, ident, environ, decode_ops(record["hook"]))
    final = planmod.apply(environ, ops)
    return Activation(environ, ops, final, root, group_dir, key, manifest, holder)


def _manifest(loc: locate.Location, group_dir: str, key: str) -> tuple[Manifest, str]:
    """The parsed manifest and the environment's name: cached per manifest bytes."""
    cache = os.path.join(group_dir, f"{key}.manifest")
    raw = read_file(cache)
    data = registry.decode(raw) if raw is not None else None
    if data is not None and data.get("path") == loc.manifest_path:
        try:
            return Manifest.from_record(data["manifest"]), str(data["name"])  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError, AssertionError):
            pass
    from . import manifest as manifest_mod

    m = manifest_mod.load(loc.manifest_path, loc.manifest_bytes)
    name = locate.env_name(loc)
    makedirs_private(group_dir)
    write_atomic(
        cache, registry.encode({"path": loc.manifest_path, "name": name, "manifest": m.to_record()})
    )
    return m, name


def _start(
    manifest: Manifest, ident: planner.Identity, environ: dict[str, str], adir: ActivationDir
) -> dict[str, object]:
    """Run the hook (if any) and return the record to publish."""
    import time

    if manifest.unsupported:
        warn("not supported yet, ignored: " + ", ".join(manifest.unsupported))
    system = planner.system()
    if manifest.systems is not None and system not in manifest.systems:
        warn(f"[options] systems does not list {system}; activating anyway")
    ident = ident.replace(base=_writable_base(ident))
    hook_ops: list[Op] = []
    if manifest.hook is not None and manifest.hook.strip():
        from . import hook

        base = planner.build(manifest, ident, environ)
        hook_ops = hook.run(manifest, planmod.apply(environ, base), adir.path)
    return {
        "v": 1,
        "hook": encode_ops(hook_ops),
        "name": ident.name,
        "mode": ident.mode,
        "dotflox": ident.dotflox,
        "manifest": manifest.path,
        "base": ident.base,
        "started": time.time(),
    }


def _writable_base(ident: planner.Identity) -> str:
    """Where the environment's run/ and cache/ folders go: the project's .flox,
    or, when that cannot be written (a read-only checkout), a folder of this
    project's in the user's cache, said once on stderr."""
    problem = _make_dirs(ident)
    if problem is None:
        return ident.dotflox
    fallback = os.path.join(
        cache_home(), "activate", "projects", f"{ident.name}-{digest(ident.dotflox.encode())[:12]}"
    )
    moved = ident.replace(base=fallback)
    again = _make_dirs(moved)
    if again is not None:
        raise ActivateError(
            f"cannot create the environment's folders: {problem}; nor {again}",
            hint="make the project's .flox folder writable, or set XDG_CACHE_HOME to a writable folder",
        )
    warn(f"{problem}; using {fallback} for the environment's run and cache folders")
    return fallback


def _make_dirs(ident: planner.Identity) -> str | None:
    for d in (os.path.join(ident.prefix, "bin"), ident.cache):
        try:
            os.makedirs(d, exist_ok=True)
        except OSError as e:
            return f"cannot create {d} ({e.strerror})"
    return None


def _valid_record(record: dict[str, object]) -> bool:
    """True for a record this version wrote (anything else is treated as damaged)."""
    if record.get("v") != 1 or not isinstance(record.get("base", ""), str):
        return False
    try:
        decode_ops(record["hook"])
    except (KeyError, TypeError, IndexError, ValueError):
        return False
    return True


def _say_waiting(name: str, pid: int) -> None:
    warn(f"waiting for another activation of {name!r} (pid {pid}) to finish its hook...")


def encode_ops(ops: Sequence[Op]) -> list[tuple[object, ...]]:
    """Hook changes as plain tuples for the record."""
    out: list[tuple[object, ...]] = []
    for op in ops:
        if isinstance(op, SetVar):
            out.append(("set", op.name, op.value))
        elif isinstance(op, UnsetVar):
            out.append(("unset", op.name))
        elif isinstance(op, PathEdit):
            out.append(("path", op.name, op.front, op.back, op.remove))
    return out


def decode_ops(data: object) -> list[Op]:
    """Inverse of `encode_ops`."""
    ops: list[Op] = []
    for item in data:  # type: ignore[attr-defined]
        kind, name = item[0], item[1]
        if not isinstance(name, str):
            raise TypeError(name)
        if kind == "set" and isinstance(item[2], str):
            ops.append(SetVar(name, item[2]))
        elif kind == "unset":
            ops.append(UnsetVar(name))
        elif kind == "path":
            front, back, removed = (tuple(str(e) for e in item[i]) for i in (2, 3, 4))
            ops.append(PathEdit(name, front, back, removed))
        else:
            raise ValueError(kind)
    return ops


def profile_files(act: Activation, shell: str, prefix: str = "") -> list[str]:
    """The `[profile]` files `shell` sources (common, then its own; with
    prefix "deactivate-", the code run when leaving an in-place activation)."""
    from . import profile

    stem = os.path.join(act.group_dir, act.manifest_key)
    return profile.files(act.manifest, shell, stem, act.environ.get("PATH"), prefix)


def reserve_private_file(root: str, suffix: str) -> tuple[str, int]:
    """A fresh, unpredictable 0600 file under the state root, open for writing."""
    d = os.path.join(root, "launch")
    makedirs_private(d)
    while True:
        path = os.path.join(d, f"{os.urandom(8).hex()}.{suffix}")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            return path, os.open(path, flags, 0o600)
        except FileExistsError:
            continue


def write_fd(fd: int, text: str) -> None:
    """Write all of `text` to `fd` and close it."""
    try:
        write_all(fd, text.encode("utf-8", "surrogateescape"))
    finally:
        os.close(fd)
