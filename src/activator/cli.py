"""The `activate` command line.

Parsed by hand: argparse alone costs about a third of the time budget of an
attach, and the grammar is small.
"""

from __future__ import annotations

import os
import sys

from .activation import Request
from .errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE, ActivateError, report

HELP = """\
usage: activate [-d DIR | -f FILE] [--mode dev|run] [--shell SHELL]
                [--print | -c CODE | -- COMMAND [ARGS...]]
       activate init | status | deactivate | edit | vars | completion ...

Activate an environment described by a Flox-format manifest
(.flox/env/manifest.toml): its [vars], [hook] on-activate and [profile].

Ways to activate:
  activate                  start a subshell of your shell, configured; `exit` leaves it
  activate -- CMD [ARGS]    run CMD in the environment (no shell, argv untouched);
                            its exit status is activate's; 127 if CMD is not found
  activate -c 'CODE'        run CODE with your shell, profile included
  activate --print          print code that configures the current shell in place:
      bash, zsh:  eval "$(activate --print)"
      fish:       activate --print | source
      tcsh:       eval "`activate --print`"

Commands:
  activate init [DIR] [--name NAME]   create .flox/env/manifest.toml and .flox/env.json
  activate status [--json]            environments active here, live activations
  activate deactivate                 leave an in-place activation (or type `deactivate`)
  activate edit                       edit the manifest; it is saved only when valid
  activate vars list | set NAME VALUE | unset NAME
  activate completion bash|zsh|fish|tcsh
                                      completion code, e.g. eval "$(activate completion bash)"

Options:
  -d, --dir DIR       the project folder holding .flox (default: the nearest
                      .flox at or above the current folder, like git)
  -f, --file FILE     a manifest file to activate directly
      --mode dev|run  dev: tools plus build paths (CPATH, PKG_CONFIG_PATH, ...);
                      run: tools only. Default: the manifest's
                      [options] activate.mode, else dev
      --shell SHELL   bash, zsh, fish or tcsh, or a path to one (sh, dash, ash
                      and ksh get bash code, csh gets tcsh's); with --print
                      also json: the variables as a JSON object
  -h, --help          show this help
      --version       show the version
Options that take a value also accept --option=value.

The shell is, in order: --shell, $FLOX_SHELL, the shell activate was started
from, $SHELL, bash.

The hook runs once per activation; further activations of the same
environment attach to it (no second hook run) while any shell or command of
an earlier one is alive. Editing the manifest starts afresh.

Environment:
  FLOX_SHELL            the shell to start or print code for
  ACTIVATE_NO_PROMPT    set to anything to leave the prompt alone

Examples:
  activate -f manifests/hello.toml -- printenv GREETING
  activate -d ~/src/myproject --mode run -c 'mytool --version'
  echo 'eval "$(activate -d ~/src/myproject --print)"' >> ~/.bashrc
"""


class UsageError(ActivateError):
    """A bad command line."""

    def __init__(self, summary: str) -> None:
        super().__init__(summary, hint="see activate --help", status=EXIT_USAGE)


def parse(args: list[str]) -> Request | str:
    """A Request, or "help"/"version"."""
    opts: dict[str, str] = {}
    action = "shell"
    argv: tuple[str, ...] = ()
    code: str | None = None
    i = 0

    def value(flag: str) -> str:
        nonlocal i
        if i + 1 >= len(args):
            raise UsageError(f"{flag} needs a value")
        i += 1
        return args[i]

    def set_action(new: str, flag: str) -> None:
        nonlocal action
        if action != "shell":
            raise UsageError(f"{flag} cannot be combined with {_ACTION_FLAGS[action]}")
        action = new

    while i < len(args):
        arg = args[i]
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if arg == "--":
            set_action("command", "--")
            argv = tuple(args[i + 1 :])
            if not argv:
                raise UsageError("-- needs a command to run")
            break
        if arg in ("-h", "--help"):
            return "help"
        if arg == "--version":
            return "version"
        if name in ("-d", "--dir", "-f", "--file", "--mode", "--shell"):
            key = _OPTION_NAMES.get(name, name.lstrip("-"))
            if key in opts:
                raise UsageError(f"{name} given twice")
            opts[key] = inline if eq else value(name)
        elif arg == "--print":
            set_action("print", "--print")
        elif arg == "-c":
            set_action("code", "-c")
            code = value("-c")
        elif arg.startswith("-"):
            raise UsageError(f"unknown option {arg}")
        elif arg in SUBCOMMANDS and action == "shell":
            return _subcommand(arg, args[i + 1 :], opts)
        else:
            raise UsageError(
                f"unexpected argument {arg!r} (to run a command: activate -- {arg} ...)"
            )
        i += 1
    if "dir" in opts and "file" in opts:
        raise UsageError("give either -d DIR or -f FILE, not both")
    mode = opts.get("mode")
    if mode is not None and mode not in ("dev", "run"):
        raise UsageError(f"--mode must be dev or run, not {mode!r}")
    return Request(
        action=action,
        directory=opts.get("dir"),
        file=opts.get("file"),
        mode=mode,
        shell=opts.get("shell"),
        argv=argv,
        code=code,
    )


_ACTION_FLAGS = {"print": "--print", "code": "-c", "command": "--"}
_OPTION_NAMES = {"-d": "dir", "-f": "file"}  # short options, by their long names
SUBCOMMANDS = ("init", "status", "deactivate", "edit", "vars", "completion")


def _subcommand(name: str, rest: list[str], opts: dict[str, str]) -> Request:
    """A Request for subcommand `name`; its own words are parsed by its module."""
    return Request(
        action=name,
        directory=opts.get("dir"),
        file=opts.get("file"),
        mode=opts.get("mode"),
        shell=opts.get("shell"),
        argv=tuple(rest),
    )


def split_options(
    args: tuple[str, ...] | list[str], with_value: tuple[str, ...], switches: tuple[str, ...]
) -> tuple[dict[str, str], list[str]]:
    """A subcommand's options (`--name VALUE`, `--name=VALUE`, `-x VALUE`,
    switches set to "1"; -d and -f under their long names) and its other
    words, in order. After `--`, all words."""
    opts: dict[str, str] = {}
    words: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if arg == "--":
            words.extend(args[i + 1 :])
            break
        if name in with_value:
            if not eq and i + 1 >= len(args):
                raise UsageError(f"{name} needs a value")
            opts[_OPTION_NAMES.get(name, name.lstrip("-"))] = inline if eq else args[i + 1]
            i += 1 if eq else 2
            continue
        if arg in switches:
            opts[arg.lstrip("-")] = "1"
        elif arg.startswith("-") and arg != "-":
            raise UsageError(f"unknown option {arg}")
        else:
            words.append(arg)
        i += 1
    return opts, words


def where(req: Request, opts: dict[str, str]) -> tuple[str | None, str | None]:
    """The -d DIR and -f FILE a subcommand was given, after or before its name."""
    return opts.get("dir") or req.directory, opts.get("file") or req.file


def main(args: list[str] | None = None) -> int:
    """Entry point of the `activate` command."""
    try:
        request = parse(sys.argv[1:] if args is None else args)
        if request == "help":
            sys.stdout.write(HELP)
            return 0
        if request == "version":
            from . import __version__

            sys.stdout.write(f"activate {__version__}\n")
            return 0
        assert isinstance(request, Request)
        return _run(request)
    except ActivateError as e:
        report(e)
        return e.status
    except KeyboardInterrupt:
        sys.stderr.write("activate: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_FAILURE
    except Exception as e:  # a bug: say so in one screen, traceback only on request
        if os.environ.get("ACTIVATE_DEBUG"):
            raise
        report(
            ActivateError(
                f"internal error: {type(e).__name__}: {e}",
                hint="this is a bug in activate; rerun with ACTIVATE_DEBUG=1 for the traceback and report it",
            )
        )
        return EXIT_FAILURE


def _run_subcommand(req: Request) -> int:
    """Run `activate <subcommand> ...`."""
    if req.action == "init":
        from .commands import init

        return init.run(req)
    if req.action == "status":
        from .commands import status

        return status.run(req)
    if req.action == "deactivate":
        from .commands import deactivate

        return deactivate.run(req)
    if req.action == "edit":
        from .commands import edit

        return edit.run(req)
    if req.action == "vars":
        from .commands import vars as vars_command

        return vars_command.run(req)
    from .commands import completion

    return completion.run(req)


def _run(req: Request) -> int:
    from . import activation, launch

    if req.action in SUBCOMMANDS:
        return _run_subcommand(req)
    if req.action == "print" and req.shell == "json":
        return launch.print_json(activation.prepare(req))
    choice = program = None
    if req.action != "command" or req.shell is not None:
        from . import detect

        choice = detect.choose(req.shell, os.environ)
        if req.action in ("shell", "code"):
            program = detect.program(choice, os.environ.get("PATH"))  # before the hook runs
    act = activation.prepare(req)
    if req.action == "command":
        launch.run_command(act, req.argv)
    assert choice is not None
    if req.action == "print":
        return launch.print_code(act, choice)
    assert program is not None
    launch.start_shell(act, choice, program, req.code)
