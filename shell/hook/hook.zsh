# activate's prompt hook for zsh: auto-activation on cd (docs/auto-activation.md).
# At each prompt, builtins decide whether the folder or a watched file (the
# manifests, the trust store) changed since the last look; only then does
# `activate hook-env zsh` run, printing the code that deactivates and
# activates environments in place. Works under set -u and set -e.
_activate_auto_cmd=@ENTRIES@
_activate_auto_hook() {
  if [[ ${_activate_auto_pwd-} == "$PWD" && -n ${_activate_auto_stamp-} ]]; then
    local _activate_auto_f _activate_auto_go=
    for _activate_auto_f in "${_activate_auto_watch[@]}"; do
      if [[ $_activate_auto_f -nt $_activate_auto_stamp ]]; then _activate_auto_go=1; break; fi
    done
    [[ -n $_activate_auto_go ]] || return 0
  fi
  eval "$(command "$_activate_auto_cmd" hook-env zsh)"
  _activate_auto_pwd=$PWD
}
autoload -Uz add-zsh-hook
add-zsh-hook precmd _activate_auto_hook
