setenv GREETING 'it'\''s "$HOME" `id` $(id) '\!''\!' \ 100%	tab\
line 2 é';
setenv TRAILING 'ends with \';
setenv EMPTY '';
unsetenv OLD_VAR;
source '/project/.flox/cache/env'\''s.profile-common';
if ( $?prompt ) then
if ( ! $?ACTIVATE_NO_PROMPT ) then
if ( ! $?_activate_prompt ) set _activate_prompt = "$prompt:q"
set prompt = '(demo __x__) '"$_activate_prompt:q"
endif
endif
