"""Pass the hook's output on to stderr, naming the manifest instead of the private copy.

bash names the file in its own messages ("FILE: line N: go: command not
found") by the path given to `source`, which is the hook's private copy in
the state directory, and it counts the lines activate appends after the hook.
Neither can be changed from inside bash (assignments to BASH_SOURCE are
ignored; `bash -c CODE NAME` breaks a top-level `return`), so the hook's
stdout and stderr go to a pipe (a pseudo-terminal when stderr is a terminal,
so that the hook still sees one) that activate reads while the hook runs,
rewriting `COPY: line N:` into `MANIFEST: line N:`, with N kept within the
hook's lines.

When bash has ended, activate passes on what is left (a pipe holds all bash
wrote once bash has ended; a pseudo-terminal passes data on after a delay,
so activate reads up to a marker it writes after bash's end), so everything
bash wrote is out before activate's own messages. If a job the
hook started in the background still holds the pipe, a relay process (a
grandchild, so that no zombie is left under the shell activate becomes)
carries on copying until the job is done; otherwise no process is started.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_LINE = b": line "
_DIGITS = frozenset(b"0123456789")
_CHUNK = 65536
# How long a possible start of the copy's path waits for the rest before it is
# passed on as it is (bash writes a message prefix in one write, so the rest is
# normally already there).
_HOLD_SECONDS = 0.03


class Rewriter:
    """Rewrites a byte stream: `COPY: line N:` becomes `MANIFEST: line M:`,
    where line N of COPY is line M of MANIFEST (a hook made of the pieces of
    several manifests: `pieces` is (first line in COPY, manifest, its first
    line, its number of lines) each); any other `COPY` becomes the first
    manifest. A line past a piece's end is its last line (bash counts what
    activate appends after the hook).

    Fed in pieces; a piece's end that may be the start of a match is held back
    until the next piece (or `final`).
    """

    def __init__(self, copy: str, pieces: list[tuple[int, str, int, int]]) -> None:
        self._copy = os.fsencode(copy)
        self._pieces = pieces
        self._manifest = os.fsencode(pieces[0][1])
        self._held = b""

    def where(self, line: int) -> tuple[str, int]:
        """The manifest and its line for line `line` of the copy."""
        start, manifest, first, count = self._pieces[0]
        for piece in self._pieces:
            if piece[0] <= line:
                start, manifest, first, count = piece
        return manifest, first + min(max(line - start, 0), max(count - 1, 0))

    @property
    def holding(self) -> bool:
        """True while the end of what was fed is held back."""
        return bool(self._held)

    def feed(self, data: bytes, final: bool = False) -> bytes:
        """Return what of `self`'s held bytes plus `data` can be passed on now."""
        buf = self._held + data
        self._held = b""
        out: list[bytes] = []
        pos = 0
        while (start := buf.find(self._copy, pos)) >= 0:
            end, number = self._after(buf, start + len(self._copy), final)
            if end < 0:  # `COPY: line 4` at the very end: more digits may follow
                out.append(buf[pos:start])
                self._held = buf[start:]
                return b"".join(out)
            if number is not None:
                manifest, line = self.where(number)
                out += (buf[pos:start], os.fsencode(manifest), b"%s%d:" % (_LINE, line))
            else:
                out += (buf[pos:start], self._manifest)
            pos = end
        keep = 0 if final else self._partial(buf, pos)
        out.append(buf[pos : len(buf) - keep])
        self._held = buf[len(buf) - keep :]
        return b"".join(out)

    def _after(self, buf: bytes, at: int, final: bool) -> tuple[int, int | None]:
        """What follows the copy's path at `at`: (end, line number) for
        `: line N:`, (at, None) for anything else, (-1, None) if undecided."""
        rest = buf[at : at + len(_LINE)]
        if rest != _LINE:
            undecided = not final and _LINE.startswith(rest)
            return (-1 if undecided else at), None
        digits = at + len(_LINE)
        stop = digits
        while stop < len(buf) and buf[stop] in _DIGITS:
            stop += 1
        if stop == len(buf):
            return (at if final else -1), None
        if stop > digits and buf[stop] == ord(":"):
            return stop + 1, int(buf[digits:stop])
        return at, None

    def _partial(self, buf: bytes, pos: int) -> int:
        """How many bytes at the end of `buf` (after `pos`) may start the copy's path."""
        i = buf.find(self._copy[:1], max(pos, len(buf) - len(self._copy) + 1))
        while i >= 0:
            if self._copy.startswith(buf[i:]):
                return len(buf) - i
            i = buf.find(self._copy[:1], i + 1)
        return 0


class Channel:
    """The hook's stdout and stderr: give `fd` to bash as both, `pump` while
    it runs, then `close`."""

    def __init__(self, rewriter: Rewriter) -> None:
        self._rewriter = rewriter
        self._tty = os.isatty(2)
        self._out = _Output()
        self._marker: bytes | None = None
        self._marker_fd = -1
        fds = list(os.openpty() if self._tty else os.pipe())
        try:
            # Above 0-2 even when activate was started with one of them closed.
            fds = [_above_stdio(fd) for fd in fds]
            if self._tty:
                _raw_output(fds[1])
                # A terminal passes what is written on after a delay: a marker
                # written after bash ends tells when all it wrote has come. Its
                # own opening of the terminal, so that making it non-blocking
                # leaves bash's (and its background jobs') alone.
                flags = os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK | os.O_CLOEXEC
                fds.append(os.open(os.ttyname(fds[1]), flags))
                self._marker_fd = fds[2]
                self._marker = b"\0activate-end-" + os.urandom(8).hex().encode() + b"\0"
        except BaseException:
            for fd in fds:
                os.close(fd)
            raise
        self._source, self.fd = fds[:2]

    def _release_fd(self) -> None:
        """Close activate's copy of the hook's end (bash has its own)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def _read(self) -> bytes:
        """What the hook wrote; b"" at end of file (EIO from a terminal whose
        other end is closed everywhere)."""
        try:
            return os.read(self._source, _CHUNK)
        except BlockingIOError:  # EAGAIN: for `close` to tell, not an end
            raise
        except OSError:
            return b""

    def pump(self, pid: int, spin: Callable[[float], bytes] | None = None) -> int:
        """Pass the output on until process `pid` ends; return its wait status.

        `spin(elapsed)`, if given, is a status line shown from 2 s on while the
        hook prints nothing (for 1 s) and its output stands at a line's start;
        it is erased before any output.
        """
        import select
        import time

        self._release_fd()
        try:
            pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):  # not Linux 5.3+: poll
            pidfd = None
        watch = [self._source] if pidfd is None else [self._source, pidfd]
        started = time.monotonic()
        next_draw = started + 2.0
        shown = False
        status = None
        try:
            while status is None:
                waits = [0.02] if pidfd is None else []  # polling for the end
                if self._rewriter.holding:
                    waits.append(_HOLD_SECONDS)
                if spin is not None:
                    waits.append(max(next_draw - time.monotonic(), 0.0))
                ready = select.select(watch, [], [], min(waits, default=None))[0]
                now = time.monotonic()
                if self._source in ready:
                    data = self._read()
                    if not data:  # the hook closed its stdout and stderr
                        watch.remove(self._source)
                    if shown:
                        self._out.write(b"\r\x1b[K", status_line=True)
                        shown = False
                    self._out.write(self._rewriter.feed(data, final=not data))
                    next_draw = max(next_draw, now + 1.0)
                elif self._rewriter.holding:
                    self._out.write(self._rewriter.feed(b"", final=True))
                if pidfd is None or pidfd in ready:
                    done, waited = os.waitpid(pid, os.WNOHANG)
                    if done:
                        status = waited
                if status is None and spin is not None and now >= next_draw:
                    next_draw = now + 0.1
                    if self._out.at_line_start and not self._rewriter.holding:
                        self._out.write(b"\r\x1b[K" + spin(now - started), status_line=True)
                        shown = True
        finally:
            if shown:
                self._out.write(b"\r\x1b[K", status_line=True)
            if pidfd is not None:
                os.close(pidfd)
        return status

    def close(self) -> None:
        """After bash has ended: pass on all it wrote; leave the rest (from
        jobs still running in the background) to a relay process."""
        self._release_fd()
        if self._marker is not None:
            self._pass_until_marker(self._marker)
        # All bash wrote has been read (a pipe holds it as soon as it is
        # written). Does anyone else hold the other end? End of file (EIO for
        # a terminal) if not; EAGAIN while a background job does.
        os.set_blocking(self._source, False)
        try:
            while True:
                try:
                    data = self._read()
                except BlockingIOError:
                    os.set_blocking(self._source, True)
                    _hand_off(self._source, self._rewriter, self._tty)
                    return
                self._out.write(self._rewriter.feed(data, final=not data))
                if not data:
                    return
        finally:
            os.close(self._source)

    def _pass_until_marker(self, marker: bytes) -> None:
        """Write `marker` to the terminal, and pass on what comes before it."""
        while True:  # the terminal may be full (a background job): make room
            try:
                os.write(self._marker_fd, marker)
                break
            except BlockingIOError:
                self._out.write(self._rewriter.feed(self._read()))
        os.close(self._marker_fd)
        seen = b""
        while (at := seen.find(marker)) < 0:
            keep = _tail_prefix(seen, marker)
            self._out.write(self._rewriter.feed(seen[: len(seen) - keep]))
            more = self._read()
            if not more:  # cannot happen: the marker is still to come
                break
            seen = seen[len(seen) - keep :] + more
        self._out.write(self._rewriter.feed(seen[:at] if at >= 0 else seen, final=True))
        if at >= 0:
            self._out.write(self._rewriter.feed(seen[at + len(marker) :]))


def _above_stdio(fd: int) -> int:
    """`fd`, or a copy of it numbered 3 or more (closing `fd`)."""
    if fd > 2:
        return fd
    import fcntl

    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    os.close(fd)
    return high


def _raw_output(fd: int) -> None:
    """Turn off output processing on the terminal `fd` (so that "\\n" passes
    unchanged: the real terminal adds its "\\r") and copy stderr's window size."""
    import termios

    attrs = termios.tcgetattr(fd)
    attrs[1] &= ~termios.OPOST
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    try:
        termios.tcsetwinsize(fd, termios.tcgetwinsize(2))
    except termios.error:
        pass


def _hand_off(source: int, rewriter: Rewriter, tty: bool) -> None:
    """Start the relay process copying the rest of `source` (a grandchild:
    the middle process ends at once and is reaped here)."""
    try:
        middle = os.fork()
    except OSError:
        return  # the background job's later output is lost
    if middle == 0:
        try:
            if os.fork() == 0:
                _serve(source, rewriter, tty)
        finally:
            os._exit(0)
    os.waitpid(middle, 0)


def _serve(source: int, rewriter: Rewriter, tty: bool) -> None:
    """The relay: copy `source` to stderr through `rewriter` until end of file."""
    import _signal  # type: ignore[import-not-found]  # `signal` imports enum
    import select

    # Ctrl-C is for the jobs (and the shell that activate became); a write to
    # a background terminal must not stop the relay (TOSTOP).
    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
    _signal.signal(_signal.SIGTTOU, _signal.SIG_IGN)
    if tty:
        import termios

        def resize(signum: int, frame: object) -> None:
            try:
                termios.tcsetwinsize(source, termios.tcgetwinsize(2))
            except termios.error:
                pass

        _signal.signal(_signal.SIGWINCH, resize)
    # Keep only stderr and `source`: never activate's stdout (which
    # `eval "$(activate --print)"` reads to its end), stdin or lock files.
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    keep = sorted({2, source})
    limit = max(os.sysconf("SC_OPEN_MAX"), keep[-1] + 1, 1024)  # -1 if unknown
    for low, high in zip(keep, [*keep[1:], limit], strict=True):
        os.closerange(low + 1, high)
    out = _Output()
    while True:
        if rewriter.holding and not select.select([source], [], [], _HOLD_SECONDS)[0]:
            out.write(rewriter.feed(b"", final=True))
            continue
        try:
            data = os.read(source, _CHUNK)
        except OSError:  # EIO: every copy of a pseudo-terminal's other end is closed
            data = b""
        out.write(rewriter.feed(data, final=not data))
        if not data:
            return


def _tail_prefix(data: bytes, marker: bytes) -> int:
    """How many bytes at the end of `data` are a start of `marker`."""
    i = data.find(marker[:1], max(0, len(data) - len(marker) + 1))
    while i >= 0:
        if marker.startswith(data[i:]):
            return len(data) - i
        i = data.find(marker[:1], i + 1)
    return 0


class _Output:
    """stderr; once writing fails (a closed pipe), the rest is read and dropped,
    so that the hook's background jobs never block or get SIGPIPE."""

    def __init__(self) -> None:
        self._broken = False
        self.at_line_start = True  # what was written last ends a line

    def write(self, data: bytes, status_line: bool = False) -> None:
        """Write `data` (a `status_line` is drawn over and erased: not output)."""
        if data and not status_line:
            self.at_line_start = data.endswith(b"\n")
        view = memoryview(data)
        while view and not self._broken:
            try:
                view = view[os.write(2, view) :]
            except OSError:
                self._broken = True
