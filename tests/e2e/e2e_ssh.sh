#!/usr/bin/env bash
# OpenSSH public keys wherever agreesign reads a public key (verify -p,
# trust add/remove/revoke/set), and trust import-ssh of an OpenSSH
# allowed_signers file (spec §8.4, §9.7). Keys are made by the real
# ssh-keygen (Debian openssh-client); a key pair that agreesign can sign
# with and OpenSSH can name comes from one seed, written by PyNaCl.
# Usage: tests/e2e/e2e_ssh.sh path/to/agreesign
# shellcheck source-path=SCRIPTDIR source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

if ! command -v ssh-keygen >/dev/null; then
	echo "e2e_ssh: ssh-keygen missing (Debian openssh-client): skipped"
	finish e2e_ssh "skipped: no ssh-keygen"
	exit 0
fi

# seedkeys BASE NAME: BASE.key (agreesign, unsealed), BASE.pub (agreesign)
# and BASE.ssh.pub (OpenSSH) of one fresh seed; the torsion variant
# BASE.torsion.pub is the OpenSSH key plus a point of order 8.
seedkeys() {
	"$PY" - "$1" "$2" <<'PYEOF'
import base64, hashlib, os, struct, sys
import nacl.bindings, nacl.signing
base, name = sys.argv[1], sys.argv[2]
seed = os.urandom(32)
pk = nacl.signing.SigningKey(seed).verify_key.encode()
kid = hashlib.sha512(pk).hexdigest()[:32]
b64 = lambda b: base64.b64encode(b).decode()
head = f"key-id: {kid}\npublic-key: {b64(pk)}\nname: {name}\n"
open(base + ".pub", "w").write("agreesign public key v1\n" + head)
fd = os.open(base + ".key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
os.write(fd, ("agreesign secret key v1\n" + head + "kdf: none\ncipher: none\n"
              f"secret-key: {b64(seed)}\n").encode())
os.close(fd)
s = lambda b: struct.pack(">I", len(b)) + b
line = lambda k: "ssh-ed25519 " + b64(s(b"ssh-ed25519") + s(k))
open(base + ".ssh.pub", "w").write(line(pk) + " " + name.lower().replace(" ", ".") + "@host\n")
order8 = bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
open(base + ".torsion.pub", "w").write(line(nacl.bindings.crypto_core_ed25519_add(pk, order8)) + "\n")
PYEOF
}

ssh-keygen -q -t ed25519 -N '' -C 'ada@laptop' -f ed || exit 2
ssh-keygen -q -t rsa -b 2048 -N '' -f rsa || exit 2
ssh-keygen -q -t ecdsa -N '' -f ecdsa || exit 2
seedkeys ada "Ada Lovelace"
seedkeys bob "Bob Smith"
cp "$S" agr.txt
"$A" sign -k ada.key --time 2026-01-02T03:04:05Z agr.txt 2>err || bad "sign: $(cat err)"

# verify -p: an OpenSSH .pub of the signing key verifies like the
# agreesign .pub of the same seed; the key names nobody, so the envelope's
# name is not checked against it.
expect 0 "$A" verify -p ada.pub agr.txt
expect 0 "$A" verify -p ada.ssh.pub agr.txt
has out "valid: Ada Lovelace (author)"
expect 0 "$A" verify -p ada.ssh.pub --json agr.txt
json 'd["signatures"][0]["trusted_identity"] is None and d["signatures"][0]["result"] == "valid"'
expect 0 "$A" verify -p ada.ssh.pub --report page.html agr.txt
has page.html "(the OpenSSH key given names nobody)"
# Another key: not the key given (exit 1); an authorized_keys line with
# options is a key too.
expect 1 "$A" verify -p bob.ssh.pub agr.txt
{ echo '# my keys'; echo; printf 'no-pty,from="10.0.0.1" '; cat ada.ssh.pub; } >authorized_keys
expect 0 "$A" verify -p authorized_keys agr.txt
# Refused, exit 2, naming the file: RSA, ECDSA, a torsion component, a
# private key, two keys in one file, a FIDO key, a certificate.
expect 2 "$A" verify -p rsa.pub agr.txt
has err "rsa.pub: line 1: not an Ed25519 key (ssh-rsa)"
expect 2 "$A" verify -p ecdsa.pub agr.txt
has err "not an Ed25519 key (ecdsa-sha2-nistp256)"
expect 2 "$A" verify -p ada.torsion.pub agr.txt
has err "not a valid Ed25519 public key"
expect 2 "$A" verify -p ed agr.txt
has err "a private key file, not a public key"
cat ada.ssh.pub bob.ssh.pub >two.pub
expect 2 "$A" verify -p two.pub agr.txt
has err "two.pub: line 2: a second key (the first is on line 1)"
sed 's/^ssh-ed25519/sk-ssh-ed25519@openssh.com/' ada.ssh.pub >sk.pub
expect 2 "$A" verify -p sk.pub agr.txt
has err "FIDO keys sign a different message and are not supported yet"
sed 's/^ssh-ed25519/ssh-ed25519-cert-v01@openssh.com/' ada.ssh.pub >cert.pub
expect 2 "$A" verify -p cert.pub agr.txt
has err "is an OpenSSH certificate, not a key"

# trust add: the key of ssh-keygen gets the same key id as agreesign
# gives its 32 bytes; --name is required, --email and --orcid optional.
expect 2 "$A" trust add -t pub.trust ed.pub
has err "an OpenSSH key holds no name: give --name NAME"
[ ! -e pub.trust ] && ok || bad "a refused add made the trust file"
expect 0 "$A" trust add -t pub.trust --name "Ada Lovelace" --email ada@example.org ada.ssh.pub
kid=$(sed -n 's/^key-id: //p' ada.pub)
has err "added key $kid (Ada Lovelace)"
expect 0 "$A" verify -t pub.trust agr.txt
expect 2 "$A" trust add -t pub.trust --name "Ada" ada.pub
has err "--name is for an OpenSSH key"
expect 2 "$A" trust add -t pub.trust --name "Ada again" ada.ssh.pub
has err "already listed"
expect 2 "$A" trust add -t pub.trust --name X rsa.pub
expect 2 "$A" trust add -t pub.trust --name X ada.torsion.pub
expect 0 "$A" trust add -t pub.trust --name "Ed Keygen" --orcid 0000-0002-1825-0097 ed.pub
expect 0 "$A" trust list -t pub.trust
has out "Ed Keygen"
# set, revoke, remove take the OpenSSH .pub as KEY.
expect 0 "$A" trust set -t pub.trust --role publisher ed.pub
expect 0 "$A" trust revoke -t pub.trust --reason "laptop lost" ada.ssh.pub
has err "revoked key $kid (Ada Lovelace)"
expect 1 "$A" verify -t pub.trust agr.txt
expect 0 "$A" trust remove -t pub.trust ed.pub
expect 2 "$A" trust remove -t pub.trust rsa.pub
has err "not an Ed25519 key"

# trust import-ssh: an allowed_signers file as OpenSSH reads it (the
# real ssh-keygen finds the principal of a key in it), into trust records.
# Ada signed at 2026-01-02T03:04:05Z: OpenSSH's valid-before is inclusive,
# so a window ending at that very second still holds.
akey=$(cut -d' ' -f1,2 ada.ssh.pub)
bkey=$(cut -d' ' -f1,2 bob.ssh.pub)
ekey=$(cut -d' ' -f1,2 ed.pub)
{
	echo "# the authors"
	echo "ada@example.org namespaces=\"git,agreesign\",valid-after=\"20260101Z\",valid-before=\"20260102030405Z\" $akey ada@laptop"
	echo "*@example.org cert-authority $ekey"
	echo "rsa@example.org $(cut -d' ' -f1,2 rsa.pub)"
	echo "bob@example.org namespaces=\"git\" $bkey"
	echo "team@example.org,ed@example.org $ekey"
	echo ""
	echo "again@example.org $akey"
} >allowed_signers
echo data >data.txt
ssh-keygen -q -Y sign -f ed -n file data.txt 2>/dev/null
ssh-keygen -Y find-principals -s data.txt.sig -f allowed_signers >out 2>err
has out "team@example.org"
rm -f imp.trust
expect 0 "$A" trust import-ssh -t imp.trust allowed_signers
has err "allowed_signers: warning: line 3: skipped: a cert-authority line"
has err "allowed_signers: warning: line 4: skipped: not an Ed25519 key (ssh-rsa)"
has err "allowed_signers: warning: line 5: skipped: namespaces=\"git\" does not admit \"agreesign\""
has err "allowed_signers: warning: line 6: 1 more principal after \"team@example.org\" not carried"
has err "allowed_signers: warning: line 8: skipped: key $kid is already on line 2"
has err "imp.trust: added key $kid (ada@example.org)"
has imp.trust "key ada@example.org $(sed -n 's/^public-key: //p' ada.pub) roles=author,co-author email=ada@example.org valid-after=2026-01-01T00:00:00Z valid-before=2026-01-02T03:04:06Z"
has imp.trust "key team@example.org"
[ "$(grep -c '^key ' imp.trust)" = 2 ] && ok || bad "import-ssh: two records wanted"
# The principal is not the name Ada signed under: name-mismatch until the
# publisher sets it.
expect 1 "$A" verify -t imp.trust --json agr.txt
json 'd["signatures"][0]["reason"] == "name-mismatch"'
expect 0 "$A" trust set -t imp.trust --name "Ada Lovelace" ada.ssh.pub
expect 0 "$A" verify -t imp.trust agr.txt
# One second earlier the window is over.
sed 's/20260102030405Z/20260102030404Z/' allowed_signers >as.early
rm -f early.trust
expect 0 "$A" trust import-ssh -t early.trust as.early
expect 0 "$A" trust set -t early.trust --name "Ada Lovelace" ada.ssh.pub
expect 1 "$A" verify -t early.trust --json agr.txt
json 'd["signatures"][0]["reason"] == "expired"'
# Again: every key is listed, nothing is written.
cp imp.trust before
expect 0 "$A" trust import-ssh -t imp.trust allowed_signers
has err "already on line"
has err "no key to add: the trust file is unchanged"
same imp.trust before
# All or nothing: one bad line (a local time, an unknown option, a
# broken key, a torsion key) and the trust file is left as it was.
for badline in "carol@example.org valid-after=\"20260101\" $bkey" \
	"carol@example.org restrict $bkey" \
	"carol@example.org valid-after=20260101Z $bkey" \
	"carol@example.org ssh-ed25519 AAAA" \
	"carol@example.org $(cat ada.torsion.pub)"; do
	{ echo "bob@example.org $bkey"; echo "$badline"; } >as.bad
	expect 2 "$A" trust import-ssh -t imp.trust as.bad
	has err "as.bad: line 2: "
	same imp.trust before
done
has err "not a valid Ed25519 public key"
{ echo "bob@example.org $bkey"; echo "carol@example.org valid-after=\"20260101\" $bkey"; } >as.bad
expect 2 "$A" trust import-ssh -t imp.trust as.bad
has err "has no Z: OpenSSH reads it in the local time zone"
expect 2 "$A" trust import-ssh -t imp.trust
expect 2 "$A" trust import-ssh -t imp.trust --name X allowed_signers
expect 2 "$A" trust import-ssh -t imp.trust missing_file
same imp.trust before
# --role sets the roles of every record.
rm -f pubs.trust
echo "press@example.org $bkey" >as.press
expect 0 "$A" trust import-ssh -t pubs.trust --role publisher as.press
has pubs.trust "roles=publisher email=press@example.org"

finish e2e_ssh
