# activate's .zshrc (interactive shells): the user's .zshrc, then the
# activation, so it wins over anything the rc files did (login shells go on
# to .zlogin first).
if (( ${+_activate_user_zdotdir} )); then ZDOTDIR=$_activate_user_zdotdir; else unset ZDOTDIR; fi
if [[ -f ${ZDOTDIR:-$HOME}/.zshrc ]]; then . "${ZDOTDIR:-$HOME}/.zshrc"; fi
if [[ -o login ]]; then
  if (( ${+ZDOTDIR} )); then _activate_user_zdotdir=$ZDOTDIR; else unset _activate_user_zdotdir; fi
  ZDOTDIR=$_activate_zdotdir
else
  unset _activate_zdotdir _activate_user_zdotdir
  if [[ -n ${_ACTIVATE_LAUNCH-} ]]; then
    _activate_launch=$_ACTIVATE_LAUNCH
    unset _ACTIVATE_LAUNCH
    . "$_activate_launch"
    unset _activate_launch
  fi
fi
