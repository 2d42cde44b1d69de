# Sourced by tcsh before and after an activation's [profile] code (the first
# time with __activate_x = start): the names of the environment variables
# that code set or unset join _ACTIVATE_OUTSIDE, so that `activate --outside`
# restores them too. tcsh compares names only: a changed value of a variable
# that existed before is not seen. Names come from the builtin printenv.
set __activate_now = ( )
foreach __activate_l ( "`printenv`" )
  set __activate_w = ( $__activate_l:s/=/ /:x )
  if ( $#__activate_w ) set __activate_now = ( $__activate_now:q $__activate_w[1]:q )
end
if ( "$__activate_x" == start ) then
  set __activate_x = end
  set __activate_xn = ( $__activate_now:q )
  unset __activate_now __activate_l __activate_w
else
  set __activate_xs = ( )
  foreach __activate_n ( $__activate_now:q )
    if ( " $__activate_xn " =~ *" $__activate_n "* || "$__activate_n" =~ _ACTIVATE_* || "$__activate_n" =~ __activate* ) then
    else
      set __activate_xs = ( $__activate_xs:q $__activate_n:q )
    endif
  end
  foreach __activate_n ( $__activate_xn:q )
    if ( " $__activate_now " =~ *" $__activate_n "* ) then
    else
      set __activate_xs = ( $__activate_xs:q $__activate_n:q )
    endif
  end
  if ( $#__activate_xs ) setenv _ACTIVATE_OUTSIDE "${_ACTIVATE_OUTSIDE} $__activate_xs"
  unset __activate_x __activate_xn __activate_now __activate_xs __activate_n __activate_l __activate_w
endif
