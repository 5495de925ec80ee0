#!/usr/bin/env bash
# demo-pki.sh DIR [ec|rsa]
#
# Creates a throwaway demo PKI for estd with the openssl command line tool:
#
#   DIR/ca_cert.pem, DIR/ca_key.pem     EST CA (self-signed root; P-256, or RSA-2048 with "rsa")
#   DIR/server-ca.pem, DIR/server-ca.key  CA of the TLS server certificate
#   DIR/server.pem, DIR/server.key      TLS server certificate (localhost, 127.0.0.1)
#   DIR/server-chain.pem                server.pem + server-ca.pem (lighttpd ssl.pemfile)
#   DIR/trust_store/bootstrap-ca.pem    bootstrap client CA (estd [trust] store)
#   DIR/bootstrap-ca.key                its key
#   DIR/client.pem, DIR/client.key      bootstrap client certificate (CN=demo-client, clientAuth)
#   DIR/client-ca-bundle.pem            bootstrap CA + EST CA + iot CA (lighttpd ssl.ca-file)
#   DIR/iot/ca_cert.pem, DIR/iot/ca_key.pem
#                                       CA of the second label "iot" (/.well-known/est/iot/...)
#   DIR/iot/htpasswd                    its users: "demo", password "demo-password" (bcrypt;
#                                       SHA-crypt if htpasswd from apache2-utils is missing)
#   DIR/estd.conf                       estd configuration using the files above, log = stderr:
#                                       the default label (certificate authentication) and the
#                                       label "iot" (its own CA; HTTP Basic or a certificate;
#                                       EC P-256 keys, names under iot.example, CN or DNS name
#                                       equal to the user name or certificate CN; csrattrs)
#
# Nothing here is secret or meant for production. Files that already exist are kept,
# so running it twice is harmless. Every file holding a private key is mode 0600.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 DIR [ec|rsa]" >&2
    exit 2
fi
keytype=${2:-ec}
case $keytype in
    ec|rsa) ;;
    *) echo "$0: key type must be ec or rsa" >&2; exit 2 ;;
esac

mkdir -p "$1"
dir=$(cd "$1" && pwd)
mkdir -p "$dir/trust_store"
umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

OPENSSL=${OPENSSL:-openssl}

# newkey FILE ec|rsa|rsa:BITS
newkey() {
    [ -s "$1" ] && return 0
    case $2 in
        ec) "$OPENSSL" genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.tmp" ;;
        rsa) "$OPENSSL" genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.tmp" ;;
    esac
    chmod 600 "$1.tmp"
    mv "$1.tmp" "$1"
}

serial() {
    # 128 random bits, top bit cleared so the INTEGER stays 16 bytes.
    printf '0x%s' "$(printf '%x' $(( 0x$("$OPENSSL" rand -hex 1) & 0x7f )))$("$OPENSSL" rand -hex 15)"
}

# rootca CERT KEY SUBJECT
rootca() {
    [ -s "$1" ] && return 0
    "$OPENSSL" req -new -x509 -key "$2" -subj "$3" -days 3650 -sha256 -set_serial "$(serial)" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" \
        -out "$1.tmp"
    chmod 644 "$1.tmp"
    mv "$1.tmp" "$1"
}

# leaf CERT KEY SUBJECT CACERT CAKEY EXTENSIONS...
leaf() {
    local cert=$1 key=$2 subj=$3 cacert=$4 cakey=$5
    shift 5
    [ -s "$cert" ] && return 0
    printf '%s\n' "$@" > "$tmp/ext.cnf"
    "$OPENSSL" req -new -key "$key" -subj "$subj" -out "$tmp/req.pem"
    "$OPENSSL" x509 -req -in "$tmp/req.pem" -CA "$cacert" -CAkey "$cakey" \
        -set_serial "$(serial)" -days 825 -sha256 -extfile "$tmp/ext.cnf" -out "$cert.tmp" \
        2> "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    chmod 644 "$cert.tmp"
    mv "$cert.tmp" "$cert"
}

# EST CA
newkey "$dir/ca_key.pem" "$keytype"
rootca "$dir/ca_cert.pem" "$dir/ca_key.pem" "/O=estd demo/CN=estd demo EST CA"

# TLS server certificate, from its own CA
newkey "$dir/server-ca.key" ec
rootca "$dir/server-ca.pem" "$dir/server-ca.key" "/O=estd demo/CN=estd demo TLS server CA"
newkey "$dir/server.key" ec
leaf "$dir/server.pem" "$dir/server.key" "/O=estd demo/CN=localhost" \
    "$dir/server-ca.pem" "$dir/server-ca.key" \
    "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" \
    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
    "subjectKeyIdentifier=hash" \
    "authorityKeyIdentifier=keyid"
if [ ! -s "$dir/server-chain.pem" ]; then
    cat "$dir/server.pem" "$dir/server-ca.pem" > "$dir/server-chain.pem.tmp"
    chmod 644 "$dir/server-chain.pem.tmp"
    mv "$dir/server-chain.pem.tmp" "$dir/server-chain.pem"
fi

# Bootstrap client CA (in estd's trust store) and a client certificate from it
newkey "$dir/bootstrap-ca.key" ec
rootca "$dir/trust_store/bootstrap-ca.pem" "$dir/bootstrap-ca.key" "/O=estd demo/CN=estd demo bootstrap CA"
newkey "$dir/client.key" ec
leaf "$dir/client.pem" "$dir/client.key" "/O=estd demo/CN=demo-client" \
    "$dir/trust_store/bootstrap-ca.pem" "$dir/bootstrap-ca.key" \
    "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=clientAuth" \
    "subjectKeyIdentifier=hash" \
    "authorityKeyIdentifier=keyid"

# The second label's CA, and its demo user (the password is public: demo only).
mkdir -p "$dir/iot"
chmod 755 "$dir/iot"
newkey "$dir/iot/ca_key.pem" ec
rootca "$dir/iot/ca_cert.pem" "$dir/iot/ca_key.pem" "/O=estd demo/CN=estd demo iot CA"
if [ ! -s "$dir/iot/htpasswd" ]; then
    if command -v htpasswd > /dev/null 2>&1; then
        htpasswd -nbB demo demo-password | sed '/^$/d' > "$dir/iot/htpasswd.tmp"
    else
        # No apache2-utils: SHA-crypt, which estd accepts as well.
        printf 'demo:%s\n' "$("$OPENSSL" passwd -6 demo-password)" > "$dir/iot/htpasswd.tmp"
    fi
    chmod 600 "$dir/iot/htpasswd.tmp"
    mv "$dir/iot/htpasswd.tmp" "$dir/iot/htpasswd"
fi

# What lighttpd verifies client certificates against: the bootstrap CA, and the
# EST CAs (default and iot) so that certificates estd issued can authenticate for
# simplereenroll.
if [ ! -s "$dir/client-ca-bundle.pem" ]; then
    cat "$dir/trust_store/bootstrap-ca.pem" "$dir/ca_cert.pem" "$dir/iot/ca_cert.pem" \
        > "$dir/client-ca-bundle.pem.tmp"
    chmod 644 "$dir/client-ca-bundle.pem.tmp"
    mv "$dir/client-ca-bundle.pem.tmp" "$dir/client-ca-bundle.pem"
elif ! grep -qxF "$(sed -n 2p "$dir/iot/ca_cert.pem")" "$dir/client-ca-bundle.pem"; then
    # A bundle from before the iot label existed.
    cat "$dir/client-ca-bundle.pem" "$dir/iot/ca_cert.pem" > "$dir/client-ca-bundle.pem.tmp"
    chmod 644 "$dir/client-ca-bundle.pem.tmp"
    mv "$dir/client-ca-bundle.pem.tmp" "$dir/client-ca-bundle.pem"
fi

if [ ! -s "$dir/estd.conf" ]; then
    cat > "$dir/estd.conf.tmp" <<'EOF'
; estd configuration for the demo PKI made by tests/demo-pki.sh (not for production).
; Relative paths are relative to this file's directory.
[estd]
log = stderr
log_level = info
max_body_bytes = 65536

[ca]
certificate = ca_cert.pem
key = ca_key.pem

[trust]
store = trust_store
accept_issued = yes

[profile]
validity_days = 365
key_usage = digitalSignature, keyEncipherment
extended_key_usage = clientAuth, serverAuth
rsa_min_bits = 2048
ec_curves = P-256, P-384, P-521
max_san_entries = 64
EOF
    if [ "$(id -u)" -eq 0 ]; then
        # estd refuses to run as root: it loads the CA key, then becomes nobody.
        sed -i 's/^\[estd\]$/[estd]\nuser = nobody/' "$dir/estd.conf.tmp"
    fi
    chmod 644 "$dir/estd.conf.tmp"
    mv "$dir/estd.conf.tmp" "$dir/estd.conf"
fi

# The label "iot", appended once (also to an estd.conf from before it existed).
if ! grep -qx '\[ca iot\]' "$dir/estd.conf"; then
    cat >> "$dir/estd.conf" <<'EOF'

; Label "iot": /.well-known/est/iot/{cacerts,csrattrs,simpleenroll,simplereenroll}.
; Its own CA; a device authenticates with HTTP Basic (user "demo", password
; "demo-password": DEMO ONLY) or with a client certificate from the bootstrap CA.
[ca iot]
certificate = iot/ca_cert.pem
key = iot/ca_key.pem

[trust iot]
store = trust_store
accept_issued = yes

[auth iot]
methods = certificate-or-password
htpasswd = iot/htpasswd
realm = estd demo iot

[profile iot]
validity_days = 365
key_usage = digitalSignature
extended_key_usage = clientAuth
key_types = ec
ec_curves = P-256
signature_digests = sha256
san_types = dns
dns_suffixes = iot.example
; Every name in the CSR names the user (or the certificate's CN): the CN, if
; any, equals it; each DNS name is it or it under iot.example.
subject_must_match = identity
csrattrs = auto
EOF
fi
