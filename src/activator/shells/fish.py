"""fish: its own quoting (POSIX quoting breaks on a trailing `\\`); PATH is a list."""

from __future__ import annotations

import os

from ..operations import PathEdit
from .label import prompt_label

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

NAME = "fish"
EXT = "fish"
HELPERS = ""  # path_edit is self-contained
HELPERS_CLEANUP = ""
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


def quote(value: str) -> str:
    """Single quotes, with `\\` written `\\\\` and `'` written `\\'`: inside fish's
    single quotes those are the only two escapes."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def set_var(name: str, value: str) -> str:
    """`set -gx NAME 'value';` (fish splits a *PATH value on `:` into its list)."""
    return f"set -gx {name} {quote(value)};"


def set_list(name: str, values: Sequence[str]) -> str:
    """`set -g NAME 'a' 'b';`: a global shell variable (not exported) holding a list."""
    return f"set -g {name} " + " ".join(quote(v) for v in values) + ";"


def unset_var(name: str) -> str:
    """`set -e NAME;`"""
    return f"set -e {name};"


def source(path: str) -> str:
    """`source 'path';`"""
    return f"source {quote(path)};"


def remove_file(path: str, rm: str) -> str:
    """`command RM` with rm's absolute path: no function or PATH the user set changes it."""
    return f"command {quote(rm)} -f -- {quote(path)};"


def path_edit(edit: PathEdit) -> str:
    """Rebuild $PATH (a list in fish): our entries moved to the front/back, once."""
    ours = " ".join(quote(e) for e in (*edit.front, *edit.back, *edit.remove))
    front = " ".join(quote(e) for e in edit.front)
    back = " ".join(quote(e) for e in edit.back)
    return (
        "set -l __activate_keep; "
        f"for __activate_e in $PATH; contains -- $__activate_e {ours}; "
        "or set -a __activate_keep $__activate_e; end; "
        f"set -gx PATH {front} $__activate_keep {back}; "
        "set -e __activate_keep;"
    )


def prompt(names: str) -> str:
    """Wrap fish_prompt once; a nested activation replaces the label, never stacks.
    `_activate_prompt_on` marks that activate's wrapper is in place."""
    if not names:  # the last environment left: the original prompt comes back
        return (
            "if set -q _activate_prompt_on; functions -e fish_prompt; "
            "if functions -q __activate_fish_prompt; functions -c __activate_fish_prompt fish_prompt; "
            "functions -e __activate_fish_prompt; end; set -e _activate_prompt_on; end;"
        )
    return (
        "if status is-interactive; and not set -q ACTIVATE_NO_PROMPT; "
        "if not set -q _activate_prompt_on; and functions -q fish_prompt; "
        "functions -c fish_prompt __activate_fish_prompt; end; set -g _activate_prompt_on 1; "
        f"function fish_prompt; printf '%s' {quote(prompt_label(names))}; "
        "functions -q __activate_fish_prompt; and __activate_fish_prompt; end; end;"
    )


def startup(
    program: str, launch: str, command: str | None, environ: Mapping[str, str], bundled: str
) -> tuple[list[str], dict[str, str | None]]:
    """--init-command runs after config.fish, in interactive shells and with -c."""
    argv = [program, "--init-command", f"source {quote(launch)}"]
    if command is not None:
        argv += ["-c", command]
    return argv, {}


# Tracking what [profile] code defines (for deactivate). fish's aliases are
# functions; `functions -a -n` and `set -n` are builtins (no fork).
def track_start() -> str:
    """Remember the functions and variables that exist now."""
    return "set -g __activate_had (functions -a -n) (set -n);"


def track_end(depth: int) -> str:
    """Record, as `_activate_defs_<depth>`, what was defined since `track_start`."""
    var = f"_activate_defs_{depth}"
    return (
        f"set -g {var}; "
        "for __activate_n in (functions -a -n); contains -- $__activate_n $__activate_had; "
        f"or set -a {var} f:$__activate_n; end; "
        "for __activate_n in (set -n); contains -- $__activate_n $__activate_had; "
        "or string match -q -r '^_?_activate' -- $__activate_n; "
        f"or set -a {var} v:$__activate_n; end; "
        "set -e __activate_had; set -e __activate_n;"
    )


def forget(depth: int) -> str:
    """Remove what `track_end` recorded."""
    var = f"_activate_defs_{depth}"
    return (
        f"for __activate_n in ${var}; "
        "switch $__activate_n; case 'f:*'; functions -e (string sub -s 3 -- $__activate_n); "
        "case 'v:*'; set -e (string sub -s 3 -- $__activate_n); end; end; "
        f"set -e __activate_n; set -e {var};"
    )


def define_deactivate(command: str) -> str:
    """A `deactivate` function that runs `command deactivate` and sources its
    code, returning its failure; left out when a `deactivate` exists already."""
    return (
        "if not functions -q deactivate; function deactivate; "
        f"set -l __activate_code (command {quote(command)} deactivate --shell fish); or return $status; "
        "string join \\n -- $__activate_code | source; end; set -g _activate_deactivate 1; end;"
    )


def undefine_deactivate() -> str:
    """Remove `deactivate`, if this activation defined it."""
    return (
        "if set -q _activate_deactivate; functions -e deactivate; set -e _activate_deactivate; end;"
    )


def not_provided(entries: Sequence[tuple[str, str]]) -> str:
    """A `fish_command_not_found` that also names what [install] did not provide."""
    from ..bundled import template

    return template("fish", "not-found.fish", " ".join(quote(w) for p in entries for w in p))


def note_profile(phase: str, shell_dir: str) -> str:
    """Code run before (`phase` "start") and after ("end") the [profile]
    code: what it exports joins `_ACTIVATE_OUTSIDE` (shell/fish/outside.fish)."""
    path = quote(os.path.join(shell_dir, "fish", "outside.fish"))
    if phase == "start":
        return f"if set -q _ACTIVATE_OUTSIDE; set -g __activate_x start; source {path}; end;"
    return f"if set -q __activate_x; source {path}; end;"
