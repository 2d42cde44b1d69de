"""`activate gc [--dry-run]`: remove the shared environments nothing uses.

An environment is kept while a lock file that used it still holds the same
section (the lock exists and its entries did not change), or a live
activation uses it (its record lists it, and a process still holds it)."""

from __future__ import annotations

import os
import sys

from .. import registry
from ..errors import ActivateError, warn
from ..grammar import Invocation
from ..packages import lockfile, store
from ..state import read_file, state_roots_to_read


def run(inv: Invocation) -> int:
    """List, and unless --dry-run remove, the environments nothing uses."""
    dry = bool(inv.get("dry-run"))
    live = _used_by_live_activations()
    freed = 0
    removed = 0
    for key in store.environments():
        if key in live or _used_by_a_lock(key):
            continue
        folder = store.path(key)
        size = store.size(folder)
        marker = store.marker(key) or {}
        what = f"{marker.get('backend', '?')}, {len(marker.get('packages') or [])} packages"  # type: ignore[arg-type]
        sys.stdout.write(f"{'would remove' if dry else 'removed'} {folder} ({what}, {_mb(size)})\n")
        if not dry:
            store.remove_tree(folder)
            for leftover in (
                os.path.join(store.root(), f"{key}.lock"),
                os.path.join(store.root(), ".users", key),
            ):
                try:
                    os.unlink(leftover)
                except OSError:
                    pass
        freed += size
        removed += 1
    for folder in _leftovers():
        size = store.size(folder)
        sys.stdout.write(
            f"{'would remove' if dry else 'removed'} {folder} (left by a build that did not finish, {_mb(size)})\n"
        )
        if not dry:
            store.remove_tree(folder)
        freed += size
        removed += 1
    verb = "would free" if dry else "freed"
    warn(f"{removed} environment(s), {verb} {_mb(freed)}" if removed else "nothing to remove")
    return 0


def _leftovers() -> list[str]:
    """Build folders (`.tmp-*`, `.venv-*`) older than an hour: a build that was
    killed left them (a build running now is younger, or holds its key's lock)."""
    import time

    out = []
    cutoff = time.time() - 3600
    try:
        names = os.listdir(store.root())
    except OSError:
        return []
    for name in sorted(names):
        folder = os.path.join(store.root(), name)
        if name.startswith((".tmp-", ".venv-")):
            try:
                if os.lstat(folder).st_mtime < cutoff:
                    out.append(folder)
            except OSError:
                continue
    return out


def _used_by_a_lock(key: str) -> bool:
    for lock_path, digest in store.users(key):
        try:
            sections = lockfile.read(lock_path)
        except ActivateError:  # a lock that cannot be read: keep what it may use
            return True
        if any(store.digest(s) == digest for s in sections.values()):
            return True
    return False


def _used_by_live_activations() -> set[str]:
    """The store keys that the records of live activations list."""
    keys: set[str] = set()
    for root in state_roots_to_read():
        envs = os.path.join(root, "envs")
        try:
            groups = os.listdir(envs)
        except OSError:
            continue
        for group in groups:
            try:
                names = os.listdir(os.path.join(envs, group))
            except OSError:
                continue
            for name in names:
                adir = registry.ActivationDir(os.path.join(envs, group, name))
                raw = read_file(adir.record_path) if os.path.isdir(adir.path) else None
                record = registry.decode(raw) if raw else None
                if not record or not (adir.live_holders(prune=False) or adir.starter()):
                    continue
                for item in record.get("environments") or []:  # type: ignore[attr-defined]
                    keys.add(str(item[1]))
    return keys


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"
