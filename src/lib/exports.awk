# Writes the linker version script of libagreesign.so: every function that
# the public header declares is global, everything else is local. Internal
# helpers also start with ags_ (src/internal.h), so the list comes from the
# header's declarations, never from a prefix.
#
# Usage: awk -f src/exports.awk include/agreesign.h > agreesign.map
#
# A declared function is an identifier ags_... followed by "(" once the
# comments are gone, and not a type (enum ags_err (*fn)(...)). Function
# pointer types, (*ags_name)(...), are followed by ")" and are not taken.
{ text = text $0 "\n" }

END {
	# Drop /* ... */ comments (they name functions in prose) and // ones.
	gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, " ", text)
	gsub(/\/\/[^\n]*/, " ", text)
	# A type name is no function: enum ags_err (*ags_edit_fn)(...).
	gsub(/(enum|struct|union)[ \t\n]+ags_[a-z0-9_]+/, "TYPE", text)
	while (match(text, /ags_[a-z0-9_]+[ \t\n]*\(/)) {
		name = substr(text, RSTART, RLENGTH)
		sub(/[ \t\n]*\($/, "", name)
		if (!(name in seen)) {
			seen[name] = 1
			names[++n] = name
		}
		text = substr(text, RSTART + RLENGTH)
	}
	if (n == 0) {
		print "exports.awk: no ags_ function declared" > "/dev/stderr"
		exit 1
	}
	print "/* Generated from include/agreesign.h by src/exports.awk. */"
	print "AGREESIGN_1 {"
	print "global:"
	for (i = 1; i <= n; i++)
		print "\t" names[i] ";"
	print "local:"
	print "\t*;"
	print "};"
}
