# activate's prompt hook for zsh: auto-activation on cd (docs/auto-activation.md).
# At each prompt, builtins decide whether the projects the shell is in (the
# folders at and above it holding .flox/env/manifest.toml) or a watched file
# (their manifests, the trust store) changed since the last look; only then
# does `activate hook-env zsh` run, printing the code that deactivates and
# activates environments in place. Works under set -u and set -e.
_activate_auto_cmd=@ENTRIES@
@CHANGED@
_activate_auto_hook() {
  _activate_auto_changed || return 0
  eval "$(command "$_activate_auto_cmd" hook-env zsh "${_activate_auto_state-}")"
  _activate_auto_pwd=$PWD _activate_auto_found=${_activate_auto_walk-}
}
autoload -Uz add-zsh-hook
add-zsh-hook precmd _activate_auto_hook
