# bash completion for agreesign(1)
#
# Everything is read from the program being completed when TAB is pressed:
# the commands from 'agreesign --help', a command's verbs from the usage
# lines of 'agreesign COMMAND --help' ("agreesign trust add ..."), its
# options and the kind of value each takes from the "Options:" section
# ("  -k, --key KEY   ..."). Nothing here has to be kept in step with the
# program. Installed as $(datadir)/bash-completion/completions/agreesign;
# or source this file from ~/.bashrc.

# _agreesign_commands PROG: one command name a line.
_agreesign_commands()
{
	"$1" --help 2>/dev/null |
		awk '/^Commands:/ { f = 1; next } f && !NF { exit } f && /^  [a-z]/ { print $1 }'
}

# _agreesign_verbs PROG CMD: the words that follow "agreesign CMD" in the
# usage lines, one a line.
_agreesign_verbs()
{
	"$1" "$2" --help 2>/dev/null | awk -v c="$2" '
		/^Options:/ { exit }
		{
			for (i = 1; i + 2 <= NF; i++)
				if ($i == "agreesign" && $(i + 1) == c &&
				    $(i + 2) ~ /^[a-z][a-z-]*$/)
					print $(i + 2)
		}' | sort -u
}

# _agreesign_options PROG CMD: one "OPTION VALUE" a line, VALUE being the
# placeholder of the option's value ("KEY", "ROLE") or "-" for none.
_agreesign_options()
{
	"$1" "$2" --help 2>/dev/null | awk '
		/^Options:/ { f = 1; next }
		f && !NF { exit }
		f && /^  *-/ {
			short = ""
			for (i = 1; i <= NF; i++) {
				w = $i
				if (i == 1 && w ~ /^-[A-Za-z0-9],$/) {
					short = substr(w, 1, 2)
					continue
				}
				if (w !~ /^--[a-z0-9][a-z0-9-]*,?$/)
					break
				sub(/,$/, "", w)
				arg = "-"
				if (i < NF && $(i + 1) ~ /^[A-Z]/) {
					arg = $(i + 1)
					sub(/,$/, "", arg)
					i++
				}
				print w, arg
				if (short != "")
					print short, arg
				short = ""
			}
		}'
}

# _agreesign_value PLACEHOLDER CUR: completes an option's value by the
# kind its placeholder names; free text (NAME, DATE, KEYID...) gets none.
_agreesign_value()
{
	local roles='author co-author publisher' cur=$2
	case $1 in
	ROLE)
		mapfile -t COMPREPLY < <(compgen -W "$roles" -- "$cur")
		;;
	ROLES) # a comma-separated list: complete its last item
		local head=''
		[[ $cur == *,* ]] && head=${cur%,*},
		mapfile -t COMPREPLY < <(compgen -P "$head" -W "$roles" -- "${cur##*,}")
		;;
	COST)
		mapfile -t COMPREPLY < <(compgen -W 'moderate interactive sensitive min' -- "$cur")
		;;
	DIR | *DIR)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		;;
	F | *FILE | FILE.* | KEY | KEY.* | BASE | ENVELOPE | MANIFEST | PATH)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	*)
		COMPREPLY=()
		;;
	esac
}

_agreesign()
{
	local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev=''
	local cmd='' at=0 i opts value verbs
	prog=${prog/#\~/$HOME}
	COMPREPLY=()

	# The command is the first word after the program that is not an
	# option.
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} != -* ]]; then
			cmd=${COMP_WORDS[i]}
			at=$i
			break
		fi
	done
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W '--help --version' -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_agreesign_commands "$prog") help" -- "$cur")
		fi
		return 0
	fi
	if [[ $cmd == help ]]; then
		((COMP_CWORD == at + 1)) &&
			mapfile -t COMPREPLY < <(compgen -W "$(_agreesign_commands "$prog")" -- "$cur")
		return 0
	fi

	# A verb right after the command (agreesign trust add).
	if ((COMP_CWORD == at + 1)) && [[ $cur != -* ]]; then
		verbs=$(_agreesign_verbs "$prog" "$cmd")
		if [[ -n $verbs ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$verbs" -- "$cur")
			return 0
		fi
	fi

	# --option=value is split at '=' (COMP_WORDBREAKS): the option is
	# then the word before the '='.
	((COMP_CWORD > at + 1)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	if [[ $prev == "=" ]] && ((COMP_CWORD > at + 2)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == "=" ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		cur=
	fi
	opts=$(_agreesign_options "$prog" "$cmd")
	if [[ $prev == -* ]]; then
		value=$(awk -v o="$prev" '$1 == o { print $2; exit }' <<<"$opts")
		if [[ -n $value && $value != - ]]; then
			_agreesign_value "$value" "$cur"
			return 0
		fi
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(awk '/^--/ { print $1 }' <<<"$opts")" -- "$cur")
		return 0
	fi
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	return 0
}

complete -F _agreesign agreesign
