export GREETING='it'\''s "$HOME" `id` $(id) !! \ 100%	tab
line 2 é';
export TRAILING='ends with \';
export EMPTY='';
unset OLD_VAR;
. '/project/.flox/cache/env'\''s.profile-common';
case $- in *i*) if [ -z "${ACTIVATE_NO_PROMPT-}" ]; then [ -n "${_activate_ps1+x}" ] || _activate_ps1=${PS1-}; PS1='(demo __x__) '$_activate_ps1; fi;; esac;
