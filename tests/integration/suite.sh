# suite.sh: the front-agnostic EST checks, sourced by lighttpd.test, apache.test and
# nginx.test after lib.sh's est_init, make_pki, start_pool and start_front. It runs
# every check against $BASE and returns; the caller ends with finish.
#
# shellcheck shell=bash disable=SC2154,SC2059
# Where a front server legitimately behaves differently, the check branches on
# EST_FRONT and says why (search for "front difference").

# check_front_refuses_cert NAME: NAME was sent with a client certificate that the
# front server itself cannot verify (unknown CA, expired, no clientAuth EKU).
# Front difference: lighttpd runs with ssl.verifyclient.enforce = "disable", so the
# request reaches the worker with SSL_CLIENT_VERIFY=FAILED:... and the worker answers
# 403. Apache (SSLVerifyClient optional) aborts the TLS handshake: there is no HTTP
# answer at all. nginx (ssl_verify_client optional) answers 400 with its own HTML
# page; the worker never sees the request. In every case nothing is issued and the
# next good request works.
check_front_refuses_cert() {
    local name=$1
    case $EST_FRONT in
        lighttpd)
            check_error "$name" 403
            ;;
        apache)
            check_eq "$name: TLS handshake refused by Apache (no HTTP answer)" "$code" 000
            if grep -qi 'alert\|handshake\|ssl\|tls' "$W/$name.err"; then
                ok "$name: curl reports a TLS failure"
            else
                not_ok "$name: curl reports a TLS failure" "$(cat "$W/$name.err")"
            fi
            check_nothing_issued "$name"
            check_next_good "$name"
            ;;
        nginx)
            check_eq "$name: status 400 from nginx" "$code" 400
            if grep -qi 'SSL certificate error' "$W/$name.body"; then
                ok "$name: nginx's own certificate error page"
            else
                not_ok "$name: nginx's own certificate error page" "$(head -c 300 "$W/$name.body")"
            fi
            check_nothing_issued "$name"
            check_next_good "$name"
            ;;
    esac
}

if timeout 20 "$ESTD" -t -c "$PKI/estd.conf" > "$W/configtest.out" 2>&1; then
    ok "estd -t accepts the demo configuration"
else
    not_ok "estd -t accepts the demo configuration" "$(cat "$W/configtest.out")"
fi

# ---- cacerts
call cacerts /.well-known/est/cacerts
check_eq "cacerts: status 200 without a client certificate" "$code" 200
check_eq "cacerts: Content-Type" "$(hdr cacerts Content-Type)" "application/pkcs7-mime"
check_eq "cacerts: Content-Transfer-Encoding" "$(hdr cacerts Content-Transfer-Encoding)" "base64"
long=$(tr -d '\r' < "$W/cacerts.body" | awk 'length($0) > 64' | wc -l)
check_eq "cacerts: base64 lines at most 64 columns" "$long" 0
n=$(p7certs cacerts "$W/cacerts.pem")
if [ "${n:-0}" -ge 1 ]; then ok "cacerts: body decodes to a certs-only PKCS#7 ($n certs)"; else not_ok "cacerts: body decodes to a certs-only PKCS#7"; fi
found=no
if [ -s "$W/cacerts.pem" ]; then
    awk '/-----BEGIN CERTIFICATE-----/ { n++ } n { print > ("'"$W"'/cacerts-" n ".pem") }' "$W/cacerts.pem"
    for f in "$W"/cacerts-*.pem; do
        [ "$(fingerprint "$f")" = "$ca_fp" ] && found=yes
    done
fi
check_eq "cacerts: holds the EST CA certificate" "$found" yes
call cacerts-auth /.well-known/est/cacerts "${client_bootstrap[@]}"
check_eq "cacerts: status 200 with a client certificate" "$code" 200

# ---- simpleenroll
mkcsr good ec:P-256 "/O=estd test/CN=good-device" -addext "subjectAltName=DNS:good.example.org"
mkcsr rsa rsa:2048 "/O=estd test/CN=rsa-device" -addext "subjectAltName=DNS:rsa.example.org,DNS:alt.example.org,IP:192.0.2.10"
mkcsr p256 ec:P-256 "/O=estd test/OU=lab/CN=p256-device" -addext "subjectAltName=DNS:p256.example.org,IP:192.0.2.11,IP:2001:db8::1"
post_csr enroll-rsa simpleenroll "$W/rsa.b64"
check_issued enroll-rsa rsa rsa
post_csr enroll-p256 simpleenroll "$W/p256.b64"
check_issued enroll-p256 p256 ec
cp "$W/enroll-p256.cert.pem" "$W/issued.pem"
cp "$W/p256.key" "$W/issued.key"

mkcsr catrue ec:P-256 "/O=estd test/CN=wants-ca" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "nsComment=please copy me" -addext "keyUsage=critical,keyCertSign"
post_csr enroll-catrue simpleenroll "$W/catrue.b64"
check_eq "CSR asking for CA:TRUE: status 200" "$code" 200
if [ "$(p7certs enroll-catrue "$W/catrue.cert.pem")" = 1 ]; then
    txt=$(openssl x509 -in "$W/catrue.cert.pem" -noout -text)
    v=$(openssl x509 -in "$W/catrue.cert.pem" -noout -ext basicConstraints | sed -n '2,$p' | tr -d ' ')
    check_eq "CSR asking for CA:TRUE: issued with CA:FALSE" "$v" "CA:FALSE"
    if grep -q -e 'Netscape Comment' -e 'please copy me' <<< "$txt"; then
        not_ok "CSR extension nsComment not copied"
    else
        ok "CSR extension nsComment not copied"
    fi
    if grep -q 'Certificate Sign' <<< "$txt"; then not_ok "CSR keyUsage keyCertSign not copied"; else ok "CSR keyUsage keyCertSign not copied"; fi
else
    not_ok "CSR asking for CA:TRUE: issued with CA:FALSE" "no certificate in the response"
fi

post_csr enroll-pem simpleenroll "$W/p256.pem"
check_eq "PEM-armored CSR accepted" "$code" 200
# CRLF line ends, a blank line, spaces and tabs inside the base64 (RFC 8951).
{
    printf '\r\n'
    sed -e 's/^\(....\)\(.*\)$/\1 \t\2/' -e 's/$/\r/' "$W/p256.b64"
    printf '  \r\n'
} > "$W/p256.crlf"
post_csr enroll-crlf simpleenroll "$W/p256.crlf"
check_eq "base64 with CRLF and whitespace accepted" "$code" 200
openssl base64 -A -in "$W/p256.der" -out "$W/p256.oneline"
post_csr enroll-oneline simpleenroll "$W/p256.oneline"
check_eq "base64 on one line accepted" "$code" 200
call enroll-ctparam /.well-known/est/simpleenroll "${client_bootstrap[@]}" \
    -H "Content-Type: application/pkcs10; charset=x" --data-binary "@$W/good.b64"
check_eq "Content-Type with parameters (application/pkcs10; charset=x) accepted" "$code" 200

# ---- 200 enrollments on one keep-alive connection: unique serials
mkcsr many ec:P-256 "/O=estd test/CN=many-device"
: > "$W/many.cfg"
for i in $(seq 200); do
    printf 'url = "%s/.well-known/est/simpleenroll"\noutput = "%s/many-%03d.body"\n' "$BASE" "$W" "$i" >> "$W/many.cfg"
done
curl -sS --http1.1 --resolve "localhost:$PORT:127.0.0.1" --cacert "$PKI/server-ca.pem" \
    "${client_bootstrap[@]}" -H "Content-Type: application/pkcs10" --data-binary "@$W/many.b64" \
    -w '%{http_code}\n' -K "$W/many.cfg" > "$W/many.codes" 2> "$W/many.err"
check_eq "200 enrollments: all 200" "$(grep -c '^200$' "$W/many.codes")" 200
: > "$W/many.serials"
short=0
for i in $(seq -f '%03g' 200); do
    [ -s "$W/many-$i.body" ] || continue
    s=$(tr -d '\r' < "$W/many-$i.body" | openssl base64 -d 2> /dev/null |
        openssl pkcs7 -inform DER -print_certs 2> /dev/null | openssl x509 -noout -serial 2> /dev/null | sed 's/^serial=//; s/^0*//')
    [ -n "$s" ] || continue
    echo "$s" >> "$W/many.serials"
    [ $((${#s} * 4)) -ge 64 ] || short=$((short + 1))
done
check_eq "200 enrollments: 200 unique serials" "$(sort -u "$W/many.serials" | wc -l)" 200
check_eq "200 enrollments: every serial >= 64 bits" "$short" 0

# ---- simplereenroll with the issued certificate
issued=(--cert "$W/issued.pem" --key "$W/issued.key")
p256_subj="/O=estd test/OU=lab/CN=p256-device"
p256_san="subjectAltName=DNS:p256.example.org,IP:192.0.2.11,IP:2001:db8::1"
mkcsr renew "file:$W/issued.key" "$p256_subj" -addext "$p256_san"
post_csr reenroll-renew simplereenroll "$W/renew.b64" "${issued[@]}"
check_issued reenroll-renew renew ec
mkcsr rekey ec:P-256 "$p256_subj" -addext "$p256_san"
post_csr reenroll-rekey simplereenroll "$W/rekey.b64" "${issued[@]}"
check_issued reenroll-rekey rekey ec
mkcsr resubj "file:$W/issued.key" "/O=estd test/OU=lab/CN=other-device" -addext "$p256_san"
post_csr reenroll-subject simplereenroll "$W/resubj.b64" "${issued[@]}"
check_error reenroll-subject 403
mkcsr resan "file:$W/issued.key" "$p256_subj" -addext "subjectAltName=DNS:p256.example.org,DNS:evil.example.org,IP:192.0.2.11,IP:2001:db8::1"
post_csr reenroll-san simplereenroll "$W/resan.b64" "${issued[@]}"
check_error reenroll-san 403
mkcsr nosan "file:$W/issued.key" "$p256_subj"
post_csr reenroll-nosan simplereenroll "$W/nosan.b64" "${issued[@]}"
check_error reenroll-nosan 403
post_csr reenroll-bootstrap simplereenroll "$W/good.b64"
check_error reenroll-bootstrap 403
# accept_issued=yes: simpleenroll with an issued certificate renews it, under
# simplereenroll's rules (else it would get round them).
post_csr enroll-with-issued simpleenroll "$W/renew.b64" "${issued[@]}"
check_issued enroll-with-issued renew ec
post_csr enroll-with-issued-other simpleenroll "$W/good.b64" "${issued[@]}"
check_error enroll-with-issued-other 403
check "enroll-with-issued-other: says why" grep -q "renews itself, by simpleenroll too" "$W/enroll-with-issued-other.body"

# ---- errors
printf 'this is !!! not base64 ###\n' > "$W/badb64.txt"
post_csr err-badb64 simpleenroll "$W/badb64.txt"
check_error err-badb64 400
head -c 100 "$W/rsa.der" | openssl base64 > "$W/trunc.b64"
post_csr err-truncated simpleenroll "$W/trunc.b64"
check_error err-truncated 400
cp "$W/rsa.der" "$W/badsig.der"
last=$(($(stat -c %s "$W/badsig.der") - 1))
printf "$(printf '\\%03o' $(( $(od -An -tu1 -j "$last" -N1 "$W/badsig.der") ^ 0x5a )))" |
    dd of="$W/badsig.der" bs=1 seek="$last" conv=notrunc 2> /dev/null
openssl base64 -in "$W/badsig.der" -out "$W/badsig.b64"
# (openssl 3.0 "req -verify" exits 0 even when the signature is bad: read its output)
if openssl req -inform DER -in "$W/badsig.der" -noout -verify 2>&1 | grep 'verify OK' > /dev/null; then
    not_ok "test setup: flipped CSR signature fails to verify"
fi
post_csr err-badsig simpleenroll "$W/badsig.b64"
check_error err-badsig 400
post_csr err-empty simpleenroll /dev/null
check_error err-empty 400

call err-nocert /.well-known/est/simpleenroll -H "Content-Type: application/pkcs10" --data-binary "@$W/good.b64"
check_error err-nocert 401
post_csr err-untrusted simpleenroll "$W/good.b64" --cert "$T/rogue.pem" --key "$T/rogue.key"
check_front_refuses_cert err-untrusted
post_csr err-expired simpleenroll "$W/good.b64" --cert "$T/expired.pem" --key "$T/expired.key"
check_front_refuses_cert err-expired
# Trusted by the front server, not by estd: the worker re-verifies and refuses, behind every front.
post_csr err-frontonly simpleenroll "$W/good.b64" --cert "$T/front.pem" --key "$T/front.key"
check_error err-frontonly 403
post_csr err-noeku simpleenroll "$W/good.b64" --cert "$T/noeku.pem" --key "$T/noeku.key"
check_front_refuses_cert err-noeku

mkcsr rsa1024 rsa:1024 "/O=estd test/CN=weak-device"
post_csr err-rsa1024 simpleenroll "$W/rsa1024.b64"
check_error err-rsa1024 403
mkcsr k256 ec:secp256k1 "/O=estd test/CN=k256-device"
post_csr err-secp256k1 simpleenroll "$W/k256.b64"
check_error err-secp256k1 403
openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$W/chpw.key"
printf '[req]\ndistinguished_name = dn\nattributes = attr\nprompt = no\n[dn]\nCN = chpw-device\n[attr]\nchallengePassword = 123456789\n' > "$W/chpw.cnf"
openssl req -new -config "$W/chpw.cnf" -key "$W/chpw.key" -outform DER -out "$W/chpw.der" &&
    openssl base64 -in "$W/chpw.der" -out "$W/chpw.b64"
post_csr err-challengepw simpleenroll "$W/chpw.b64"
check_error err-challengepw 403

call err-nosuchop /.well-known/est/nosuchop "${client_bootstrap[@]}"
check_error err-nosuchop 404
call err-label /.well-known/est/somelabel/cacerts
check_error err-label 404
call err-post-cacerts /.well-known/est/cacerts "${client_bootstrap[@]}" -H "Content-Type: application/pkcs10" --data-binary "@$W/good.b64"
check_error err-post-cacerts 405
check_eq "err-post-cacerts: Allow: GET, HEAD" "$(hdr err-post-cacerts Allow)" "GET, HEAD"
call err-get-enroll /.well-known/est/simpleenroll "${client_bootstrap[@]}"
check_error err-get-enroll 405
check_eq "err-get-enroll: Allow: POST" "$(hdr err-get-enroll Allow)" "POST"
call err-get-reenroll /.well-known/est/simplereenroll "${issued[@]}"
check_error err-get-reenroll 405
check_eq "err-get-reenroll: Allow: POST" "$(hdr err-get-reenroll Allow)" "POST"
# TRACE must not echo the request (with its Authorization header) back: 405 behind
# every front. Front difference: lighttpd hands TRACE to the worker (its 405, Allow:
# GET, HEAD); nginx and Apache (TraceEnable off) answer 405 themselves. Not "call":
# Apache's echo, were it on, comes chunked and would count against Content-Length.
code=$(curl -sS --http1.1 --max-time 30 --resolve "localhost:$PORT:127.0.0.1" \
    --cacert "$PKI/server-ca.pem" -X TRACE -H "X-Estd-Trace-Probe: echoed" \
    -u "trace-user:trace-secret" -D "$W/m-trace.hdr" -o "$W/m-trace.body" \
    -w '%{http_code}' "$BASE/.well-known/est/cacerts" 2> "$W/m-trace.err")
check_eq "TRACE /cacerts: 405" "$code" 405
if grep -qi 'X-Estd-Trace-Probe\|Authorization' "$W/m-trace.body" ||
    [ "$(hdr m-trace Content-Type)" = message/http ]; then
    not_ok "TRACE /cacerts: the request (and its credentials) not echoed" \
        "$(hdr m-trace Content-Type)" "$(head -c 300 "$W/m-trace.body")"
else
    ok "TRACE /cacerts: the request (and its credentials) not echoed"
fi

# ---- what strict clients read on the wire, behind every front
# HEAD /cacerts: the headers GET has, Content-Length included, and no body.
# (Not "call": curl -I writes the headers where the body would go.)
code=$(curl -sS --http1.1 --max-time 30 --resolve "localhost:$PORT:127.0.0.1" \
    --cacert "$PKI/server-ca.pem" -I -D "$W/head-cacerts.hdr" -o /dev/null \
    -w '%{http_code}' "$BASE/.well-known/est/cacerts" 2> "$W/head-cacerts.err")
check_eq "HEAD /cacerts: 200" "$code" 200
check_eq "HEAD /cacerts: Content-Type as for GET" "$(hdr head-cacerts Content-Type)" "application/pkcs7-mime"
check_eq "HEAD /cacerts: Content-Length as for GET" "$(hdr head-cacerts Content-Length)" \
    "$(stat -c %s "$W/cacerts.body")"
# A Range header gets the whole answer, as from every front (lighttpd would send
# 206 and a slice of the base64 without server.range-requests = "disable").
call cacerts-range /.well-known/est/cacerts -r 0-9
check_eq "GET /cacerts with Range: 200" "$code" 200
check "GET /cacerts with Range: the whole body" cmp -s "$W/cacerts-range.body" "$W/cacerts.body"
# /csrattrs (RFC 8951 4): no client certificate needed, base64 of a DER SEQUENCE.
call csrattrs /.well-known/est/csrattrs
check_eq "csrattrs: status 200 without a client certificate" "$code" 200
check_eq "csrattrs: Content-Type" "$(hdr csrattrs Content-Type)" "application/csrattrs"
check_eq "csrattrs: Content-Transfer-Encoding" "$(hdr csrattrs Content-Transfer-Encoding)" "base64"
if tr -d '\r' < "$W/csrattrs.body" | openssl base64 -d > "$W/csrattrs.der" 2> /dev/null &&
    openssl asn1parse -inform DER -in "$W/csrattrs.der" > "$W/csrattrs.asn1" 2>&1 &&
    head -1 "$W/csrattrs.asn1" | grep -q 'd=0 .*cons: SEQUENCE' &&
    [ $(($(head -1 "$W/csrattrs.asn1" | sed 's/.*hl= *\([0-9]*\) *l= *\([0-9]*\).*/\1+\2/'))) = \
        "$(stat -c %s "$W/csrattrs.der")" ]; then
    ok "csrattrs: body is base64 of one DER SEQUENCE (CsrAttrs)"
else
    not_ok "csrattrs: body is base64 of one DER SEQUENCE (CsrAttrs)" "$(head -5 "$W/csrattrs.asn1" 2> /dev/null)"
fi
# Operations estd does not implement: 404 (RFC 7030 allows 404 or 501), text/plain.
call op-fullcmc /.well-known/est/fullcmc "${client_bootstrap[@]}" \
    -H "Content-Type: application/pkcs7-mime; smime-type=CMC-request" --data-binary "@$W/good.b64"
check_error op-fullcmc 404
call op-serverkeygen /.well-known/est/serverkeygen "${client_bootstrap[@]}" \
    -H "Content-Type: application/pkcs10" --data-binary "@$W/good.b64"
check_error op-serverkeygen 404
# The demo's "iot" label takes a password: a client that sends none gets a Basic
# challenge (RFC 7030 3.2.3) and retries with it (curl --anyauth does).
mkcsr iotdemo ec:P-256 "/CN=demo" -addext "subjectAltName=DNS:demo.iot.example"
call iot-nocred /.well-known/est/iot/simpleenroll -H "Content-Type: application/pkcs10" \
    --data-binary "@$W/iotdemo.b64"
check_error iot-nocred 401
check_eq "iot-nocred: WWW-Authenticate" "$(hdr iot-nocred WWW-Authenticate)" \
    'Basic realm="estd demo iot", charset="UTF-8"'
call iot-anyauth /.well-known/est/iot/simpleenroll --anyauth --user demo:demo-password \
    -H "Content-Type: application/pkcs10" --data-binary "@$W/iotdemo.b64"
check_eq "iot-anyauth: 200 after the challenge" "$code" 200
check_eq "iot-anyauth: Content-Type" "$(hdr iot-anyauth Content-Type)" \
    "application/pkcs7-mime; smime-type=certs-only"
check_eq "iot-anyauth: one certificate" "$(p7certs iot-anyauth "$W/iot-anyauth.pem")" 1
# /cacerts asked with a certificate the front server cannot verify (expired; the
# same goes for an unknown CA or no clientAuth). Front difference: lighttpd lets the
# request reach the worker, which needs no certificate for /cacerts (RFC 7030 4.1.1);
# Apache fails the handshake and nginx answers 400, for every path. A client must
# not present a stale certificate to fetch /cacerts behind them (see README).
call cacerts-expired /.well-known/est/cacerts --cert "$T/expired.pem" --key "$T/expired.key"
case $EST_FRONT in
    lighttpd) check_eq "cacerts with an expired client certificate: 200 from the worker" "$code" 200 ;;
    apache) check_eq "cacerts with an expired client certificate: Apache fails the handshake" "$code" 000 ;;
    nginx) check_eq "cacerts with an expired client certificate: nginx answers 400" "$code" 400 ;;
esac

head -c 49152 /dev/zero | openssl base64 > "$W/big.b64" # 66 kB of base64
post_csr err-toobig simpleenroll "$W/big.b64"
check_error err-toobig 413
# A body far over the limit (1 MiB). Front difference: Apache hands the body to the
# worker, which answers 413 itself after reading at most its cap (Apache's
# LimitRequestBody does not get to act: the worker's answer comes first); lighttpd
# (server.max-request-size) and nginx (client_max_body_size) refuse it themselves,
# their limits 64 KiB + margin so that the 66 kB case above still reaches the worker.
# The limit itself, behind every front: 64 KiB of base64 text is read and parsed (not
# a CSR: 400), 64 KiB + 1 is refused by the worker (413, its text/plain reason).
head -c 65536 /dev/zero | tr '\0' 'A' > "$W/limit.b64"
post_csr err-atlimit simpleenroll "$W/limit.b64"
check_error err-atlimit 400
head -c 65537 /dev/zero | tr '\0' 'A' > "$W/overlimit.b64"
post_csr err-overlimit simpleenroll "$W/overlimit.b64"
check_error err-overlimit 413
head -c 1048576 /dev/zero > "$W/huge.bin"
# (lighttpd answers from the headers and closes: ask first, so that the answer
# is read before the body would be sent; curl does so itself over 1 MiB.)
huge_expect=()
[ "$EST_FRONT" = lighttpd ] && huge_expect=(-H "Expect: 100-continue")
post_csr err-huge simpleenroll "$W/huge.bin" "${client_bootstrap[@]}" "${huge_expect[@]}"
if [ "$EST_FRONT" = nginx ] || [ "$EST_FRONT" = lighttpd ]; then
    check_eq "err-huge: status 413 from $EST_FRONT" "$code" 413
    if [ "$EST_FRONT" = lighttpd ]; then
        check_eq "err-huge: lighttpd's own 413, not the worker's text/plain" \
            "$(hdr err-huge Content-Type | cut -d';' -f1)" "text/html"
    elif grep -qi 'nginx' "$W/err-huge.body"; then
        ok "err-huge: nginx's own 413 page"
    else
        not_ok "err-huge: nginx's own 413 page" "$(head -c 300 "$W/err-huge.body")"
    fi
    check_nothing_issued err-huge
    check_next_good err-huge
else
    check_error err-huge 413
fi
call err-ctype /.well-known/est/simpleenroll "${client_bootstrap[@]}" -H "Content-Type: text/plain" --data-binary "@$W/good.b64"
check_error err-ctype 415
call err-noctype /.well-known/est/simpleenroll "${client_bootstrap[@]}" -H "Content-Type:" --data-binary "@$W/good.b64"
check_error err-noctype 415

# ---- every response so far: Content-Length, never chunked
bad=
while read -r name; do
    te=$(hdr "$name" Transfer-Encoding)
    cl=$(hdr "$name" Content-Length)
    size=$(stat -c %s "$W/$name.body" 2> /dev/null || echo 0)
    if [ -n "$te" ] || [ -z "$cl" ] || [ "$cl" != "$size" ]; then
        bad="$bad $name(TE='$te',CL='$cl',body=$size)"
    fi
done < "$W/responses"
if [ -z "$bad" ]; then
    ok "all $n_resp responses carry Content-Length and no Transfer-Encoding"
else
    not_ok "all responses carry Content-Length and no Transfer-Encoding" "$bad"
fi
curl -sS --resolve "localhost:$PORT:127.0.0.1" --cacert "$PKI/server-ca.pem" \
    -D "$W/many-hdr.txt" -o /dev/null -o /dev/null "${client_bootstrap[@]}" -H "Content-Type: application/pkcs10" \
    --data-binary "@$W/good.b64" "$BASE/.well-known/est/simpleenroll" "$BASE/.well-known/est/cacerts" 2> /dev/null
if grep -qi '^transfer-encoding' "$W/many-hdr.txt" || [ "$(grep -ci '^content-length' "$W/many-hdr.txt")" != 2 ]; then
    not_ok "keep-alive responses carry Content-Length" "$(cat "$W/many-hdr.txt")"
else
    ok "keep-alive responses carry Content-Length"
fi

# ---- TLS versions
if curl -sS -o /dev/null --resolve "localhost:$PORT:127.0.0.1" --cacert "$PKI/server-ca.pem" \
    --tlsv1.2 --tls-max 1.2 "$BASE/.well-known/est/cacerts" 2> "$W/tls12.err"; then
    not_ok "TLS 1.2 refused (curl --tls-max 1.2)"
else
    ok "TLS 1.2 refused (curl --tls-max 1.2)"
fi
if openssl s_client -connect "127.0.0.1:$PORT" -servername localhost -tls1_2 < /dev/null > "$W/s12.out" 2>&1; then
    not_ok "TLS 1.2 refused (openssl s_client -tls1_2)" "$(tail -5 "$W/s12.out")"
else
    ok "TLS 1.2 refused (openssl s_client -tls1_2)"
fi
# A whole request, read to the server's close (-ign_eof): session tickets come right
# after the handshake, before the answer, so the ticket check below sees them. (With
# stdin at its end at once, s_client may close before they arrive: the check passed
# against a server that sent them.)
printf 'GET /.well-known/est/cacerts HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
    timeout 20 openssl s_client -connect "127.0.0.1:$PORT" -servername localhost -tls1_3 \
        -CAfile "$PKI/server-ca.pem" -verify_return_error -ign_eof > "$W/s13.out" 2>&1
s13_rc=$?
if [ "$s13_rc" -eq 0 ] && grep -q 'TLSv1.3' "$W/s13.out"; then
    ok "TLS 1.3 works (openssl s_client -tls1_3, server chain verifies)"
else
    not_ok "TLS 1.3 works (openssl s_client -tls1_3, server chain verifies)" "$(tail -5 "$W/s13.out")"
fi
curl -sS -o /dev/null --resolve "localhost:$PORT:127.0.0.1" --cacert "$PKI/server-ca.pem" \
    -w '%{http_code}' --tlsv1.3 "$BASE/.well-known/est/cacerts" > "$W/tls13.code" 2>&1
check_eq "TLS 1.3 works (curl --tlsv1.3)" "$(cat "$W/tls13.code")" 200
if grep -qi 'New Session Ticket\|TLS session ticket' "$W/s13.out"; then
    not_ok "no TLS session tickets (NumTickets 0)" "$(grep -i 'ticket' "$W/s13.out")"
elif ! tr -d '\r' < "$W/s13.out" | grep -q '^HTTP/1.1 200'; then
    not_ok "no TLS session tickets (NumTickets 0)" "the answer after the handshake was not read" \
        "$(tail -5 "$W/s13.out")"
else
    ok "no TLS session tickets (NumTickets 0)"
fi

