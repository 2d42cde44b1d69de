# activate completion for tcsh: eval "`activate completion tcsh`"
#
# One `complete activate` statement on one line: eval "`...`" joins lines, so
# these comment lines are dropped from what `activate completion tcsh` prints,
# and the rules hold no exclamation mark (history) and no number sign.
#
# The rules are generated from activate's command table. tcsh tries them in
# order and the first that fits the word wins; where none fits, it completes
# file names. In order:
#   c/--OPT=/VALUES/     an option's value given as --opt=value
#   n/OPT/VALUES/        the word after an option taking a value
#   n/--/c/              a command after activate --
#   C/-/(OPTIONS)/       an option: those of every command (tcsh cannot tell
#                        which command the line names)
#   n/NAME/WORDS/        the word after a command's name: its sub-verbs, or
#                        its first argument (n: none)
#   N/NAME/WORDS/        two words after it: its second argument
#   p/1/(COMMANDS)/      a subcommand, first
#   N/OPT/(COMMANDS)/    or after activate's own options and their values
#   n/--OPT=*/(COMMANDS)/
complete activate @TABLE@;
