"""The command table: `activate` itself and every subcommand, one entry each.

This table drives parsing (`grammar.py`), every `--help` (`commands/help.py`)
and the four completion scripts (`completion.py`). A subcommand is one entry
here plus one module of the same name in this package, whose `run(inv)` does
the work. Examples must work from a checkout of activate (a test runs them).
"""

from __future__ import annotations

from ..grammar import Arg, Command, Option
from ..supported import MODES, SHELLS

DIR = Option(
    ("-d", "--dir"),
    "DIR",
    "the project folder holding .flox (default: the nearest .flox at or above "
    "the current folder, like git)",
    complete="dir",
)
FILE = Option(("-f", "--file"), "FILE", "a manifest file to use directly", complete="manifest")
SHELL_NAMES = Option(
    ("--shell",),
    "SHELL",
    "the shell to print code for (default: the shell running activate)",
    choices=SHELLS,
    strict=False,
)

# `activate` itself: the ways of activating. Its help is assembled by
# commands/help.py from these entries and TOP_HELP.
TOP = Command(
    "",
    "activate an environment",
    "Activate an environment described by a Flox-format manifest\n"
    "(.flox/env/manifest.toml): its [vars], [hook] on-activate and [profile].",
    options=(
        DIR,
        FILE,
        Option(
            ("--mode",),
            "MODE",
            "dev: tools plus build paths (CPATH, PKG_CONFIG_PATH, ...); run: tools "
            "only. Default: the manifest's [options] activate.mode, else dev",
            choices=MODES,
        ),
        Option(
            ("--shell",),
            "SHELL",
            "bash, zsh, fish or tcsh, or a path to one (sh, dash, ash and ksh get "
            "bash code, csh gets tcsh's); with --print also json: the variables "
            "as a JSON object",
            choices=(*SHELLS, "json"),
            strict=False,
        ),
        Option(("--print",), None, "print code that configures the current shell in place"),
        Option(("-c",), "CODE", "run CODE with your shell, [profile] included"),
        Option(
            ("--outside",),
            None,
            "with -- CMD or -c CODE: run it outside every active environment, in "
            "the environment the outermost activation started from",
        ),
        Option(
            ("-s", "--start-services"),
            None,
            "start the manifest's [services] with the activation (docs/services.md)",
        ),
        Option(
            ("--no-start-services",),
            None,
            "do not start them, even with [services] auto-start = true",
        ),
        Option(("-h", "--help"), None, "show this help (activate COMMAND --help: a command's)"),
        Option(("--version",), None, "show the version"),
    ),
    examples=(
        "activate -f manifests/demo.toml -- printenv GREETING",
        "activate -f manifests/demo.toml --mode run -c 'echo \"$GREETING\"'",
        "echo 'eval \"$(activate -d ~/src/myproject --print)\"' >> ~/.bashrc",
    ),
)

# The options that choose a way of activating (the others are -- and no option):
# none of them can be combined with another, or with a subcommand; --outside
# goes with -- or -c only (cli.py checks it).
ACTIONS = {"--print": "print", "-c": "code", "--outside": "outside"}
# Switches of activate itself that are not ways of activating.
SWITCHES = {"-s": "start", "--start-services": "start", "--no-start-services": "no"}

WAYS = """\
Ways to activate:
  activate                  start a subshell of your shell, configured; `exit` leaves it
  activate -- CMD [ARGS]    run CMD in the environment (no shell, argv untouched);
                            its exit status is activate's; 127 if CMD is not found
  activate -c 'CODE'        run CODE with your shell, profile included
  activate --print          print code that configures the current shell in place:
      bash, zsh:  eval "$(activate --print)"
      fish:       activate --print | source
      tcsh:       eval "`activate --print`"
  activate --outside -- CMD [ARGS]
                            run CMD outside every active environment: as in the
                            environment the outermost activation started from
  activate --outside -c 'CODE'
                            the same for CODE with your shell (no profile)
  activate hook SHELL       in your startup file: activate allowed projects in
                            place on cd, deactivate on leaving (activate help hook)
"""

EPILOGUE = """\
Options that take a value also accept --option=value.

The shell is, in order: --shell, $FLOX_SHELL, the shell activate was started
from, $SHELL, bash.

The hook runs once per activation; further activations of the same
environment attach to it (no second hook run) while any shell or command of
an earlier one is alive. Editing the manifest starts afresh.

Environment:
  FLOX_SHELL            the shell to start or print code for
  ACTIVATE_NO_PROMPT    set to anything to leave the prompt alone
"""

# "vars" completes the manifest's names: for `services` commands, its [services] names
SERVICE_NAME = Arg("NAME", "a service of [services]", complete="vars", optional=True, repeat=True)
VAR_NAME = Arg("NAME", "the variable's name", complete="vars")
MODE = Option(
    ("--mode",),
    "MODE",
    "the mode whose $FLOX_ENV is shown (default: the manifest's, else dev)",
    choices=MODES,
)

COMMANDS = (
    Command(
        "init",
        "create .flox/env/manifest.toml and .flox/env.json",
        "Create an environment in FOLDER (default: the current folder): a\n"
        "commented manifest to start from, and .flox/env.json with its name.\n"
        "An existing manifest is never overwritten.",
        options=(
            Option(("--name",), "NAME", "the environment's name (default: the folder's name)"),
            Option(("-d", "--dir"), "DIR", "the folder (the same as FOLDER)", complete="dir"),
        ),
        args=(Arg("FOLDER", "where to create .flox", complete="dir", optional=True),),
        examples=("activate init myproject --name demo",),
    ),
    Command(
        "status",
        "environments active here, and live activations",
        "Show the environments active in this shell, the project's environment\n"
        "and its live activations (the processes holding each), and what each\n"
        "manifest asked for that activate could not provide. Changes nothing.\n"
        "With --json, a stable document (docs/status.md).",
        options=(DIR, FILE, Option(("--json",), None, "print JSON (fields: docs/status.md)")),
        examples=("activate -f manifests/demo.toml status --json",),
    ),
    Command(
        "deactivate",
        "leave an in-place activation (or type `deactivate`)",
        "Print code that undoes the newest in-place activation of the calling\n"
        "shell: [profile] deactivate code, then every variable, the prompt and\n"
        "what the profile defined back as before; the shell's hold on the\n"
        "activation is released. An in-place activation defines a `deactivate`\n"
        "function that does this; in a subshell started by activate, type `exit`.",
        options=(SHELL_NAMES,),
        examples=(
            'eval "$(activate -f manifests/demo.toml --print)"; eval "$(activate deactivate)"',
        ),
    ),
    Command(
        "hook",
        "print the prompt hook that activates environments on cd",
        "Print the code that makes your shell activate a project's environment in\n"
        "place when you enter its folder, and deactivate it when you leave; only\n"
        "environments you allowed (activate allow) are activated. Add to your rc file:\n"
        '  bash:  eval "$(activate hook bash)"\n'
        '  zsh:   eval "$(activate hook zsh)"\n'
        "  fish:  activate hook fish | source\n"
        '  tcsh:  eval "`activate hook tcsh`"\n'
        "See docs/auto-activation.md.",
        args=(Arg("SHELL", "the shell", choices=SHELLS),),
        examples=("activate hook bash",),
    ),
    Command(
        "allow",
        "let the environment activate automatically on cd",
        "Allow the environment to be activated by the prompt hook (activate hook)\n"
        "when the shell enters its folder. The permission covers the manifest\n"
        "and every manifest it includes as they are now: an edit withdraws it\n"
        "until the next activate allow. Explicit activations never need it.",
        options=(DIR, FILE),
        examples=("activate init myproject && activate allow -d myproject",),
    ),
    Command(
        "deny",
        "withdraw activate allow",
        "Withdraw the permission given by activate allow; a shell where the\n"
        "environment was activated automatically deactivates it at its next prompt.",
        options=(DIR, FILE),
        examples=("activate init myproject && activate deny -d myproject",),
    ),
    Command(
        "hook-env",
        "(run by the prompt hook) print auto-activation code",
        "Print the code that brings the calling shell's automatic activations up\n"
        "to date with its folder: the prompt hook runs this when the folder or a\n"
        "manifest changed. Not meant to be typed.",
        args=(
            Arg("SHELL", "the shell", choices=SHELLS),
            Arg("STATE", "what the shell auto-activated (the hook keeps it)", optional=True),
        ),
        examples=("activate hook-env bash",),
        hidden=True,
    ),
    Command(
        "edit",
        "edit the manifest; it is saved only when valid",
        "Open the manifest in $VISUAL or $EDITOR (else vi), working on a copy.\n"
        "The manifest is replaced only by a copy that passes every check\n"
        "activation makes; at a terminal the editor opens again on an error.",
        options=(DIR, FILE),
        examples=("activate edit -f manifests/demo.toml",),
    ),
    Command(
        "vars",
        "list, set or unset [vars]",
        "Read and change the manifest's [vars], keeping its comments and layout.\n"
        "A change is written only when the manifest stays valid.",
        options=(DIR, FILE),
        children=(
            Command(
                "list",
                "print the [vars] as TOML lines",
                'Print each [vars] entry as a TOML line, NAME = "value".',
                examples=("activate -f manifests/demo.toml vars list",),
            ),
            Command(
                "set",
                "set a variable",
                "Set NAME to VALUE in [vars] (a literal value: $NAME and ${NAME}\n"
                "in it are expanded at activation, never run).",
                args=(VAR_NAME, Arg("VALUE", "the value")),
                examples=("activate -f manifests/demo.toml vars set GREETING 'Hi there'",),
            ),
            Command(
                "unset",
                "remove a variable",
                "Remove NAME from [vars].",
                args=(VAR_NAME,),
                examples=("activate -f manifests/demo.toml vars unset GREETING",),
            ),
        ),
        examples=("activate -f manifests/demo.toml vars list",),
    ),
    Command(
        "install",
        "build the manifest's packages (or add some first)",
        "Resolve the manifest's [install] pip and conda entries (unless the lock\n"
        "already holds them), build their environments into the shared store and\n"
        "show them in $FLOX_ENV, without activating anything. With --pip or\n"
        "--conda, first add those entries to the manifest (keeping its comments).\n"
        "Packages: docs/packages.md.",
        options=(
            DIR,
            FILE,
            MODE,
            Option(("--pip",), "REQ", "add a pip entry (a PEP 508 requirement)", repeat=True),
            Option(("--conda",), "SPEC", "add a conda entry (a match spec)", repeat=True),
            Option(
                ("--locked",),
                None,
                "fail (status 5) instead of changing a lock that does not match the manifest (for CI)",
            ),
        ),
        examples=("activate -f manifests/packages.toml install",),
    ),
    Command(
        "uninstall",
        "remove [install] entries",
        "Remove the [install] entries named by their install ids from the\n"
        "manifest (keeping its comments), then update the lock and $FLOX_ENV.\n"
        "The shared environments stay until `activate gc`.",
        options=(DIR, FILE, MODE),
        args=(Arg("ID", "an install id (the name before .pip / .conda)", repeat=True),),
        examples=(
            "activate -f manifests/packages.toml install --pip greeting; "
            "activate -f manifests/packages.toml uninstall greeting",
        ),
    ),
    Command(
        "update",
        "resolve packages again, ignoring the lock",
        "Resolve the [install] entries again (all of them, or the backends of\n"
        "the IDs given), ignoring the lock: newer versions the entries allow are\n"
        "taken, the lock is rewritten and the environments built.",
        options=(DIR, FILE, MODE),
        args=(Arg("ID", "an install id", optional=True, repeat=True),),
        examples=("activate -f manifests/packages.toml update",),
    ),
    Command(
        "gc",
        "remove shared environments nothing uses",
        "Remove the environments of the shared store that no known lock file\n"
        "uses any more and no live activation uses, and say what was removed and\n"
        "the space freed.",
        options=(Option(("--dry-run",), None, "only list what would be removed"),),
        examples=("activate gc --dry-run",),
    ),
    Command(
        "services",
        "start, stop and watch the manifest's [services]",
        "Run the manifest's [services] under supervisor (the services extra:\n"
        "pip install 'activate[services]'). They stop when the last activation\n"
        "of the environment ends. start and restart run inside an activation of\n"
        "the environment (they use its variables); stop, status and logs work\n"
        "from anywhere. Services: docs/services.md.",
        options=(DIR, FILE),
        children=(
            Command(
                "start",
                "start services (all, or those named)",
                "Start the services NAME... (all when none is named) with the\n"
                "environment `activate -- CMD` would see, and wait until they run.\n"
                "Run it inside an activation of the environment, not from its hook.",
                args=(SERVICE_NAME,),
                examples=(
                    "activate -f manifests/services.toml -- activate -f manifests/services.toml services start hello",
                ),
            ),
            Command(
                "stop",
                "stop services (all, or those named)",
                "Stop the services NAME... (all when none is named): each one's\n"
                "shutdown.command first, then its whole process group.",
                args=(SERVICE_NAME,),
                examples=("activate -f manifests/services.toml services stop",),
            ),
            Command(
                "restart",
                "restart services (all: from the current manifest)",
                "Stop and start the services NAME...; with no names, or after the\n"
                "manifest's [services] changed, stop them all and start them all\n"
                "from the current manifest.",
                args=(SERVICE_NAME,),
                examples=(
                    "activate -f manifests/services.toml -- activate -f manifests/services.toml services restart",
                ),
            ),
            Command(
                "status",
                "each service: NAME STATUS PID",
                "Show each service's status: Running, Starting, Stopped, Completed\n"
                "(exit status) or Error (why), with its pid. With --json, a document\n"
                "(docs/services.md).",
                options=(Option(("--json",), None, "print JSON (fields: docs/services.md)"),),
                examples=("activate -f manifests/services.toml services status",),
            ),
            Command(
                "logs",
                "show or follow the services' logs",
                "Show the log of service NAME (the last N lines with -n), or follow\n"
                "the logs of NAME... (all when none is named) with --follow, each\n"
                "line prefixed by its service's name when there are several.",
                options=(
                    Option(("-n", "--lines"), "N", "only the last N lines"),
                    Option(("--follow",), None, "show new lines as they come (Ctrl-C ends)"),
                ),
                args=(SERVICE_NAME,),
                examples=(
                    "activate -f manifests/services.toml -s -- activate -f manifests/services.toml services logs ticker -n 3",
                ),
            ),
        ),
        examples=("activate -f manifests/services.toml services status",),
    ),
    Command(
        "completion",
        "print shell completion code",
        "Print tab-completion code for SHELL. Add to your rc file:\n"
        '  bash:  eval "$(activate completion bash)"\n'
        "  zsh:   source <(activate completion zsh)    (after compinit)\n"
        "  fish:  activate completion fish | source\n"
        '  tcsh:  eval "`activate completion tcsh`"',
        args=(Arg("SHELL", "the shell", choices=SHELLS),),
        examples=("activate completion bash",),
    ),
    Command(
        "help",
        "show the help of activate or of a command",
        "Show the help of activate, or of COMMAND (the same as activate COMMAND --help).",
        args=(
            Arg(
                "COMMAND",
                "a command, e.g. vars set",
                complete="commands",
                optional=True,
                repeat=True,
            ),
        ),
        examples=("activate help vars set",),
    ),
)

NAMES = tuple(c.name for c in COMMANDS if not c.hidden)  # those help lists and completion offers


def lookup(name: str) -> Command | None:
    """The table entry of subcommand `name`."""
    for c in COMMANDS:
        if c.name == name:
            return c
    return None
