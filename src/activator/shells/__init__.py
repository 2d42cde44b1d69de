"""One module per shell behind one small protocol, and the registry of them.

Every function here is pure: it turns values into that shell's code and never
reads the environment or prints.
"""

from __future__ import annotations

from . import bash, fish, tcsh, zsh

TYPE_CHECKING = False
if TYPE_CHECKING:  # the protocol is for the type checker; typing costs ms at run time
    from collections.abc import Mapping, Sequence
    from typing import Protocol

    from ..operations import PathEdit

    class Shell(Protocol):
        """What activate needs from a shell."""

        NAME: str
        EXT: str  # file extension for generated code
        HELPERS: str  # functions `path_edit` code calls, defined before it
        HELPERS_CLEANUP: str  # removes them again
        PROMPT_FIRST: bool  # set the prompt before sourcing the profile

        def quote(self, value: str) -> str:
            """`value` as one word of this shell, taken literally."""
            ...

        def set_var(self, name: str, value: str) -> str:
            """Code exporting `name` with exactly `value`."""
            ...

        def set_list(self, name: str, values: Sequence[str]) -> str:
            """Code setting the shell variable `name` (not exported) to the list `values`."""
            ...

        def unset_var(self, name: str) -> str:
            """Code removing `name` from the environment."""
            ...

        def path_edit(self, edit: PathEdit) -> str:
            """Code applying `edit` to PATH as it is when the code runs."""
            ...

        def source(self, path: str) -> str:
            """Code sourcing the file at `path`."""
            ...

        def remove_file(self, path: str, rm: str) -> str:
            """Code deleting the file at `path` (the generated file itself) with
            the program `rm` (an absolute path: the code must not depend on PATH)."""
            ...

        def prompt(self, names: str) -> str:
            """Code showing `names` before the prompt, once, in interactive shells."""
            ...

        def track_start(self) -> str:
            """Code remembering the functions, aliases and variables that exist now."""
            ...

        def track_end(self, depth: int) -> str:
            """Code recording, for deactivate, what was defined since `track_start`."""
            ...

        def note_profile(self, phase: str, shell_dir: str) -> str:
            """Code run before (`phase` "start") and after ("end") the [profile]
            code, adding what it exports to `_ACTIVATE_OUTSIDE` (outside.py)."""
            ...

        def forget(self, depth: int) -> str:
            """Code removing what `track_end(depth)` recorded."""
            ...

        def define_deactivate(self, command: str) -> str:
            """Code defining `deactivate`, which runs `command deactivate` and evaluates it."""
            ...

        def undefine_deactivate(self) -> str:
            """Code removing `deactivate`."""
            ...

        def not_provided(self, entries: Sequence[tuple[str, str]]) -> str:
            """Code making `command not found` for each (command, message) of
            `entries` also print the message (what [install] did not provide)."""
            ...

        def startup(
            self,
            program: str,
            launch: str,
            command: str | None,
            environ: Mapping[str, str],
            bundled: str,
        ) -> tuple[list[str], dict[str, str | None]]:
            """argv, and environment changes (None = unset), that start this shell
            so it reads the user's rc files, then sources `launch`; with `command`,
            running it like `-c`."""
            ...


SHELLS: dict[str, Shell] = {"bash": bash, "zsh": zsh, "fish": fish, "tcsh": tcsh}
