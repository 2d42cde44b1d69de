"""Tab completion (`activate completion SHELL`, activator.completion): each
script passes its shell's own parser, loads the way its help line says, and
completes in the real shell.

- bash: `_activate` is called the way bash calls it (COMP_WORDS, COMP_CWORD,
  COMP_LINE set; under `set -u`) and COMPREPLY is compared; then, through a
  pseudo-terminal, words are typed with a TAB into `bash -i`.
- fish: `complete -C LINE`, fish's own completion engine, after sourcing.
- zsh and tcsh: typed with a TAB into an interactive shell (zsh with compinit,
  the script loaded by `source`, by `eval` and from $fpath; tcsh with the
  script loaded by ``eval "`...`"``, which joins it onto one line).

The scripts are generated from the command table, so a walk over the table
checks that every subcommand, sub-verb and option spelling is offered where
the table puts it, in each real shell (zsh: a TAB with `compadd` noting what
it adds; tcsh: ^D listing the choices); words planted in a copy of the table
show that the walk catches a word missing. The `box` fixture puts an
`activate` first on PATH that fails the test if completing runs it.

Interactive checks type `activate WORDS<TAB>` and Enter; `activate` is a
function (an alias in tcsh) printing `ARGS:<its arguments> ENDARGS`, so the
completed line comes back as the shell parsed it, free of terminal noise.
The scripts are written to files from activator.completion directly.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from activator import commands, completion
from activator.bundled import shell_dir
from activator.grammar import Arg, Command, Option

from conftest import Sandbox, shell_path

TIMEOUT = 15

MANIFEST = """\
version = 1

[vars]   # exported
MY_VAR = "x"
  "QUOTED_KEY" = 'y'
OTHER_ONE="z"

[hook]
on-activate = '''
NOT_A_VAR=1
'''

[profile]
bash = "ALSO_NOT=1"

[services]
auto-start = true
web.command = "serve"
"quoted".command = "q"
worker = { command = "work" }

[services.db]
command = "postgres"

[services.db.shutdown]
command = "stop"
"""

OTHER_MANIFEST = '[vars]\nFROM_FILE = "1"\n'
PROJECT_VARS = ["MY_VAR", "QUOTED_KEY", "OTHER_ONE"]
PROJECT_SERVICES = ["web", "quoted", "worker", "db"]


@pytest.fixture
def box(sandbox: Sandbox) -> Iterator[Sandbox]:
    """A project with a manifest, a folder, a spare manifest and a text file:

    project/.flox/env/manifest.toml  project/subdir/deeper/
    project/other/m.toml             project/a.toml  project/notes.txt

    First on PATH, an `activate` that only notes it ran: completing must
    never run it (checked after each test).
    """
    sandbox.write_manifest(MANIFEST)
    (sandbox.project / "subdir" / "deeper").mkdir(parents=True)
    (sandbox.project / "other").mkdir()
    (sandbox.project / "other" / "m.toml").write_text(OTHER_MANIFEST)
    (sandbox.project / "a.toml").write_text("version = 1\n")
    (sandbox.project / "notes.txt").write_text("notes\n")
    ran = sandbox.root / "activate-ran"
    stub = sandbox.root / "stub" / "activate"
    stub.parent.mkdir()
    stub.write_text(f'#!/bin/sh\necho "$*" >> {ran}\nexit 1\n')
    stub.chmod(0o755)
    sandbox.env["PATH"] = f"{stub.parent}:{sandbox.env['PATH']}"
    yield sandbox
    assert not ran.exists(), f"completing ran activate: {ran.read_text()}"


def script_file(box: Sandbox, shell: str, root: Command | None = None) -> Path:
    """What `activate completion SHELL` prints, in a file (for the command
    tree `root`: by default activate's own table)."""
    path = box.root / f"completion{id(root) if root else ''}.{shell}"
    path.write_text(completion.script(shell, root))
    return path


# --- the scripts themselves ---------------------------------------------------


def test_unknown_shell_is_an_error() -> None:
    with pytest.raises(ValueError, match="bash, zsh, fish or tcsh"):
        completion.script("ksh")


def test_the_table_is_checked() -> None:
    """A completion kind the scripts do not know, or a name that is not a
    plain word, is an error when generating, not a broken script."""
    root = TABLE
    odd = Option(("--odd",), "ODD", "an option", complete="colours")
    with pytest.raises(ValueError, match="unknown completion kind 'colours'"):
        completion.script("bash", root.replace(options=(*root.options, odd)))
    spaced = Command("two words", "a command", "A command.")
    with pytest.raises(ValueError, match="not a plain word"):
        completion.script("fish", root.replace(children=(*root.children, spaced)))


@pytest.mark.parametrize(
    "shell, check",
    [
        ("bash", ["bash", "-n"]),
        ("zsh", ["zsh", "-n"]),
        ("fish", ["fish", "--no-execute"]),
    ],
)
def test_script_parses(box: Sandbox, shell: str, check: list[str]) -> None:
    path = script_file(box, shell)
    done = subprocess.run(
        [shell_path(check[0]), *check[1:], str(path)], capture_output=True, text=True
    )
    assert (done.returncode, done.stderr) == (0, "")


def test_tcsh_script_is_one_statement_for_eval() -> None:
    """``eval "`...`"`` joins lines: one line, ended by `;`, and no `!`
    (history expansion) or `#` (a comment would swallow the rest)."""
    code = completion.script("tcsh")
    assert code.count("\n") == 1
    assert code.endswith(";\n")
    assert code.startswith("complete activate ")
    assert "!" not in code
    assert "#" not in code


@pytest.mark.parametrize("form", ["eval", "source"])
def test_tcsh_defines_complete(box: Sandbox, form: str) -> None:
    path = script_file(box, "tcsh")
    load = f'eval "`cat {path}`"' if form == "eval" else f"source {path}"
    done = box.shell("tcsh", f"{load}; complete activate")
    assert (done.returncode, done.stderr) == (0, "")
    assert "'n/--mode/(dev run)/'" in done.stdout
    assert f"'p/1/({' '.join(commands.NAMES)})/'" in done.stdout
    # the [vars] names after vars set|unset, the [services] names after services start...
    assert "'n@{set,unset,start,stop,restart,logs}@`awk" in done.stdout


def test_vars_awk_is_safe_to_embed() -> None:
    """Held in single quotes by every shell (fish: no \\\\ or \\'), and in a
    tcsh `complete` rule delimited by @ inside an eval'd line."""
    for bad in ("'", "!", "@", "\n", "\\\\"):
        assert bad not in completion.vars_awk()


# --- the [vars] names, from the manifest the command line names ---------------

AWKS = [a for a in ("awk", "mawk", "gawk", "original-awk", "busybox") if shutil.which(a)]


def vars_from(box: Sandbox, awk: str, line: str, cwd: Path) -> list[str]:
    argv = [awk, completion.vars_awk()] if awk != "busybox" else [awk, "awk", completion.vars_awk()]
    env = {**box.env, "COMMAND_LINE": line, "PWD": str(cwd)}
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=10)
    assert (done.returncode, done.stderr) == (0, "")
    return done.stdout.split()


@pytest.mark.parametrize("awk", AWKS)
def test_vars_awk(box: Sandbox, awk: str) -> None:
    project, deeper = box.project, box.project / "subdir" / "deeper"
    (box.home / "home.toml").write_text("[vars]\nIN_HOME = 1\n")
    assert vars_from(box, awk, "activate vars set ", project) == PROJECT_VARS
    # the nearest .flox at or above the current folder
    assert vars_from(box, awk, "activate vars unset ", deeper) == PROJECT_VARS
    # -f FILE, --file=FILE, -d DIR, --dir=DIR, ~/
    other = str(project / "other" / "m.toml")
    assert vars_from(box, awk, f"activate -f {other} vars set ", deeper) == ["FROM_FILE"]
    assert vars_from(box, awk, "activate --file=../other/m.toml vars set ", project / "subdir") == [
        "FROM_FILE"
    ]
    assert vars_from(box, awk, f"activate -d {project} vars set ", box.root) == PROJECT_VARS
    assert vars_from(box, awk, f"activate --dir={project} vars set ", box.root) == PROJECT_VARS
    assert vars_from(box, awk, "activate -f ~/home.toml vars set ", project) == ["IN_HOME"]
    # no manifest anywhere, or a missing file: nothing, quietly
    assert vars_from(box, awk, "activate vars set ", box.root) == []
    assert vars_from(box, awk, "activate -f nope.toml vars set ", project) == []
    # services commands: the [services] names (after the options and their values)
    assert vars_from(box, awk, "activate services stop ", project) == PROJECT_SERVICES
    assert (
        vars_from(box, awk, f"activate -d {project} services logs ", box.root) == PROJECT_SERVICES
    )
    assert vars_from(box, awk, f"activate -f {other} services start ", project) == []
    assert vars_from(box, awk, "activate vars set services ", project) == PROJECT_VARS


# --- bash ---------------------------------------------------------------------

# Calls _activate as bash's programmable completion does; prints COMPREPLY.
BASH_CALL = r"""
set -u
source "$1"
eval "$2"
shift 2
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_activate activate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"""


# activate's command table as one tree, built here rather than by
# activator.completion, whose reading of the table is under test.
# A hidden command (run by the prompt hook) is not offered.
TABLE = commands.TOP.replace(children=tuple(c for c in commands.COMMANDS if not c.hidden))


def every_command(
    cmd: Command, path: tuple[str, ...] = (), above: tuple[Option, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Command, list[str]]]:
    """Each command of the tree: its path, itself, and the spellings of the
    options it takes as the parser reads them (grammar.parse_command): its
    own and its groups'; activate's own come before a subcommand only."""
    yield path, cmd, [name for opt in (*above, *cmd.options) for name in opt.names]
    for child in cmd.children:
        yield from every_command(child, (*path, child.name), (*above, *cmd.options) if path else ())


def spellings(*path: str) -> list[str]:
    """Every spelling of the options of the command at `path` (() is activate
    itself), those of the groups above it included: from the table."""
    return next(names for at, _, names in every_command(TABLE) if at == path)


def children(*path: str) -> list[str]:
    """The sub-verbs of the command at `path`, from the table."""
    return next([c.name for c in cmd.children] for at, cmd, _ in every_command(TABLE) if at == path)


OPTIONS = [*spellings(), "--"]  # activate's own, and -- (a command follows)

BASH_CASES = [
    ("--mo", ["--mode"]),
    ("--mode ", ["dev", "run"]),
    ("--mode = ", ["dev", "run"]),  # --mode=<TAB>: bash splits words at =
    ("--mode = r", ["run"]),
    ("--shell ", ["bash", "zsh", "fish", "tcsh", "json"]),
    ("--shell = j", ["json"]),
    ("", list(commands.NAMES)),
    ("-", OPTIONS),
    ("--", [o for o in OPTIONS if o.startswith("--")]),
    ("-d ", [".flox", "other", "subdir"]),
    ("--dir = su", ["subdir"]),
    ("-f ", [".flox", "a.toml", "other", "subdir"]),  # manifests and folders
    ("-f other/", ["other/m.toml"]),
    ("-f no", ["notes.txt"]),  # no manifest or folder: any file
    ("--file = oth", ["other"]),
    ("-c ", []),
    ("-c true ", []),  # no subcommand after -c or --print
    ("--print ", []),
    ("--print --mo", ["--mode"]),
    ("-d subdir s", ["services", "status"]),
    ("--mode = run -f a.toml ", list(commands.NAMES)),
    ("completion ", ["bash", "zsh", "fish", "tcsh"]),
    ("completion bash ", []),
    ("vars ", children("vars")),
    ("vars set ", PROJECT_VARS),
    ("vars unset MY", ["MY_VAR"]),
    ("vars set MY_VAR ", []),
    ("vars list ", []),
    ("-f other/m.toml vars unset ", ["FROM_FILE"]),
    ("vars unset -f other/m.toml ", ["FROM_FILE"]),
    ("vars -", spellings("vars")),
    ("vars set -", ["-d", "--dir", "-f", "--file"]),  # the options of the group vars
    ("vars list --f", ["--file"]),
    ("vars set -d . ", PROJECT_VARS),
    ("services stop ", PROJECT_SERVICES),  # the [services] names
    ("services logs --follow w", ["web", "worker"]),
    ("init ", [".flox", "other", "subdir"]),
    ("init -", spellings("init")),
    ("init --name ", []),
    ("status -", spellings("status")),
    ("edit -", spellings("edit")),
    ("deactivate -", spellings("deactivate")),
    ("deactivate --shell ", ["bash", "zsh", "fish", "tcsh"]),
    ("-- printen", ["printenv"]),
    ("-- printenv su", ["subdir"]),
    ("-- ls --mo", []),  # not activate's options
    ("-c -- --mo", ["--mode"]),  # -- as -c's code
    ("help ", list(commands.NAMES)),  # help completes command names, at any depth
    ("help vars ", children("vars")),
    ("help vars s", ["set"]),
    ("help vars set ", []),
]


def bash_complete(box: Sandbox, line: str, before: str = "", cwd: Path | None = None) -> list[str]:
    words = ["activate", *line.split(" ")]
    argv = [shell_path("bash"), "-c", BASH_CALL, "bash", str(script_file(box, "bash")), before]
    proc = subprocess.run(
        [*argv, *words],
        cwd=cwd or box.project,
        env=box.env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.stderr == ""
    return [w for w in proc.stdout.split("\n") if w]


@pytest.mark.parametrize("line, expected", BASH_CASES, ids=[c[0] or "''" for c in BASH_CASES])
def test_bash_completes(box: Sandbox, line: str, expected: list[str]) -> None:
    # compgen lists files in directory order, and commands once per PATH entry
    assert sorted(set(bash_complete(box, line))) == sorted(expected)


def test_bash_vars_from_a_subfolder(box: Sandbox) -> None:
    deeper = box.project / "subdir" / "deeper"
    assert bash_complete(box, "vars unset ", cwd=deeper) == PROJECT_VARS


def test_bash_hands_commands_to_bash_completion(box: Sandbox) -> None:
    """With bash-completion loaded, `_command_offset` completes after `--`,
    from the command's word (here 4: activate -d x -- CMD)."""
    stub = '_command_offset() { COMPREPLY=("offset:$1"); }'
    assert bash_complete(box, "-d x -- ls", before=stub) == ["offset:4"]
    assert bash_complete(box, "-- ls -l ", before=stub) == ["offset:2"]


def test_bash_registers(box: Sandbox) -> None:
    path = script_file(box, "bash")
    done = box.shell("bash", f'eval "$(cat {path})"; complete -p activate')
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "complete -F _activate activate\n"


# --- fish ---------------------------------------------------------------------

FISH_CASES = [
    ("--mo", ["--mode"]),
    ("--mode ", ["dev", "run"]),
    ("--mode=", ["--mode=dev", "--mode=run"]),
    ("--shell j", ["json"]),
    ("", sorted(commands.NAMES)),
    ("-", [o for o in OPTIONS if o != "--"]),
    ("-d ", ["other/", "subdir/"]),
    ("--dir=su", ["--dir=subdir/"]),
    ("-f ", ["a.toml", "other/", "subdir/"]),  # manifests and folders
    ("-f other/", ["other/m.toml"]),
    ("-f no", ["notes.txt"]),  # no manifest or folder: any file
    ("--file=", ["--file=a.toml", "--file=other/", "--file=subdir/"]),
    ("-c ", []),
    ("-c true ", []),  # no subcommand after -c or --print
    ("--print ", []),
    ("--print --mo", ["--mode"]),
    ("-d subdir s", ["services", "status"]),
    ("completion ", ["bash", "fish", "tcsh", "zsh"]),
    ("completion bash ", []),
    ("vars ", children("vars")),
    ("vars set ", sorted(PROJECT_VARS)),
    ("vars unset MY", ["MY_VAR"]),
    ("vars set MY_VAR ", []),
    ("vars list ", []),
    ("-f other/m.toml vars unset ", ["FROM_FILE"]),
    ("vars unset -f other/m.toml ", ["FROM_FILE"]),
    ("vars -", spellings("vars")),
    ("vars set -", ["-d", "--dir", "-f", "--file"]),  # the options of the group vars
    ("vars list --f", ["--file"]),
    ("vars set -d . ", sorted(PROJECT_VARS)),
    ("services start ", sorted(PROJECT_SERVICES)),
    ("vars set --dir=", ["--dir=other/", "--dir=subdir/"]),
    ("init ", ["other/", "subdir/"]),
    ("init --na", ["--name"]),
    ("status --", [o for o in spellings("status") if o.startswith("--")]),
    ("deactivate -", spellings("deactivate")),
    ("deactivate --shell ", ["bash", "zsh", "fish", "tcsh"]),
    ("-- printen", ["printenv"]),
    ("-- ls --colo", ["--color", "--color="]),  # ls's own completion
    ("-- ls --mo", []),  # not activate's options
    ("help ", sorted(commands.NAMES)),  # help completes command names, at any depth
    ("help vars ", children("vars")),
    ("help vars set ", []),
]


def fish_complete(box: Sandbox, line: str, cwd: Path | None = None) -> list[str]:
    path = script_file(box, "fish")
    done = box.shell(
        "fish",
        f"cat {path} | source; complete -C $ACTIVATE_LINE",
        cwd=cwd,
        env={"ACTIVATE_LINE": f"activate {line}"},
    )
    assert (done.returncode, done.stderr) == (0, "")
    return sorted({row.split("\t")[0] for row in done.stdout.splitlines()})


@pytest.mark.parametrize("line, expected", FISH_CASES, ids=[c[0] or "''" for c in FISH_CASES])
def test_fish_completes(box: Sandbox, line: str, expected: list[str]) -> None:
    assert fish_complete(box, line) == sorted(expected)


def test_fish_vars_from_a_subfolder(box: Sandbox) -> None:
    deeper = box.project / "subdir" / "deeper"
    assert fish_complete(box, "vars unset ", cwd=deeper) == sorted(PROJECT_VARS)


# --- typed into interactive shells ---------------------------------------------

# (typed after `activate `, then TAB and Enter; the arguments activate gets).
# Folders may come back with or without their trailing /.
TYPED = [
    ("--mo", "--mode"),
    ("--mode d", "--mode dev"),
    ("--mode=d", "--mode=dev"),
    ("--shell fi", "--shell fish"),
    ("--shell js", "--shell json"),
    ("--vers", "--version"),
    ("compl", "completion"),
    ("completion t", "completion tcsh"),
    ("vars un", "vars unset"),
    ("vars unset MY", "vars unset MY_VAR"),
    ("vars set QU", "vars set QUOTED_KEY"),
    ("-f other/m.toml vars set FR", "-f other/m.toml vars set FROM_FILE"),
    ("-- printen", "-- printenv"),
    ("-d su", "-d subdir"),
    ("--dir=su", "--dir=subdir"),
    ("-f a.", "-f a.toml"),
    ("-f oth", "-f other"),
    ("init su", "init subdir"),
    ("status --j", "status --json"),
    ("deactivate --shell t", "deactivate --shell tcsh"),
    ("-d subdir compl", "-d subdir completion"),
    ("vars set --fi", "vars set --file"),  # an option of the group vars
    ("help va", "help vars"),
    ("help vars s", "help vars set"),
]

# What activate prints instead of activating: its arguments, between markers
# its own typed definition (AR""GS) does not contain.
ECHO_ARGS = {
    "bash": 'activate() { echo "AR""GS:$* ENDARGS"; }',
    "zsh": 'activate() { print -r -- "AR""GS:$* ENDARGS" }',
    "tcsh": "alias activate 'echo AR\"\"GS:\\!* ENDARGS'",
}


def type_completions(
    box: Sandbox, argv: list[str], setup: str, typed: list[str], shell: str
) -> dict[str, str]:
    """Type `activate WORDS<TAB>` + Enter into an interactive shell, for each
    of `typed`; the arguments activate got, for each."""
    child = pexpect.spawn(
        argv[0],
        argv[1:],
        cwd=str(box.project),
        env={**box.env, "TERM": "xterm"},
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 250),
    )
    try:
        child.sendline(f'{setup}; {ECHO_ARGS[shell]}; echo SET""UP-DONE')
        child.expect("SETUP-DONE")
        got = {}
        for words in typed:
            child.send(f"activate {words}\t")
            child.send("\r")
            child.expect(r"ARGS:(.*?) ENDARGS")
            got[words] = re.sub(r"/( |$)", r"\1", child.match.group(1).strip())
        return got
    finally:
        child.close(force=True)


def test_bash_typed(box: Sandbox) -> None:
    path = script_file(box, "bash")
    argv = [shell_path("bash"), "--norc", "--noprofile", "-i"]
    got = type_completions(box, argv, f'eval "$(cat {path})"', [w for w, _ in TYPED], "bash")
    assert got == dict(TYPED)


@pytest.mark.parametrize("form", ["source", "eval", "fpath"])
def test_zsh_typed(box: Sandbox, form: str) -> None:
    """With compinit: `source <(activate completion zsh)`, `eval "$(...)"`,
    or the script saved as _activate in a folder of $fpath."""
    path = script_file(box, "zsh")
    compinit = "autoload -Uz compinit && compinit -u -D"
    if form == "source":
        setup = f"{compinit}; source {path}"
    elif form == "eval":
        setup = f'{compinit}; eval "$(cat {path})"'
    else:
        functions = box.root / "zfunc"
        functions.mkdir()
        shutil.copy(path, functions / "_activate")
        setup = f"fpath=({functions} $fpath); {compinit}"
    argv = [shell_path("zsh"), "-f", "-i"]
    got = type_completions(box, argv, setup, [w for w, _ in TYPED], "zsh")
    assert got == dict(TYPED)


def test_zsh_excludes_subcommands_after_an_action(box: Sandbox) -> None:
    path = script_file(box, "zsh")
    setup = f"autoload -Uz compinit && compinit -u -D; source {path}"
    argv = [shell_path("zsh"), "-f", "-i"]
    typed = ["--print compl", "-c true compl", "-- ls --mo", "status --mo", "deactivate --shell j"]
    got = type_completions(box, argv, setup, typed, "zsh")
    assert got == {w: w for w in typed}


def test_zsh_loads_without_compinit(box: Sandbox) -> None:
    """Without compinit: no error, nothing registered, _activate defined."""
    path = script_file(box, "zsh")
    for load in (f"source {path}", f'eval "$(cat {path})"'):
        done = box.shell(
            "zsh", f"{load}; print ${{+functions[_activate]}} ${{+functions[compdef]}}"
        )
        assert (done.returncode, done.stderr, done.stdout) == (0, "", "1 0\n")


def test_zsh_registers_with_compinit(box: Sandbox) -> None:
    path = script_file(box, "zsh")
    script = (
        f"autoload -Uz compinit && compinit -u -D; source {path}; print -r -- $_comps[activate]"
    )
    done = box.shell("zsh", script)
    assert (done.returncode, done.stderr, done.stdout) == (0, "", "_activate\n")


def test_tcsh_typed(box: Sandbox) -> None:
    path = script_file(box, "tcsh")
    argv = [shell_path("tcsh"), "-f", "-i"]
    setup = f'set edit; eval "`cat {path}`"'
    got = type_completions(box, argv, setup, [w for w, _ in TYPED], "tcsh")
    assert got == dict(TYPED)


def plain(cmd: Command) -> Command:
    """The tree `cmd` with every help text and summary made plain (x): what
    is left of a script is code and the table's names."""
    return cmd.replace(
        summary="x",
        help="x",
        options=tuple(o.replace(help="x") for o in cmd.options),
        args=tuple(a.replace(help="x") for a in cmd.args),
        children=tuple(plain(c) for c in cmd.children),
    )


def test_completing_never_runs_activate() -> None:
    """The scripts are static: no line runs activate (`$(activate`,
    `(activate`, `command activate`, a line or statement starting with it).
    Help texts, shown as descriptions, may name activate: they are made
    plain here; the `box` fixture checks that completing in the real shells
    never runs an activate on PATH."""
    runs = re.compile(r"(^|[;&|(`]|\$\()[ \t]*(command[ \t]+)?activate\b", re.MULTILINE)
    for shell in completion.SHELLS:
        code = completion.script(shell, plain(TABLE))
        code = re.sub(r"^#.*", "", code, flags=re.MULTILINE)
        assert not runs.search(code), shell
        with open(os.path.join(shell_dir(), "completion", f"activate.{shell}")) as f:
            template = re.sub(r"^#.*", "", f.read(), flags=re.MULTILINE)
        assert not runs.search(template), shell


# --- the whole table, in every shell -------------------------------------------


def positions(root: Command) -> dict[str, list[str]]:
    """Where the table `root` puts words: the words typed after `activate `
    (ending in a space, or in - for options) -> the names the table says are
    offered there. Every command at every depth: its sub-verbs (also after
    `help`), its options (those of the groups above it too), the choices of
    each option's value and of its first argument."""
    nodes = list(every_command(root))
    helps = [path for path, cmd, _ in nodes if cmd.args and cmd.args[0].complete == "commands"]
    out: dict[str, list[str]] = {}
    for path, cmd, names in nodes:
        typed = "".join(f"{word} " for word in path)
        subs = [c.name for c in cmd.children]
        if subs:
            out[typed] = subs
            for h in helps:
                out["".join(f"{word} " for word in h) + typed] = subs
        elif cmd.args and cmd.args[0].choices:
            out[typed] = list(cmd.args[0].choices)
        if names:
            out[typed + "-"] = names
        for opt in cmd.options:  # (those of the groups above: where they are declared)
            for name in opt.names if opt.choices else ():
                out[f"{typed}{name} "] = list(opt.choices)
    return out


# Completes each line in one bash, the way bash's programmable completion
# calls _activate; prints @@LINE, then COMPREPLY.
BASH_WALK = r"""
source "$1"
shift
for line in "$@"; do
    COMP_LINE="activate $line"
    read -ra COMP_WORDS <<<"$COMP_LINE"
    [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _activate activate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf '%s\n' "@@$line" "${COMPREPLY[@]}"
done
"""

FISH_WALK = r"""
cat $argv[1] | source
for line in $argv[2..-1]
    echo "@@$line"
    complete -C "activate $line"
end
"""

# zsh: a compadd that notes, in $ADDED, the words each real call adds (not
# the calls that only match: -O, -A, -D), then adds them.
ZSH_NOTE = (
    "compadd() { "
    'if [[ " $* " == *" -"[OAD]" "* ]]; then builtin compadd "$@"; return; fi; '
    'local -a _w; builtin compadd -O _w "$@"; print -rl -- $_w >> $ADDED; builtin compadd "$@" }'
)


def split_walk(output: str) -> dict[str, set[str]]:
    """@@LINE then its words, for each line."""
    got: dict[str, set[str]] = {}
    words: set[str] = set()
    for row in output.splitlines():
        if row.startswith("@@"):
            words = got.setdefault(row[2:], set())
        elif row:
            words.add(row.split("\t")[0])  # fish: WORD<TAB>DESCRIPTION
    return got


PROMPT = "tcsh> "


def offered(box: Sandbox, shell: str, script: Path, lines: list[str]) -> dict[str, set[str]]:
    """The words the real `shell` offers after `activate LINE`, for each line."""
    if shell in ("bash", "fish"):
        code = BASH_WALK if shell == "bash" else FISH_WALK
        done = subprocess.run(
            [shell_path(shell), "-c", code, shell, str(script), *lines]
            if shell == "bash"
            else [shell_path(shell), "-c", code, str(script), *lines],
            cwd=box.project,
            env=box.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert (done.returncode, done.stderr) == (0, "")
        return split_walk(done.stdout)
    added = box.root / "added"
    if shell == "zsh":  # TAB, with the words noted
        argv = [shell_path("zsh"), "-f", "-i"]
        setup = f"autoload -Uz compinit && compinit -u -D; source {script}; {ZSH_NOTE}"
        key, env = "\t", {"ADDED": str(added)}
    else:  # ^D: tcsh lists the choices under the line, then types the line again
        argv = [shell_path("tcsh"), "-f", "-i"]
        setup = f"set edit; set prompt = '{PROMPT}'; eval \"`cat {script}`\""
        key, env = "\x04", {"TERM": "dumb"}
    child = pexpect.spawn(
        argv[0],
        argv[1:],
        cwd=str(box.project),
        env={**box.env, **env},
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(60, 250),
    )
    got = {}
    try:
        child.sendline(f'{setup}; echo SET""UP-DONE')
        child.expect("SETUP-DONE")
        for line in lines:
            added.unlink(missing_ok=True)
            child.send(f"activate {line}{key}")
            child.send('\x15echo DO""NE\r')  # ^U: kill the line
            child.expect("DONE")
            if shell == "zsh":
                got[line] = set(added.read_text().split()) if added.exists() else set()
            else:  # the rows between the line typed and the line typed again
                rows = child.before.replace("\r", "").split("\n")
                typed = [i for i, row in enumerate(rows) if row.startswith(PROMPT)]
                listing = rows[typed[0] + 1 : typed[1]] if len(typed) > 1 else []
                got[line] = {word for row in listing for word in row.split()}
        return got
    finally:
        child.close(force=True)


def missing(
    box: Sandbox, shell: str, where: dict[str, list[str]], root: Command | None = None
) -> dict[str, list[str]]:
    """What the `shell` script of the tree `root` (default: activate's own)
    does not offer of `where`."""
    got = offered(box, shell, script_file(box, shell, root), list(where))
    gaps = {
        line: [w for w in words if w not in got.get(line, set())] for line, words in where.items()
    }
    return {line: words for line, words in gaps.items() if words}


def test_positions_cover_the_table() -> None:
    """The walk below visits every command, sub-verb and option spelling."""
    where = positions(TABLE)
    words = {w for names in where.values() for w in names}
    assert set(commands.NAMES) <= words

    def check(cmd: Command) -> None:
        assert {c.name for c in cmd.children} <= words
        assert {n for o in cmd.options for n in o.names} <= words
        for child in cmd.children:
            check(child)

    check(TABLE)
    assert where["vars set -"] == ["-d", "--dir", "-f", "--file"]
    assert where["help vars "] == ["list", "set", "unset"]


@pytest.mark.parametrize("shell", completion.SHELLS)
def test_every_word_of_the_table_is_offered(box: Sandbox, shell: str) -> None:
    """Every subcommand, sub-verb and option spelling (and choice) of the
    table is offered where the table puts it, by the real shell."""
    assert missing(box, shell, positions(TABLE)) == {}


# A made-up option of activate itself, an option of a sub-verb, and a group
# with sub-verbs two deep, planted in a copy of the table.
# (words activate's own table does not have: `services` is a real group now)
PLANTED = {"-z", "--zap", "zip", "zop", "--export", "chores", "--all", "begin", "journal"}
PLANTED |= {"-F", "--trail", "web", "worker", "db", "migrate", "--rehearse"}


def plant(root: Command) -> Command:
    """activate's table with the PLANTED words added."""
    zap = Option(("-z", "--zap"), "ZAP", "a planted option", choices=("zip", "zop"))
    group = root.child("vars")
    assert group is not None
    verb = group.child("set")
    assert verb is not None
    export = Option(("--export",), None, "a planted switch")
    verbs = tuple(verb.replace(options=(export,)) if c is verb else c for c in group.children)
    name = Arg("NAME", "a service", choices=("web", "worker"))
    services = Command(
        "chores",
        "planted services",
        "A planted group.",
        options=(Option(("--all",), None, "every service"),),
        children=(
            Command("begin", "start one", "Start NAME.", args=(name,)),
            Command(
                "journal",
                "its logs",
                "Show the logs of NAME.",
                options=(Option(("-F", "--trail"), None, "follow"),),
                args=(name,),
            ),
            Command(
                "db",
                "the database",
                "A planted group in a group.",
                children=(
                    Command(
                        "migrate",
                        "migrate it",
                        "Migrate.",
                        options=(Option(("--rehearse",), None, "only say what"),),
                    ),
                ),
            ),
        ),
    )
    subcommands = tuple(group.replace(children=verbs) if c is group else c for c in root.children)
    return root.replace(options=(*root.options, zap), children=(*subcommands, services))


@pytest.mark.parametrize("shell", completion.SHELLS)
def test_a_word_planted_in_the_table_is_offered(box: Sandbox, shell: str) -> None:
    """The script of a table with words planted offers them all, in the real
    shell; the script of activate's own table misses exactly those: the
    scripts are generated from the table, and the walk catches a word missing."""
    planted = plant(TABLE)
    where = positions(planted)
    assert missing(box, shell, where, planted) == {}
    missed = missing(box, shell, where)
    assert {w for words in missed.values() for w in words} == PLANTED


@pytest.mark.parametrize("shell", completion.SHELLS)
def test_the_planted_words_are_in_the_script(shell: str) -> None:
    """Each planted word is in the script more often than in the script of
    activate's own table (where some, like -F, are already shell code)."""
    planted = completion.script(shell, plant(TABLE))
    own = completion.script(shell)
    for word in PLANTED:
        alone = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
        assert len(alone.findall(planted)) > len(alone.findall(own)), word
