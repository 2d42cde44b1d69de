"""Pass the hook's output on to stderr, naming the manifest instead of the private copy.

bash names the file in its own messages ("FILE: line N: go: command not
found") by the path given to `source`, which is the hook's private copy in
the state directory, and it counts the lines activate appends after the hook.
Neither can be changed from inside bash (assignments to BASH_SOURCE are
ignored; `bash -c CODE NAME` breaks a top-level `return`), so the hook's
stdout and stderr go through a relay process that rewrites `COPY: line N:`
into `MANIFEST: line N:`, with N kept within the hook's lines.

The relay is a grandchild of activate (so no zombie is left under the shell
activate becomes) and outlives it while a job the hook started in the
background still writes. activate waits only until the relay has passed on
everything bash wrote: it writes a marker after bash has ended, and the relay
answers on a pipe once everything before the marker is out.
"""

from __future__ import annotations

import os

_LINE = b": line "
_DIGITS = frozenset(b"0123456789")
_CHUNK = 65536
# How long a possible start of the copy's path waits for the rest before it is
# passed on as it is (bash writes a message prefix in one write, so the rest is
# normally already there).
_HOLD_SECONDS = 0.03


class Rewriter:
    """Rewrites a byte stream: `COPY: line N:` becomes `MANIFEST: line N':`
    (N' is N kept within `first`..`last`), any other `COPY` becomes `MANIFEST`.

    Fed in pieces; a piece's end that may be the start of a match is held back
    until the next piece (or `final`).
    """

    def __init__(self, copy: str, manifest: str, first: int, last: int) -> None:
        self._copy = os.fsencode(copy)
        self._manifest = os.fsencode(manifest)
        self._first = first
        self._last = max(first, last)
        self._held = b""

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
            out += (buf[pos:start], self._manifest)
            if number is not None:
                out.append(b"%s%d:" % (_LINE, min(max(number, self._first), self._last)))
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


class Relay:
    """A running relay: `fd` is what the hook gets as stdout and stderr."""

    def __init__(self, fd: int, ack: int, marker: bytes, middle: int) -> None:
        self.fd = fd
        self._ack = ack
        self._marker = marker
        self._middle = middle

    def finish(self) -> bool:
        """After bash has ended: wait until the relay has passed on all it wrote.
        False if the relay never started (a fork failed)."""
        try:
            os.write(self.fd, self._marker)  # one write, below PIPE_BUF: never split
            os.read(self._ack, 1)  # the answer, or end of file if the relay is gone
        except OSError:
            pass  # the relay is gone: nothing more to wait for
        finally:
            os.close(self._ack)
            os.close(self.fd)
        # Reaped only now: waiting for it in `start` would delay the hook by ~1 ms.
        return os.waitpid(self._middle, 0)[1] == 0


def start(rewriter: Rewriter) -> Relay:
    """Start the relay, copying from a new pipe (a pseudo-terminal when stderr
    is a terminal, so that the hook still sees one) to stderr."""
    tty = os.isatty(2)
    fds: list[int] = []
    try:
        fds += os.openpty() if tty else os.pipe()
        fds += os.pipe()
        # Above 0-2 even when activate was started with one of them closed.
        fds = [_above_stdio(fd) for fd in fds]
        source, sink, ack_r, ack_w = fds
        if tty:
            _raw_output(sink)
        marker = b"\0activate-relay-" + os.urandom(8).hex().encode() + b"\0"
        middle = os.fork()
        if middle == 0:  # the middle child: starts the relay and ends at once
            status = 1
            try:
                if os.fork() == 0:
                    _serve(source, ack_w, marker, rewriter, tty)
                status = 0
            finally:
                os._exit(status)
        os.close(source)
        os.close(ack_w)
    except BaseException:
        for fd in fds:
            try:
                os.close(fd)
            except OSError:
                pass
        raise
    return Relay(sink, ack_r, marker, middle)


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


def _serve(source: int, ack: int, marker: bytes, rewriter: Rewriter, tty: bool) -> None:
    """The relay: copy `source` to stderr through `rewriter` until end of file."""
    import _signal  # type: ignore[import-not-found]  # `signal` imports enum
    import select

    # Ctrl-C is for the hook (activate reports it); a write to a background
    # terminal must not stop the relay (TOSTOP).
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
    # Keep only stderr, `source` and `ack`: never activate's stdout (which
    # `eval "$(activate --print)"` reads to its end), stdin or lock files.
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    keep = sorted({2, source, ack})
    limit = max(os.sysconf("SC_OPEN_MAX"), keep[-1] + 1, 1024)  # -1 if unknown
    for low, high in zip(keep, [*keep[1:], limit], strict=True):
        os.closerange(low + 1, high)
    out = _Output()
    pending = b""  # a possible start of the marker
    waiting = True  # for the marker (activate waits for the answer)
    while True:
        if (rewriter.holding or pending) and not select.select([source], [], [], _HOLD_SECONDS)[0]:
            out.write(rewriter.feed(pending, final=True))
            pending = b""
            continue
        try:
            data = os.read(source, _CHUNK)
        except OSError:  # EIO: every copy of a pseudo-terminal's other end is closed
            data = b""
        if not data:
            out.write(rewriter.feed(pending, final=True))
            break
        data = pending + data
        pending = b""
        if waiting:
            at = data.find(marker)
            if at >= 0:
                out.write(rewriter.feed(data[:at], final=True))
                os.write(ack, b".")
                os.close(ack)
                waiting = False
                data = data[at + len(marker) :]
            else:
                keep_n = _tail_prefix(data, marker)
                data, pending = data[: len(data) - keep_n], data[len(data) - keep_n :]
        out.write(rewriter.feed(data))


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

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view and not self._broken:
            try:
                view = view[os.write(2, view) :]
            except OSError:
                self._broken = True
