set -gx GREETING 'it\'s "$HOME" `id` $(id) !! \\ 100%	tab
line 2 é';
set -gx TRAILING 'ends with \\';
set -gx EMPTY '';
set -e OLD_VAR;
source '/project/.flox/cache/env\'s.profile-common';
if status is-interactive; and not set -q ACTIVATE_NO_PROMPT; if not set -q _activate_prompt_on; and functions -q fish_prompt; functions -c fish_prompt __activate_fish_prompt; end; set -g _activate_prompt_on 1; function fish_prompt; printf '%s' '(demo __x__) '; functions -q __activate_fish_prompt; and __activate_fish_prompt; end; end;
