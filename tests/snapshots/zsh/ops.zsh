export GREETING='it'\''s "$HOME" `id` $(id) !! \ 100%	tab
line 2 é';
export TRAILING='ends with \';
export EMPTY='';
unset OLD_VAR;
. '/project/.flox/cache/env'\''s.profile-common';
if [[ -o interactive ]] && [[ -z "${ACTIVATE_NO_PROMPT-}" ]]; then (( ${+_activate_ps1} )) || _activate_ps1=$PS1; PS1='(demo __x__) '$_activate_ps1; fi;
