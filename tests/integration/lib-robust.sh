# lib-robust.sh: helpers for the robustness tests (badinput.test, survive.test,
# valgrind.test) on top of lib.sh. Source lib.sh first, then this file.
#
# Worker log (the pool's $RUN/worker.log: one line per request with "status=",
# plus "issued serial=" on success)
#   log_mark                     prints the current number of lines
#   log_since MARK               the lines written after MARK
#   wait_log MARK N [SECONDS]    waits (default 3 s) until N request lines
#                                ("status=") follow MARK; 0 when they did
#   count_issued [MARK]          number of "issued serial=" lines (after MARK)
#
# The pool
#   pool_workers                 pids of the running workers: children of the
#                                multiwatch that spawn-fcgi -n became (pool_pid),
#                                or the pids spawn-fcgi -F recorded (pool_pids)
#   worker_busy_count            how many of them are not blocked in accept()
#                                (x86_64/aarch64 /proc/PID/syscall; prints
#                                "unknown" elsewhere)
#   wait_pool_size N [SECONDS]   waits until N workers run; 0 when they do
#   start_pool_mw [OPTION...]    lib.sh's start_pool (spawn-fcgi -n + multiwatch -f 2)
#                                with extra multiwatch options
#   shipped_mw_opts              the multiwatch options (other than -f) of the shipped
#                                systemd unit, fcgi-conf/estd.service.in, one per line
#
# Talking FastCGI to the pool directly (cgi-fcgi from libfcgi-bin), as a
# misconfigured or lying front server would
#   fcgi_call NAME METHOD PATH BODYFILE [VAR=VALUE...]
#                                sends the request to $EST_FCGI_SOCKET with the CGI
#                                variables lighttpd would set (plus VAR=VALUE);
#                                sets code, writes $W/NAME.hdr (with a synthetic
#                                "HTTP/1.1 CODE" first line, so lib.sh's hdr works)
#                                and $W/NAME.body
#
# Crafting requests openssl req will not write (openssl asn1parse -genconf)
#   craft_csr NAME KEYFILE SIGALG SECTIONS
#                                a PKCS#10 request for the EC P-256 key KEYFILE,
#                                signed with it (SIGALG: ecdsa-with-SHA256 unless a
#                                mismatch is wanted); SECTIONS is genconf text that
#                                defines [subject] (the Name) and [attrs] (the
#                                attribute SET, may be empty). Writes $W/NAME.der
#                                and $W/NAME.b64. CRAFT_VERSION=N sets the version
#                                field (default 0, the only valid one).
#   hexstr STRING                hex of the bytes of STRING (printf %b escapes allowed)
#   unhex                        stdin hex digits -> stdout bytes
#
# Raw TLS
#   raw_request NAME FILE [CLIENT]
#                                sends FILE verbatim over TLS 1.3 with openssl s_client
#                                (-no_ign_eof: closes when FILE ends), as the bootstrap
#                                client unless CLIENT=none; sets code to the status of
#                                the answer or 000 if none came, writes $W/NAME.raw

log_mark() { wc -l < "$RUN/worker.log" 2> /dev/null || echo 0; }
log_since() { tail -n "+$(($1 + 1))" "$RUN/worker.log" 2> /dev/null; }
wait_log() {
    local mark=$1 n=$2 secs=${3:-3} i
    for i in $(seq $((secs * 20))); do
        [ "$(log_since "$mark" | grep -c 'status=')" -ge "$n" ] && return 0
        sleep 0.05
    done
    return 1
}
count_issued() { log_since "${1:-0}" | grep -c 'issued serial='; }

pool_workers() {
    local p
    if [ -n "${pool_pid:-}" ]; then
        pgrep -P "$pool_pid" 2> /dev/null
    else
        for p in ${pool_pids:-}; do
            kill -0 "$p" 2> /dev/null && echo "$p"
        done
    fi
}
wait_pool_size() {
    local n=$1 secs=${2:-10} i
    for i in $(seq $((secs * 10))); do
        [ "$(pool_workers | wc -l)" -eq "$n" ] && return 0
        sleep 0.1
    done
    return 1
}
worker_busy_count() {
    local nr p busy=0 s
    case $(uname -m) in
        x86_64) nr=43 ;;
        aarch64) nr=202 ;;
        *) echo unknown; return 0 ;;
    esac
    for p in $(pool_workers); do
        s=$(cut -d' ' -f1 "/proc/$p/syscall" 2> /dev/null) || continue
        [ "$s" = "$nr" ] || busy=$((busy + 1))
    done
    echo "$busy"
}

fcgi_call() {
    local name=$1 method=$2 path=$3 body=$4 len
    shift 4
    len=$(stat -c %s "$body")
    # SCRIPT_NAME/PATH_INFO split the way lighttpd splits at "/.well-known/est".
    env -i PATH="$PATH" GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 \
        SERVER_SOFTWARE=cgi-fcgi HTTPS=on REMOTE_ADDR=127.0.0.1 \
        REQUEST_METHOD="$method" REQUEST_URI="$path" \
        SCRIPT_NAME=/.well-known/est PATH_INFO="${path#/.well-known/est}" \
        CONTENT_LENGTH="$len" CONTENT_TYPE=application/pkcs10 "$@" \
        timeout 20 cgi-fcgi -bind -connect "$EST_FCGI_SOCKET" < "$body" > "$W/$name.fcgi" 2> "$W/$name.err"
    code=$(tr -d '\r' < "$W/$name.fcgi" | sed -n 's/^Status: \([0-9][0-9][0-9]\).*/\1/p' | head -n 1)
    [ -n "$code" ] || code=000
    {
        echo "HTTP/1.1 $code"
        tr -d '\r' < "$W/$name.fcgi" | sed '/^$/q' | sed '/^$/d'
    } > "$W/$name.hdr"
    # the body: everything after the first empty line
    awk 'body { print; next } /^\r?$/ { body = 1 }' "$W/$name.fcgi" > "$W/$name.body"
}

hexstr() { printf '%b' "$1" | od -An -tx1 -v | tr -d ' \n'; }
unhex() { printf '%b' "$(tr -d ' \n' | sed 's/../\\x&/g')"; }

craft_csr() {
    local name=$1 key=$2 sigalg=$3 sections=$4 pub sig
    pub=$(openssl pkey -in "$key" -pubout -outform DER | tail -c 65 | od -An -tx1 -v | tr -d ' \n')
    cat > "$W/$name.tbs.cnf" << EOF
[tbs]
version = INTEGER:${CRAFT_VERSION:-0}
subject = SEQUENCE:subject
spki = SEQUENCE:spki
attrs = IMPLICIT:0C,SET:attrs
[spki]
alg = SEQUENCE:ecalg
key = FORMAT:HEX,BITSTRING:$pub
[ecalg]
oid = OID:id-ecPublicKey
curve = OID:prime256v1
$sections
EOF
    { echo "asn1 = SEQUENCE:tbs"; cat "$W/$name.tbs.cnf"; } > "$W/$name.tbs.gen"
    openssl asn1parse -genconf "$W/$name.tbs.gen" -out "$W/$name.tbs.der" -noout > /dev/null || return 1
    openssl dgst -sha256 -sign "$key" -out "$W/$name.sig" "$W/$name.tbs.der" || return 1
    sig=$(od -An -tx1 -v "$W/$name.sig" | tr -d ' \n')
    {
        printf 'asn1 = SEQUENCE:csr\n[csr]\ntbs = SEQUENCE:tbs\nalg = SEQUENCE:sigalg\n'
        printf 'sig = FORMAT:HEX,BITSTRING:%s\n[sigalg]\noid = OID:%s\n' "$sig" "$sigalg"
        cat "$W/$name.tbs.cnf"
    } > "$W/$name.gen"
    openssl asn1parse -genconf "$W/$name.gen" -out "$W/$name.der" -noout > /dev/null &&
        openssl base64 -in "$W/$name.der" -out "$W/$name.b64"
}

raw_request() {
    local name=$1 file=$2 who=${3:-bootstrap} cert=()
    [ "$who" = none ] || cert=(-cert "$PKI/client.pem" -key "$PKI/client.key")
    { cat "$file"; sleep 0.5; } | timeout 20 openssl s_client -quiet -no_ign_eof \
        -connect "127.0.0.1:$PORT" -servername localhost -CAfile "$PKI/server-ca.pem" \
        "${cert[@]}" > "$W/$name.raw" 2> "$W/$name.err"
    code=$(tr -d '\r' < "$W/$name.raw" | sed -n '1s/^HTTP\/1\.[01] \([0-9][0-9][0-9]\).*/\1/p')
    [ -n "$code" ] || code=000
}

# start_pool_mw [MULTIWATCH OPTION...]: like lib.sh's start_pool (2 workers under
# spawn-fcgi -n + multiwatch, log in $RUN/worker.log, sets pool_pid), with extra
# multiwatch options, e.g. the ones the shipped systemd unit uses (shipped_mw_opts).
start_pool_mw() {
    local owner=() i
    rm -f "$EST_FCGI_SOCKET"
    [ "$(id -u)" -eq 0 ] && owner=(-U "$FRONT_USER" -G "$FRONT_GROUP")
    setsid spawn-fcgi -n -s "$EST_FCGI_SOCKET" -M 0600 "${owner[@]}" -- \
        "$(command -v multiwatch)" -f 2 "$@" -- "$ESTD" -c "$PKI/estd.conf" \
        >> "$RUN/worker.log" 2>&1 < /dev/null &
    pool_pid=$!
    for i in $(seq 50); do
        [ -S "$EST_FCGI_SOCKET" ] && return 0
        sleep 0.1
    done
    echo "ERROR: worker pool did not create $EST_FCGI_SOCKET" >&2
    dump_logs
    exit 99
}

# shipped_mw_opts: the multiwatch options of fcgi-conf/estd.service.in's ExecStart
# other than -f (one per line; nothing when it uses multiwatch's defaults)
shipped_mw_opts() {
    local unit=$top_srcdir/fcgi-conf/estd.service.in
    [ -f "$unit" ] || unit=$top_srcdir/fcgi-conf/estd.service
    sed -n 's/^ExecStart=.*multiwatch \(.*\) -- .*/\1/p' "$unit" 2> /dev/null | head -n 1 |
        tr ' ' '\n' | awk 'skip { skip = 0; next } $0 == "-f" { skip = 1; next } /^--forks=/ { next } NF'
}
