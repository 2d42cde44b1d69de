# activate's prompt hook for fish: auto-activation on cd (docs/auto-activation.md).
# At each prompt, builtins decide whether the projects the shell is in (the
# folders at and above it holding .flox/env/manifest.toml) or a watched file
# (their manifests, the trust store) changed since the last look; only then
# does `activate hook-env fish` run, printing the code that deactivates and
# activates environments in place.
set -g _activate_auto_cmd @ENTRIES@
function _activate_auto_changed
    if test "$PWD" != "$_activate_auto_pwd"
        # A new folder: only the projects at and above it matter. Walk up
        # with builtins; a symlink on the way (the real folders may differ)
        # counts as a change.
        set -g _activate_auto_walk ''
        set -l d $PWD
        while test -n "$d"
            if test -L "$d"
                set -g _activate_auto_walk -
                return 0
            end
            if test -f "$d/.flox/env/manifest.toml"
                set -g _activate_auto_walk "$_activate_auto_walk$d/"
            end
            set d (string replace -r '/[^/]*$' '' -- $d)
        end
        set -q _activate_auto_found; or return 0
        test "$_activate_auto_walk" = "$_activate_auto_found"; or return 0
        set -g _activate_auto_pwd $PWD
    end
    set -q _activate_auto_stamp[1]; or return 0
    for f in $_activate_auto_watch
        if test "$f" -nt "$_activate_auto_stamp"
            return 0
        end
    end
    return 1
end
function _activate_auto_hook --on-event fish_prompt
    _activate_auto_changed; or return 0
    command $_activate_auto_cmd hook-env fish "$_activate_auto_state" | source
    set -g _activate_auto_pwd $PWD
    set -g _activate_auto_found $_activate_auto_walk
end
