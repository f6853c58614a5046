#!/usr/bin/env bash
# The README's GNU parallel sharding, for real: the command is taken from
# the README and run as written (but with shards of 100 lines instead of
# 1000), over ssh to three host names that all lead to an sshd of this
# test's own, and its merged results must equal one `verify --batch` run.
#
# The sshd listens on a free port of 127.0.0.1, with a host key, a user key
# (no passphrase), its configuration, its log and its pid file in $T; it
# runs as the current user (root in CI: PermitRootLogin prohibit-password)
# and is killed on exit. The client reads only $T/ssh/ssh_config (ssh -F,
# through PARALLEL_SSH), whose known_hosts is in $T too: nothing in ~/.ssh
# or /etc/ssh is read or written (the test checks that ~/.ssh is as it
# was). sshd run as root needs its privilege separation folder, /run/sshd,
# as Debian's service makes it: when missing, it is made, and removed on
# exit. Remote sessions find agreesign through PATH (sshd's SetEnv), as a
# wrapper that logs which host name ran which shard, where.
#
# When sshd cannot start or let us in, the test skips with a message,
# except in CI (CI=true) or with AGS_REQUIRE_SSHD=1, where it fails.
# AGS_TEST_SSHD: the sshd to run (default /usr/sbin/sshd).
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

skip() {
	if [ -n "${AGS_REQUIRE_SSHD:-}" ] || [ "${CI:-}" = true ]; then
		bad "e2e_shard: $1; CI needs the ssh sharding test"
		finish shard
		exit 1
	fi
	echo "e2e_shard: SKIPPED: $1"
	finish shard "1 skipped"
	exit 0
}

SSHD=${AGS_TEST_SSHD:-/usr/sbin/sshd}
[ -x "$SSHD" ] || skip "no $SSHD (Debian's openssh-server, from .ci/install-deps)"
for c in ssh ssh-keygen parallel; do
	command -v "$c" >/dev/null || skip "no $c (from .ci/install-deps)"
done

# ~/.ssh of the user ssh logs in as (ssh takes the home folder from the
# password database, not from $HOME): as it was before, at the end.
user=$(id -un)
home=$(getent passwd "$user" | cut -d: -f6)
dotssh() { if [ -e "$home/.ssh" ]; then ls -lan --time-style=full-iso "$home/.ssh"; else echo absent; fi; }
dotssh_before=$(dotssh)

# --- the keys and the configurations, all in $T/ssh
X=$T/ssh
W=$T/work
mkdir -m 700 "$X" && mkdir "$T/bin" "$T/home" "$W" || exit 2
ssh-keygen -q -t ed25519 -N '' -C agreesign-test-host -f "$X/host_ed25519" || exit 2
ssh-keygen -q -t ed25519 -N '' -C agreesign-test-user -f "$X/user_ed25519" || exit 2
cp "$X/user_ed25519.pub" "$X/authorized_keys"
# The host key, under the alias every host name uses.
echo "agreesign-test-sshd $(cut -d' ' -f1,2 "$X/host_ed25519.pub")" >"$X/known_hosts"

# The agreesign a remote session finds: a wrapper that logs the host name
# (sent by the client, SetEnv/AcceptEnv), whether it came over ssh, and the
# folder it ran in; then the binary under test.
cat >"$T/bin/agreesign" <<EOF
#!/bin/sh
echo "\${AGS_SHARD_HOST:-none} \${SSH_CONNECTION:+ssh} \$(pwd)" >>"$T/shards.log"
exec "$A" "\$@"
EOF
chmod 755 "$T/bin/agreesign"

# sshd_config PORT: the server's whole configuration.
sshd_config() {
	cat <<EOF
Port $1
ListenAddress 127.0.0.1
HostKey $X/host_ed25519
PidFile $X/sshd.pid
AuthorizedKeysFile $X/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $user
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
AcceptEnv AGS_SHARD_HOST
SetEnv PATH=$T/bin:/usr/local/bin:/usr/bin:/bin
LogLevel VERBOSE
EOF
}
# ssh_config PORT: the client's, for host1, host2 and host3.
ssh_config() {
	cat <<EOF
Host host1 host2 host3
	HostName 127.0.0.1
	Port $1
	User $user
	IdentityFile $X/user_ed25519
	IdentitiesOnly yes
	IdentityAgent none
	HostKeyAlias agreesign-test-sshd
	UserKnownHostsFile $X/known_hosts
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	UpdateHostKeys no
	BatchMode yes
	ControlMaster no
	ControlPath none
	ForwardAgent no
	ConnectTimeout 10
	LogLevel ERROR
EOF
	for h in host1 host2 host3; do printf 'Host %s\n\tSetEnv AGS_SHARD_HOST=%s\n' $h $h; done
}

# On exit: sshd goes, then /run/sshd if this test made it.
pid=
made_run=
stop() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	[ -z "$made_run" ] || rmdir /run/sshd 2>/dev/null
}
at_exit stop
# sshd as root checks for its privilege separation folder.
if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
	mkdir -m 0755 /run/sshd || skip "cannot make /run/sshd, which sshd run as root needs"
	made_run=1
fi

# --- start sshd on a free port (a few tries: another process may take the
# port between the probe and sshd's bind)
free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
for _ in 1 2 3 4 5; do
	port=$(free_port) || skip "no free port on 127.0.0.1"
	sshd_config "$port" >"$X/sshd_config"
	ssh_config "$port" >"$X/ssh_config"
	: >"$X/sshd.log"
	"$SSHD" -D -e -f "$X/sshd_config" 2>>"$X/sshd.log" &
	pid=$!
	# Listening, or gone.
	for _ in $(seq 100); do
		grep -q 'Server listening' "$X/sshd.log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if grep -q 'Server listening' "$X/sshd.log" && kill -0 "$pid" 2>/dev/null; then break; fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
done
[ -n "$pid" ] || skip "sshd did not start: $(tail -n 3 "$X/sshd.log" | tr '\n' ' ')"

SSH=(ssh -F "$X/ssh_config")
# shellcheck disable=SC2016 # expanded by the remote shell
if ! out=$("${SSH[@]}" host2 'echo "$AGS_SHARD_HOST $SSH_CONNECTION"; command -v agreesign' 2>&1); then
	skip "cannot log in to our sshd as $user: $out :: $(tail -n 3 "$X/sshd.log" | tr '\n' ' ')"
fi
check_login() {
	if [ "$(echo "$out" | sed -n 1p | cut -d' ' -f1,4)" = "host2 127.0.0.1" ] &&
		[ "$(echo "$out" | sed -n 2p)" = "$T/bin/agreesign" ]; then ok; else
		bad "a session of our sshd: wanted host2, 127.0.0.1 and $T/bin/agreesign, got: $out"
	fi
}
check_login
: >"$T/shards.log"

# --- the collection: agreements in folders, signed, changed, missing, or
# with a broken envelope; 400 manifest lines, ids unique
cd "$W" || exit 2
cp "$K/demo.trust" authors.trust
mkdir vol1 vol2
for i in 1 2 3 4 5 6; do
	sed "s/twelve months/$i months/" "$S" >"vol$((i % 2 + 1))/paper$i.txt"
	"$A" sign -k "$K/demo-author.key" --time 2026-11-20T10:00:00Z "vol$((i % 2 + 1))/paper$i.txt" 2>/dev/null ||
		bad "sign paper$i"
done
"$A" countersign -k "$K/demo-publisher.key" -t authors.trust vol1/paper2.txt 2>/dev/null || bad "countersign paper2"
sed -i 's/Agreement/AGREEMENT/' vol2/paper3.txt # changed: not verified
head -c 200 vol1/paper4.txt.sig.json >vol1/paper4.txt.sig.json.cut
mv vol1/paper4.txt.sig.json.cut vol1/paper4.txt.sig.json # malformed
rm vol2/paper5.txt                                         # missing
N=400
for i in $(seq "$N"); do
	p=$((i % 6 + 1))
	printf '{"agreement": "vol%d/paper%d.txt", "id": "e%d"}\n' $((p % 2 + 1)) "$p" "$i"
done >manifest.jsonl

# --- the README's command
# shellcheck disable=SC2016 # the README's fences
sed -n '/^```sh$/,/^```$/p' "$ROOT/README.md" | awk '
	/^```sh$/ { block = ""; next }
	/^```$/ { if (block ~ /--sshlogin/) print block; next }
	{ if (sub(/\\$/, "")) block = block $0; else block = block $0 "\n" }' >"$T/readme-cmd"
cmd=$(cat "$T/readme-cmd")
if [ "$(grep -c . "$T/readme-cmd")" = 1 ] && grep -qE '^parallel .*--sshlogin host1,host2,host3 .*agreesign verify --batch - .*-N 1000|^parallel .*-N 1000 .*--sshlogin host1,host2,host3 .*agreesign verify --batch - ' "$T/readme-cmd"; then
	ok
else
	bad "the README's sharding command is not one 'parallel -N 1000 … --sshlogin host1,host2,host3 … agreesign verify --batch - …': $cmd"
fi
cmd=${cmd//-N 1000/-N 100}
# Our ssh for parallel, and a home folder of its own for its ~/.parallel.
HOME=$T/home PARALLEL_SSH="ssh -F $X/ssh_config" bash -c "$cmd" 2>"$T/parallel.err"
st=$?
# Every shard has an entry that does not verify: batch exits 1 for each,
# parallel counts the failed jobs (1 to 100); 0, or 101 and above, is wrong.
if [ "$st" -ge 1 ] && [ "$st" -le 100 ]; then ok; else
	bad "the README's command exited $st: $(head -c 600 "$T/parallel.err")"
fi
has results.jsonl '"id":"e400"'

# --- one batch run, and the comparison: the same ids, each once, with the
# same result, less "line" (each shard counts its own)
"$A" verify --batch manifest.jsonl -t authors.trust --no-progress >whole.jsonl 2>/dev/null
st=$?
if [ "$st" = 1 ]; then ok; else bad "one batch run exited $st, wanted 1"; fi
if out=$("$PY" - "$N" results.jsonl whole.jsonl 2>&1 <<'EOF'
import json, sys
n = int(sys.argv[1])
def load(path):
    by_id = {}
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        if r["id"] in by_id:
            sys.exit("%s: id %s twice" % (path, r["id"]))
        r.pop("line", None)
        by_id[r["id"]] = r
    return by_id
sharded, whole = load(sys.argv[2]), load(sys.argv[3])
want = {"e%d" % i for i in range(1, n + 1)}
for name, got in (("sharded", sharded), ("one batch", whole)):
    if set(got) != want:
        sys.exit("%s: %d ids, not e1..e%d" % (name, len(got), n))
diff = [i for i in sorted(want) if sharded[i] != whole[i]]
if diff:
    sys.exit("%d results differ, first %s:\n%s\n%s" % (len(diff), diff[0],
             json.dumps(sharded[diff[0]]), json.dumps(whole[diff[0]])))
kinds = {}
for r in whole.values():
    kind = r.get("result") or r.get("error") or "?"
    kinds[kind] = kinds.get(kind, 0) + 1
print(" ".join("%s=%d" % kv for kv in sorted(kinds.items())))
EOF
); then
	ok
else
	bad "sharded results versus one batch run: $out"
fi
# The collection mixes verified entries, entries not verified, and errors.
if echo "$out" | grep -qE '^error=[0-9]+ not-verified=[0-9]+ verified=[0-9]+$'; then ok; else
	bad "the results are not a mix of errors, not verified and verified: $out"
fi

# --- the shards ran over ssh, on more than one host name, in the folder
# of the manifest (--workdir .): four shards of 100 lines
if [ "$(wc -l <"$T/shards.log")" = 4 ]; then ok; else
	bad "wanted 4 shards, the remote agreesign ran $(wc -l <"$T/shards.log") times: $(cat "$T/shards.log")"
fi
hosts=$(awk '$2 == "ssh" && $3 == W { print $1 }' W="$W" "$T/shards.log" | sort -u | tr '\n' ' ')
if [ "$(echo "$hosts" | wc -w)" -ge 2 ] && ! echo "$hosts" | grep -q none; then ok; else
	bad "the shards did not run over ssh in $W on two host names or more: $(cat "$T/shards.log")"
fi

# --- and ~/.ssh is as it was
if [ "$(dotssh)" = "$dotssh_before" ]; then ok; else bad "$home/.ssh changed: $(dotssh)"; fi

finish shard
