"""zsh: POSIX quoting; started with ZDOTDIR pointing at activate's startup files."""

from __future__ import annotations

import os

from .label import prompt_label
from .posix import (
    HELPERS,
    HELPERS_CLEANUP,
    path_edit,
    quote,
    remove_file,
    set_list,
    set_var,
    source,
)
from .posix import define_deactivate as posix_deactivate
from .posix import not_provided as posix_not_provided
from .posix import unset_var as _posix_unset

# zsh ties these to arrays (MANPATH to manpath, ...): they always exist, empty
# and unexported when unused, and `unset` would delete the tie itself.
_TIED = frozenset(
    {"MANPATH", "FPATH", "CDPATH", "MODULE_PATH", "MAILPATH", "FIGNORE", "PSVAR", "WATCH"}
)


def unset_var(name: str) -> str:
    """`unset NAME;`, or for a tied special, empty and no longer exported."""
    if name in _TIED:
        return f"{name.lower()}=(); typeset +x {name};"  # MANPATH= would leave manpath=('')
    return _posix_unset(name)


TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

NAME = "zsh"
EXT = "zsh"
PROMPT_FIRST = False
__all__ = [
    "EXT",
    "HELPERS",
    "HELPERS_CLEANUP",
    "NAME",
    "PROMPT_FIRST",
    "define_deactivate",
    "forget",
    "not_provided",
    "note_profile",
    "path_edit",
    "prompt",
    "quote",
    "remove_file",
    "set_list",
    "set_var",
    "source",
    "startup",
    "track_end",
    "track_start",
    "undefine_deactivate",
    "unset_var",
]


def prompt(names: str) -> str:
    """Prefix PS1 in interactive shells, keeping the original so nesting never stacks."""
    if not names:  # the last environment left: the original prompt comes back
        return "if (( ${+_activate_ps1} )); then PS1=$_activate_ps1; unset _activate_ps1; fi;"
    return (
        'if [[ -o interactive ]] && [[ -z "${ACTIVATE_NO_PROMPT-}" ]]; then '
        "(( ${+_activate_ps1} )) || _activate_ps1=$PS1; "
        f"PS1={quote(prompt_label(names))}$_activate_ps1; fi;"
    )


def startup(
    program: str, launch: str, command: str | None, environ: Mapping[str, str], bundled: str
) -> tuple[list[str], dict[str, str | None]]:
    """zsh has no rcfile flag: its files are read from $ZDOTDIR, so ZDOTDIR points at
    bundled files that chain to the user's (the original ZDOTDIR travels along)."""
    env: dict[str, str | None] = {
        "_ACTIVATE_LAUNCH": launch,
        "ZDOTDIR": os.path.join(bundled, "zsh"),
        "_ACTIVATE_ZDOTDIR": environ.get("ZDOTDIR"),
    }
    argv = [program] if command is None else [program, "-c", command]
    return argv, env


# Tracking what [profile] code defines (for deactivate), without forking:
# zsh lists functions, aliases and parameters in associative arrays.
def track_start() -> str:
    """Remember the functions, aliases and parameters that exist now."""
    return "__activate_had=(${(k)functions} ${(k)aliases} ${(k)parameters});"


def track_end(depth: int) -> str:
    """Record, as `_activate_defs_<depth>`, what was defined since `track_start`."""
    var = f"_activate_defs_{depth}"
    parts = []
    for kind, table in (("f", "functions"), ("a", "aliases"), ("v", "parameters")):
        parts.append(
            f"for __activate_n in ${{(k){table}}}; do "
            "case $__activate_n in _activate*|__activate*) continue;; esac; "
            f"(( ${{__activate_had[(Ie)$__activate_n]}} )) || {var}+=({kind}:$__activate_n); done;"
        )
    return f"{var}=(); " + " ".join(parts) + " unset __activate_had __activate_n;"


def forget(depth: int) -> str:
    """Remove what `track_end` recorded."""
    var = f"_activate_defs_{depth}"
    return (
        f"for __activate_n in ${{{var}[@]}}; do case $__activate_n in "
        "f:*) unfunction -- ${__activate_n#f:};; a:*) unalias -- ${__activate_n#a:};; "
        "v:*) unset -- ${__activate_n#v:};; esac; done 2>/dev/null; "
        f"unset __activate_n {var};"
    )


def define_deactivate(command: str) -> str:
    """A `deactivate` function running `command deactivate`, unless one exists."""
    return posix_deactivate(
        command, "zsh", "(( ${+functions[deactivate]} + ${+aliases[deactivate]} ))"
    )


def undefine_deactivate() -> str:
    """Remove `deactivate`, if this activation defined it."""
    return "if (( ${+_activate_deactivate} )); then unfunction deactivate 2>/dev/null; unset _activate_deactivate; fi;"


def not_provided(entries: Sequence[tuple[str, str]]) -> str:
    """`command_not_found_handler` that names what [install] did not provide."""
    return posix_not_provided("zsh", "zsh", entries)


def note_profile(phase: str, shell_dir: str) -> str:
    """Code run before (`phase` "start") and after ("end") the [profile]
    code: what it exports joins `_ACTIVATE_OUTSIDE` (shell/zsh/outside.zsh)."""
    path = quote(os.path.join(shell_dir, "zsh", "outside.zsh"))
    if phase == "start":
        return f"if [[ -n ${{_ACTIVATE_OUTSIDE-}} ]]; then __activate_x=start; . {path}; fi;"
    return f"if [[ -n ${{__activate_x-}} ]]; then . {path}; fi;"
