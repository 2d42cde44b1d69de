# The test of the bash and zsh prompt hooks (hook.bash, hook.zsh), with
# builtins only: true when the projects the shell is in or a watched file
# changed since the last look. Works under set -u and set -e.
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
  for _activate_auto_d in ${_activate_auto_watch[@]+"${_activate_auto_watch[@]}"}; do
    if [[ $_activate_auto_d -nt $_activate_auto_stamp ]]; then return 0; fi
  done
  return 1
}
