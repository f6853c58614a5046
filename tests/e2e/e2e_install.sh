#!/usr/bin/env bash
# End-to-end test of the installed agreesign: `make install` into a
# temporary DESTDIR (paths, modes, soname, exported symbols, pkg-config),
# the installed binary and the README's C example run on the demo files,
# the man pages (mandoc lint; every option of every --help in agreesign(1)
# and back), the bash completion, `help CMD` = `CMD --help`, the
# documentation under docdir that help and the man pages name, and
# `make uninstall` leaving no file behind.
# Usage: tests/e2e/e2e_install.sh path/to/agreesign (the build folder it
# is in is the one installed from).
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
B=$(dirname "$A")
D=$T/dest
P=$D/usr/local

# mode FILE OCTAL: FILE is a regular file with that mode.
mode() {
	if [ -f "$1" ] && [ ! -L "$1" ] && [ "$(stat -c %a "$1")" = "$2" ]; then
		ok
	else
		bad "$1: not a regular file of mode $2 ($(stat -c %a "$1" 2>&1))"
	fi
}
# link FILE TARGET: FILE is a symbolic link to TARGET.
link() {
	if [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ]; then ok; else
		bad "$1: not a symbolic link to $2"
	fi
}
# same_set WHAT LEFT RIGHT: two files of lines hold the same set.
same_set() {
	local diff
	diff=$(diff <(sort -u "$2") <(sort -u "$3"))
	if [ -z "$diff" ]; then ok; else bad "$1: $(echo "$diff" | tr '\n' ' ')"; fi
}
# A make of our own: a parent make (make asan) exports its command line's
# OPT and LDFLAGS, and the shared library and the example are plain builds.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u OPT -u CFLAGS -u LDFLAGS \
		make -C "$ROOT" --no-print-directory BUILD="$B" "$@" >"$T/make.log" 2>&1 ||
		{
			tail -20 "$T/make.log" >&2
			return 1
		}
}

# --- make install into a DESTDIR
if ! mk install DESTDIR="$D"; then
	bad "make install failed"
	finish install
	exit 1
fi
ok
mode "$P/bin/agreesign" 755
mode "$P/lib/libagreesign.so.1.0.0" 644
link "$P/lib/libagreesign.so.1" libagreesign.so.1.0.0
link "$P/lib/libagreesign.so" libagreesign.so.1
mode "$P/lib/libagreesign.a" 644
mode "$P/include/agreesign.h" 644
mode "$P/lib/pkgconfig/agreesign.pc" 644
mode "$P/share/man/man1/agreesign.1" 644
mode "$P/share/man/man5/agreesign.5" 644
mode "$P/share/bash-completion/completions/agreesign" 644
check "installed header differs" cmp -s "$ROOT/include/agreesign.h" "$P/include/agreesign.h"
(cd "$D" && find . ! -type d | sed 's|^\.||') >"$T/installed"
cat >"$T/expected" <<EOF
/usr/local/bin/agreesign
/usr/local/include/agreesign.h
/usr/local/lib/libagreesign.a
/usr/local/lib/libagreesign.so
/usr/local/lib/libagreesign.so.1
/usr/local/lib/libagreesign.so.1.0.0
/usr/local/lib/pkgconfig/agreesign.pc
/usr/local/share/bash-completion/completions/agreesign
/usr/local/share/man/man1/agreesign.1
/usr/local/share/man/man5/agreesign.5
EOF
# The documentation: the README, spec/ (the specification, its vectors,
# the PMLR template) and the demo's public keys and trust file, as in the
# sources; not the demo's secret keys.
DOC=/usr/local/share/doc/agreesign
(cd "$ROOT" && find README.md spec keys/README.md keys/demo.trust keys/*.pub -type f) >"$T/docs"
sed "s|^|$DOC/|" "$T/docs" >>"$T/expected"
same_set "installed files (<) versus expected (>)" "$T/installed" "$T/expected"
check "the PMLR template is not among the documents to install" \
	grep -qx spec/templates/pmlr-open-access.tmpl "$T/docs"
while read -r f; do
	if [ "$(stat -c %a "$D$DOC/$f" 2>&1)" = 644 ] && cmp -s "$ROOT/$f" "$D$DOC/$f"; then ok; else
		bad "$DOC/$f: not a copy of $f of mode 644"
	fi
done <"$T/docs"

# --- the shared library: soname, and exactly the header's functions
SO=$P/lib/libagreesign.so.1.0.0
check "soname is not libagreesign.so.1" \
	grep -qE 'SONAME.*\[libagreesign\.so\.1\]$' <(readelf -d "$SO")
# Defined dynamic symbols, less the version node (type A), without @VERSION.
nm -D --defined-only "$SO" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' >"$T/exported"
# The functions the installed header declares, from the preprocessor's
# view of it (no comments; not the awk script the build uses).
# shellcheck disable=SC2046
cc -E -P $(pkg-config --cflags jansson) "$P/include/agreesign.h" | tr '\n' ' ' |
	sed -E 's/(enum|struct|union) +ags_[a-z0-9_]+/TYPE/g' | grep -oE '\bags_[a-z0-9_]+[[:space:]]*\(' | sed 's/[[:space:]]*($//' >"$T/declared"
check "no function found in agreesign.h" test -s "$T/declared"
same_set "exported by the .so (<) versus declared in agreesign.h (>)" "$T/exported" "$T/declared"
check "an internal helper is exported" \
	sh -c "! nm -D --defined-only '$SO' | grep -qw ags_error_set"

# --- the binary: jansson and utf8proc linked in (start-up time), libsodium
# shared (Debian's security updates)
readelf -d "$P/bin/agreesign" >"$T/needed"
check "agreesign does not need libsodium.so" grep -q 'NEEDED.*\[libsodium\.so' "$T/needed"
check "agreesign needs libjansson.so (it should be linked in)" \
	sh -c "! grep -q 'NEEDED.*libjansson' '$T/needed'"
check "agreesign needs libutf8proc.so (it should be linked in)" \
	sh -c "! grep -q 'NEEDED.*libutf8proc' '$T/needed'"

# --- pkg-config, through the DESTDIR
export PKG_CONFIG_PATH=$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
want=$(sed -n 's/^#define AGS_VERSION "\(.*\)"/\1/p' "$ROOT/include/agreesign.h")
check "pkg-config --modversion agreesign is not $want" \
	test "$(pkg-config --modversion agreesign)" = "$want"
check "pkg-config does not find agreesign" pkg-config --exists --print-errors agreesign
# The flags a user of agreesign.h needs: its folder and those of the
# headers it includes (jansson's, libsodium's); not utf8proc's, which only
# the library uses (its .pc gives -DUTF8PROC_EXPORTS).
cflags=$(pkg-config --cflags agreesign)
check "pkg-config --cflags agreesign leaks utf8proc's flags: $cflags" \
	sh -c "! echo '$cflags' | grep -q UTF8PROC"
# shellcheck disable=SC2046
want_cflags=$(printf '%s\n' "-I$D/usr/local/include" $(pkg-config --cflags jansson libsodium) | sort -u)
# shellcheck disable=SC2086
check "pkg-config --cflags agreesign is '$cflags', not the header's folders" \
	test "$(printf '%s\n' $cflags | sort -u)" = "$want_cflags"
check "pkg-config --static --libs agreesign lacks utf8proc" \
	grep -qw -- -lutf8proc <(pkg-config --static --libs agreesign)
# A tiny program, built with the flags pkg-config gives: against the
# shared library, and against the static one with --static.
cat >"$T/tiny.c" <<'EOF'
#include <agreesign.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	struct ags_error err = {0};
	char *canon = NULL;
	size_t len = 0;
	/* "e" and a combining acute accent: NFC makes one character. */
	static const uint8_t text[] = "Caf\x65\xcc\x81\r\n";

	if (ags_init() != AGS_OK ||
	    ags_canon_text(&canon, &len, text, sizeof text - 1, "tiny", &err) !=
	            AGS_OK)
		return 2;
	fwrite(canon, 1, len, stdout);
	free(canon);
	return 0;
}
EOF
# shellcheck disable=SC2046
if cc -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$T/tiny" "$T/tiny.c" \
	$(pkg-config --cflags --libs agreesign) 2>"$T/cc.err"; then
	ok
	check "tiny program (shared library): wrong canonical text" \
		test "$(LD_LIBRARY_PATH=$P/lib "$T/tiny" | od -An -tx1 | tr -d ' \n')" = 436166c3a90a
else
	bad "tiny program does not build with pkg-config --cflags --libs agreesign: $(head -c 600 "$T/cc.err")"
fi
mkdir "$T/static" && ln -s "$P/lib/libagreesign.a" "$T/static/"
# A sanitized build (make asan) installs a static library that needs the
# sanitizer's runtime: the Makefile passes its link flags in AGS_SAN_LDFLAGS.
# shellcheck disable=SC2046,SC2086
if cc -std=c11 -Wall -Werror -o "$T/tiny-static" "$T/tiny.c" -L"$T/static" \
	$(pkg-config --static --cflags --libs agreesign) ${AGS_SAN_LDFLAGS:-} 2>"$T/cc.err"; then
	ok
	check "tiny program (static library) needs libagreesign.so" \
		sh -c "! readelf -d '$T/tiny-static' | grep -q libagreesign"
	check "tiny program (static library): wrong canonical text" \
		test "$("$T/tiny-static" | od -An -tx1 | tr -d ' \n')" = 436166c3a90a
else
	bad "tiny program does not link statically with pkg-config --static --libs agreesign: $(head -c 600 "$T/cc.err")"
fi

# --- the README's example, built against the installed library
sed -n '/^<!-- example: verify-agreement.c -->$/,/^<!-- end example -->$/p' \
	"$ROOT/README.md" | sed -e '1,2d' -e '$d' | sed '$d' >"$T/verify-agreement.c"
check "no example between the README's markers" grep -q 'ags_verify(' "$T/verify-agreement.c"
# shellcheck disable=SC2046
if cc -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$T/verify-agreement" \
	"$T/verify-agreement.c" $(pkg-config --cflags --libs agreesign) 2>"$T/cc.err"; then
	ok
else
	bad "README example does not build: $(head -c 600 "$T/cc.err")"
fi
check "README example does not need libagreesign.so.1" \
	grep -qF '[libagreesign.so.1]' <(readelf -d "$T/verify-agreement")
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
ex() { LD_LIBRARY_PATH=$P/lib "$T/verify-agreement" "$@" >"$T/out" 2>"$T/err"; }
ex "$K/demo.trust" "$V/agreements/sample-agreement.txt" "$V/envelopes/signed.sig.json"
check "README example on the demo files: exit $?, $(cat "$T/out" "$T/err")" \
	grep -qx verified "$T/out"
ex "$K/demo.trust" "$V/agreements/sample-agreement-changed.txt" "$V/envelopes/signed.sig.json"
check "README example on a changed agreement: exit $?" test $? = 1
ex "$K/demo.trust" "$V/agreements/sample-agreement.txt" "$V/envelopes/truncated.sig.json"
check "README example on a truncated envelope: exit $?" test $? = 2

# --- the installed program on the demo files
AI=$P/bin/agreesign
# help names the specification where it was installed (the spec's own
# path, spec/agreesign-v1.md, is only in the sources).
spec=$("$AI" help | sed -n 's/^Specification: //p')
check "help's specification '$spec' is not the installed $DOC/spec/agreesign-v1.md" \
	test "$spec" = "$DOC/spec/agreesign-v1.md"
check "help's specification $spec is not installed" cmp -s "$ROOT/spec/agreesign-v1.md" "$D$spec"
check "installed --version" grep -q 'agreesign-envelope/v1' <("$AI" --version)
check "installed verify of the demo envelope" "$AI" verify -q -t "$K/demo.trust" \
	-e "$V/envelopes/signed.sig.json" "$V/agreements/sample-agreement.txt"
cp "$V/agreements/sample-agreement.txt" "$T/agr.txt"
check "installed sign" "$AI" sign -k "$K/demo-author.key" --time 2026-11-20T10:00:00Z \
	"$T/agr.txt" 2>/dev/null
check "installed countersign" "$AI" countersign -k "$K/demo-publisher.key" \
	-t "$K/demo.trust" "$T/agr.txt" 2>/dev/null
check "installed verify --require-role" "$AI" verify -q -t "$K/demo.trust" \
	--require-role author,publisher "$T/agr.txt"

# --- every command: `help CMD` and `CMD --help` print the same
"$AI" --help | awk '/^Commands:/ { f = 1; next } f && !NF { exit } f && /^  [a-z]/ { print $1 }' >"$T/commands"
check "no command in agreesign --help" test -s "$T/commands"
while read -r c; do
	"$AI" help "$c" >"$T/h1" 2>&1
	s1=$?
	"$AI" "$c" --help >"$T/h2" 2>&1
	s2=$?
	if [ "$s1$s2" = 00 ] && cmp -s "$T/h1" "$T/h2" && grep -q "^usage: agreesign $c" "$T/h1"; then
		ok
	else
		bad "'help $c' (exit $s1) and '$c --help' (exit $s2) differ or lack a usage line"
	fi
done <"$T/commands"

# --- the man pages: lint-clean, and true to --help
for m in "$P/share/man/man1/agreesign.1" "$P/share/man/man5/agreesign.5"; do
	if out=$(mandoc -T lint -W warning "$m" 2>&1) && [ -z "$out" ]; then ok; else
		bad "mandoc -T lint: $out"
	fi
done
MAN1=$P/share/man/man1/agreesign.1
# doc_paths PREFIX PAGE...: the paths under PREFIX's docdir that the pages
# name, one per line.
doc_paths() {
	local doc=$1/share/doc/agreesign
	shift
	grep -ohE "$doc(/[A-Za-z0-9._/-]*[A-Za-z0-9_/-])?" "$@" | sort -u
}
# The man pages name the installed specification, vectors, template and
# trust file, each there.
doc_paths /usr/local "$MAN1" "$P/share/man/man5/agreesign.5" >"$T/man-docs"
check "agreesign(1) does not name $DOC/spec/agreesign-v1.md" \
	grep -qx "$DOC/spec/agreesign-v1.md" <(doc_paths /usr/local "$MAN1")
check "agreesign(5) names no file under $DOC/spec/templates" grep -q "^$DOC/spec/templates/." "$T/man-docs"
while read -r f; do
	if [ -e "$D$f" ]; then ok; else bad "the man pages name $f, not installed"; fi
done <"$T/man-docs"
check "a man page names a file of the sources: $(grep -nE '^\.(It )?Pa (spec|keys)/' "$P"/share/man/man*/agreesign.*)" \
	sh -c "! grep -qE '^\.(It )?Pa (spec|keys)/' '$P'/share/man/man*/agreesign.*"
# Each command's synopsis starts a line of its own, as mandoc and groff
# (man-db) render the page: outside SYNOPSIS, .Nm breaks no line, and two
# synopses of one command ran together ("… AGREEMENT agreesign verify …").
# The synopses are the .Nm lines of each ".Ss agreesign CMD" before its
# first .Pp; the rendered block is the lines under its heading up to the
# first blank line, where every "agreesign" must open a line.
want=$(awk '/^\.Ss agreesign / { f = 1; next } f && /^\.Pp$/ { f = 0 }
	f && /^\.(It )?Nm$/ { n++ } END { print n + 0 }' "$MAN1")
synopsis_lines() {
	sed 's/.\x08//g' | awk '/^   agreesign [a-z]+$/ { f = 1; next } f && /^[[:space:]]*$/ { f = 0 }
		f { all += gsub(/agreesign/, "&"); if ($0 ~ /^[[:space:]]+agreesign /) starts++ }
		END { print starts + 0, all + 0 }'
}
for r in mandoc groff; do
	if [ $r = mandoc ]; then
		got=$(mandoc -T ascii "$MAN1" | synopsis_lines)
	else
		got=$(groff -t -mandoc -Tascii -P-c -rLL=78n "$MAN1" 2>/dev/null | synopsis_lines)
	fi
	if [ "$want" -gt 9 ] && [ "$got" = "$want $want" ]; then ok; else
		bad "$r: of $want synopses (.Nm), $got (lines opened, occurrences) in the rendered page"
	fi
done
# help_options CMD: the options that the "Options:" section of CMD's help
# lists, and of each verb's help when it has a "Commands:" or "Verbs:"
# section: every --long word, and the -x that opens a line.
opts_of_help() {
	awk '/^Options:/ { f = 1; next } f && !NF { f = 0 } f {
		for (i = 1; i <= NF; i++) {
			w = $i
			sub(/[,.;:)]+$/, "", w)
			if (w ~ /^--[a-z0-9][a-z0-9-]*$/ || (i == 1 && w ~ /^-[A-Za-z0-9]$/))
				print w
		}
	}'
}
help_options() {
	"$AI" "$1" --help | opts_of_help
	"$AI" "$1" --help | awk '/^(Commands|Verbs):/ { f = 1; next } f && !NF { exit } f && /^  [a-z]/ { print $1 }' |
		while read -r verb; do "$AI" "$1" "$verb" --help | opts_of_help; done
}
# man_options [CMD]: the options that agreesign(1) names with Fl, in the
# ".Ss agreesign CMD" subsection, or in the whole page.
man_options() {
	awk -v cmd="$1" '
		/^\.S[sh] / { if (cmd != "") f = ($0 == ".Ss agreesign " cmd); }
		cmd == "" || f {
			for (i = 1; i < NF; i++)
				if ($i == "Fl" || $i == ".Fl") {
					w = $(i + 1)
					if (w ~ /^-[a-z0-9][a-z0-9-]*$/)
						print "-" w
					else if (w ~ /^[A-Za-z0-9]$/)
						print "-" w
				}
		}' "$MAN1"
}
: >"$T/all-help"
"$AI" --help | grep -oE -- '--[a-z][a-z0-9-]*' >>"$T/all-help"
while read -r c; do
	help_options "$c" | sort -u >"$T/help-$c"
	cat "$T/help-$c" >>"$T/all-help"
	if ! grep -qx ".Ss agreesign $c" "$MAN1"; then
		bad "agreesign(1) has no '.Ss agreesign $c' section"
		continue
	fi
	man_options "$c" | sort -u >"$T/man-$c"
	same_set "options of '$c --help' (<) versus agreesign(1) (>)" "$T/help-$c" "$T/man-$c"
done <"$T/commands"
man_options "" | sort -u >"$T/man-all"
sort -u "$T/all-help" -o "$T/all-help"
if extra=$(comm -23 "$T/man-all" "$T/all-help") && [ -z "$extra" ]; then ok; else
	bad "agreesign(1) names options no --help lists: $(echo "$extra" | tr '\n' ' ')"
fi
check "agreesign(1) lacks SOURCE_DATE_EPOCH" grep -q 'Ev SOURCE_DATE_EPOCH' "$MAN1"
check "agreesign(1) lacks EXIT STATUS" grep -qx '.Sh EXIT STATUS' "$MAN1"

# --- bash completion, loaded into a clean shell, run as bash would
complete_words() {
	PATH=$P/bin:$PATH bash --norc --noprofile -c '
		source "$1"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		_agreesign agreesign "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' \
		sh "$P/share/bash-completion/completions/agreesign" "$@"
}
# completes WANT WORD...: completing the last WORD offers exactly WANT.
completes() {
	local want=$1 got
	shift
	got=$(complete_words "$@" | sort | tr '\n' ' ')
	if [ "$got" = "$want " ]; then ok; else bad "completing '$*': got '$got', wanted '$want'"; fi
}
completes "verify" agreesign ver
completes "countersign" agreesign help cou
completes "--trust" agreesign verify --tr
completes "--public-key" agreesign verify --pub
completes "--publisher" agreesign sign --pub
completes "--as-template" agreesign sign --as
completes "--envelope" agreesign sign --env
completes "author co-author publisher" agreesign trust add --role ""
completes "author co-author publisher" agreesign sign -r ""
completes "$K/demo.trust" agreesign verify -t "$K/demo.tr"
completes "$K/demo.trust" agreesign verify --trust = "$K/demo.tr"
completes "$V/agreements/sample-agreement.canon.txt $V/agreements/sample-agreement.digest $V/agreements/sample-agreement.txt" \
	agreesign canon "$V/agreements/sample-agreement."
check "completion is not registered" grep -q '_agreesign agreesign' <(bash --norc --noprofile -c \
	"source '$P/share/bash-completion/completions/agreesign'; complete -p agreesign")
check "completion misses a command" diff <(sort "$T/commands") \
	<(complete_words agreesign "" | grep -vx help | sort)

# --- another PREFIX and a directory of its own, from a copy of the build
# folder: the binary names docdir, so main.o is built again, with the flags
# of the parent make (make asan: the other objects are instrumented).
D2=$T/dest2
B2=$T/build2
cp -a "$B" "$B2"
mk2() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -C "$ROOT" --no-print-directory BUILD="$B2" "$@" >"$T/make.log" 2>&1 ||
		{
			tail -20 "$T/make.log" >&2
			return 1
		}
}
if mk2 install DESTDIR="$D2" PREFIX=/opt/ags mandir=/opt/ags/man; then
	ok
	spec=$("$D2/opt/ags/bin/agreesign" help | sed -n 's/^Specification: //p')
	check "PREFIX=/opt/ags: help's specification is $spec" \
		test "$spec" = /opt/ags/share/doc/agreesign/spec/agreesign-v1.md
	check "PREFIX=/opt/ags: help's specification $spec is not installed" test -f "$D2$spec"
	doc_paths /opt/ags "$D2"/opt/ags/man/man*/agreesign.* >"$T/man-docs2"
	check "PREFIX=/opt/ags: the man pages name no file in docdir" grep -qx /opt/ags/share/doc/agreesign/spec/agreesign-v1.md "$T/man-docs2"
	check "PREFIX=/opt/ags: the man pages name /usr/local" \
		sh -c "! cat '$D2'/opt/ags/man/man*/agreesign.* | grep -v '^\.\\\\\"' | grep /usr/local"
	while read -r f; do
		if [ -e "$D2$f" ]; then ok; else bad "PREFIX=/opt/ags: the man pages name $f, not installed"; fi
	done <"$T/man-docs2"
	mode "$D2/opt/ags/bin/agreesign" 755
	mode "$D2/opt/ags/lib/libagreesign.so.1.0.0" 644
	mode "$D2/opt/ags/man/man1/agreesign.1" 644
	check "agreesign.pc prefix is not /opt/ags" \
		grep -qx 'prefix=/opt/ags' "$D2/opt/ags/lib/pkgconfig/agreesign.pc"
	check "make uninstall PREFIX=/opt/ags" \
		mk2 uninstall DESTDIR="$D2" PREFIX=/opt/ags mandir=/opt/ags/man
	check "files left after uninstall from /opt/ags: $(cd "$D2" && find . ! -type d)" \
		test -z "$(find "$D2" ! -type d)"
else
	bad "make install PREFIX=/opt/ags"
fi

# --- make uninstall: no file is left. The directories make install made
# stay (empty): uninstall never removes one, since bindir, mandir/man1 and
# the others are shared with other software (see the Makefile).
if mk uninstall DESTDIR="$D"; then ok; else bad "make uninstall failed"; fi
check "files left after uninstall: $(cd "$D" && find . ! -type d)" test -z "$(find "$D" ! -type d)"
# docdir is agreesign's own: it goes, folders and all.
check "uninstall left $DOC" test ! -e "$D$DOC"
# Every directory left is one that held an installed file, or a parent.
while read -r f; do
	while f=$(dirname "$f") && [ "$f" != / ]; do echo "$f"; done
done <"$T/expected" | sort -u >"$T/dirs-allowed"
(cd "$D" && find . -mindepth 1 -type d | sed 's|^\.||') >"$T/dirs-left"
if extra=$(comm -23 <(sort "$T/dirs-left") "$T/dirs-allowed") && [ -z "$extra" ]; then ok; else
	bad "uninstall left unexpected directories: $extra"
fi

finish install
