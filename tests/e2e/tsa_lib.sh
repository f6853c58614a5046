# shellcheck shell=bash
# A test CA and test time-stamping authorities (RFC 3161), made with the
# openssl command in a folder of the suite's temporary folder $T: every
# key is generated when the test runs and goes away with $T; none is
# committed. Sourced by tests/e2e/e2e_tsa.sh after e2e_lib.sh.
#
#   tsa_ca                     makes $TSA/ca.key and ca.pem (EC P-256)
#   tsa_cert NAME EXT [START END]
#                              makes $TSA/NAME.key and NAME.pem, issued by
#                              the CA with the extension section EXT of
#                              $TSA/ca.cnf: tsa (timeStamping, critical),
#                              noeku (none), softeku (not critical); from
#                              START to END (YYYYMMDDHHMMSSZ; default: the
#                              last day to ten years on)
#   tsa_reply NAME QUERY OUT [DIGESTS]
#                              the reply of TSA NAME to QUERY (a .tsq) in
#                              OUT (a .tsr); with DIGESTS (e.g. sha256) it
#                              accepts only those, so that a SHA-512 query
#                              gets the status rejection. With TSA_AT set
#                              (faketime's offset, e.g. -2d), the TSA
#                              answers at that time in the past: renewal
#                              chains are built with tokens dated in a
#                              certificate's past window instead of waiting
#                              for it to expire.
# The CA is made a week in the past (faketime), so that it was valid then.
#   tsa_b64 NAME               the base64 DER of NAME.pem, for a tsa record
#   tsa_record LABEL NAME [OPTIONS...]
#                              a trust file line pinning NAME.pem
TSA=$T/tsa
mkdir -p "$TSA"

tsa_ca() {
	cat >"$TSA/ca.cnf" <<EOF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = $TSA
database = $TSA/index.txt
new_certs_dir = $TSA/issued
serial = $TSA/ca.serial
certificate = $TSA/ca.pem
private_key = $TSA/ca.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[ any ]
commonName = supplied
[ tsa ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
[ noeku ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
[ softeku ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = timeStamping
EOF
	mkdir -p "$TSA/issued"
	: >"$TSA/index.txt"
	echo 01 >"$TSA/ca.serial"
	faketime -f -7d openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -keyout "$TSA/ca.key" -out "$TSA/ca.pem" -days 3650 \
		-subj "/CN=agreesign test CA (never trust)" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

tsa_cert() {
	local name=$1 ext=$2 start=${3:-} end=${4:-}
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$TSA/$name.key" -out "$TSA/$name.csr" \
		-subj "/CN=agreesign test TSA $name (never trust)" 2>/dev/null
	if [ -z "$start" ]; then
		start=$(date -u -d 'yesterday' +%Y%m%d%H%M%SZ)
		end=$(date -u -d '+10 years' +%Y%m%d%H%M%SZ)
	fi
	openssl ca -batch -config "$TSA/ca.cnf" -extensions "$ext" \
		-startdate "$start" -enddate "$end" -notext \
		-in "$TSA/$name.csr" -out "$TSA/$name.pem" 2>/dev/null
	cat >"$TSA/$name.cnf" <<EOF
[ tsa ]
default_tsa = this
[ this ]
serial = $TSA/$name.serial
crypto_device = builtin
signer_cert = $TSA/$name.pem
certs = $TSA/ca.pem
signer_key = $TSA/$name.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
EOF
	echo 01 >"$TSA/$name.serial"
}

tsa_reply() {
	local name=$1 query=$2 out=$3 digests=${4:-} cnf=$TSA/$1.cnf
	if [ -n "$digests" ]; then
		sed "s/^digests = .*/digests = $digests/" "$cnf" >"$TSA/$name.only.cnf"
		cnf=$TSA/$name.only.cnf
	fi
	if [ -n "${TSA_AT:-}" ]; then
		faketime -f "$TSA_AT" openssl ts -reply -config "$cnf" -queryfile "$query" -out "$out" 2>/dev/null
	else
		openssl ts -reply -config "$cnf" -queryfile "$query" -out "$out" 2>/dev/null
	fi
}

tsa_b64() {
	openssl x509 -in "$TSA/$1.pem" -outform DER | base64 -w0
}

tsa_record() {
	local label=$1 name=$2
	shift 2
	echo "tsa \"$label\" $(tsa_b64 "$name")${*:+ $*}"
}
