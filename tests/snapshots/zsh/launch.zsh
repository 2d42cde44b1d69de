command '/bin/rm' -f -- '/state/launch/abc.zsh';
__activate_path_edit() {
  local __rest __e __out __n=0
  eval "__rest=\${$1-}"
  if [ -n "$__rest" ]; then __rest=$__rest:; fi
  __out=$2
  if [ -n "$2" ]; then __n=1; fi
  while [ -n "$__rest" ]; do
    __e=${__rest%%:*}
    __rest=${__rest#*:}
    if [ -n "$__e" ]; then
      case ":$2:$3:$4:" in *":$__e:"*) continue ;; esac
    fi
    if [ $__n = 1 ]; then __out=$__out:$__e; else __out=$__e; __n=1; fi
  done
  if [ -n "$3" ]; then
    if [ $__n = 1 ]; then __out=$__out:$3; else __out=$3; fi
  fi
  eval "export $1=\$__out"
}
export FLOX_ENV='/project/.flox/run';
__activate_path_edit PATH '/project/.flox/run/bin:/project/.flox/run/sbin' '' '';
export MANPATH='/project/.flox/run/share/man:';
export GREETING='it'\''s "$HOME" `id` $(id) !! \ 100%	tab
line 2 é';
unset GONE;
__activate_path_edit PATH '/project/hook'\''s bin' '/opt/late bin' '/usr/local/bin';
unset -f __activate_path_edit;
if (( ${+functions[deactivate]} + ${+aliases[deactivate]} )); then :; else deactivate() { set -- "$(command '/opt/activate/bin/activate' deactivate --shell zsh)" "$?"; [ "$2" = 0 ] || return "$2"; eval "$1"; }; _activate_deactivate=1; fi;
if [[ -n ${_ACTIVATE_OUTSIDE-} ]]; then __activate_x=start; . '/opt/activate/shell/zsh/outside.zsh'; fi;
. '/project/.flox/cache/env'\''s.profile-common';
. '/project/.flox/cache/env'\''s.profile-zsh';
if [[ -n ${__activate_x-} ]]; then . '/opt/activate/shell/zsh/outside.zsh'; fi;
if [[ -o interactive ]] && [[ -z "${ACTIVATE_NO_PROMPT-}" ]]; then (( ${+_activate_ps1} )) || _activate_ps1=$PS1; PS1='(demo) '$_activate_ps1; fi;
