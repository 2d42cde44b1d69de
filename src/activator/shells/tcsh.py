"""tcsh: single quotes with `!` and newlines escaped; started with HOME pointing
at a bundled .tcshrc that restores HOME and chains to the user's files."""

from __future__ import annotations

import os

from ..operations import PathEdit
from .label import prompt_label

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

NAME = "tcsh"
EXT = "tcsh"
HELPERS = ""  # path_edit is self-contained (tcsh has no functions)
HELPERS_CLEANUP = ""
# tcsh stops reading a sourced file at the first error, so a profile that
# fails at run time would leave the prompt unset: the prompt comes first.
PROMPT_FIRST = True
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
    """Single quotes; `'` as `'\\''`, `!` as `\\!` (history expansion happens even in
    sourced files) and a newline as backslash-newline."""
    return "'" + value.replace("'", "'\\''").replace("!", "'\\!'").replace("\n", "\\\n") + "'"


def set_var(name: str, value: str) -> str:
    """`setenv NAME 'value';`"""
    return f"setenv {name} {quote(value)};"


def set_list(name: str, values: Sequence[str]) -> str:
    """`set NAME = ( 'a' 'b' );`: a shell variable (not exported) holding a list."""
    return f"set {name} = ( " + " ".join(quote(v) for v in values) + " );"


def unset_var(name: str) -> str:
    """`unsetenv NAME;`"""
    return f"unsetenv {name};"


def source(path: str) -> str:
    """`source 'path';`"""
    return f"source {quote(path)};"


def remove_file(path: str, rm: str) -> str:
    """rm by its absolute path: no alias or PATH the user set changes it."""
    return f"{quote(rm)} -f -- {quote(path)};"


def path_edit(edit: PathEdit) -> str:
    """Rebuild tcsh's $path (the list tied to PATH): our entries first/last, once."""
    ours = " || ".join(
        f'"$_activate_e" == {quote(e)}' for e in (*edit.front, *edit.back, *edit.remove)
    )
    front = " ".join(quote(e) for e in edit.front)
    back = " ".join(quote(e) for e in edit.back)
    return (
        "if ( ! $?path ) set path = ( )\n"  # an rc file may have unset it
        "set _activate_keep = ()\n"
        "foreach _activate_e ( $path:q )\n"
        + (f"if ( {ours} ) continue\n" if ours else "")
        + "set _activate_keep = ( $_activate_keep:q $_activate_e:q )\n"
        "end\n"
        f"set path = ( {front} $_activate_keep:q {back} )\n"
        "unset _activate_keep _activate_e\n"
    )


def prompt(names: str) -> str:
    """Prefix $prompt in interactive shells (where tcsh sets it), never stacking."""
    if not names:  # the last environment left: the original prompt comes back
        return 'if ( $?_activate_prompt ) then\nset prompt = "$_activate_prompt:q"\nunset _activate_prompt\nendif\n'
    return (
        "if ( $?prompt ) then\n"
        "if ( ! $?ACTIVATE_NO_PROMPT ) then\n"
        'if ( ! $?_activate_prompt ) set _activate_prompt = "$prompt:q"\n'
        f'set prompt = {quote(prompt_label(names))}"$_activate_prompt:q"\n'
        "endif\n"
        "endif\n"
    )


def startup(
    program: str, launch: str, command: str | None, environ: Mapping[str, str], bundled: str
) -> tuple[list[str], dict[str, str | None]]:
    """tcsh has no rcfile flag: HOME points at the bundled .tcshrc for the start
    (`-m` lets tcsh read a .tcshrc owned by someone else, as when installed by root)."""
    env: dict[str, str | None] = {
        "_ACTIVATE_LAUNCH": launch,
        "HOME": os.path.join(bundled, "tcsh"),
        "_ACTIVATE_HOME": environ.get("HOME"),
    }
    argv = [program, "-m"] if command is None else [program, "-m", "-c", command]
    return argv, env


# Tracking what [profile] code defines (for deactivate): tcsh has aliases and
# shell variables (no functions). Names come from the builtins `alias` and
# `set` (lines "NAME<tab>value") and `printenv` ("NAME=value"), split by tcsh
# itself: no external program, so a PATH the user set cannot break it.
def _names(lister: str, var: str) -> list[str]:
    """Code adding the first word of each line `lister` prints (its names) to
    `var`. `:x` splits a line into quoted words: a value's `*`, `(` or `=`
    stays a plain word (unquoted, `set` would read them); an empty line has none."""
    return [
        f'foreach __activate_l ( "`{lister}`" )',
        "set __activate_w = ( $__activate_l:s/=/ /:x )",
        f"if ( $#__activate_w ) set {var} = ( ${var}:q $__activate_w[1]:q )",
        "end",
    ]


def track_start() -> str:
    """Remember the aliases, shell variables and environment variables that exist now."""
    lines = ["set __activate_had = ( )"]
    for lister in ("alias", "set", "printenv"):
        lines += _names(lister, "__activate_had")
    lines.append("unset __activate_l __activate_w")
    return "\n".join(lines) + "\n"


def track_end(depth: int) -> str:
    """Record, as `_activate_defs_<depth>`, what was defined since `track_start`."""
    var = f"_activate_defs_{depth}"
    lines = [f"set {var} = ( )"]
    for kind, lister in (("a", "alias"), ("v", "set"), ("e", "printenv")):
        lines += ["set __activate_now = ( )", *_names(lister, "__activate_now")]
        lines += [
            "foreach __activate_n ( $__activate_now:q )",
            'if ( " $__activate_had " =~ *" $__activate_n "* || "$__activate_n" =~ _activate* || "$__activate_n" =~ __activate* ) then',
            "else",
            f"set {var} = ( ${var}:q {kind}:$__activate_n:q )",
            "endif",
            "end",
        ]
    lines.append("unset __activate_had __activate_n __activate_now __activate_l __activate_w")
    return "\n".join(lines) + "\n"


def forget(depth: int) -> str:
    """Remove what `track_end` recorded."""
    var = f"_activate_defs_{depth}"
    return (
        "\n".join(
            [
                f"if ( $?{var} ) then",
                f"foreach __activate_n ( ${var}:q )",
                'if ( "$__activate_n" =~ a:* ) unalias "$__activate_n:s/a://"',
                'if ( "$__activate_n" =~ v:* ) unset "$__activate_n:s/v://"',
                'if ( "$__activate_n" =~ e:* ) unsetenv "$__activate_n:s/e://"',
                "end",
                f"unset __activate_n {var}",
                "endif",
            ]
        )
        + "\n"
    )


def define_deactivate(command: str) -> str:
    """A `deactivate` alias that runs `command deactivate` (which prints a
    `source` line) and evaluates it; left out when a `deactivate` alias exists
    already. When it prints nothing (it failed, and said why on stderr), the
    alias's status is 1: `eval` of nothing would succeed."""
    run = f"`'{quote(command)}' deactivate --shell tcsh`"
    alias = (
        f'alias deactivate \'set __activate_c = "{run}"; '
        'if ( "$__activate_c:q" != "" ) eval "$__activate_c:q; unset __activate_c"; '
        'if ( $?__activate_c ) eval "unset __activate_c; set status = 1"\''
    )
    return f'if ( "`alias deactivate`" == "" ) then\n{alias}\nset _activate_deactivate\nendif\n'


def undefine_deactivate() -> str:
    """Remove `deactivate`, if this activation defined it."""
    return "if ( $?_activate_deactivate ) then\nunalias deactivate\nunset _activate_deactivate\nendif\n"


def not_provided(entries: Sequence[tuple[str, str]]) -> str:
    """tcsh has no not-found hook: each command that is not found (`which`, a
    builtin) becomes an alias printing tcsh's message and ours, status 127.
    `>>`: `>` would truncate a stderr that is a file; an alias without `!*`
    appends its arguments to the last command, so `!*` takes them."""
    lines = []
    for command, message in entries:
        body = (
            f"echo {quote(command + ': Command not found.')} >> /dev/stderr; "
            f"echo {quote('activate: ' + message)} >> /dev/stderr; "
            "set __activate_args = ( !*:q ); unset __activate_args; (exit 127)"  # the args go here
        )
        lines.append(
            f"which {quote(command)} >& /dev/null\nif ( $status ) alias {quote(command)} {quote(body)}"
        )
    return "\n".join(lines) + "\n"


def note_profile(phase: str, shell_dir: str) -> str:
    """Code run before (`phase` "start") and after ("end") the [profile]
    code: the names it exports join `_ACTIVATE_OUTSIDE` (shell/tcsh/outside.tcsh)."""
    path = quote(os.path.join(shell_dir, "tcsh", "outside.tcsh"))
    if phase == "start":
        return f"if ( $?_ACTIVATE_OUTSIDE ) then\nset __activate_x = start\nsource {path}\nendif\n"
    return f"if ( $?__activate_x ) source {path}\n"
