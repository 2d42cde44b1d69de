#compdef activate
# activate completion for zsh, after compinit: source <(activate completion zsh)
# (or save it as _activate in a folder of $fpath)

_activate_table() { # the command at path $1 ('' is activate itself; 'vars set')
    # Sets subs (its sub-verbs), opts (its options and those of the groups above
    # it: NAME, or NAME=COMPLETION when it takes a value), acts (the options
    # after which no sub-verb follows), argspecs (how each argument completes),
    # more (how further arguments complete), and subdescs and optdescs
    # (NAME:DESCRIPTION, for _describe). A COMPLETION is one of the kinds dir,
    # manifest, vars, commands, '' (free text), or (choice ...).
    # Returns 1 for no such command. Generated from activate's command table.
    case $1 in
@TABLE@
    *) return 1 ;;
    esac
}

_activate_value() { # is $1 an option taking a value? Its COMPLETION in spec
    local opt
    for opt in $opts; do
        if [[ $opt == ${(b)1}=* ]]; then # (b): the name as a literal, not a pattern
            spec=${opt#*=}
            return 0
        fi
    done
    return 1
}

_activate_complete() { # complete the current word as COMPLETION $1 says ($2: the words of `commands`)
    local expl
    case $1 in
    \(*\))
        local -a choices=(${=${${1#\(}%\)}}) # (a b) -> a b, split at spaces
        _wanted values expl value compadd -a choices
        ;;
    dir) _files -/ ;;
    manifest) # manifests (*.toml) and folders, else any file
        _files -g '*.toml(-.)' || _files # (-.): plain files, through symlinks
        ;;
    vars) # the [vars] names of the manifest the command line names
        local -a names=(${(f)"$(COMMAND_LINE=$BUFFER awk '@VARS_AWK@' 2>/dev/null)"}) # (f): one a line
        _wanted variables expl 'manifest variable' compadd -a names
        ;;
    commands) # the sub-verbs of the command the words name; no words: the subcommands
        local -a subs opts acts argspecs subdescs optdescs # not the caller's
        local more
        _activate_table "$2" && _describe -t commands 'activate command' subdescs
        ;;
    *) return 1 ;; # free text: nothing to offer
    esac
}

_activate() {
    local i word spec node= action= ended= # node, not path: $path is zsh's $PATH
    local -a subs opts acts argspecs subdescs optdescs typed
    local more
    _activate_table ''
    # the command the words name, and its arguments so far
    for ((i = 2; i < CURRENT; i++)); do
        word=$words[i]
        if [[ -n $ended ]]; then
            typed+=($word)
            continue
        fi
        case $word in
        --)
            if [[ -z $node ]]; then # activate -- COMMAND ...: a command line of its own
                shift $i words # as if COMMAND were typed first
                ((CURRENT -= i))
                _normal
                return
            fi
            ended=1 # a command's arguments follow
            ;;
        --*=*) # --opt=value, one word
            ((${acts[(Ie)${word%%=*}]})) && action=1
            ;;
        -?*)
            ((${acts[(Ie)$word]})) && action=1
            if _activate_value $word; then
                if ((i + 1 == CURRENT)); then # the current word is its value
                    _activate_complete "$spec" "$typed"
                    return
                fi
                ((i++))
            fi
            ;;
        *)
            if (($#subs && ! $#typed)) && [[ -z $action ]] && (($subs[(Ie)$word])); then
                node=${node:+$node }$word
                _activate_table $node
            else
                typed+=($word)
            fi
            ;;
        esac
    done
    # an option (or --opt=value), a sub-verb, or an argument
    word=$words[CURRENT]
    if [[ -z $ended && $word == --*=* ]] && _activate_value ${word%%=*}; then
        compset -P '*=' # complete after the =, keeping --opt= in place
        _activate_complete "$spec" "$typed"
    elif [[ -z $ended && $word == -* ]]; then
        [[ -z $node && -z $action ]] && optdescs+=('--:run a command in the environment')
        _describe -t options option optdescs
    elif (($#subs)); then
        [[ -z $action ]] && ((! $#typed)) && _describe -t commands 'activate command' subdescs
    elif (($#typed < $#argspecs)); then
        _activate_complete "$argspecs[$#typed + 1]" "$typed"
    else
        _activate_complete "$more" "$typed"
    fi
}

if [[ $funcstack[1] == _activate ]]; then
    _activate "$@" # autoloaded from $fpath by compinit
elif (($+functions[compdef])); then
    compdef _activate activate
fi
