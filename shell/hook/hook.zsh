# activate's prompt hook for zsh: auto-activation on cd (docs/auto-activation.md).
# At each prompt, builtins decide whether the projects the shell is in (the
# folders at and above it holding .flox/env/manifest.toml) or a watched file
# (their manifests, the trust store) changed since the last look; only then
# does `activate hook-env zsh` run, printing the code that deactivates and
# activates environments in place. Works under set -u and set -e.
_activate_auto_cmd=@ENTRIES@
_activate_auto_changed() {
  local _activate_auto_d
  if [[ ${_activate_auto_pwd-} != "$PWD" ]]; then
    # A new folder: only the projects at and above it matter. Walk up with
    # builtins; a symlink on the way (the real folders may differ) counts as
    # a change.
    _activate_auto_walk= _activate_auto_d=$PWD
    while [[ -n $_activate_auto_d ]]; do
      if [[ -L $_activate_auto_d ]]; then _activate_auto_walk=-; return 0; fi
      if [[ -f $_activate_auto_d/.flox/env/manifest.toml ]]; then
        _activate_auto_walk+=$_activate_auto_d/
      fi
      _activate_auto_d=${_activate_auto_d%/*}
    done
    if [[ $_activate_auto_walk != "${_activate_auto_found-none}" ]]; then return 0; fi
    _activate_auto_pwd=$PWD
  fi
  [[ -n ${_activate_auto_stamp-} ]] || return 0
  for _activate_auto_d in "${_activate_auto_watch[@]}"; do
    if [[ $_activate_auto_d -nt $_activate_auto_stamp ]]; then return 0; fi
  done
  return 1
}
_activate_auto_hook() {
  _activate_auto_changed || return 0
  eval "$(command "$_activate_auto_cmd" hook-env zsh)"
  _activate_auto_pwd=$PWD _activate_auto_found=${_activate_auto_walk-}
}
autoload -Uz add-zsh-hook
add-zsh-hook precmd _activate_auto_hook
