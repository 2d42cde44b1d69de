# activate's .zprofile (login shells): the user's .zprofile, then on to ours.
if (( ${+_activate_user_zdotdir} )); then ZDOTDIR=$_activate_user_zdotdir; else unset ZDOTDIR; fi
if [[ -f ${ZDOTDIR:-$HOME}/.zprofile ]]; then . "${ZDOTDIR:-$HOME}/.zprofile"; fi
if (( ${+ZDOTDIR} )); then _activate_user_zdotdir=$ZDOTDIR; else unset _activate_user_zdotdir; fi
ZDOTDIR=$_activate_zdotdir
