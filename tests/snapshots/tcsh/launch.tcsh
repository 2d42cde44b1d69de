'/bin/rm' -f -- '/state/launch/abc.tcsh';
setenv FLOX_ENV '/project/.flox/run';
if ( ! $?path ) set path = ( )
set _activate_keep = ()
foreach _activate_e ( $path:q )
if ( "$_activate_e" == '/project/.flox/run/bin' || "$_activate_e" == '/project/.flox/run/sbin' ) continue
set _activate_keep = ( $_activate_keep:q $_activate_e:q )
end
set path = ( '/project/.flox/run/bin' '/project/.flox/run/sbin' $_activate_keep:q  )
unset _activate_keep _activate_e
setenv MANPATH '/project/.flox/run/share/man:';
setenv GREETING 'it'\''s "$HOME" `id` $(id) '\!''\!' \ 100%	tab\
line 2 é';
unsetenv GONE;
if ( ! $?path ) set path = ( )
set _activate_keep = ()
foreach _activate_e ( $path:q )
if ( "$_activate_e" == '/project/hook'\''s bin' || "$_activate_e" == '/opt/late bin' || "$_activate_e" == '/usr/local/bin' ) continue
set _activate_keep = ( $_activate_keep:q $_activate_e:q )
end
set path = ( '/project/hook'\''s bin' $_activate_keep:q '/opt/late bin' )
unset _activate_keep _activate_e
if ( "`alias deactivate`" == "" ) then
alias deactivate 'set __activate_c = "`''/opt/activate/bin/activate'' deactivate --shell tcsh`"; if ( "$__activate_c:q" != "" ) eval "$__activate_c:q; unset __activate_c"; if ( $?__activate_c ) eval "unset __activate_c; set status = 1"'
set _activate_deactivate
endif
if ( $?prompt ) then
if ( ! $?ACTIVATE_NO_PROMPT ) then
if ( ! $?_activate_prompt ) set _activate_prompt = "$prompt:q"
set prompt = '(demo) '"$_activate_prompt:q"
endif
endif
if ( $?_ACTIVATE_OUTSIDE ) then
set __activate_x = start
source '/opt/activate/shell/tcsh/outside.tcsh'
endif
source '/project/.flox/cache/env'\''s.profile-common';
source '/project/.flox/cache/env'\''s.profile-tcsh';
if ( $?__activate_x ) source '/opt/activate/shell/tcsh/outside.tcsh'
