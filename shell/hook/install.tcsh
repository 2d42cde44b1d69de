# activate's prompt hook for tcsh: auto-activation on cd (docs/auto-activation.md).
# precmd sources precmd.tcsh before the user's own precmd alias, which is kept.
set _activate_auto_prev = "`alias precmd`"
if ( "$_activate_auto_prev:q" !~ *_activate_auto_precmd* ) then
  alias precmd 'source "$_activate_auto_precmd"; '"$_activate_auto_prev"
endif
unset _activate_auto_prev
