"""Progress of long package work on stderr: a spinner line at a terminal
(rich), one plain line per step otherwise. Never on stdout."""

from __future__ import annotations

import sys

from ..errors import stderr_is_terminal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    from rich.status import Status


class Progress:
    """`with Progress() as p: p.say("resolving ...")`: each step replaces the last."""

    def __init__(self, say: Callable[[str], None] | None = None) -> None:
        self._custom = say
        self._status: Status | None = None

    def __enter__(self) -> Progress:
        return self

    def say(self, step: str) -> None:
        """Show `step` (what is being done now)."""
        if self._custom is not None:
            self._custom(step)
            return
        if not stderr_is_terminal():
            sys.stderr.write(f"activate: {step}\n")
            sys.stderr.flush()
            return
        if self._status is None:
            from rich.console import Console

            console = Console(stderr=True, highlight=False)
            self._status = console.status(f"activate: {step}")
            self._status.start()
        else:
            self._status.update(f"activate: {step}")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None
