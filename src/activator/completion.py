"""Tab completion for `activate`: the code `activate completion SHELL` prints.

    bash:  eval "$(activate completion bash)"
    zsh:   source <(activate completion zsh)    (after compinit; or save it as
           _activate in a folder of $fpath)
    fish:  activate completion fish | source
    tcsh:  eval "`activate completion tcsh`"

The code is static: completing never runs activate. Variable names for
`vars set|unset` come from one cheap awk over the manifest (VARS_AWK).
"""

from __future__ import annotations

SUBCOMMANDS = ("init", "status", "deactivate", "edit", "vars", "completion")
MODES = ("dev", "run")
SHELLS = ("bash", "zsh", "fish", "tcsh")
PRINT_SHELLS = (*SHELLS, "json")  # --shell json is for --print

# The [vars] keys of the manifest a command line names: -f FILE, else
# -d DIR's, else the nearest .flox/env/manifest.toml at or above $PWD. The
# line comes in $COMMAND_LINE (tcsh sets it for `...` completions; the other
# shells pass it). One line with no ', ! or @, so that every shell can hold it
# in single quotes, including tcsh inside a backquoted, eval'd line.
VARS_AWK = " ".join(
    (
        "BEGIN {",
        'n = split(ENVIRON["COMMAND_LINE"], w, " ");',
        "for (i = 2; i <= n; i++) {",
        'if (w[i] == "--") break;',
        'if (w[i] == "-f" || w[i] == "--file") file = w[i + 1];',
        'if (w[i] == "-d" || w[i] == "--dir") dir = w[i + 1];',
        'if (index(w[i], "--file=") == 1) file = substr(w[i], 8);',
        'if (index(w[i], "--dir=") == 1) dir = substr(w[i], 7);',
        "}",
        'if (substr(file, 1, 2) == "~/") file = ENVIRON["HOME"] substr(file, 2);',
        'if (substr(dir, 1, 2) == "~/") dir = ENVIRON["HOME"] substr(dir, 2);',
        'if (file == "" && length(dir)) file = dir "/.flox/env/manifest.toml";',
        'd = ENVIRON["PWD"];',
        'while (file == "" && length(d)) {',
        'm = d "/.flox/env/manifest.toml";',
        "if ((getline line < m) >= 0) file = m;",
        "close(m);",
        "match(d, /.*\\//);",
        "d = substr(d, 1, RLENGTH - 1);",
        "}",
        'if (file == "") exit;',
        "while ((getline line < file) > 0) {",
        "if (line ~ /^[ \\t]*\\[/) invars = (line ~ /^[ \\t]*\\[[ \\t]*vars[ \\t]*\\]/);",
        'else if (invars && line ~ /^[ \\t]*"?[A-Za-z_][A-Za-z0-9_]*"?[ \\t]*=/) {',
        'sub(/^[ \\t]*"?/, "", line);',
        'sub(/"?[ \\t]*=.*/, "", line);',
        "print line;",
        "}",
        "}",
        "}",
    )
)


def script(shell: str) -> str:
    """The completion code for `shell` (bash, zsh, fish or tcsh)."""
    makers = {"bash": bash, "zsh": zsh, "fish": fish, "tcsh": tcsh}
    if shell not in makers:
        raise ValueError(f"no completion for {shell!r}: choose bash, zsh, fish or tcsh")
    return makers[shell]()


def bash() -> str:
    """A `complete -F` function. After `--` it hands over to bash-completion's
    `_command_offset` when that is loaded, else completes commands, then files."""
    return f"""\
# activate completion for bash: eval "$(activate completion bash)"
_activate_add() {{ # add compgen's words to COMPREPLY, one per line
    local word
    while IFS= read -r word; do COMPREPLY+=("$word"); done < <(compgen "$@")
}}

_activate_command() {{ # complete a command line whose command is word $1
    if declare -F _command_offset >/dev/null; then
        _command_offset "$1"
    elif ((COMP_CWORD == $1)); then
        _activate_add -c -- "${{COMP_WORDS[COMP_CWORD]}}"
    else
        compopt -o filenames 2>/dev/null
        _activate_add -f -- "${{COMP_WORDS[COMP_CWORD]}}"
    fi
}}

_activate() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}}
    local i word sub= action= args=()
    COMPREPLY=()
    # bash splits --opt=value into the words --opt, = and value
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]]; then
        prev=${{COMP_WORDS[COMP_CWORD-2]}}
    fi
    # the subcommand and its arguments so far; after --, a command line
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${{COMP_WORDS[i]}}
        case $word in
        --)
            if [[ -z $sub ]]; then
                _activate_command $((i + 1))
                return
            fi
            ;;
        -d | --dir | -f | --file | --mode | --shell | --name)
            [[ ${{COMP_WORDS[i+1]}} == = ]] && i=$((i + 1))
            i=$((i + 1)) # skip the option's value
            ;;
        -c)
            action=-c
            i=$((i + 1))
            ;;
        --print) action=--print ;;
        -*) ;;
        *)
            if [[ -z $sub ]]; then sub=$word; else args+=("$word"); fi
            ;;
        esac
    done
    # an option's value
    case $prev in
    --mode)
        _activate_add -W '{" ".join(MODES)}' -- "$cur"
        return
        ;;
    --shell)
        if [[ $sub == deactivate ]]; then
            _activate_add -W '{" ".join(SHELLS)}' -- "$cur"
        else
            _activate_add -W '{" ".join(PRINT_SHELLS)}' -- "$cur"
        fi
        return
        ;;
    -d | --dir)
        compopt -o filenames 2>/dev/null
        _activate_add -d -- "$cur"
        return
        ;;
    -f | --file) # manifests (*.toml) and folders, else any file
        compopt -o filenames 2>/dev/null
        _activate_add -f -X '!*.toml' -- "$cur"
        _activate_add -d -- "$cur"
        ((${{#COMPREPLY[@]}})) || _activate_add -f -- "$cur"
        return
        ;;
    -c | --name) return ;; # free text
    esac
    # an option, a subcommand (before --print or -c only), or its argument
    case $sub in
    '')
        if [[ $cur == -* ]]; then
            _activate_add -W '-d --dir -f --file --mode --shell --print -c -h --help --version --' -- "$cur"
        elif [[ -z $action ]]; then
            _activate_add -W '{" ".join(SUBCOMMANDS)}' -- "$cur"
        fi
        ;;
    init)
        if [[ $cur == -* ]]; then
            _activate_add -W '--name -d --dir' -- "$cur"
        elif ((${{#args[@]}} == 0)); then
            compopt -o filenames 2>/dev/null
            _activate_add -d -- "$cur"
        fi
        ;;
    status) _activate_add -W '--json -d --dir -f --file' -- "$cur" ;;
    deactivate) _activate_add -W '--shell' -- "$cur" ;;
    edit) _activate_add -W '-d --dir -f --file' -- "$cur" ;;
    vars)
        if [[ $cur == -* ]]; then
            _activate_add -W '-d --dir -f --file' -- "$cur"
        elif ((${{#args[@]}} == 0)); then
            _activate_add -W 'set unset list' -- "$cur"
        elif ((${{#args[@]}} == 1)) && [[ ${{args[0]}} == set || ${{args[0]}} == unset ]]; then
            _activate_add -W "$(COMMAND_LINE=$COMP_LINE awk '{VARS_AWK}' 2>/dev/null)" -- "$cur"
        fi
        ;;
    completion)
        ((${{#args[@]}} == 0)) && _activate_add -W '{" ".join(SHELLS)}' -- "$cur"
        ;;
    esac
    return 0
}}

complete -F _activate activate
"""


def zsh() -> str:
    """An `_arguments` function, registered with compdef when compinit is loaded.
    Saved as `_activate` in a folder of $fpath, compinit loads it by itself."""
    shells = " ".join(SHELLS)
    return f"""\
#compdef activate
# activate completion for zsh, after compinit: source <(activate completion zsh)

_activate_vars() {{ # the [vars] names of the manifest
    local -a names
    names=(${{(f)"$(COMMAND_LINE=$BUFFER awk '{VARS_AWK}' 2>/dev/null)"}})
    _wanted variables expl 'manifest variable' compadd -a names
}}

_activate() {{
    local curcontext=$curcontext state state_descr line i ret=1
    local -A opt_args
    local -a dir=('(-f --file)'{{-d+,--dir=}}'[the project folder holding .flox]:folder:_files -/')
    local -a file=('(-d --dir)'{{-f+,--file=}}'[a manifest file]:manifest file:_files -g "*.toml(-.)"')
    # after --, a command line of its own
    for ((i = 2; i < CURRENT; i++)); do
        case $words[i] in
        --)
            shift $i words
            ((CURRENT -= i))
            _normal
            return
            ;;
        -c | -d | -f | --dir | --file | --mode | --shell) ((i++)) ;;
        -*) ;;
        *) break ;;
        esac
    done
    _arguments -C -s -A "-*" $dir $file \\
        '--mode=[dev (tools and build paths) or run (tools only)]:mode:({" ".join(MODES)})' \\
        '--shell=[the shell to start or print code for]:shell:({" ".join(PRINT_SHELLS)})' \\
        '(-c 1 *)--print[print code that configures the current shell]' \\
        '(--print 1 *)-c+[run CODE with your shell]:shell code: ' \\
        '(- 1 *)'{{-h,--help}}'[show help]' \\
        '(- 1 *)--version[show the version]' \\
        '(-c --print 1 *)--[run a command in the environment]' \\
        '1: :->subcommand' \\
        '*:: :->argument' && ret=0
    case $state in
    subcommand)
        local -a subcommands=(
            'init:create a manifest in a folder'
            'status:show the active environments'
            'deactivate:leave the current environment'
            'edit:edit the manifest'
            'vars:set, unset or list [vars]'
            'completion:print shell completion code'
        )
        _describe -t subcommands 'activate subcommand' subcommands && ret=0
        ;;
    argument)
        curcontext=${{curcontext%:*:*}}:activate-$words[1]:
        case $words[1] in
        init)
            _arguments $dir '--name=[the environment name]:name: ' '1:folder:_files -/' && ret=0
            ;;
        status)
            _arguments $dir $file '--json[print JSON]' && ret=0
            ;;
        deactivate)
            _arguments '--shell=[the shell to print code for]:shell:({shells})' && ret=0
            ;;
        edit)
            _arguments $dir $file && ret=0
            ;;
        vars)
            _arguments -C $dir $file \\
                '1:action:((set\\:"set a variable" unset\\:"remove a variable" list\\:"list the variables"))' \\
                '2: :->name' && ret=0
            if [[ $state == name && $line[1] == (set|unset) ]]; then
                _activate_vars && ret=0
            fi
            ;;
        completion)
            _arguments '1:shell:({shells})' && ret=0
            ;;
        esac
        ;;
    esac
    return ret
}}

if [[ $funcstack[1] == _activate ]]; then
    _activate "$@" # autoloaded from $fpath by compinit
elif (($+functions[compdef])); then
    compdef _activate activate
fi
"""


def fish() -> str:
    """`complete -c activate` lines, each for some places on the command line
    (`__activate_at`); after `--`, the command's own completion."""
    top = "__activate_at '' --print"  # before a subcommand (--print: or -c)
    lines = [
        "# activate completion for fish: activate completion fish | source",
        "function __activate_where -d 'The subcommand and its words so far; -- after --; --print after --print or -c'",
        "    set -l tokens (commandline -opc)",
        "    set -l words",
        "    set -l action",
        "    set -e tokens[1]",
        "    while set -q tokens[1]",
        "        set -l token $tokens[1]",
        "        set -e tokens[1]",
        "        switch $token",
        "            case --",
        '                if test -z "$words"',
        "                    echo -- --",
        "                    return",
        "                end",
        "                set -a words $token",
        "            case -d --dir -f --file --mode --shell --name",
        "                set -e tokens[1] # its value",
        "            case -c",
        "                set action --print",
        "                set -e tokens[1]",
        "            case --print",
        "                set action --print",
        "            case '-*'",
        "            case '*'",
        "                set -a words $token",
        "        end",
        "    end",
        "    if set -q action[1]; and not set -q words[1]",
        "        echo -- $action",
        "    else",
        '        echo "$words"',
        "    end",
        "end",
        "",
        "function __activate_at -d 'Is the command line at one of these places (glob patterns)?'",
        "    set -l here (__activate_where)",
        "    for pattern in $argv",
        '        string match -q -- $pattern "$here"; and return 0',
        "    end",
        "    return 1",
        "end",
        "",
        "function __activate_command -d 'Complete the command line after --'",
        "    set -l tokens (commandline -opc) (commandline -ct)",
        "    set -l i (contains -i -- -- $tokens)",
        "    __fish_complete_subcommand --commandline $tokens[(math $i + 1)..-1]",
        "end",
        "",
        "function __activate_paths -d 'Folders (dir), or manifests and folders (toml) else any file'",
        "    set -l value (commandline -ct | string replace -r -- '^--(dir|file)=' '')",
        '    set -l paths (complete -C"__activate_no_such_command $value")',
        "    set -l dirs (string match -- '*/' $paths)",
        "    if test $argv[1] = dir",
        "        printf '%s\\n' $dirs",
        "    else",
        "        set -l manifests (string match -- '*.toml' $paths) $dirs",
        "        set -q manifests[1]; or set manifests $paths",
        "        printf '%s\\n' $manifests",
        "    end",
        "end",
        "",
        "function __activate_vars -d 'The [vars] names of the manifest'",
        "    set -lx COMMAND_LINE (commandline -p)",
        f"    awk '{VARS_AWK}' 2>/dev/null",
        "end",
        "",
        "complete -c activate -f",
        f"complete -c activate -n \"{top} 'init*' 'status*' 'edit*' 'vars*'\" -s d -l dir -x -a '(__activate_paths dir)' -d 'The project folder holding .flox'",
        f"complete -c activate -n \"{top} 'status*' 'edit*' 'vars*'\" -s f -l file -x -a '(__activate_paths toml)' -d 'A manifest file'",
        f"complete -c activate -n \"{top}\" -l mode -x -a '{' '.join(MODES)}' -d 'dev (tools and build paths) or run (tools only)'",
        f"complete -c activate -n \"{top}\" -l shell -x -a '{' '.join(PRINT_SHELLS)}' -d 'The shell to start or print code for'",
        f"complete -c activate -n \"{top}\" -l print -d 'Print code that configures the current shell'",
        f"complete -c activate -n \"{top}\" -s c -x -d 'Run CODE with your shell'",
        f"complete -c activate -n \"{top}\" -s h -l help -d 'Show help'",
        f"complete -c activate -n \"{top}\" -l version -d 'Show the version'",
        "complete -c activate -n \"__activate_at ''\" -a init -d 'Create a manifest in a folder'",
        "complete -c activate -n \"__activate_at ''\" -a status -d 'Show the active environments'",
        "complete -c activate -n \"__activate_at ''\" -a deactivate -d 'Leave the current environment'",
        "complete -c activate -n \"__activate_at ''\" -a edit -d 'Edit the manifest'",
        "complete -c activate -n \"__activate_at ''\" -a vars -d 'Set, unset or list [vars]'",
        "complete -c activate -n \"__activate_at ''\" -a completion -d 'Print shell completion code'",
        "complete -c activate -n '__activate_at init' -a '(__activate_paths dir)'",
        "complete -c activate -n \"__activate_at 'init*'\" -l name -x -d 'The environment name'",
        "complete -c activate -n \"__activate_at 'status*'\" -l json -d 'Print JSON'",
        f"complete -c activate -n \"__activate_at 'deactivate*'\" -l shell -x -a '{' '.join(SHELLS)}' -d 'The shell to print code for'",
        "complete -c activate -n '__activate_at vars' -a set -d 'Set a variable'",
        "complete -c activate -n '__activate_at vars' -a unset -d 'Remove a variable'",
        "complete -c activate -n '__activate_at vars' -a list -d 'List the variables'",
        "complete -c activate -n \"__activate_at 'vars set' 'vars unset'\" -a '(__activate_vars)'",
        f"complete -c activate -n '__activate_at completion' -a '{' '.join(SHELLS)}'",
        "complete -c activate -n '__activate_at --' -a '(__activate_command)'",
    ]
    return "\n".join(lines) + "\n"


def tcsh() -> str:
    """One `complete activate` statement, on one line: ``eval "`...`"`` joins
    lines. Rules are tried in order and the first that fits the word wins;
    where none fits, tcsh completes file names."""
    subcommands = f"({' '.join(SUBCOMMANDS)})"
    options = "(-d --dir -f --file --mode --shell --print -c -h --help --version -- --name --json)"
    value_options = "{-d,--dir,-f,--file,--mode,--shell}"
    rules = (
        # --option=value
        f"c/--mode=/({' '.join(MODES)})/",
        f"c/--shell=/({' '.join(PRINT_SHELLS)})/",
        "c/--dir=/d/",
        "c/--file=/f:*.toml/",
        # the word after an option
        f"n/--mode/({' '.join(MODES)})/",
        f"n/--shell/({' '.join(PRINT_SHELLS)})/",
        "n/{-d,--dir}/d/",
        "n/{-f,--file}/f:*.toml/",
        "n/-c/x:shell code to run/",
        "n/--name/x:the environment name/",
        "n/--/c/",
        # an option
        f"C/-/{options}/",
        # a subcommand's argument; after `vars set|unset`, the manifest's [vars]
        f"n/completion/({' '.join(SHELLS)})/",
        "n/vars/(set unset list)/",
        "n/init/d/",
        "n/{status,deactivate,edit}/n/",
        f"N@vars@`awk '\\''{VARS_AWK}'\\''`@",
        # a subcommand: first, or after options
        f"p/1/{subcommands}/",
        f"N/{value_options}/{subcommands}/",
        f"n/--{{dir,file,mode,shell}}=*/{subcommands}/",
    )
    return "complete activate " + " ".join(f"'{rule}'" for rule in rules) + ";\n"
