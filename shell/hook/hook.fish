# activate's prompt hook for fish: auto-activation on cd (docs/auto-activation.md).
# At each prompt, builtins decide whether the folder or a watched file (the
# manifests, the trust store) changed since the last look; only then does
# `activate hook-env fish` run, printing the code that deactivates and
# activates environments in place.
set -g _activate_auto_cmd @ENTRIES@
function _activate_auto_hook --on-event fish_prompt
    if test "$PWD" = "$_activate_auto_pwd"; and set -q _activate_auto_stamp[1]
        set -l _activate_auto_go
        for _activate_auto_f in $_activate_auto_watch
            if test "$_activate_auto_f" -nt "$_activate_auto_stamp"
                set _activate_auto_go 1
                break
            end
        end
        set -q _activate_auto_go[1]; or return 0
    end
    command $_activate_auto_cmd hook-env fish | source
    set -g _activate_auto_pwd $PWD
end
