#!/bin/sh
# Builds libsodium, jansson and utf8proc for WebAssembly (emscripten) from
# the Debian source packages of exactly the versions installed for the
# native build, into OUT/<source>-<version>/{include,lib}. A version built
# once is not built again (OUT/<source>-<version>/.done), so a second
# `make web` costs nothing here.
#
# The sources come through `apt-get source` with a sources list, state and
# cache folder of our own (deb-src lines that mirror the system's deb
# lines), so the system's apt configuration is left untouched.
#
# usage: build-deps.sh OUT        (OUT: e.g. build/web/deps)
set -eu
out=${1:?usage: build-deps.sh OUT}
mkdir -p "$out"
out=$(cd "$out" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

# The source package and version behind an installed -dev package.
src_of() { dpkg-query -W -f='${source:Package}' "$1"; }
ver_of() { dpkg-query -W -f='${source:Version}' "$1"; }

# deb-src lines for every deb line of the system's sources (one-line and
# deb822 formats both), written into the folder $1.
mirror_sources() {
	: >"$1/sources.list"
	mkdir -p "$1/parts"
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list \
			>>"$1/sources.list"
	fi
	for f in /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >>"$1/sources.list"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed 's/^Types:.*/Types: deb-src/' "$f" >"$1/parts/$(basename "$f")"
	done
}

apt_dir=
fetch_init() {
	[ -n "$apt_dir" ] && return 0
	apt_dir=$(mktemp -d)
	trap 'rm -rf "$apt_dir"' EXIT
	mirror_sources "$apt_dir"
	mkdir -p "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial"
	APT_OPTS="-o Dir::Etc::SourceList=$apt_dir/sources.list
		-o Dir::Etc::SourceParts=$apt_dir/parts
		-o Dir::State=$apt_dir/state -o Dir::Cache=$apt_dir/cache
		-o APT::Sandbox::User=root -q"
	# shellcheck disable=SC2086
	apt-get $APT_OPTS update >/dev/null
}

# Unpacks the source of $1 (an installed -dev package) into $2/src.
fetch() {
	fetch_init
	mkdir -p "$2"
	# shellcheck disable=SC2086
	(cd "$2" && apt-get $APT_OPTS source "$(src_of "$1")=$(ver_of "$1")" \
		>/dev/null)
	for d in "$2"/*/; do
		mv "$d" "$2/src"
		return 0
	done
}

# libsodium (not --enable-minimal: it hides crypto_core_ed25519_*,
# which the key checks use; the linker keeps only what is called), no
# assembly, no threads; a static library.
build_sodium() {
	(cd "$1/src" && [ -x configure ] || ./autogen.sh -s >/dev/null 2>&1)
	(cd "$1/src" && emconfigure ./configure --host=wasm32-unknown-emscripten \
		--prefix="$1" --disable-shared --enable-static \
		--disable-ssp --disable-asm --without-pthreads \
		--disable-dependency-tracking >/dev/null &&
		emmake make -j"$jobs" >/dev/null && emmake make install >/dev/null)
}

# jansson: its few .c files compiled directly (configure would cost more
# than the compilation), with the two configuration headers its
# autotools would write for this target.
build_jansson() {
	s="$1/src"
	mkdir -p "$1/include" "$1/lib" "$1/obj"
	sed -e 's/@json_inline@/inline/' -e 's/@json_have_long_long@/1/' \
		-e 's/@json_have_localeconv@/1/' -e 's/@json_have_atomic_builtins@/1/' \
		-e 's/@json_have_sync_builtins@/1/' \
		"$s/src/jansson_config.h.in" >"$1/include/jansson_config.h"
	cp "$s/src/jansson.h" "$1/include/"
	cat >"$1/obj/jansson_private_config.h" <<-'EOF'
		#define HAVE_STDINT_H 1
		#define HAVE_INTTYPES_H 1
		#define HAVE_UNISTD_H 1
		#define HAVE_FCNTL_H 1
		#define HAVE_SYS_TIME_H 1
		#define HAVE_SYS_TYPES_H 1
		#define HAVE_SYS_STAT_H 1
		#define HAVE_GETTIMEOFDAY 1
		#define HAVE_LOCALECONV 1
		#define HAVE_STRTOLL 1
		#define USE_URANDOM 1
		#define INITIAL_HASHTABLE_ORDER 3
	EOF
	for c in "$s"/src/*.c; do
		emcc -O2 -DHAVE_CONFIG_H -I"$1/obj" -I"$1/include" -c "$c" \
			-o "$1/obj/$(basename "$c" .c).o" &
	done
	wait
	emar rcs "$1/lib/libjansson.a" "$1"/obj/*.o
}

# utf8proc: one .c file.
build_utf8proc() {
	mkdir -p "$1/include" "$1/lib"
	cp "$1/src/utf8proc.h" "$1/include/"
	emcc -O2 -DUTF8PROC_STATIC -c "$1/src/utf8proc.c" -o "$1/utf8proc.o"
	emar rcs "$1/lib/libutf8proc.a" "$1/utf8proc.o"
}

one() {
	dir="$out/$(src_of "$1")-$(ver_of "$1")"
	[ -f "$dir/.done" ] && return 0
	rm -rf "$dir"
	echo "web: building $(src_of "$1") $(ver_of "$1") for wasm" >&2
	fetch "$1" "$dir"
	"$2" "$dir"
	rm -rf "$dir/src" "$dir/obj"
	touch "$dir/.done"
}

one libsodium-dev build_sodium
one libjansson-dev build_jansson
one libutf8proc-dev build_utf8proc
# The folders the Makefile links with, whatever the versions.
for p in libsodium-dev libjansson-dev libutf8proc-dev; do
	echo "$out/$(src_of $p)-$(ver_of $p)"
done >"$out/dirs"
