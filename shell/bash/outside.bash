# Sourced by bash before and after an activation's [profile] code (the first
# time with __activate_x=start): the exported variables that code set,
# changed or unset join _ACTIVATE_OUTSIDE, so that `activate --outside`
# restores them too. Associative arrays need bash 4.
if ((BASH_VERSINFO[0] < 4)); then
  unset __activate_x
  return 0
fi
if [ "$__activate_x" = start ]; then
  __activate_x=end
  declare -A __activate_xv=()
  for __activate_n in $(compgen -e); do
    __activate_xv[$__activate_n]=${!__activate_n}
  done
else
  __activate_xs=
  __activate_now=$(compgen -e) # one subshell: the names now, for both loops
  for __activate_n in $__activate_now; do
    case $__activate_n in _ACTIVATE_* | __activate*) continue ;; esac
    if [ -z "${__activate_xv[$__activate_n]+set}" ] ||
      [ "${__activate_xv[$__activate_n]}" != "${!__activate_n}" ]; then
      __activate_xs="$__activate_xs $__activate_n"
    fi
  done
  __activate_now=$'\n'"$__activate_now"$'\n'
  for __activate_n in "${!__activate_xv[@]}"; do
    case $__activate_now in
      *$'\n'"$__activate_n"$'\n'*) ;;
      *) __activate_xs="$__activate_xs $__activate_n" ;;
    esac
  done
  if [ -n "$__activate_xs" ]; then _ACTIVATE_OUTSIDE="$_ACTIVATE_OUTSIDE$__activate_xs"; fi
  unset __activate_x __activate_xv __activate_xs __activate_now __activate_n
fi
