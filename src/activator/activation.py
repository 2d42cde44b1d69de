"""One activation: find the environment, attach or start, then hand over.

Attach is the hot path: it reads the cached manifest and the record, checks
that a holder is alive, and builds the plan, importing neither tomllib,
json, rich nor psutil (on Linux).
"""

from __future__ import annotations

import os
import sys

from . import locate, operations, outside, planner, procs, registry, supported
from .errors import ActivateError, warn
from .manifest import Manifest
from .operations import Op, PathEdit, SetVar, UnsetVar, decode_ops, encode_ops
from .registry import ActivationDir
from .state import (
    cache_home,
    digest,
    makedirs_private,
    read_file,
    state_root_and_note,
    write_atomic,
)
from .supported import DEFAULT_MODE
from .values import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


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
        "held_before",
        "activation_dir",
        "ident",
        "start_services",
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
        held_before: bool,
        activation_dir: str,
        ident: planner.Identity,
        start_services: bool = False,
    ) -> None:
        self.environ = environ  # the environment activate started with
        self.plan = plan
        self.final = final  # the environment after the plan
        self.root = root  # the private state directory
        self.group_dir = group_dir
        self.manifest_key = manifest_key
        self.manifest = manifest
        self.holder = holder  # the process holding the activation (the shell, in place)
        self.held_before = held_before  # the holder held it already (nested in its own subshell)
        self.activation_dir = activation_dir  # its registry directory (ActivationDir)
        self.ident = ident  # which environment, and where its run/cache/log folders are
        # -s or auto-start: start the [services] before handing over
        self.start_services = start_services


def prepare(
    directory: str | None,
    file: str | None,
    mode: str | None,
    in_place: bool,
    services: str | None = None,
    *,
    environ: dict[str, str] | None = None,
    mark_outside: bool = True,
) -> Activation:
    """Attach to a live activation of the environment (`-d DIR`, `-f FILE`, or
    the nearest above the current folder), or start one, running the hook.
    `in_place`: the calling shell holds the activation (`--print`), not this process.
    `services`: "start" (-s), "no" (--no-start-services) or None ([services]
    auto-start decides, when the activation starts); the activation says
    whether to start them (`start_services`) and exports
    FLOX_ACTIVATE_START_SERVICES=true (to the hook too) when it does.
    `environ`: the environment it starts from (default: activate's own).
    `mark_outside`: the final environment carries `_ACTIVATE_OUTSIDE` (see
    outside.py); False for `--print --shell json`, which hands over no environment."""
    environ = dict(os.environ if environ is None else environ)
    loc = locate.find(directory, file, os.getcwd())
    root, root_note = state_root_and_note()  # the note: the usual root is unwritable
    group_dir = locate.group_dir(root, loc.dotflox)
    cache_key = locate.manifest_key(loc)
    manifest, name, key = _manifest(loc, group_dir, cache_key)
    mode = mode or manifest.mode or DEFAULT_MODE
    ident = planner.Identity(loc.dotflox, loc.project, name, mode)
    adir = ActivationDir(os.path.join(group_dir, f"{key}.{mode}"), valid=_valid_record)
    holder = procs.evaluating_shell(os.getppid()) if in_place else os.getpid()
    outside_key = outside.save(root, environ) if mark_outside else ""

    # -s is checked before anything runs (supervisor missing: an error)
    start = services == "start" and _services_can_start(manifest, True)
    record = adir.attachable() or adir.begin(lambda pid: _say_waiting(name, pid))
    if services is None and record is None and manifest.auto_start:
        start = _services_can_start(manifest, False)
    extra: list[Op] = []
    if start:
        extra.append(operations.SetVar("FLOX_ACTIVATE_START_SERVICES", "true"))
    if record is None:
        if root_note is not None:
            warn(root_note)  # once per activation that starts, never when attaching
        registry.collect_garbage(group_dir, {key, cache_key}, os.path.join(root, "launch"))
        try:
            record, ops = _start(manifest, ident, environ, adir, extra, outside_key)
            held_before = adir.add_holder(holder)
            adir.finish(record)
        except BaseException:
            adir.abandon()
            raise
        ident = ident.replace(base=str(record.get("base") or ""))
    else:
        held_before = adir.add_holder(holder)
        ident = ident.replace(base=str(record.get("base") or ""))
        ops = planner.build(manifest, ident, environ, decode_ops(record["hook"])) + extra
    final = operations.apply(environ, ops)
    if outside_key:
        outside.point(outside_key, environ, final, _names(ops))
    return Activation(
        environ,
        ops,
        final,
        root,
        group_dir,
        key,
        manifest,
        holder,
        held_before,
        adir.path,
        ident,
        start,
    )


def _names(ops: Iterable[Op]) -> list[str]:
    """The variables a plan sets, edits or unsets."""
    return [op.name for op in ops if isinstance(op, SetVar | UnsetVar | PathEdit)]


def _services_can_start(manifest: Manifest, asked: bool) -> bool:
    """Whether the services can start here: some apply to this system, and
    supervisor is installed (asked for with -s: an error when it is not)."""
    here = supported.system()
    if not any(s.applies(here) for s in manifest.services):
        if asked:
            warn(f"-s: the manifest defines no [services] that run on {here}; nothing to start")
        return False
    from . import missing

    if asked:
        missing.require_supervisor("-s: ")
        return True
    return (
        missing.supervisor_installed()
    )  # auto-start: when not, the line about what was not provided says it


def provide_packages(
    directory: str | None,
    file: str | None,
    mode: str | None,
    *,
    update: bool | set[str] = False,
    locked: bool = False,
) -> tuple[Manifest, str]:
    """Lock, build and show the packages of the environment (`activate
    install`, `update`), without activating it; the manifest and the mode."""
    from .packages import provision

    loc = locate.find(directory, file, os.getcwd())
    m, name = _load(loc)  # parsed once per manifest version, as activation does
    mode = mode or m.mode or DEFAULT_MODE
    ident = planner.Identity(loc.dotflox, loc.project, name, mode)
    ident = ident.replace(base=_writable_base(ident))
    provision.prepare(
        m, ident.project, ident.prefix, mode, dict(os.environ), update=update, locked=locked
    )
    return m, mode


def load_manifest(loc: locate.Location) -> Manifest:
    """The environment's manifest, read as an activation reads it (cached)."""
    return _load(loc)[0]


def _load(loc: locate.Location) -> tuple[Manifest, str]:
    """The environment's manifest and name, through the activations' cache."""
    group_dir = locate.group_dir(state_root_and_note()[0], loc.dotflox)
    m, name, _ = _manifest(loc, group_dir, locate.manifest_key(loc))
    return m, name


def _manifest(loc: locate.Location, group_dir: str, key: str) -> tuple[Manifest, str, str]:
    """The parsed manifest (composed with what it includes), the environment's
    name and the activation's identity key: cached per manifest bytes (`key`);
    the identity covers every included manifest, re-read each time to see an edit."""
    cache = os.path.join(group_dir, f"{key}.manifest")
    raw = read_file(cache)
    data = registry.decode(raw) if raw is not None else None
    if data is not None and data.get("path") == loc.manifest_path:
        try:
            m = Manifest.from_record(data["manifest"])  # type: ignore[arg-type]
            if not m.included:
                return m, str(data["name"]), key
            from . import compose  # only for a manifest with [include]

            stamp = compose.stamp([path for _, path in m.included])
            if stamp is not None and stamp == data.get("included"):
                return m, str(data["name"]), compose.identity(key, stamp)
        except (KeyError, TypeError, ValueError, AssertionError):
            pass
    from . import compose

    m, stamp = compose.load(loc.manifest_path, loc.manifest_bytes)
    name = locate.env_name(loc)
    makedirs_private(group_dir)
    record = {"path": loc.manifest_path, "name": name, "manifest": m.to_record()}
    write_atomic(cache, registry.encode({**record, "included": stamp}))
    return m, name, compose.identity(key, stamp)


def _start(
    manifest: Manifest,
    ident: planner.Identity,
    environ: dict[str, str],
    adir: ActivationDir,
    extra: list[Op],
    outside_key: str = "",
) -> tuple[dict[str, object], list[Op]]:
    """Run the hook (if any); return the record to publish and the whole plan
    (built once: building reads the .env files, and notes missing ones).
    `extra` (FLOX_ACTIVATE_START_SERVICES) is set before the hook, not recorded.
    `outside_key`: the hook, too, can run `activate --outside` (outside.py)."""
    import time

    if manifest.packages or manifest.services or manifest.includes or manifest.unsupported:
        from . import missing

        for line in missing.lines(manifest):
            sys.stderr.write(line + "\n")
    system = supported.system()
    if manifest.systems is not None and system not in manifest.systems:
        warn(f"[options] systems does not list {system}; activating anyway")
    ident = ident.replace(base=_writable_base(ident))
    prelude = ""
    environments: list[tuple[str, str]] = []
    if manifest.pip or manifest.conda or manifest.catalog:  # packages: locked, built, shown
        from .packages import prelude as conda_prelude
        from .packages import quick

        stamp_file = os.path.join(adir.path, "packages")
        now = quick.stamp(manifest, ident.project, environ)
        provided = quick.lookup(stamp_file, now, ident.prefix)
        if provided is None:
            from .packages import provision, store

            provided = provision.prepare(manifest, ident.project, ident.prefix, ident.mode, environ)
            quick.save(
                stamp_file,
                quick.stamp(manifest, ident.project, environ),
                provided,
                ident.prefix,
                store.root(),
            )
        prelude, environments = conda_prelude(provided), provided.environments
    hook_ops: list[Op] = []
    base = planner.build(manifest, ident, environ) + extra
    if (manifest.hook is not None and manifest.hook.strip()) or prelude:
        from . import hook

        hook_env = operations.apply(environ, base)
        if outside_key:
            outside.point(outside_key, environ, hook_env, _names(base))
        # `activate services start` in the hook would wait for this activation: it refuses
        hook_env["_ACTIVATE_IN_HOOK"] = ident.dotflox
        hook_ops = hook.run(manifest, hook_env, adir.path, prelude)
    record: dict[str, object] = {
        "v": 1,
        "hook": encode_ops(hook_ops),
        "name": ident.name,
        "mode": ident.mode,
        "dotflox": ident.dotflox,
        "manifest": manifest.path,
        "base": ident.base,
        "started": time.time(),
        "environments": environments,  # the package environments it uses (for gc)
    }
    return record, base + hook_ops


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
