# activate: `command not found` for a command an [install] entry would have
# provided also says which entry, and why it was not provided.
# Sourced by the launch code of `activate` and `activate -c`; activate fills
# in the list below: command name, then the message, for each such command.
set -g __activate_not_provided @ENTRIES@
# Keep fish's own handler (or the one the user's config defined): it prints the message.
if functions -q fish_command_not_found; and not functions -q __activate_cnf_previous
    functions -c fish_command_not_found __activate_cnf_previous
end
function fish_command_not_found
    if functions -q __activate_cnf_previous
        __activate_cnf_previous $argv
    else
        printf 'fish: Unknown command: %s\n' $argv[1] >&2
    end
    set -l i 1  # builtins only (no seq): the activation's PATH may hold nothing
    while test $i -lt (count $__activate_not_provided)
        if test "$__activate_not_provided[$i]" = "$argv[1]"
            printf 'activate: %s\n' $__activate_not_provided[(math $i + 1)] >&2
        end
        set i (math $i + 2)
    end
end
