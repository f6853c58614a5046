#!/usr/bin/env bash
# Signing with an SSH key: through a real ssh-agent (sign -k KEY.pub) and
# from an unencrypted OpenSSH private key file (sign -k KEY), which give
# the same envelope byte for byte; every refusal (no agent, a dead one, a
# key it does not hold, a confirmation denied, RSA, ECDSA, FIDO, torsion,
# an encrypted key file) and a fake agent's bad replies (tests/e2e/
# fake_agent.py). Each agent is started here on a socket in $T and killed
# by its pid at the end. Spec §8.5.
# Usage: tests/e2e/e2e_agent.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

if ! command -v ssh-agent >/dev/null || ! command -v ssh-keygen >/dev/null; then
	echo "e2e_agent: ssh-agent or ssh-keygen missing (Debian openssh-client): skipped"
	finish e2e_agent "skipped: no openssh-client"
	exit 0
fi
FAKE=$ROOT/tests/e2e/fake_agent.py
TIME=2026-11-21T09:30:00Z
cp "$S" a.txt
unset SSH_AUTH_SOCK SSH_AGENT_PID

# start_agent SOCKET [VAR=VALUE...]: an ssh-agent on SOCKET, with the
# variables in its environment; killed by its pid on exit.
start_agent() {
	local sock=$1 out pid
	shift
	out=$(env "$@" ssh-agent -a "$sock") || {
		bad "ssh-agent did not start"
		return 1
	}
	pid=$(sed -n 's/.*SSH_AGENT_PID=\([0-9]*\);.*/\1/p' <<<"$out" | head -1)
	at_exit "kill $pid 2>/dev/null"
	echo "$pid"
}

# fake MODE: a fake agent on $T/fake-MODE.sock listing id.pub, ready.
fake() {
	local sock=$T/fake-$1.sock i
	"$PY" "$FAKE" "$sock" id.pub "$1" &
	at_exit "kill $! 2>/dev/null"
	for i in $(seq 100); do
		[ -e "$sock.ready" ] && return 0
		sleep 0.05
	done
	bad "fake agent $1 did not start"
}

# refused CODE TEXT ARGS...: sign ARGS exits CODE saying TEXT on one
# line, and writes no envelope.
refused() {
	local code=$1 text=$2
	shift 2
	rm -f out.json
	expect "$code" "$A" sign -e out.json "$@" a.txt
	has "$T/err" "$text"
	check "one line of error: $text" \
		test "$(grep -v '^agreesign: signing$' "$T/err" | grep -c '^agreesign: ')" = 1
	check "nothing written: $text" test ! -e out.json
}

ssh-keygen -q -t ed25519 -N '' -C 'ines@laptop' -f id
ssh-keygen -q -t ed25519 -N '' -C 'press@host' -f press
ssh-keygen -q -t ed25519 -N '' -C 'other@host' -f other
ID=(--name "Inès Marović-Saldaña" --email ines@example.org --time "$TIME")

# --- an unencrypted private key file signs directly --------------------
expect 0 "$A" sign -k id "${ID[@]}" -e seed.json a.txt
expect 0 "$A" verify -p id.pub -e seed.json a.txt

# keygen --change-passphrase would rewrite it as an agreesign key: refused
cp id id.copy
expect 2 "$A" keygen --change-passphrase id --no-passphrase
has "$T/err" "ssh-keygen -p"
same id id.copy

# --- through a real agent: the same envelope, byte for byte ------------
AGENT_PID=$(start_agent "$T/agent.sock")
export SSH_AUTH_SOCK=$T/agent.sock
refused 2 "the agent does not hold key" -k id.pub "${ID[@]}"
ssh-add -q id press 2>/dev/null
expect 0 "$A" sign -k id.pub "${ID[@]}" -e agent.json a.txt
same agent.json seed.json
expect 0 "$A" verify -p id.pub -e agent.json a.txt
expect 0 "$A" trust add -t authors.trust --name "Inès Marović-Saldaña" --email ines@example.org id.pub
expect 0 "$A" trust add -t authors.trust --role publisher --name "Example Open Press" press.pub
expect 0 "$A" verify -t authors.trust -e agent.json a.txt
# The independent verifier (tests/interop/) checks the agent's signature.
check "interop verifier accepts the agent's envelope" \
	"$PY" "$ROOT/tests/interop/agreesign_verify.py" -p id.pub -e agent.json a.txt >/dev/null
# countersign through the agent equals countersign from the file
cp agent.json cs-agent.json
cp seed.json cs-seed.json
expect 0 "$A" countersign -k press.pub --name "Example Open Press" --time "$TIME" \
	-t authors.trust -e cs-agent.json a.txt
expect 0 "$A" countersign -k press --name "Example Open Press" --time "$TIME" \
	-t authors.trust -e cs-seed.json a.txt
same cs-agent.json cs-seed.json
expect 0 "$A" verify -t authors.trust --require-role author,publisher -e cs-agent.json a.txt
# The publisher's e-mail and ORCID through the agent too (an OpenSSH key
# has none to offer).
cp agent.json cs-id.json
expect 0 "$A" countersign -k press.pub --name "Example Open Press" --email press@example.org \
	--orcid 0000-0002-1825-0097 --time "$TIME" -t authors.trust -e cs-id.json a.txt
check "countersign --email --orcid sign the publisher's identity" "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))["signatures"][-1]["signer"]
sys.exit(0 if (s["role"], s["name"], s["email"], s["orcid"]) == ("publisher",
         "Example Open Press", "press@example.org", "0000-0002-1825-0097") else 1)' cs-id.json

# --- what is refused before the agent is asked -------------------------
refused 2 "give the signer's name with --name" -k id.pub --time "$TIME"
refused 2 "give the signer's name with --name" -k id --time "$TIME"
SSH_AUTH_SOCK='' refused 2 "SSH_AUTH_SOCK is not set" -k id.pub "${ID[@]}"
ssh-keygen -q -t rsa -b 2048 -N '' -f rsa
ssh-keygen -q -t ecdsa -N '' -f ecdsa
refused 2 "not an Ed25519 key (ssh-rsa)" -k rsa.pub "${ID[@]}"
refused 2 "not an Ed25519 key (ssh-rsa)" -k rsa "${ID[@]}"
refused 2 "not an Ed25519 key (ecdsa-sha2-nistp256)" -k ecdsa.pub "${ID[@]}"
refused 2 "not an Ed25519 key (ecdsa-sha2-nistp256)" -k ecdsa "${ID[@]}"
echo "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIHm2 me@token" >fido.pub
refused 2 "FIDO keys sign a different message and are not supported yet" -k fido.pub "${ID[@]}"
# A public key plus a point of order 8: refused, and no agent is asked
# (the socket named does not exist; the error is the key's).
"$PY" - <<'PYEOF'
import base64, struct
import nacl.bindings
pk = base64.b64decode(open("id.pub").read().split()[1])[-32:]
order8 = bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
s = lambda b: struct.pack(">I", len(b)) + b
bad = nacl.bindings.crypto_core_ed25519_add(pk, order8)
open("torsion.pub", "w").write("ssh-ed25519 " + base64.b64encode(s(b"ssh-ed25519") + s(bad)).decode() + "\n")
PYEOF
SSH_AUTH_SOCK=$T/none.sock refused 2 "prime-order group" -k torsion.pub "${ID[@]}"

# --- an encrypted key file: refused, with the way through the agent -----
ssh-keygen -q -t ed25519 -a 1 -N 'correct horse' -f enc
refused 2 "is encrypted" -k enc "${ID[@]}"
has "$T/err" "ssh-add enc"
printf '#!/bin/sh\necho "correct horse"\n' >pass.sh
chmod +x pass.sh
SSH_ASKPASS=$T/pass.sh SSH_ASKPASS_REQUIRE=force DISPLAY=:0 ssh-add -q enc </dev/null 2>/dev/null
expect 0 "$A" sign -k enc.pub "${ID[@]}" -e enc.json a.txt
expect 0 "$A" verify -p enc.pub -e enc.json a.txt

# --- a dead agent, a stale socket ----------------------------------------
kill "$AGENT_PID"
for _ in $(seq 50); do [ -e "$T/agent.sock" ] || break; sleep 0.05; done
refused 2 "no agent: the socket does not exist" -k id.pub "${ID[@]}"
"$PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/stale.sock"
SSH_AUTH_SOCK=$T/stale.sock refused 2 "the agent refuses connections" -k id.pub "${ID[@]}"

# --- confirmation (ssh-add -c): denied, then given ----------------------
printf '#!/bin/sh\n[ -e "%s/yes" ]\n' "$T" >confirm.sh
chmod +x confirm.sh
start_agent "$T/confirm.sock" SSH_ASKPASS="$T/confirm.sh" SSH_ASKPASS_REQUIRE=force DISPLAY=:0 >/dev/null
export SSH_AUTH_SOCK=$T/confirm.sock
ssh-add -q -c id 2>/dev/null
refused 2 "the agent refused to sign" -k id.pub "${ID[@]}"
touch yes
expect 0 "$A" sign -k id.pub "${ID[@]}" -e confirmed.json a.txt
same confirmed.json seed.json

# --- a fake agent's replies: each refused, nothing written --------------
for m in close:"closed the connection before it answered" \
	refuse:"the agent refused to sign" \
	malformed:"malformed reply from the agent" \
	oversized:"the agent's reply is 1048576 bytes" \
	trailing:"1 bytes after the signature" \
	rsa:"is not an ssh-ed25519 signature" \
	wrongkey:"the agent's signature does not verify under key" \
	wrongsig:"the agent's signature does not verify under key" \
	unlisted:"the agent does not hold key" \
	badlist:"malformed reply from the agent"; do
	mode=${m%%:*}
	fake "$mode"
	SSH_AUTH_SOCK=$T/fake-$mode.sock refused 2 "${m#*:}" -k id.pub "${ID[@]}"
done
# What agreesign asked: the key blob of id.pub, its exact signed message
# (agreesign's prefix and NUL first), flags 0.
check "the sign request names the key, the message and flags 0" "$PY" - "$T/fake-wrongsig.sock.req" <<'PYEOF'
import base64, struct, sys
req = open(sys.argv[1], "rb").read()
blob = base64.b64decode(open("id.pub").read().split()[1])
(n,) = struct.unpack(">I", req[:4])
key, rest = req[4:4 + n], req[4 + n:]
(m,) = struct.unpack(">I", rest[:4])
data, flags = rest[4:4 + m], rest[4 + m:]
sys.exit(0 if key == blob and data.startswith(b"agreesign/v1 statement\0")
         and flags == b"\0\0\0\0" else 1)
PYEOF

finish e2e_agent
