"""Where activate keeps its private files, and how it writes them safely.

The state root is `$XDG_RUNTIME_DIR/activate` when that is a private
directory of this user, else `<user cache dir>/activate/run`. It is created
0700 and checked (a directory, not a symlink, owned by this user, not
readable by others) before anything is written under it; everything below it
is then safe from other users. Files are 0600 and replaced atomically.
"""

from __future__ import annotations

import os
import stat

from .errors import ActivateError


def cache_home() -> str:
    """`$XDG_CACHE_HOME`, else `~/.cache` (the home from the password database if HOME is unset)."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return xdg
    return os.path.join(home(), ".cache")


def home() -> str:
    """The user's home directory."""
    h = os.environ.get("HOME")
    if h:
        return h
    import pwd

    return pwd.getpwuid(os.getuid()).pw_dir


def state_root() -> str:
    """The private state directory, created and checked."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and _is_private_dir(runtime):
        root = os.path.join(runtime, "activate")
    else:
        root = os.path.join(cache_home(), "activate", "run")
    ensure_private_dir(root)
    return root


def _is_private_dir(path: str) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def ensure_private_dir(path: str) -> None:
    """Create `path` (0700) if needed and check that only this user can use it."""
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        try:
            makedirs_private(path)
        except OSError as e:
            raise ActivateError(
                f"cannot create the state directory {path}: {e.strerror}",
                hint="set XDG_RUNTIME_DIR or XDG_CACHE_HOME to a writable directory of yours",
            ) from None
        st = os.lstat(path)
    except OSError as e:
        raise ActivateError(f"cannot use the state directory {path}: {e.strerror}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise ActivateError(
            f"the state directory {path} is not a directory (a symlink or a file is in its place)",
            hint="remove it; activate recreates it",
        )
    if st.st_uid != os.getuid():
        raise ActivateError(
            f"the state directory {path} belongs to another user",
            hint="remove it, or point XDG_RUNTIME_DIR/XDG_CACHE_HOME elsewhere",
        )
    if st.st_mode & 0o077:
        os.chmod(path, 0o700)


def makedirs_private(path: str) -> None:
    """`mkdir -p` where every created level is 0700 (os.makedirs applies the
    mode to the last level only)."""
    if os.path.isdir(path):
        return
    parent = os.path.dirname(path)
    if parent and parent != path:
        makedirs_private(parent)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass


def write_atomic(path: str, data: bytes) -> None:
    """Write a 0600 file next to `path`, then rename it over `path`."""
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def write_all(fd: int, data: bytes) -> None:
    """Write all of `data` to `fd` (os.write may write less)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def read_file(path: str) -> bytes | None:
    """The file's bytes, or None if it does not exist."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def remove(path: str) -> None:
    """Delete a file if it exists."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def digest(*parts: bytes) -> str:
    """A short hex digest of `parts` (sha256, without importing hashlib)."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]  # 0.4 ms vs 4 ms for hashlib
    except ImportError:  # pragma: no cover - other Pythons
        from hashlib import sha256
    h = sha256()
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return str(h.hexdigest())[:24]


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
