# activate completion for fish: activate completion fish | source

# activate's command table, one row a string, fields separated by tabs:
#   opt PATH NAMES VALUE COMPLETION HELP  an option (VALUE: its metavar, empty for a switch)
#   act PATH NAMES VALUE COMPLETION HELP  the same, an option after which no sub-verb follows
#   sub PATH NAME SUMMARY                 a sub-verb
#   arg PATH INDEX COMPLETION             an argument (INDEX counts from 0)
#   more PATH INDEX COMPLETION            the arguments from INDEX on
# PATH is a command's path ('' for activate itself, 'vars set'); a command has
# the options of the groups above it too. A COMPLETION is one of the kinds
# dir, manifest, vars, commands, '' (free text), or (choice ...).
# Generated from activate's command table.
set -g __activate_rows \
@TABLE@

function __activate_where -d 'The command the line names: its path, then flags (a: after an action, e: after its --), then its arguments so far; -- after activate --'
    set -l tokens (commandline -opc)
    # every condition asks, once per complete line: answer from the last walk
    set -l key (string join \n -- $tokens)
    if test "$key" = "$__activate_where_key"
        printf '%s\n' $__activate_where_was
        return
    end
    set -e tokens[1]
    set -l node ''
    set -l flags ''
    set -l typed
    while set -q tokens[1]
        set -l token $tokens[1]
        set -e tokens[1]
        if string match -q '*e*' -- $flags
            set -a typed $token
            continue
        end
        switch $token
            case --
                if test -z "$node" # activate -- COMMAND ...
                    set node --
                    break
                end
                set flags {$flags}e
            case '-?*'
                set -l row (__activate_option "$node" (string split -m 1 = -- $token)[1])
                test "$row[1]" = act; and set flags {$flags}a
                # its value is the next token, unless given as --opt=value
                if test -n "$row[4]"; and not string match -q -- '*=*' $token
                    set -e tokens[1]
                end
            case '*'
                if test -z "$flags"; and not set -q typed[1]; and __activate_sub "$node" $token
                    set node (string trim -- "$node $token")
                else
                    set -a typed $token
                end
        end
    end
    set -g __activate_where_key $key
    set -g __activate_where_was $node $flags $typed
    printf '%s\n' $__activate_where_was
end

function __activate_option -a node name -d 'The fields of the row of option NAME of the command at NODE'
    for row in $__activate_rows
        set -l f (string split \t -- $row)
        if contains -- $f[1] opt act; and test "$f[2]" = "$node"; and contains -- $name (string split ' ' -- $f[3])
            printf '%s\n' $f
            return
        end
    end
end

function __activate_sub -a node name -d 'Is NAME a sub-verb of the command at NODE?'
    string match -q -- (printf 'sub\t%s\t%s\t*' $node $name) $__activate_rows
end

function __activate_in -a node -d 'Is the line at the command NODE, where its options go?'
    set -l where (__activate_where)
    test "$where[1]" = "$node"; and not string match -q '*e*' -- $where[2]
end

function __activate_subs -a node -d 'Is the line where a sub-verb of the command NODE goes?'
    set -l where (__activate_where)
    test "$where[1]" = "$node" -a -z "$where[2]" -a (count $where) -eq 2
end

function __activate_arg -a node index -d 'Is the line at argument INDEX (INDEX+: or later) of the command NODE?'
    set -l where (__activate_where)
    set -l typed (math (count $where) - 2)
    test "$where[1]" = "$node"; or return
    if string match -q '*+' -- $index
        test $typed -ge (string trim -r -c + -- $index)
    else
        test $typed -eq $index
    end
end

function __activate_values -a completion -d 'The words a COMPLETION offers: dir, manifest, vars, commands'
    switch $completion
        case dir
            __activate_paths dir
        case manifest
            __activate_paths toml
        case vars
            __activate_vars
        case commands
            __activate_commands
    end
end

function __activate_paths -d 'Folders (dir), or manifests and folders (toml) else any file'
    set -l value (commandline -ct | string replace -r -- '^--[^=]*=' '')
    set -l paths (complete -C"__activate_no_such_command $value")
    set -l dirs (string match -- '*/' $paths)
    if test $argv[1] = dir
        printf '%s\n' $dirs
    else
        set -l manifests (string match -- '*.toml' $paths) $dirs
        set -q manifests[1]; or set manifests $paths
        printf '%s\n' $manifests
    end
end

function __activate_vars -d 'The [vars] names of the manifest the command line names'
    set -lx COMMAND_LINE (commandline -p)
    awk '@VARS_AWK@' 2>/dev/null
end

function __activate_commands -d 'The sub-verbs of the command the arguments so far name'
    set -l where (__activate_where)
    set -l node (string join ' ' -- $where[3..-1])
    for row in $__activate_rows
        set -l f (string split \t -- $row)
        test "$f[1]" = sub -a "$f[2]" = "$node"; and printf '%s\t%s\n' $f[3] $f[4]
    end
end

function __activate_command -d 'Complete the command line after --'
    set -l tokens (commandline -opc) (commandline -ct)
    set -l i (contains -i -- -- $tokens)
    __fish_complete_subcommand --commandline $tokens[(math $i + 1)..-1]
end

function __activate_complete_args -a completion -d 'The -a of complete for a COMPLETION: its choices, or a call; nothing for free text'
    switch $completion
        case '(*)'
            printf '%s\n' -a (string sub -s 2 -e -1 -- $completion)
        case '?*'
            printf '%s\n' -a "(__activate_values $completion)"
    end
end

function __activate_register -d 'One complete a row of the table'
    complete -c activate -f
    for row in $__activate_rows
        set -l f (string split \t -- $row)
        switch $f[1]
            case opt act
                set -l names
                for name in (string split ' ' -- $f[3])
                    switch $name
                        case '--*'
                            set -a names -l (string sub -s 3 -- $name)
                        case '-?'
                            set -a names -s (string sub -s 2 -- $name)
                        case '*' # an old-style long option, -name
                            set -a names -o (string sub -s 2 -- $name)
                    end
                end
                if test -n "$f[4]" # it takes a value: -x (no file names unless said), and what to offer
                    set -a names -x (__activate_complete_args $f[5])
                end
                complete -c activate -n "__activate_in '$f[2]'" $names -d $f[6]
            case sub
                complete -c activate -n "__activate_subs '$f[2]'" -a $f[3] -d $f[4]
            case arg more
                set -l index $f[3]
                test $f[1] = more; and set index $index+
                set -l values (__activate_complete_args $f[4])
                set -q values[1]; and complete -c activate -n "__activate_arg '$f[2]' $index" $values
        end
    end
    complete -c activate -n "__activate_in --" -a '(__activate_command)'
end

__activate_register
functions -e __activate_register
