command '/bin/rm' -f -- '/state/launch/abc.fish';
set -gx FLOX_ENV '/project/.flox/run';
set -l __activate_keep; for __activate_e in $PATH; contains -- $__activate_e '/project/.flox/run/bin' '/project/.flox/run/sbin'; or set -a __activate_keep $__activate_e; end; set -gx PATH '/project/.flox/run/bin' '/project/.flox/run/sbin' $__activate_keep ; set -e __activate_keep;
set -gx MANPATH '/project/.flox/run/share/man:';
set -gx GREETING 'it\'s "$HOME" `id` $(id) !! \\ 100%	tab
line 2 é';
set -e GONE;
set -l __activate_keep; for __activate_e in $PATH; contains -- $__activate_e '/project/hook\'s bin' '/opt/late bin' '/usr/local/bin'; or set -a __activate_keep $__activate_e; end; set -gx PATH '/project/hook\'s bin' $__activate_keep '/opt/late bin'; set -e __activate_keep;
if not functions -q deactivate; function deactivate; set -l __activate_code (command '/opt/activate/bin/activate' deactivate --shell fish); or return $status; string join \n -- $__activate_code | source; end; set -g _activate_deactivate 1; end;
if set -q _ACTIVATE_OUTSIDE; set -g __activate_x start; source '/opt/activate/shell/fish/outside.fish'; end;
source '/project/.flox/cache/env\'s.profile-common';
source '/project/.flox/cache/env\'s.profile-fish';
if set -q __activate_x; source '/opt/activate/shell/fish/outside.fish'; end;
if status is-interactive; and not set -q ACTIVATE_NO_PROMPT; if not set -q _activate_prompt_on; and functions -q fish_prompt; functions -c fish_prompt __activate_fish_prompt; end; set -g _activate_prompt_on 1; function fish_prompt; printf '%s' '(demo) '; functions -q __activate_fish_prompt; and __activate_fish_prompt; end; end;
