"""Errors users see, and how they are shown.

Every failure the user can act on is an `ActivateError`: a one-line summary,
optional detail lines, the file/line/column it is about, a hint, and the exit
status. `report` renders it on stderr; rich is imported only here, on the
error path, so the hot path never pays for it.
"""

from __future__ import annotations

import os
import sys

# Exit statuses (documented in docs/exit-codes.md).
EXIT_FAILURE = 1  # the environment or the machine stopped us (state dir, shell missing, ...)
EXIT_USAGE = 2  # bad command line
EXIT_MANIFEST = 3  # the manifest is invalid; nothing ran
EXIT_HOOK_ENDED_EARLY = 4  # the hook called `exit 0` or `exec`: activation left half-done
EXIT_PACKAGES = 5  # [install] pip/conda entries could not be resolved, built or locked
EXIT_SERVICES = 6  # [services] could not be started (or supervisor is missing)
EXIT_NOT_EXECUTABLE = 126
EXIT_NOT_FOUND = 127
EXIT_INTERRUPTED = 130


class ActivateError(Exception):
    """An error with everything needed to explain it to the user."""

    def __init__(
        self,
        summary: str,
        *,
        details: tuple[str, ...] = (),
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        status: int = EXIT_FAILURE,
        source_text: str | None = None,
    ) -> None:
        super().__init__(summary)
        self.summary = summary
        self.details = details
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint
        self.status = status
        self.source_text = source_text

    def location(self) -> str | None:
        """`file, line L, column C` as far as known."""
        if self.path is None:
            return None
        where = self.path
        if self.line is not None:
            where += f", line {self.line}"
            if self.column is not None:
                where += f", column {self.column}"
        return where


class UsageError(ActivateError):
    """A bad command line; the hint names the help of the command at `path`."""

    def __init__(self, summary: str, path: tuple[str, ...] | list[str] = ()) -> None:
        command = " ".join(("activate", *path))
        super().__init__(summary, hint=f"see {command} --help", status=EXIT_USAGE)


def excerpt(text: str, line: int, column: int | None, context: int = 1) -> list[str]:
    """The lines around `line` (1-based) with a caret under `column`."""
    lines = text.splitlines()
    out: list[str] = []
    first = max(1, line - context)
    last = min(len(lines), line + context)
    width = len(str(last))
    for n in range(first, last + 1):
        shown = lines[n - 1].expandtabs(4)
        if len(shown) > 120:
            shown = shown[:117] + "..."
        out.append(f"{n:>{width}} | {shown}")
        if n == line and column is not None and column > 0:
            out.append(" " * width + " | " + " " * (column - 1) + "^")
    return out


def plain_lines(err: ActivateError) -> list[str]:
    """The error as plain text lines, without styling."""
    lines = [f"activate: error: {err.summary}"]
    where = err.location()
    if where:
        lines.append(f"  in {where}")
    if err.source_text is not None and err.line is not None:
        lines.extend("  " + x for x in excerpt(err.source_text, err.line, err.column))
    for d in err.details:
        lines.extend("  " + part for part in d.splitlines() or [""])
    if err.hint:
        lines.append(f"  hint: {err.hint}")
    return lines


def report(err: ActivateError) -> None:
    """Write the error to stderr: styled with rich on a terminal, plain otherwise."""
    lines = plain_lines(err)
    if os.environ.get("NO_COLOR") or not stderr_is_terminal():
        sys.stderr.write("\n".join(lines) + "\n")
        sys.stderr.flush()
        return
    from rich.console import Console  # error path only
    from rich.markup import escape

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    console.print(f"[bold red]activate: error:[/] {escape(err.summary)}")
    for line in lines[1:]:
        style = "yellow" if line.lstrip().startswith("hint:") else "dim" if "|" in line else ""
        text = escape(line)
        console.print(f"[{style}]{text}[/]" if style else text)


def warn(message: str) -> None:
    """A one-line warning on stderr."""
    sys.stderr.write(f"activate: {message}\n")
    sys.stderr.flush()


def stderr_is_terminal() -> bool:
    """True when stderr is a terminal that can redraw a line (not TERM=dumb)."""
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return os.isatty(2)
    except OSError:
        return False
