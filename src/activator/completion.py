"""Tab completion for `activate`: the code `activate completion SHELL` prints.

    bash:  eval "$(activate completion bash)"
    zsh:   source <(activate completion zsh)    (after compinit; or save it as
           _activate in a folder of $fpath)
    fish:  activate completion fish | source
    tcsh:  eval "`activate completion tcsh`"

The shell code is in `shell/completion/activate.SHELL`, one template a shell;
this module only fills in data taken from the command table
(`commands/__init__.py`): the commands at every depth, with their sub-verbs,
options and arguments, and how each value completes. Adding a subcommand or
an option to the table changes the scripts with no change here.

The code is static: completing never runs activate. Variable names for
`vars set|unset` come from one cheap awk over the manifest
(`shell/completion/vars.awk`).
"""

from __future__ import annotations

import os
import re
import shlex

from . import commands
from .bundled import shell_dir
from .grammar import COMPLETIONS, Arg, Command, Option
from .supported import SHELLS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["ACTIONS", "SHELLS", "Node", "script", "spec", "table", "vars_awk", "walk"]

# The options of activate itself after which no subcommand may follow (--print, -c).
ACTIONS = tuple(commands.ACTIONS)


class Node:
    """A command of the table at some depth, as completion sees it."""

    __slots__ = ("path", "command", "options")

    def __init__(
        self, path: tuple[str, ...], command: Command, options: tuple[Option, ...]
    ) -> None:
        self.path = path  # () for activate itself; ("vars", "set")
        self.command = command
        self.options = options  # its own and those of the groups above it

    @property
    def key(self) -> str:
        """The path as the scripts spell it: words joined by one space."""
        return " ".join(self.path)


def table() -> Command:
    """The whole command table as one tree: activate itself, its subcommands
    as children."""
    return commands.TOP.replace(children=tuple(c for c in commands.COMMANDS if not c.hidden))


def walk(root: Command) -> Iterator[Node]:
    """Every command of the tree, parents before their children. Its names,
    option spellings and choices must be plain words: the scripts hold them
    unquoted, as patterns and in word lists."""

    def visit(cmd: Command, path: tuple[str, ...], above: tuple[Option, ...]) -> Iterator[Node]:
        options = (*above, *cmd.options)
        words = [c.name for c in cmd.children] + [n for o in cmd.options for n in o.names]
        words += [w for o in cmd.options for w in o.choices]
        words += [w for a in cmd.args for w in a.choices]
        for word in words:
            if not _PLAIN.fullmatch(word):
                raise ValueError(f"not a plain word, in the command table: {word!r}")
        yield Node(path, cmd, options)
        for child in cmd.children:
            # the root's options come before a subcommand, not after it
            yield from visit(child, (*path, child.name), options if path else ())

    return visit(root, (), ())


_PLAIN = re.compile(r"-{0,2}[A-Za-z0-9][A-Za-z0-9_.+-]*")


def spec(value: Option | Arg) -> str:
    """How a value completes, as every script spells it: `(a b c)` for
    choices, else its kind (grammar.COMPLETIONS; "" for free text)."""
    if value.choices:
        return "(" + " ".join(value.choices) + ")"
    if value.complete not in COMPLETIONS:
        raise ValueError(f"unknown completion kind {value.complete!r}: see grammar.COMPLETIONS")
    return value.complete


def vars_awk() -> str:
    """The awk program printing the [vars] names, as one line (its comment
    lines dropped)."""
    with open(_template_path("vars.awk"), encoding="utf-8") as f:
        lines = [line.strip() for line in f]
    return " ".join(line for line in lines if line and not line.startswith("#"))


def script(shell: str, root: Command | None = None) -> str:
    """The completion code for `shell` (bash, zsh, fish or tcsh), for the
    command tree `root` (default: activate's own table)."""
    makers: dict[str, Callable[[list[Node]], str]] = {
        "bash": _bash_table,
        "zsh": _zsh_table,
        "fish": _fish_table,
        "tcsh": _tcsh_rules,
    }
    if shell not in makers:
        raise ValueError(f"no completion for {shell!r}: choose bash, zsh, fish or tcsh")
    nodes = list(walk(root or table()))
    with open(_template_path(f"activate.{shell}"), encoding="utf-8") as f:
        template = f.read()
    if shell == "tcsh":
        # eval "`...`" joins lines, so a comment would swallow the rest: the
        # template's comment lines are for its readers only
        template = "".join(line for line in template.splitlines(True) if not line.startswith("#"))
    if "@TABLE@" not in template:
        raise ValueError(f"the {shell} completion template has no @TABLE@")
    code = template.replace("@TABLE@", makers[shell](nodes)).replace("@VARS_AWK@", vars_awk())
    left = re.search(r"@[A-Z][A-Z_]*@", code)
    if left:
        raise ValueError(f"the {shell} completion template has an unknown {left.group()}")
    return code


def _template_path(name: str) -> str:
    """A file of the bundled shell/completion/ folder."""
    return os.path.join(shell_dir(), "completion", name)


# --- bash and zsh: one `case` arm a command ------------------------------------


def _option_words(node: Node) -> list[str]:
    """Every spelling of the command's options; NAME=SPEC for those taking a value."""
    return [
        name if opt.value is None else f"{name}={spec(opt)}"
        for opt in node.options
        for name in opt.names
    ]


def _args(node: Node) -> tuple[list[str], str]:
    """How each positional argument completes, and how further ones do ("" when
    there are none, or they are free text)."""
    args = node.command.args
    more = spec(args[-1]) if args and args[-1].repeat else ""
    return [spec(a) for a in args], more


def _array(words: list[str]) -> str:
    """A bash or zsh array of the words, each quoted."""
    return "(" + " ".join(shlex.quote(w) for w in words) + ")"


def _arm(node: Node, fields: list[tuple[str, str]]) -> str:
    """The `case` arm of the command: its path, then NAME=VALUE lines."""
    lines = [f"    {shlex.quote(node.key)})"]
    lines += [f"        {name}={value}" for name, value in fields]
    lines.append("        ;;")
    return "\n".join(lines)


def _common_fields(node: Node) -> list[tuple[str, str]]:
    """The fields of an arm that bash and zsh share (see their templates)."""
    specs, more = _args(node)
    return [
        ("subs", _array([c.name for c in node.command.children])),
        ("opts", _array(_option_words(node))),
        ("acts", _array([n for o in node.options for n in o.names if _is_action(node, n)])),
        ("argspecs", _array(specs)),
        ("more", shlex.quote(more)),
    ]


def _is_action(node: Node, name: str) -> bool:
    """Is `name` one of activate's own options after which no subcommand follows?"""
    return not node.path and name in ACTIONS


def _bash_table(nodes: list[Node]) -> str:
    """The arms of `_activate_table`, one a command."""
    return "\n".join(_arm(node, _common_fields(node)) for node in nodes)


def _zsh_table(nodes: list[Node]) -> str:
    """The arms of `_activate_table`, one a command, with _describe's descriptions."""

    def described(name: str, text: str) -> str:
        return name.replace(":", "\\:") + ":" + text  # _describe's NAME:DESCRIPTION

    arms = []
    for node in nodes:
        fields = _common_fields(node)
        fields.append(
            ("subdescs", _array([described(c.name, c.summary) for c in node.command.children]))
        )
        fields.append(
            ("optdescs", _array([described(n, o.help) for o in node.options for n in o.names]))
        )
        arms.append(_arm(node, fields))
    return "\n".join(arms)


# --- fish: data lines -------------------------------------------------------------


def _fish_quote(text: str) -> str:
    """`text` in fish's single quotes (where only \\ and \' are escapes)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_table(nodes: list[Node]) -> str:
    """The rows of `__activate_rows`, tab-separated fields (see the template)."""
    rows: list[tuple[str, ...]] = []
    for node in nodes:
        for opt in node.options:
            kind = "act" if _is_action(node, opt.names[0]) else "opt"
            rows.append(
                (
                    kind,
                    node.key,
                    " ".join(opt.names),
                    opt.value or "",
                    spec(opt) if opt.value else "",
                    opt.help,
                )
            )
        for child in node.command.children:
            rows.append(("sub", node.key, child.name, child.summary))
        specs, more = _args(node)
        for i, s in enumerate(specs):
            rows.append(("arg", node.key, str(i), s))
        if more:
            rows.append(("more", node.key, str(len(specs)), more))
    for row in rows:
        for field in row:
            if "\t" in field or "\n" in field:
                raise ValueError(f"a tab or newline in the command table: {field!r}")
    return " \\\n".join("    " + _fish_quote("\t".join(row)) for row in rows)


# --- tcsh: `complete` rules --------------------------------------------------------

# How each kind of value completes, as a word list of tcsh's `complete`;
# free text shows a message instead (x:...), choices are a list (a b c).
_TCSH_LISTS = {
    "dir": "d",
    "manifest": "f:*.toml",
    # the awk runs in single quotes inside the rule's own single quotes
    "vars": "`awk '\\''@VARS_AWK@'\\''`",
}


def _tcsh_list(value: str, message: str, root: Command) -> str:
    """The word list of a completion spec (see `spec`)."""
    if value.startswith("("):
        return value
    if value == "commands":
        return "(" + " ".join(c.name for c in root.children) + ")"
    if value == "":
        # a rule is one word in single quotes, eval'd: keep the message plain
        return "x:" + "".join(ch for ch in message if ch.isalnum() or ch in " ,.:;_-")
    return _TCSH_LISTS[value].replace("@VARS_AWK@", vars_awk())


def _message(name: str, help: str) -> str:
    """What tcsh shows for free text: `NAME: its help` (up to any parenthesis)."""
    return f"{name}: {help.split(' (')[0]}"


def _tcsh_rule(kind: str, patterns: list[str], words: str) -> str:
    """One rule: KIND/PATTERN/WORDS/, with @ for / when the words hold a /."""
    pattern = patterns[0] if len(patterns) == 1 else "{" + ",".join(patterns) + "}"
    sep = "@" if "/" in words else "/"
    if sep in pattern or sep in words.replace("'\\''", ""):
        raise ValueError(f"no delimiter for the tcsh rule {kind} {pattern} {words}")
    return f"'{kind}{sep}{pattern}{sep}{words}{sep}'"


def _tcsh_grouped(kind: str, pairs: list[tuple[str, str]]) -> list[str]:
    """Rules for (pattern, words) pairs: one rule for the patterns sharing
    their words, in the order first seen; a pattern's first words win (so does
    tcsh's first matching rule)."""
    grouped: dict[str, list[str]] = {}
    seen: set[str] = set()
    for pattern, words in pairs:
        if pattern not in seen:
            seen.add(pattern)
            grouped.setdefault(words, []).append(pattern)
    return [_tcsh_rule(kind, patterns, words) for words, patterns in grouped.items()]


def _tcsh_rules(nodes: list[Node]) -> str:
    """The arguments of one `complete activate` statement, in the order of the
    template's notes. tcsh sees only the current word and the one or two
    before it, not the whole line: an option's values are those of the first
    command's option of that spelling (choices of all of them merged), and
    options are those of every command."""
    root = nodes[0].command
    values: dict[str, str] = {}  # an option spelling -> its spec, merged
    messages: dict[str, str] = {}
    for node in nodes:
        for opt in node.options:
            if opt.value is None:
                continue
            for name in opt.names:
                mine = spec(opt)
                had = values.setdefault(name, mine)
                messages.setdefault(name, _message(opt.value, opt.help))
                if had != mine and had.startswith("(") and mine.startswith("("):
                    merged = dict.fromkeys([*had[1:-1].split(), *mine[1:-1].split()])
                    values[name] = "(" + " ".join(merged) + ")"
    lists = {name: _tcsh_list(v, messages[name], root) for name, v in values.items()}
    longs = [name for name in values if name.startswith("--")]
    rules = _tcsh_grouped("c", [(f"{name}=", lists[name]) for name in longs])  # --opt=VALUE
    rules += _tcsh_grouped("n", [(name, lists[name]) for name in values])  # --opt VALUE
    rules.append("'n/--/c/'")  # activate -- COMMAND
    spellings = dict.fromkeys(n for node in nodes for o in node.options for n in o.names)
    rules.append(_tcsh_rule("C", ["-"], "(" + " ".join(spellings) + ")"))
    # the word after a command's name: its sub-verbs, or its first argument;
    # two after it, its second
    first: list[tuple[str, str]] = []
    second: list[tuple[str, str]] = []
    for node in nodes[1:]:
        cmd = node.command
        name = node.path[-1]
        if cmd.children:
            first.append((name, "(" + " ".join(c.name for c in cmd.children) + ")"))
            continue
        args = [*cmd.args, cmd.args[-1]] if cmd.args and cmd.args[-1].repeat else list(cmd.args)
        words = [_tcsh_list(spec(a), _message(a.name, a.help), root) for a in args]
        first.append((name, words[0] if words else "n"))
        if len(words) > 1:
            second.append((name, words[1]))
    rules += _tcsh_grouped("n", first)
    rules += _tcsh_grouped("N", second)
    # a subcommand: first, or after activate's own options (not --print or -c)
    subcommands = "(" + " ".join(c.name for c in root.children) + ")"
    rules.append(_tcsh_rule("p", ["1"], subcommands))
    valued = [n for o in root.options if o.value for n in o.names if not _is_action(nodes[0], n)]
    if valued:
        rules.append(_tcsh_rule("N", valued, subcommands))
        rules.append(_tcsh_rule("n", [f"{n}=*" for n in valued if n.startswith("--")], subcommands))
    return " ".join(rules)
