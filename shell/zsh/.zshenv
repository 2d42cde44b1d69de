# activate's .zshenv: zsh reads it (after /etc/zsh/zshenv) because activate
# pointed ZDOTDIR here. Read the user's own .zshenv with the user's ZDOTDIR;
# for `zsh -c` this is the last startup file, so the activation runs here.
_activate_zdotdir=$ZDOTDIR
if (( ${+_ACTIVATE_ZDOTDIR} )); then ZDOTDIR=$_ACTIVATE_ZDOTDIR; else unset ZDOTDIR; fi
unset _ACTIVATE_ZDOTDIR
if [[ -f ${ZDOTDIR:-$HOME}/.zshenv ]]; then . "${ZDOTDIR:-$HOME}/.zshenv"; fi
if [[ -o interactive || -o login ]]; then
  # More startup files follow: zsh must keep reading ours.
  if (( ${+ZDOTDIR} )); then _activate_user_zdotdir=$ZDOTDIR; fi
  ZDOTDIR=$_activate_zdotdir
else
  unset _activate_zdotdir
  if [[ -n ${_ACTIVATE_LAUNCH-} ]]; then
    _activate_launch=$_ACTIVATE_LAUNCH
    unset _ACTIVATE_LAUNCH
    . "$_activate_launch"
    unset _activate_launch
  fi
fi
