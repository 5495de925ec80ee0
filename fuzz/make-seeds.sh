#!/usr/bin/env bash
# make-seeds.sh: (re)writes the seed corpora in fuzz/corpus/<harness>/.
#
#   fuzz/make-seeds.sh            run from anywhere; needs the openssl CLI
#
# Keys are generated in a temporary directory that is deleted on exit: only
# public material (CSRs, certificates) and hand-written malformed inputs land
# in fuzz/corpus. Files whose names start with "regress-" are crashing inputs
# the fuzzers found (kept as regression tests) and are never touched here.
# The RFC 7030 Appendix A examples are taken from tests/unit/data.
#
# The seeds are committed; rerunning this makes new keys, so every CSR and
# certificate changes, which is harmless. The fuzz_core input format is
# described at the top of fuzz/fuzz_core.c.
# printf formats built from variables are intended here (escapes, NUL bytes).
# shellcheck disable=SC2059
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/fuzz/corpus
vectors=$top/tests/unit/data
OPENSSL=${OPENSSL:-openssl}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
umask 022

for h in fuzz_core fuzz_b64 fuzz_csr fuzz_config fuzz_peercert fuzz_certparse \
    fuzz_htpasswd fuzz_csrattrs; do
    mkdir -p "$out/$h"
    find "$out/$h" -type f ! -name 'regress-*' -delete
done

# Subject and SAN of fuzz_core's built-in client certificates (fuzz_pki.h):
# a renewal CSR must repeat them.
SUBJ='/O=estd fuzz/CN=fuzz-client'
SAN='subjectAltName=DNS:fuzz-client.example.org'

key() { # key NAME ALGO-OPTIONS...
    local name=$1
    shift
    "$OPENSSL" genpkey -quiet "$@" -out "$tmp/$name.key"
}
key p256 -algorithm EC -pkeyopt ec_paramgen_curve:P-256
key p384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384
key k256 -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1
key bp256 -algorithm EC -pkeyopt ec_paramgen_curve:brainpoolP256r1
key explicit -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:explicit
key rsa2048 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
key rsa512 -algorithm RSA -pkeyopt rsa_keygen_bits:512
key ed25519 -algorithm ED25519

csr() { # csr NAME KEY SUBJECT [req options...]: DER CSR in $tmp/NAME.der
    local name=$1 k=$2 subj=$3
    shift 3
    "$OPENSSL" req -new -key "$tmp/$k.key" -subj "$subj" "$@" -outform DER -out "$tmp/$name.der"
}
csr valid p256 "$SUBJ" -addext "$SAN"
csr nosan p256 "$SUBJ"
csr p384 p384 '/O=Example/CN=device-p384' -addext 'subjectAltName=DNS:device-p384.example.org'
csr rsa2048 rsa2048 '/O=Example/CN=device-rsa' -addext 'subjectAltName=DNS:device-rsa.example.org'
csr rsa512 rsa512 '/CN=weak-rsa-512'
csr secp256k1 k256 '/CN=unsupported-curve'
csr brainpool bp256 '/CN=brainpool'
csr explicit explicit '/CN=explicit-curve-parameters'
csr ed25519 ed25519 '/CN=ed25519'
csr ca-true p256 "$SUBJ" -addext "$SAN" -addext 'basicConstraints=critical,CA:TRUE'
csr pathlen p256 "$SUBJ" -addext 'basicConstraints=critical,CA:TRUE,pathlen:3'
csr nameconstraints p256 "$SUBJ" -addext 'nameConstraints=critical,permitted;DNS:example.org'
csr wildcard p256 '/CN=*.example.org' -addext 'subjectAltName=DNS:*.example.org'
csr ctrl-subject p256 $'/O=estd fuzz/CN=bad\x01name\x1b[31m\x7f\r\nx'
csr no-names p256 '/'
csr san-ip-email-uri p256 '/CN=multi' -addext 'subjectAltName=IP:192.0.2.1,IP:2001:db8::1,email:a@example.org,URI:https://example.org/x,RID:1.2.3.4'
csr eku-ku p256 "$SUBJ" -addext 'keyUsage=critical,keyCertSign' -addext 'extendedKeyUsage=OCSPSigning,codeSigning'
csr san-critical p256 "$SUBJ" -addext 'subjectAltName=critical,DNS:fuzz-client.example.org'
sans=$(seq 1 1000 | sed 's/^/DNS:host-/; s/$/.example.org/' | paste -sd, -)
csr many-sans p256 '/CN=many-sans' -addext "subjectAltName=$sans"
printf '[req]\ndistinguished_name=dn\nattributes=attrs\nprompt=no\n[dn]\nO=estd fuzz\nCN=fuzz-client\n[attrs]\nchallengePassword=secret-password\n' > "$tmp/cp.cnf"
"$OPENSSL" req -new -key "$tmp/p256.key" -config "$tmp/cp.cnf" -outform DER -out "$tmp/challenge-password.der"

# Broken variants of the valid CSR.
valid=$tmp/valid.der
len=$(wc -c < "$valid")
last=$(tail -c 1 "$valid" | od -An -tu1 | tr -d ' ')
{ head -c $((len - 1)) "$valid"; printf "\\x$(printf %02x $((last ^ 1)))"; } > "$tmp/bad-signature.der"
head -c $((len / 2)) "$valid" > "$tmp/truncated.der"
head -c 2 "$valid" > "$tmp/truncated-header.der"
{ cat "$valid"; printf 'trailing garbage'; } > "$tmp/trailing-garbage.der"
{ cat "$valid"; cat "$valid"; } > "$tmp/two-csrs.der"
openssl base64 -d -A -in "$vectors/rfc7030-A3-simpleenroll-request.b64" > "$tmp/rfc7030-A3.der"

CSRS="valid nosan p384 rsa2048 rsa512 secp256k1 brainpool explicit ed25519 ca-true pathlen
    nameconstraints wildcard ctrl-subject no-names san-ip-email-uri eku-ku san-critical many-sans
    challenge-password bad-signature truncated truncated-header trailing-garbage two-csrs rfc7030-A3"

# ---------------------------------------------------------------- fuzz_csr
for c in $CSRS; do
    cp "$tmp/$c.der" "$out/fuzz_csr/$c.der"
done
: > "$out/fuzz_csr/empty"
printf '\x30\x80\x00\x00' > "$out/fuzz_csr/indefinite-length"
printf '\x30\x84\xff\xff\xff\xff' > "$out/fuzz_csr/huge-length"

# ---------------------------------------------------------------- fuzz_b64
b64() { "$OPENSSL" base64 -in "$1"; }      # 64-column lines
b64one() { "$OPENSSL" base64 -A -in "$1"; } # one line
pem() { # pem LABEL FILE
    printf -- '-----BEGIN %s-----\n' "$1"
    b64 "$2"
    printf -- '-----END %s-----\n' "$1"
}
B=$out/fuzz_b64
b64 "$valid" > "$B/base64-lines"
b64one "$valid" > "$B/base64-one-line"
b64 "$valid" | sed 's/$/\r/' > "$B/base64-crlf"
b64one "$valid" | sed 's/.\{10\}/& \t/g' > "$B/base64-spaces-tabs"
pem 'CERTIFICATE REQUEST' "$valid" > "$B/pem"
pem 'NEW CERTIFICATE REQUEST' "$valid" > "$B/pem-new"
pem 'CERTIFICATE' "$valid" > "$B/pem-wrong-label"
pem 'CERTIFICATE REQUEST' "$valid" | sed 's/END CERTIFICATE REQUEST/END NEW CERTIFICATE REQUEST/' > "$B/pem-mismatched-end"
pem 'CERTIFICATE REQUEST' "$valid" | sed '$d' > "$B/pem-no-end"
{ printf 'junk\n'; pem 'CERTIFICATE REQUEST' "$valid"; } > "$B/pem-leading-junk"
{ pem 'CERTIFICATE REQUEST' "$valid"; printf 'junk\n'; } > "$B/pem-trailing-junk"
printf -- '-----BEGIN -----\n-----END -----\n' > "$B/pem-empty-label"
printf -- '-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n' > "$B/pem-empty"
cp "$vectors/rfc7030-A3-simpleenroll-request.b64" "$B/rfc7030-A3-simpleenroll-request.b64"
cp "$vectors/rfc7030-A1-cacerts.b64" "$B/rfc7030-A1-cacerts.b64"
cp "$vectors/rfc7030-A3-simpleenroll-response.b64" "$B/rfc7030-A3-simpleenroll-response.b64"
: > "$B/empty"
printf ' \t\r\n \n' > "$B/whitespace"
printf 'MIIB!@#$%%^&*()' > "$B/bad-char"
printf 'QUJD=RA==' > "$B/data-after-padding"
printf 'QUJDRA=' > "$B/bad-padding"
printf 'QUJDR' > "$B/dangling-symbol"
printf '====' > "$B/only-padding"
printf 'QQ==\nQQ==\n' > "$B/two-padded-groups"
"$OPENSSL" rand 300 | b64 /dev/stdin > "$B/random-bytes"
printf 'MII\0AAA' > "$B/nul-byte"

# ---------------------------------------------------------------- fuzz_peercert
# A throwaway bootstrap CA and client, as the front server would pass them on.
key ca -algorithm EC -pkeyopt ec_paramgen_curve:P-256
"$OPENSSL" req -new -x509 -key "$tmp/ca.key" -subj '/O=estd fuzz/CN=seed CA' -days 3650 \
    -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign' -out "$tmp/ca.pem"
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n%s\n' "$SAN" > "$tmp/ext.cnf"
"$OPENSSL" req -new -key "$tmp/p256.key" -subj "$SUBJ" -out "$tmp/client.csr"
"$OPENSSL" x509 -req -in "$tmp/client.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -set_serial 4242 \
    -days 825 -extfile "$tmp/ext.cnf" -out "$tmp/client.pem" 2> /dev/null
P=$out/fuzz_peercert
cert=$tmp/client.pem
cp "$cert" "$P/plain"
sed 's/$/\r/' "$cert" > "$P/crlf"
sed '2,$s/^/\t/' "$cert" > "$P/nginx-tab-indented"
# nginx $ssl_client_escaped_cert: URI-component escaping.
sed 's/+/%2B/g; s#/#%2F#g; s/=/%3D/g; s/ /%20/g' "$cert" | awk '{ printf "%s%%0A", $0 }' > "$P/nginx-percent-encoded"
sed 's/+/%2b/g; s#/#%2f#g; s/=/%3d/g; s/ /%20/g' "$cert" | awk '{ printf "%s%%0a", $0 }' > "$P/percent-lowercase"
{ printf '\n\n  '; cat "$cert"; printf '  \n\n'; } > "$P/surrounding-space"
cat "$cert" "$tmp/ca.pem" > "$P/two-certificates"
{ cat "$cert"; printf 'garbage\n'; } > "$P/trailing-garbage"
sed '$d' "$cert" > "$P/no-end-line"
head -c 200 "$cert" > "$P/truncated"
printf -- '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n' > "$P/empty-armor"
printf -- '-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n' > "$P/garbage-in-armor"
printf -- '-----BEGIN CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n' > "$P/begin-twice"
{ printf -- '-----BEGIN CERTIFICATE-----\n'; b64 "$valid"; printf -- '-----END CERTIFICATE-----\n'; } > "$P/csr-in-cert-armor"
pem 'CERTIFICATE REQUEST' "$valid" > "$P/wrong-label"
printf '%%2D%%2D%%2D%%2D%%2DBEGIN%%zz' > "$P/bad-percent"
printf -- '-----BEGIN CERTIFICATE-----%%4' > "$P/short-percent"
printf '%%00%%00%%00' > "$P/percent-nul"
: > "$P/empty"
printf '  \n\t\n' > "$P/whitespace"
printf '(null)' > "$P/null-text"

# ---------------------------------------------------------------- fuzz_certparse
# DER client certificates for every kind of key, from the seed CA above:
# the three curves certparse decodes itself (points plain and compressed),
# and what it leaves to d2i_X509 (other curves, explicit parameters, RSA,
# Ed25519).
Q=$out/fuzz_certparse
key p521 -algorithm EC -pkeyopt ec_paramgen_curve:P-521
"$OPENSSL" ec -in "$tmp/p256.key" -conv_form compressed -out "$tmp/p256c.key" 2> /dev/null
"$OPENSSL" ec -in "$tmp/p521.key" -conv_form compressed -out "$tmp/p521c.key" 2> /dev/null
serial=5000
for k in p256 p256c p384 p521 p521c k256 bp256 explicit rsa2048 rsa512 ed25519; do
    serial=$((serial + 1))
    "$OPENSSL" req -new -key "$tmp/$k.key" -subj "/O=estd fuzz/CN=certparse-$k" -out "$tmp/cp-$k.csr"
    "$OPENSSL" x509 -req -in "$tmp/cp-$k.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
        -set_serial "$serial" -days 825 -extfile "$tmp/ext.cnf" -outform DER -out "$Q/$k.der" 2> /dev/null
done
"$OPENSSL" x509 -in "$tmp/ca.pem" -outform DER -out "$Q/self-signed-ca.der"
head -c 100 "$Q/p256.der" > "$Q/truncated"
: > "$Q/empty"

# ---------------------------------------------------------------- fuzz_htpasswd
# Hashes made here for "secret"; the file format as htpasswd(1) writes it.
H=$out/fuzz_htpasswd
bcrypt=$(htpasswd -nbB -C 5 alice secret | cut -d: -f2)
sha512=$("$OPENSSL" passwd -6 -salt fuzzsaltfuzzsalt secret)
sha256=$("$OPENSSL" passwd -5 -salt fuzzsalt secret)
printf 'alice:%s\n' "$bcrypt" > "$H/bcrypt"
printf 'alice:%s\nbob:%s\ncarol:%s\n' "$bcrypt" "$sha512" "$sha256" > "$H/mixed-methods"
printf '# devices\r\n\r\nalice:%s\r\nbob:%s' "$sha512" "$sha512" > "$H/crlf-comment-no-final-newline"
printf 'alice:%s\nalice:%s\n' "$sha512" "$bcrypt" > "$H/user-twice"
printf 'alice:$apr1$abc$def\nbob:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=\ncarol:secret\n' > "$H/weak-methods"
printf 'alice:$2y$10$abc\nbob:%s \n' "$sha512" > "$H/cut-short-and-blank"
: > "$H/empty"

# ---------------------------------------------------------------- fuzz_csrattrs
# RFC 8951's example value, the empty SEQUENCE, and BER that is not DER.
A=$out/fuzz_csrattrs
printf 'MEEGCSqGSIb3DQEJBzASBgcqhkjOPQIBMQcGBSuBBAAiMBYGCSqGSIb3DQEJDjEJBgcrBgEBAQEWBggqhkjOPQQDAw==' > "$A/rfc8951"
printf 'MAA=' > "$A/empty-sequence"
printf 'MIAGCSqGSIb3DQEJBwAA' > "$A/indefinite-length"
printf 'MIEHBgUrgQQAIg==' > "$A/long-form-length"
printf 'MAsGCSqGS\r\n Ib3D \tQEJBw==' > "$A/blanks"
printf 'auto' > "$A/auto"

# ---------------------------------------------------------------- fuzz_config
C=$out/fuzz_config
cp "$top/fcgi-conf/estd.conf" "$C/sample-estd.conf"
minimal='[ca]\ncertificate = ca.pem\nkey = ca.key\n[trust]\nstore = trust_store\n'
printf "$minimal" > "$C/minimal"
printf '[estd]\nlog = stderr\nlog_level = debug\nmax_body_bytes = 1024\n[ca]\ncertificate = /etc/estd/ca.pem\nkey = pkcs11:token=ca;object=key\nchain = chain.pem\ncacerts_bundle = bundle.pem\n[trust]\nstore = /etc/estd/trust\naccept_issued = off\n[profile]\nvalidity_days = 36500\nkey_usage = digitalSignature, nonRepudiation, contentCommitment, keyEncipherment, dataEncipherment, keyAgreement\nextended_key_usage = clientAuth,serverAuth,codeSigning,emailProtection,timeStamping,OCSPSigning\nrsa_min_bits = 1024\nrsa_max_bits = 16384\nec_curves = P-256,P-384,P-521,secp256k1,brainpoolP256r1,brainpoolP384r1,brainpoolP512r1\nmax_san_entries = 0\n' > "$C/everything"
printf '' > "$C/empty"
printf "$minimal"'[estd]\nlog = console\nlog_level = loud\nmax_body_bytes = -1\n' > "$C/bad-estd-values"
printf "$minimal"'[estd]\nmax_body_bytes = 99999999999999999999999\n[profile]\nvalidity_days = 0\nrsa_min_bits = 4096\nrsa_max_bits = 2048\n' > "$C/out-of-range"
printf "$minimal"'[profile]\nextended_key_usage =\nkey_usage = everything\nec_curves = P-256,,, ,P-192\n' > "$C/bad-lists"
printf "$minimal"'[profile]\nec_curves = %s\n' "$(printf 'P-256,%.0s' $(seq 120))" > "$C/long-list"
printf "$minimal"'[profile]\nextended_key_usage = clientAuth,clientAuth,serverAuth,codeSigning,emailProtection,timeStamping,OCSPSigning,serverAuth\n' > "$C/duplicate-eku"
printf "$minimal"'[nosuch]\nx = y\n[estd]\nnosuch = 1\n' > "$C/unknown"
printf '[ca\ncertificate\n= value\n  indented = continuation\n' > "$C/syntax-errors"
printf '\xef\xbb\xbf[ca]\r\ncertificate = ca.pem\r\nkey = ca.key\r\n[trust]\r\nstore = ts ; comment\r\n' > "$C/bom-crlf"
printf '[ca]\ncertificate = \nkey = /\n[trust]\nstore = \0x\naccept_issued = maybe\n' > "$C/empty-values-nul"
printf '[ca]\ncertificate = %s\n' "$(head -c 5000 /dev/zero | tr '\0' a)" > "$C/long-line"
printf "$minimal"'[auth]\nmethods = certificate-or-password\nhtpasswd = users\nrealm = EST\ntrust_remote_user = yes\n[ca iot]\ncertificate = iot/ca.pem\nkey = iot/ca.key\n[trust iot]\nstore = iot/trust\n[auth iot]\nmethods = password\nhtpasswd = iot/htpasswd\n[profile iot]\nvalidity_days = 90\nkey_types = ec\nsignature_digests = sha256, sha384\nsan_types = dns, ip\ndns_suffixes = devices.example.com, example.net\nallow_wildcard = no\nip_ranges = 10.0.0.0/8, 2001:db8::/32\nsubject_must_match = identity\ncn_pattern = device-*\nallow_ra = yes\nra_certificates = AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89\nrenewal_window_days = 30\nallow_change_subject_name = yes\nchallenge_password = code\nenrollment_codes = codes\nenrollment_code_state = state\nhook = /bin/true\nhook_timeout_ms = 100\ncsrattrs = none\n' > "$C/labels-everything"
printf "$minimal"'[ca cacerts]\ncertificate = x\n[ca a/b]\nkey = y\n[profile iot]\nip_ranges = 10.0.0.0/33, ::1/129, 300.1.1.1/8, fe80::%%eth0/64\nra_certificates = zz\ndns_suffixes = ,,,\nsubject_must_match = nobody\nchallenge_password = maybe\ncsrattrs = verbatim\nkey_types = dsa\nsignature_digests = md5\n[auth]\nmethods = telepathy\n' > "$C/labels-bad"

# ---------------------------------------------------------------- fuzz_core
# FLAGS METHOD \0 PATH \0 CONTENT-TYPE \0 CERT \0 AUTHORIZATION \0 REMOTE-USER \0 BODY
# (see fuzz_core.c).
K=$out/fuzz_core
core() { # core NAME FLAGS METHOD PATH CONTENT-TYPE CERT-FILE|"" BODY-FILE|"" [AUTHORIZATION [REMOTE-USER]]
    local f=$K/$1
    {
        printf "\\x$2"
        printf '%s\0%s\0%s\0' "$3" "$4" "$5"
        if [ -n "$6" ]; then cat "$6"; fi
        printf '\0%s\0%s\0' "${8:-}" "${9:-}"
        if [ -n "$7" ]; then cat "$7"; fi
    } > "$f"
}
EST=/.well-known/est
CT=application/pkcs10
pem 'CERTIFICATE REQUEST' "$valid" > "$tmp/valid.pem"
printf '' > "$tmp/empty"
printf ' \r\n\t \n' > "$tmp/ws"
b64 "$valid" > "$tmp/valid.b64"
printf 'this is not base64!\n' > "$tmp/badb64"
cp "$B/random-bytes" "$tmp/random.b64"
core cacerts 00 GET "$EST/cacerts" '' '' ''
core cacerts-post 00 POST "$EST/cacerts" "$CT" '' ''
core cacerts-label 00 GET "$EST/arbitrarylabel/cacerts" '' '' ''
core unknown-op 00 GET "$EST/serverkeygen" '' '' ''
core not-est 00 GET / '' '' ''
core traversal 05 POST "$EST/../est/simpleenroll" "$CT" '' ''
core percent-label 05 POST "$EST/%2e%2e/simpleenroll" "$CT" '' ''
core trailing-slash 05 POST "$EST/simpleenroll/" "$CT" '' ''
core empty-path 00 GET '' '' '' ''
core method-put 05 PUT "$EST/simpleenroll" "$CT" '' "$tmp/valid.b64"
core method-get-enroll 05 GET "$EST/simpleenroll" "$CT" '' ''
core method-lowercase 05 post "$EST/simpleenroll" "$CT" '' ''
core method-empty 05 '' "$EST/simpleenroll" "$CT" '' ''

core enroll-ok 05 POST "$EST/simpleenroll" "$CT" '' "$tmp/valid.b64"
core enroll-pem 05 POST "$EST/simpleenroll" "$CT" '' "$tmp/valid.pem"
core enroll-nginx-percent 45 POST "$EST/simpleenroll" "$CT" '' "$tmp/valid.b64"
core enroll-nginx-tab 85 POST "$EST/simpleenroll" "$CT" '' "$tmp/valid.b64"
core enroll-two-certs c5 POST "$EST/simpleenroll" "$CT" '' "$tmp/valid.b64"
core enroll-issued-cert 09 POST "$EST/simpleenroll" "$CT" '' "$tmp/valid.b64"
core enroll-expired-cert 0d POST "$EST/simpleenroll" "$CT" '' "$tmp/valid.b64"
core enroll-ct-params 05 POST "$EST/simpleenroll" ' Application/PKCS10 ; charset=x' '' "$tmp/valid.b64"
core enroll-ct-prefix 05 POST "$EST/simpleenroll" 'application/pkcs10x' '' "$tmp/valid.b64"
core enroll-ct-wrong 05 POST "$EST/simpleenroll" 'text/plain' '' "$tmp/valid.b64"
core enroll-ct-missing 25 POST "$EST/simpleenroll" '' '' "$tmp/valid.b64"
core enroll-too-large 15 POST "$EST/simpleenroll" "$CT" '' "$tmp/valid.b64"
core enroll-no-tls 00 POST "$EST/simpleenroll" "$CT" '' "$tmp/valid.b64"
core enroll-tls-failed 02 POST "$EST/simpleenroll" "$CT" '' "$tmp/valid.b64"
core enroll-no-cert-text 01 POST "$EST/simpleenroll" "$CT" '' "$tmp/valid.b64"
core enroll-untrusted-cert 01 POST "$EST/simpleenroll" "$CT" "$cert" "$tmp/valid.b64"
core enroll-garbage-cert 01 POST "$EST/simpleenroll" "$CT" "$P/garbage-in-armor" "$tmp/valid.b64"
core enroll-two-cert-text 01 POST "$EST/simpleenroll" "$CT" "$P/two-certificates" "$tmp/valid.b64"
core reenroll-ok 09 POST "$EST/simplereenroll" "$CT" '' "$tmp/valid.b64"
core reenroll-bootstrap-cert 05 POST "$EST/simplereenroll" "$CT" '' "$tmp/valid.b64"
b64 "$tmp/nosan.der" > "$tmp/nosan.b64"
core reenroll-san-differs 09 POST "$EST/simplereenroll" "$CT" '' "$tmp/nosan.b64"
core enroll-empty 05 POST "$EST/simpleenroll" "$CT" '' "$tmp/empty"
core enroll-whitespace 05 POST "$EST/simpleenroll" "$CT" '' "$tmp/ws"
core enroll-bad-base64 05 POST "$EST/simpleenroll" "$CT" '' "$tmp/badb64"
core enroll-random-base64 05 POST "$EST/simpleenroll" "$CT" '' "$tmp/random.b64"
core enroll-raw-der 05 POST "$EST/simpleenroll" "$CT" '' "$valid"
core enroll-rfc7030-A3 05 POST "$EST/simpleenroll" "$CT" '' "$vectors/rfc7030-A3-simpleenroll-request.b64"
for c in $CSRS; do
    case $c in valid | rfc7030-A3) continue ;; esac
    b64 "$tmp/$c.der" > "$tmp/$c.b64"
    core "enroll-$c" 05 POST "$EST/simpleenroll" "$CT" '' "$tmp/$c.b64"
done
core reenroll-ca-true 09 POST "$EST/simplereenroll" "$CT" '' "$tmp/ca-true.b64"

# The label "iot": certificate or HTTP Basic (user fuzz, password fuzz-password),
# subject naming the identity.
csr identity p256 '/CN=fuzz'
b64 "$tmp/identity.der" > "$tmp/identity.b64"
basic="Basic $(printf 'fuzz:fuzz-password' | "$OPENSSL" base64 -A)"
core csrattrs 00 GET "$EST/csrattrs" '' '' ''
core iot-cacerts 00 GET "$EST/iot/cacerts" '' '' ''
core iot-csrattrs 00 GET "$EST/iot/csrattrs" '' '' ''
core iot-unknown-op 00 GET "$EST/iot/serverkeygen" '' '' ''
core iot-basic-ok 00 POST "$EST/iot/simpleenroll" "$CT" '' "$tmp/identity.b64" "$basic"
core iot-basic-other-subject 00 POST "$EST/iot/simpleenroll" "$CT" '' "$tmp/valid.b64" "$basic"
core iot-basic-wrong-password 00 POST "$EST/iot/simpleenroll" "$CT" '' "$tmp/identity.b64" \
    "Basic $(printf 'fuzz:wrong' | "$OPENSSL" base64 -A)"
core iot-basic-unknown-user 00 POST "$EST/iot/simpleenroll" "$CT" '' "$tmp/identity.b64" \
    "Basic $(printf 'nobody:fuzz-password' | "$OPENSSL" base64 -A)"
core iot-basic-no-colon 00 POST "$EST/iot/simpleenroll" "$CT" '' "$tmp/identity.b64" \
    "Basic $(printf 'fuzzfuzz-password' | "$OPENSSL" base64 -A)"
core iot-basic-bad-base64 00 POST "$EST/iot/simpleenroll" "$CT" '' "$tmp/identity.b64" 'Basic !!!!'
core iot-basic-lowercase 00 POST "$EST/iot/simpleenroll" "$CT" '' "$tmp/identity.b64" "basic  ${basic#Basic }"
core iot-bearer 00 POST "$EST/iot/simpleenroll" "$CT" '' "$tmp/identity.b64" 'Bearer abc.def.ghi'
core iot-basic-long 00 POST "$EST/iot/simpleenroll" "$CT" '' "$tmp/identity.b64" \
    "Basic $(head -c 2000 /dev/zero | tr '\0' A)"
core iot-remote-user 00 POST "$EST/iot/simpleenroll" "$CT" '' "$tmp/identity.b64" '' fuzz
core iot-cert-ok 05 POST "$EST/iot/simpleenroll" "$CT" '' "$tmp/valid.b64"
core iot-cert-and-basic 05 POST "$EST/iot/simpleenroll" "$CT" '' "$tmp/identity.b64" "$basic"
core iot-reenroll 09 POST "$EST/iot/simplereenroll" "$CT" '' "$tmp/valid.b64"
core iot-reenroll-basic 00 POST "$EST/iot/simplereenroll" "$CT" '' "$tmp/identity.b64" "$basic"
core default-basic 00 POST "$EST/simpleenroll" "$CT" '' "$tmp/identity.b64" "$basic"
core default-remote-user 00 POST "$EST/simpleenroll" "$CT" '' "$tmp/identity.b64" '' fuzz
core unknown-label 00 GET "$EST/nosuchlabel/cacerts" '' '' ''

# Never a private key in the corpus.
if grep -rl 'PRIVATE KEY' "$out" > /dev/null; then
    echo "$0: a private key ended up in $out" >&2
    exit 1
fi
for h in fuzz_core fuzz_b64 fuzz_csr fuzz_config fuzz_peercert fuzz_certparse \
    fuzz_htpasswd fuzz_csrattrs; do
    printf '%-14s %3d seeds\n' "$h" "$(find "$out/$h" -type f | wc -l)"
done
