"""The command-line grammar: the shapes of the command table, and the parser it drives.

The table itself (every subcommand, option and argument, with its help) is
in `commands/__init__.py`; this module knows only its shapes. The parser is
written by hand: argparse alone costs about a third of an attach, and every
activation parses its command line.
"""

from __future__ import annotations

from .errors import UsageError
from .values import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


class Option(Value):
    """An option: its spellings, the value it takes (a metavar, or None for a
    switch), its help, and how its value is completed."""

    __slots__ = ("names", "value", "help", "complete", "choices", "strict", "repeat")

    def __init__(
        self,
        names: tuple[str, ...],
        value: str | None,
        help: str,
        complete: str = "",
        choices: tuple[str, ...] = (),
        strict: bool = True,
        repeat: bool = False,
    ) -> None:
        self.names = names  # ("-d", "--dir"): short first
        self.value = value  # "DIR"; None for a switch
        self.help = help
        self.complete = complete  # "dir", "manifest", or "" (free text); see COMPLETIONS
        self.choices = choices  # the values completed; with `strict`, the only ones allowed
        self.strict = strict  # False: other values are checked by the command (a shell's path)
        self.repeat = repeat  # may be given several times (Invocation.all gives every value)

    @property
    def key(self) -> str:
        """The name the parsed options use: the long spelling without dashes."""
        return self.names[-1].lstrip("-")


class Arg(Value):
    """A positional argument."""

    __slots__ = ("name", "help", "complete", "choices", "optional", "repeat")

    def __init__(
        self,
        name: str,
        help: str,
        complete: str = "",
        choices: tuple[str, ...] = (),
        optional: bool = False,
        repeat: bool = False,
    ) -> None:
        self.name = name  # shown in usage: FOLDER, NAME, ...
        self.help = help
        self.complete = complete
        self.choices = choices
        self.optional = optional
        self.repeat = repeat  # any number (at least one unless optional)


class Command(Value):
    """A subcommand (or, for `children`, a group of them, like `vars set`)."""

    __slots__ = ("name", "summary", "help", "options", "args", "children", "examples", "hidden")

    def __init__(
        self,
        name: str,
        summary: str,
        help: str,
        options: tuple[Option, ...] = (),
        args: tuple[Arg, ...] = (),
        children: tuple[Command, ...] = (),
        examples: tuple[str, ...] = (),
        hidden: bool = False,
    ) -> None:
        self.name = name
        self.summary = summary  # one line, for lists
        self.help = help  # what it does, in a few sentences
        self.options = options
        self.args = args
        self.children = children  # sub-verbs; a command has children or args, not both
        self.examples = examples  # command lines that work from a checkout of activate
        self.hidden = (
            hidden  # run by activate's own code (the prompt hook): not listed or completed
        )

    def child(self, name: str) -> Command | None:
        """The sub-verb called `name`, if any."""
        for c in self.children:
            if c.name == name:
                return c
        return None


# Completion kinds, written once for the four completion scripts.
COMPLETIONS = (
    "",  # free text: nothing to offer
    "dir",  # folders
    "manifest",  # *.toml files and folders (any file when there is none)
    "vars",  # the [vars] names of the manifest the command line names ([services] for services)
    "commands",  # the subcommands' names (for `activate help`)
)

HELP_FLAGS = ("-h", "--help")


class Request(Value):
    """A way of activating, as asked on the command line (no subcommand)."""

    __slots__ = (
        "action",
        "directory",
        "file",
        "mode",
        "shell",
        "argv",
        "code",
        "outside",
        "services",
    )

    def __init__(
        self,
        action: str,
        directory: str | None = None,
        file: str | None = None,
        mode: str | None = None,
        shell: str | None = None,
        argv: tuple[str, ...] = (),
        code: str | None = None,
        outside: bool = False,
        services: str | None = None,
    ) -> None:
        self.action = action  # "shell" (a subshell), "print", "command" (--) or "code" (-c)
        self.directory = directory
        self.file = file
        self.mode = mode
        self.shell = shell
        self.argv = argv  # for "command"
        self.code = code  # for "code"
        self.outside = outside  # --outside: "command" or "code" outside every environment
        self.services = services  # "start" (-s), "no" (--no-start-services), None: the manifest's


class Invocation(Value):
    """A subcommand with its options and arguments, checked against the table."""

    __slots__ = ("path", "options", "args", "repeated")

    def __init__(
        self,
        path: tuple[str, ...],
        options: dict[str, str],
        args: tuple[str, ...],
        repeated: dict[str, list[str]] | None = None,
    ) -> None:
        self.path = path  # ("vars", "set")
        self.options = options  # by Option.key; a switch given is "1"
        self.args = args
        self.repeated = repeated if repeated is not None else {}  # repeatable options' values

    def all(self, key: str) -> list[str]:
        """Every value of a repeatable option, in order."""
        return list(self.repeated.get(key, []))

    def get(self, key: str) -> str | None:
        """An option's value, or None when it was not given."""
        return self.options.get(key)


class HelpRequest(Value):
    """`--help`, `-h` or `help`: the help of the command at `path` (() = activate itself)."""

    __slots__ = ("path",)

    def __init__(self, path: tuple[str, ...]) -> None:
        self.path = path


def find_option(options: Sequence[Option], name: str) -> Option | None:
    """The option spelled `name` (`-d`, `--dir`), if any."""
    for opt in options:
        if name in opt.names:
            return opt
    return None


def take_value(
    opt: Option, spelled: str, inline: str | None, rest: Sequence[str]
) -> tuple[str, int]:
    """The value of `opt` given as `--opt=VALUE` (inline) or as the next word;
    and how many words it used. Empty values and bad choices are usage errors."""
    if inline is not None:
        value, used = inline, 0
    elif rest:
        value, used = rest[0], 1
    else:
        raise UsageError(f"{spelled} needs a value ({opt.value})")
    if value == "":
        raise UsageError(f"{spelled} needs a value ({opt.value}), not an empty one")
    if opt.strict and opt.choices and value not in opt.choices:
        raise UsageError(f"{spelled} must be {_either(opt.choices)}, not {value!r}")
    return value, used


def _either(choices: Sequence[str]) -> str:
    return ", ".join(choices[:-1]) + " or " + choices[-1] if len(choices) > 1 else choices[0]


def parse_command(
    cmd: Command, words: Sequence[str], given: dict[str, tuple[str, str]]
) -> Invocation | HelpRequest:
    """Parse a subcommand's words against its table entry. `given` holds the
    options typed before the subcommand's name (key -> (spelling, value)):
    each must be one the subcommand takes."""
    path = [cmd.name]
    options: dict[str, str] = {}
    repeated: dict[str, list[str]] = {}
    args: list[str] = []
    visible = list(cmd.options)  # options of the command and of the groups above it
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word == "--":
            args.extend(words[i:])
            break
        if word in HELP_FLAGS:
            return HelpRequest(tuple(path))
        if word.startswith("-") and word != "-":
            name, eq, inline = word.partition("=") if word.startswith("--") else (word, "", "")
            opt = find_option(visible, name)
            if opt is None:
                raise UsageError(f"activate {' '.join(path)} has no option {name}", path)
            if opt.value is None:
                if eq:
                    raise UsageError(f"{name} takes no value", path)
                options[opt.key] = "1"
                continue
            value, used = take_value(opt, name, inline if eq else None, words[i:])
            i += used
            if opt.repeat:
                repeated.setdefault(opt.key, []).append(value)
            elif opt.key in options:
                raise UsageError(f"{name} given twice", path)
            else:
                options[opt.key] = value
            continue
        if cmd.children and not args:
            sub = cmd.child(word)
            if sub is None:
                names = _either([c.name for c in cmd.children])
                raise UsageError(
                    f"activate {' '.join(path)}: unknown command {word!r}; choose {names}", path
                )
            cmd = sub
            path.append(word)
            visible.extend(cmd.options)
            continue
        args.append(word)
    if cmd.children:
        names = _either([c.name for c in cmd.children])
        raise UsageError(f"activate {' '.join(path)} needs a command: {names}", tuple(path))
    for key, (spelled, value) in given.items():
        opt = next((o for o in visible if o.key == key), None)
        if opt is None:
            raise UsageError(f"activate {' '.join(path)} does not take {spelled}", tuple(path))
        if key in options:
            raise UsageError(f"{spelled} given twice", tuple(path))
        options[key] = value
    _check_arity(cmd, args, tuple(path))
    return Invocation(tuple(path), options, tuple(args), repeated)


def _check_arity(cmd: Command, args: list[str], path: tuple[str, ...]) -> None:
    required = sum(1 for a in cmd.args if not a.optional)
    unbounded = any(a.repeat for a in cmd.args)
    where = "activate " + " ".join(path)
    if len(args) < required:
        missing = " ".join(a.name for a in cmd.args[len(args) :] if not a.optional)
        raise UsageError(f"{where} needs {missing}", path)
    if not unbounded and len(args) > len(cmd.args):
        extra = " ".join(args[len(cmd.args) :])
        if not cmd.args:
            raise UsageError(f"{where} takes no arguments: {extra}", path)
        raise UsageError(
            f"{where} takes at most {len(cmd.args)} argument(s); unexpected: {extra}", path
        )
    for arg, value in zip(cmd.args, args, strict=False):
        if arg.choices and value not in arg.choices:
            raise UsageError(
                f"{where}: {arg.name} must be {_either(arg.choices)}, not {value!r}", path
            )
    if unbounded and cmd.args[-1].choices:
        for value in args[len(cmd.args) :]:
            if value not in cmd.args[-1].choices:
                raise UsageError(
                    f"{where}: {cmd.args[-1].name} must be {_either(cmd.args[-1].choices)}, not {value!r}",
                    path,
                )


def usage(cmd: Command, path: Sequence[str], inherited: Sequence[Option] = ()) -> str:
    """`activate PATH [options] ARGS`, from the table (`inherited`: the options
    of the groups above a sub-verb, which it takes too)."""
    parts = ["activate", *path]
    for opt in (*inherited, *cmd.options):
        shown = opt.names[0] + (f" {opt.value}" if opt.value else "")
        parts.append(f"[{shown}]")
    if cmd.children:
        parts.append("|".join(c.name for c in cmd.children) + " ...")
    for arg in cmd.args:
        shown = arg.name + (" ..." if arg.repeat else "")
        parts.append(f"[{shown}]" if arg.optional else shown)
    return " ".join(parts)
