# activate completion for bash: eval "$(activate completion bash)"

_activate_table() { # the command at path $1 ('' is activate itself; 'vars set')
    # Sets subs (its sub-verbs), opts (its options and those of the groups above
    # it: NAME, or NAME=COMPLETION when it takes a value), acts (the options
    # after which no sub-verb follows), argspecs (how each argument completes)
    # and more (how further arguments complete). A COMPLETION is one of the
    # kinds dir, manifest, vars, commands, '' (free text), or (choice ...).
    # Returns 1 for no such command. Generated from activate's command table.
    case $1 in
@TABLE@
    *) return 1 ;;
    esac
}

_activate_add() { # add compgen's words to COMPREPLY, one per line (names may hold spaces)
    local word
    while IFS= read -r word; do COMPREPLY+=("$word"); done < <(compgen "$@")
}

_activate_value() { # is $1 an option taking a value? Its COMPLETION in spec
    local opt
    for opt in "${opts[@]}"; do
        if [[ $opt == "$1="* ]]; then
            spec=${opt#*=}
            return 0
        fi
    done
    return 1
}

_activate_complete() { # complete $cur as COMPLETION $1 says ($2: the words of `commands`)
    case $1 in
    \(*\))
        local choices=${1#\(}
        _activate_add -W "${choices%\)}" -- "$cur" # (a b) -> a b
        ;;
    dir)
        # as file names: a / after folders, special characters quoted (quiet
        # where compopt cannot work: outside a completion)
        compopt -o filenames 2>/dev/null
        _activate_add -d -- "$cur"
        ;;
    manifest) # manifests (*.toml) and folders, else any file
        compopt -o filenames 2>/dev/null
        _activate_add -f -X '!*.toml' -- "$cur"
        _activate_add -d -- "$cur"
        ((${#COMPREPLY[@]})) || _activate_add -f -- "$cur"
        ;;
    vars) # the [vars] names of the manifest the command line names
        _activate_add -W "$(COMMAND_LINE=$COMP_LINE awk '@VARS_AWK@' 2>/dev/null)" -- "$cur"
        ;;
    commands) # the sub-verbs of the command the words name; no words: the subcommands
        local subs=() opts=() acts=() argspecs=() more= # not the caller's
        _activate_table "$2" && _activate_add -W "${subs[*]}" -- "$cur"
        ;;
    esac
}

_activate_command() { # complete a command line whose command is word $1
    if declare -F _command_offset >/dev/null; then
        _command_offset "$1"
    elif ((COMP_CWORD == $1)); then
        _activate_add -c -- "${COMP_WORDS[COMP_CWORD]}"
    else
        compopt -o filenames 2>/dev/null
        _activate_add -f -- "${COMP_WORDS[COMP_CWORD]}"
    fi
}

_activate() {
    local cur=${COMP_WORDS[COMP_CWORD]} i word spec node= action= ended=
    local subs=() opts=() acts=() argspecs=() more= typed=() # _activate_table sets these
    COMPREPLY=()
    _activate_table ''
    # the command the words name, and its arguments so far
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ -n $ended ]]; then
            typed+=("$word")
            continue
        fi
        case $word in
        --)
            if [[ -z $node ]]; then # activate -- COMMAND ...
                _activate_command $((i + 1))
                return
            fi
            ended=1 # a command's arguments follow
            ;;
        -?*)
            [[ " ${acts[*]} " == *" $word "* ]] && action=1
            if _activate_value "$word"; then
                # bash splits --opt=value into the words --opt, = and value
                if [[ ${COMP_WORDS[i + 1]} == = ]] && ((i + 1 < COMP_CWORD)); then
                    i=$((i + 1))
                fi
                if ((i + 1 == COMP_CWORD)); then # the current word is its value
                    [[ $cur == = ]] && cur=
                    _activate_complete "$spec" "${typed[*]}"
                    return 0
                fi
                i=$((i + 1))
            fi
            ;;
        *)
            if ((${#subs[@]} && ! ${#typed[@]})) && [[ -z $action && " ${subs[*]} " == *" $word "* ]]; then
                node=${node:+$node }$word
                _activate_table "$node"
            else
                typed+=("$word")
            fi
            ;;
        esac
    done
    # an option, a sub-verb, or an argument
    if [[ -z $ended && $cur == -* ]]; then
        local names=("${opts[@]%%=*}")
        [[ -z $node && -z $action ]] && names+=(--)
        _activate_add -W "${names[*]}" -- "$cur"
    elif ((${#subs[@]})); then
        ((${#typed[@]})) || [[ -n $action ]] || _activate_add -W "${subs[*]}" -- "$cur"
    elif ((${#typed[@]} < ${#argspecs[@]})); then
        _activate_complete "${argspecs[${#typed[@]}]}" "${typed[*]}"
    else
        _activate_complete "$more" "${typed[*]}"
    fi
    return 0
}

complete -F _activate activate
