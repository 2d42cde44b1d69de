# activate's .zlogin (login shells, the last startup file): the user's
# .zlogin, then the activation.
if (( ${+_activate_user_zdotdir} )); then ZDOTDIR=$_activate_user_zdotdir; else unset ZDOTDIR; fi
unset _activate_zdotdir _activate_user_zdotdir
if [[ -f ${ZDOTDIR:-$HOME}/.zlogin ]]; then . "${ZDOTDIR:-$HOME}/.zlogin"; fi
if [[ -n ${_ACTIVATE_LAUNCH-} ]]; then
  _activate_launch=$_ACTIVATE_LAUNCH
  unset _ACTIVATE_LAUNCH
  . "$_activate_launch"
  unset _activate_launch
fi
