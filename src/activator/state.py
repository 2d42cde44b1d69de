"""Where activate keeps its private files, and how it writes them safely.

The state root is `$XDG_RUNTIME_DIR/activate` when that is a private
directory of this user, else `<user cache dir>/activate/run`; when that one
cannot be written (a read-only home or cache), `$TMPDIR/activate-<uid>`
(`/tmp/activate-<uid>`). It is created 0700 and checked (a directory, not a
symlink, owned by this user, not readable by others) before anything is
written under it; everything below it is then safe from other users. Files
are 0600 and replaced atomically. Commands that only read (`status`) use
`state_roots_to_read`, which creates and changes nothing.
"""

from __future__ import annotations

import os
import stat

from .errors import ActivateError


def cache_home() -> str:
    """`$XDG_CACHE_HOME`, else `~/.cache` (the home from the password database if HOME is unset)."""
    return xdg_home("XDG_CACHE_HOME", ".cache")


def xdg_home(variable: str, *default: str) -> str:
    """The XDG base folder `variable` names when it is an absolute path,
    else `default` under the home folder (the XDG rule: a relative value is ignored)."""
    xdg = os.environ.get(variable)
    if xdg and os.path.isabs(xdg):
        return xdg
    return os.path.join(home(), *default)


def home() -> str:
    """The user's home directory."""
    h = os.environ.get("HOME")
    if h:
        return h
    import pwd

    return pwd.getpwuid(os.getuid()).pw_dir


def state_root() -> str:
    """The private state directory, created and checked (the fallback when the
    usual one cannot be written)."""
    return state_root_and_note()[0]


def state_root_and_note() -> tuple[str, str | None]:
    """The private state directory, created and checked, and, when the usual
    one cannot be written and the fallback is used, the line that says so."""
    root = _usual_root()
    try:
        _ensure_private_dir(root)
        if os.access(root, os.W_OK):  # the hot path's one extra syscall; sees EROFS for root too
            return root, None
        why = _why_not_writable(root)
    except OSError as e:  # it could not be created
        if not _is_unwritable(e):
            raise _cannot_create(root, e) from None
        why = e.strerror or str(e)
    fallback = fallback_root()
    try:
        _ensure_private_dir(fallback)
    except OSError as e:
        raise _no_writable_root(root, why, fallback, e.strerror or str(e)) from None
    except ActivateError as e:  # unsafe (a symlink, another user's): say why it was looked at
        e.details = (*e.details, f"(it is used because {root} cannot be written: {why})")
        raise
    if not os.access(fallback, os.W_OK):
        raise _no_writable_root(root, why, fallback, _why_not_writable(fallback))
    note = (
        f"cannot write the state folder {root} ({why}); using {fallback} instead "
        "(set XDG_RUNTIME_DIR or XDG_CACHE_HOME to a writable folder of yours to choose)"
    )
    return fallback, note


def _usual_root() -> str:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and _is_private_dir(runtime):
        return os.path.join(runtime, "activate")
    return os.path.join(cache_home(), "activate", "run")


def fallback_root() -> str:
    """The state root used when the usual one cannot be written:
    `$TMPDIR/activate-<uid>`, else `/tmp/activate-<uid>`."""
    tmp = os.environ.get("TMPDIR")
    if not (tmp and os.path.isabs(tmp)):
        tmp = "/tmp"
    return os.path.join(tmp, f"activate-{os.getuid()}")


def state_roots_to_read() -> list[str]:
    """The state roots that exist and are this user's directories (the usual one,
    then the fallback), for commands that only read: nothing is created or changed."""
    roots = []
    for root in (_usual_root(), fallback_root()):
        try:
            st = os.lstat(root)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and root not in roots:
            roots.append(root)
    return roots


def _is_private_dir(path: str) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def _is_unwritable(e: OSError) -> bool:
    """True for the errors of a folder that cannot be written (not of one that is wrong)."""
    import errno

    return e.errno in (errno.EACCES, errno.EPERM, errno.EROFS)


def _why_not_writable(path: str) -> str:
    """Why os.access said `path` cannot be written (it gives no reason): the
    file system is read-only, or the permissions say no."""
    import errno

    try:
        read_only = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    return os.strerror(errno.EROFS if read_only else errno.EACCES)


def _cannot_create(path: str, e: OSError) -> ActivateError:
    return ActivateError(
        f"cannot create the state directory {path}: {e.strerror}",
        hint="set XDG_RUNTIME_DIR or XDG_CACHE_HOME to a writable directory of yours",
    )


def _no_writable_root(root: str, why: str, fallback: str, why_fallback: str) -> ActivateError:
    return ActivateError(
        f"cannot write the state folder {root} ({why}), nor the fallback {fallback} ({why_fallback})",
        hint="set XDG_RUNTIME_DIR or XDG_CACHE_HOME to a writable folder of yours",
    )


def ensure_private_dir(path: str) -> None:
    """Create `path` (0700) if needed and check that only this user can use it."""
    try:
        _ensure_private_dir(path)
    except OSError as e:
        raise _cannot_create(path, e) from None


def _ensure_private_dir(path: str) -> None:
    """`ensure_private_dir`, but an OSError when `path` cannot be created."""
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        makedirs_private(path)
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
    """Write a 0600 file next to `path`, then rename it over `path` (on a
    failure, such as a full disk, the new file is removed and `path` is as it was)."""
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        try:
            write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as e:
        remove(tmp)
        if e.filename is None:  # os.write names no file: name it, for the message
            raise OSError(e.errno, e.strerror, path) from None
        raise
    except BaseException:
        remove(tmp)
        raise


def replace_problem(path: str) -> OSError | None:
    """Why `replace_file(path, ...)` would fail because `path` or its folder
    cannot be written, as the OSError (naming the file or the folder) writing
    would give; None when both can be written. Asked before anything is done,
    so that nothing is half done (and no editor is opened in vain)."""
    for target in (os.path.dirname(path) or ".", path):  # a read-only project: name its folder
        if not os.access(target, os.W_OK):
            import errno

            why = _why_not_writable(target)
            code = errno.EROFS if why == os.strerror(errno.EROFS) else errno.EACCES
            return OSError(code, why, target)
    return None


def replace_file(path: str, data: bytes, suffix: str = "tmp") -> None:
    """Replace the user's file `path` by `data` atomically, keeping its mode:
    a new file next to it, flushed to disk, renamed over it. On any failure the
    new file is removed and `path` is unchanged."""
    mode = os.stat(path).st_mode & 0o7777
    tmp = f"{path}.{os.getpid()}.{suffix}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        try:
            write_all(fd, data)
            os.fchmod(fd, mode)
            os.fsync(fd)  # a full disk can show only here (or at close), never after the rename
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        remove(tmp)
        raise


def write_error(what: str, path: str, e: OSError) -> ActivateError:
    """The one-screen error for `what` (e.g. "the manifest") at `path` that
    could not be written: which file, why, and what to do."""
    import errno

    folder = os.path.dirname(path) or "."
    cause = e.strerror or str(e)
    # e.filename is the file that failed: the file itself, its folder, or the new file beside it.
    where = "it" if e.filename in (None, path) else f"its folder {folder}"
    if e.errno == errno.EROFS:
        summary = f"{where} is on a read-only file system"
        hint = "remount that file system read-write, or work on a copy in a writable folder (activate -f COPY ...)"
    elif e.errno in (errno.EACCES, errno.EPERM):
        summary = f"{where} is not writable ({cause})"
        hint = f"make it writable (chmod u+w {path if where == 'it' else folder}), or ask its owner"
    elif e.errno in (errno.ENOSPC, errno.EDQUOT):
        summary = cause
        hint = f"free some space on the disk that holds {folder}, then try again"
    else:
        summary = f"{cause} ({e.filename})" if e.filename else cause
        hint = f"check that {folder} is writable"
    return ActivateError(
        f"cannot write {what} {path}: {summary}",
        details=(f"{what} is unchanged",),
        hint=hint,
    )


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
