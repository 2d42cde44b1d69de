# Sourced by zsh before and after an activation's [profile] code (the first
# time with __activate_x=start): the exported variables that code set,
# changed or unset join _ACTIVATE_OUTSIDE, so that `activate --outside`
# restores them too.
if [[ $__activate_x == start ]]; then
  __activate_x=end
  typeset -A __activate_xv
  __activate_xv=()
  for __activate_n in ${(k)parameters[(R)*export*]}; do
    __activate_xv[$__activate_n]=${(P)__activate_n}
  done
else
  __activate_xs=
  for __activate_n in ${(k)parameters[(R)*export*]}; do
    [[ $__activate_n == (_ACTIVATE_*|__activate*) ]] && continue
    if (( ! ${+__activate_xv[$__activate_n]} )) ||
      [[ ${__activate_xv[$__activate_n]} != ${(P)__activate_n} ]]; then
      __activate_xs+=" $__activate_n"
    fi
  done
  for __activate_n in ${(k)__activate_xv}; do
    [[ ${parameters[$__activate_n]-} == *export* ]] || __activate_xs+=" $__activate_n"
  done
  if [[ -n $__activate_xs ]]; then _ACTIVATE_OUTSIDE+=$__activate_xs; fi
  unset __activate_x __activate_xv __activate_xs __activate_n
fi
