"""The shared store of package environments: built once, never changed after.

    <cache>/activate/packages/
        <key>/                 one environment (a venv or a conda prefix), complete
        <key>/.activate.json   the marker, written last: what it holds (see `Marker`)
        <key>.lock             flock()ed by whoever builds <key>
        .tmp-<key>-<random>/   a build in progress (or a dead one's leftovers)
        .users/<key>           the lock files that use <key>, one per line (for gc)

The key is a hash of what defines the contents (backend, resolved packages,
interpreter, platform), so equal sets share one folder and a changed set gets
a new one. A build happens in a temporary folder beside the others (the same
file system), under a lock the kernel releases if the builder dies; the
marker is written last, then the folder is renamed into place. Readers look
for the marker and never take the lock. Leftovers of a dead build are found
under the lock and removed.
"""

from __future__ import annotations

import json
import os
import stat

from ..errors import ActivateError
from ..state import cache_home, write_atomic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

MARKER = ".activate.json"


def root() -> str:
    """Where the shared environments live."""
    return os.path.join(cache_home(), "activate", "packages")


def digest(data: object) -> str:
    """A key for `data` (plain JSON-able data): 32 hex digits of its sha256."""
    import hashlib

    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def path(key: str) -> str:
    """The folder of environment `key` (complete only if `marker(key)` is not None)."""
    return os.path.join(root(), key)


def marker(key: str) -> dict[str, object] | None:
    """The marker of a complete environment `key`, or None."""
    try:
        with open(os.path.join(path(key), MARKER), encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def ensure(
    key: str,
    build: Callable[[str, str], dict[str, object]],
    describe: str,
    say: Callable[[str], None],
) -> str:
    """The folder of environment `key`, built first if needed.

    `build(tmp, final)` fills the empty folder `tmp` so that it works once
    renamed to `final`, and returns what the marker records. `describe` names
    the environment in the message shown while waiting for another builder."""
    final = path(key)
    if marker(key) is not None:
        return final
    import fcntl

    base = root()
    try:
        os.makedirs(base, exist_ok=True)
        fd = os.open(
            os.path.join(base, f"{key}.lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644
        )
    except OSError as e:
        raise ActivateError(
            f"cannot use the package store {base}: {e.strerror}",
            hint="set XDG_CACHE_HOME to a writable folder of yours",
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another activate to finish building {describe}...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        if marker(key) is not None:  # built while we waited
            return final
        _remove_leftovers(base, key)
        tmp = os.path.join(base, f".tmp-{key}-{os.urandom(4).hex()}")
        os.mkdir(tmp)
        try:
            data = build(tmp, final)
            write_atomic(
                os.path.join(tmp, MARKER), json.dumps({"key": key, **data}, indent=1).encode()
            )
            protect(tmp)
            os.rename(tmp, final)
        except BaseException:
            remove_tree(tmp)
            raise
        return final
    finally:
        os.close(fd)  # releases the lock


def _remove_leftovers(base: str, key: str) -> None:
    """Under `key`'s lock: folders of builds of `key` that died, and a folder
    in `key`'s place without a marker (which nothing can trust)."""
    for name in os.listdir(base):
        if name.startswith(f".tmp-{key}-"):
            remove_tree(os.path.join(base, name))
    if os.path.lexists(path(key)):
        remove_tree(path(key))


def protect(folder: str) -> None:
    """Make a finished environment read-only (files and folders), so that a
    `pip install` typed in an activated shell cannot change it for every
    project that shares it (for users other than root; root ignores the bits)."""
    for here, _, files in os.walk(folder):
        for name in files:
            p = os.path.join(here, name)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode):
                os.chmod(p, stat.S_IMODE(st.st_mode) & ~0o222)
        os.chmod(here, stat.S_IMODE(os.lstat(here).st_mode) & ~0o222)


def remove_tree(folder: str) -> None:
    """Remove a (possibly protected) folder and everything in it."""
    if not os.path.lexists(folder):
        return
    if os.path.islink(folder) or not os.path.isdir(folder):
        os.unlink(folder)
        return
    for here, dirs, _ in os.walk(folder):
        os.chmod(here, 0o700)
        for d in dirs:
            p = os.path.join(here, d)
            if not os.path.islink(p):
                os.chmod(p, 0o700)
    import shutil  # here: a start whose environment is built removes nothing

    shutil.rmtree(folder, ignore_errors=True)


def add_user(key: str, lock_file: str, section: str) -> None:
    """Note that the lock file `lock_file` uses environment `key` while its
    section's digest is `section` (for gc: a changed lock no longer uses it)."""
    users = os.path.join(root(), ".users")
    line = f"{os.path.abspath(lock_file)}\t{section}"
    listed = os.path.join(users, key)
    try:
        with open(listed, encoding="utf-8") as f:
            if line in f.read().splitlines():
                return
    except FileNotFoundError:
        pass
    except OSError:
        return
    try:
        os.makedirs(users, exist_ok=True)
        with open(listed, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    except OSError:
        pass  # only gc reads it, and gc keeps what it cannot account for


def users(key: str) -> list[tuple[str, str]]:
    """(lock file, section digest) of each lock that used environment `key`."""
    try:
        with open(os.path.join(root(), ".users", key), encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    return [(a, b) for a, _, b in (line.partition("\t") for line in lines) if a]


def environments() -> list[str]:
    """The complete environments in the store."""
    try:
        names = os.listdir(root())
    except OSError:
        return []
    return sorted(
        n
        for n in names
        if not n.startswith(".") and not n.endswith(".lock") and marker(n) is not None
    )


def size(folder: str) -> int:
    """The bytes `folder` holds (files counted once)."""
    total = 0
    seen: set[tuple[int, int]] = set()
    for here, _, files in os.walk(folder):
        for name in files:
            try:
                st = os.lstat(os.path.join(here, name))
            except OSError:
                continue
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_blocks * 512
    return total
