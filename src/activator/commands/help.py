"""`activate help [COMMAND...]`, `activate --help` and `activate COMMAND --help`:
help text assembled from the command table."""

from __future__ import annotations

import sys

from .. import commands
from ..errors import UsageError
from ..grammar import Invocation, Option, usage

_WIDTH = 24  # the column where option help starts


def run(inv: Invocation) -> int:
    """Print the help of the command named by the arguments (of activate without any)."""
    return show(inv.args)


def show(path: tuple[str, ...] | list[str]) -> int:
    """Print the help of the command at `path` on stdout."""
    sys.stdout.write(text(tuple(path)))
    return 0


def text(path: tuple[str, ...]) -> str:
    """The help of the command at `path`: usage, what it does, options, examples."""
    if not path:
        return _top()
    cmd = commands.lookup(path[0])
    inherited: list[Option] = []
    for i, name in enumerate(path[1:], start=1):
        if cmd is None:
            break
        inherited.extend(cmd.options)
        cmd = cmd.child(name)
        if cmd is None:
            raise UsageError(f"activate {' '.join(path[:i])} has no command {name!r}", path[:i])
    if cmd is None:
        raise UsageError(f"no such command: {path[0]!r} (commands: {', '.join(commands.NAMES)})")
    lines = [f"usage: {usage(cmd, path, inherited)}", "", cmd.help, ""]
    if cmd.children:
        lines.append("Commands:")
        lines += [_row(f"{c.name}", c.summary) for c in cmd.children]
        lines.append("")
    if cmd.args:
        lines.append("Arguments:")
        lines += [_row(a.name, a.help + _choices(a.choices)) for a in cmd.args]
        lines.append("")
    options = [*inherited, *cmd.options]
    lines.append("Options:")
    lines += [_option(o) for o in options]
    lines.append(_row("-h, --help", "show this help"))
    lines += ["", "Example:" if len(cmd.examples) == 1 else "Examples:"]
    lines += [f"  {e}" for e in cmd.examples]
    return "\n".join(lines) + "\n"


def _top() -> str:
    top = commands.TOP
    lines = [
        "usage: activate [-d DIR | -f FILE] [--mode dev|run] [--shell SHELL]",
        "                [--print | -c CODE | -- COMMAND [ARGS...]]",
        "       activate --outside (-- COMMAND [ARGS...] | -c CODE)",
        "       activate COMMAND [ARGS...]      (activate COMMAND --help for its help)",
        "",
        top.help,
        "",
        commands.WAYS,
        "Commands:",
    ]
    lines += [_row(c.name, c.summary) for c in commands.COMMANDS if not c.hidden]
    lines += ["", "Options:"]
    lines += [_option(o) for o in top.options]
    lines += ["", commands.EPILOGUE, "Examples:"]
    lines += [f"  {e}" for e in top.examples]
    return "\n".join(lines) + "\n"


def _option(opt: Option) -> str:
    names = ", ".join(opt.names)
    # long-only options line up with the long spellings of the others
    shown = "    " + names if opt.names[0].startswith("--") else names
    if opt.value:
        shown += f" {opt.value}"
    return _row(shown, opt.help + (_choices(opt.choices) if opt.strict else ""))


def _choices(choices: tuple[str, ...]) -> str:
    return f" (one of: {', '.join(choices)})" if choices else ""


def _row(left: str, right: str) -> str:
    """`  left    right`, the right side wrapped at 79 columns."""
    words = right.split()
    lines: list[str] = []
    current = ""
    for w in words:
        if current and len(current) + 1 + len(w) > 79 - _WIDTH:
            lines.append(current)
            current = w
        else:
            current = f"{current} {w}" if current else w
    lines.append(current)
    first = f"  {left}"
    if len(first) >= _WIDTH:
        out = [first] + [" " * _WIDTH + x for x in lines]
    else:
        out = [first.ljust(_WIDTH) + lines[0]] + [" " * _WIDTH + x for x in lines[1:]]
    return "\n".join(out)
