#!/usr/bin/env bash
# quickstart.sh: try estd on a fresh Debian 12 machine.
#
#   ./quickstart.sh        install what is missing, build, make a demo PKI in demo/,
#                          start 2 estd workers (spawn-fcgi + multiwatch) and lighttpd on
#                          https://localhost:${EST_PORT:-8443}, show working curl/openssl
#                          commands for every EST operation, then serve until Ctrl-C.
#                          EST_FRONT=apache or EST_FRONT=nginx: the same demo behind
#                          Apache 2.4 or nginx instead of lighttpd.
#   ./quickstart.sh test   install, build, run "make check" (unit + integration tests
#                          behind lighttpd, Apache and nginx);
#                          then again in build-sanitize/ with --enable-sanitizers
#                          (set EST_SANITIZE=0 to skip that); then the fuzzers, each for
#                          EST_FUZZ_SECONDS (default 60 if CI=true, else 0: only replay the
#                          seed corpora, if clang is installed). Ends with "N passed, N failed".
#
# Run it as root or as a user who may sudo (only needed to install packages).
set -euo pipefail

cd "$(dirname "$0")"
TOP=$(pwd)
MODE=${1:-demo}
EST_PORT=${EST_PORT:-8443}
EST_FRONT=${EST_FRONT:-lighttpd}
JOBS=$(nproc 2> /dev/null || echo 2)
PATH=$PATH:/usr/sbin:/sbin

log() { printf '==> %s\n' "$*"; }
die() { printf 'quickstart: %s\n' "$*" >&2; exit 1; }

case $MODE in
    demo | test) ;;
    -h | --help | help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown mode '$MODE' (use: ./quickstart.sh [test])" ;;
esac
case $EST_FRONT in
    lighttpd | apache | nginx) ;;
    *) die "EST_FRONT must be lighttpd, apache or nginx (got '$EST_FRONT')" ;;
esac

# ------------------------------------------------------------------ packages
PACKAGES=(build-essential autoconf automake libtool pkg-config libssl-dev libfcgi-dev
    libinih-dev check spawn-fcgi multiwatch curl openssl apache2-utils valgrind libfcgi-bin)
# Front servers: the demo's, or all three for the tests.
FRONT_LIGHTTPD=(lighttpd lighttpd-mod-openssl)
FRONT_APACHE=(apache2 libapache2-mod-fcgid)
FRONT_NGINX=(nginx)
if [ "$MODE" = test ]; then
    # jq: policy.test checks that the hook's facts are one valid JSON object with it;
    # procps: the tests find workers with pgrep and ps (apache2 pulls it in today).
    PACKAGES+=("${FRONT_LIGHTTPD[@]}" "${FRONT_APACHE[@]}" "${FRONT_NGINX[@]}" jq procps)
else
    case $EST_FRONT in
        lighttpd) PACKAGES+=("${FRONT_LIGHTTPD[@]}") ;;
        apache) PACKAGES+=("${FRONT_APACHE[@]}") ;;
        nginx) PACKAGES+=("${FRONT_NGINX[@]}") ;;
    esac
fi

install_packages() {
    local missing=() p sudo=()
    for p in "${PACKAGES[@]}"; do
        if [ "$(dpkg-query -W -f='${Status}' "$p" 2> /dev/null)" != "install ok installed" ]; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo > /dev/null || die "missing packages (${missing[*]}); run as root or install sudo"
        sudo=(sudo)
    fi
    log "installing ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    # The web server packages start system services on ports 80/443. quickstart needs
    # none of them, and nginx's installation fails outright when port 80 is taken
    # (by the lighttpd or Apache the package manager just started). Without a
    # policy-rc.d of the machine's own, hold services back during this installation
    # only (exit status 101: "action forbidden by policy"); enable them later with
    # systemctl if you want them.
    local policy=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\n# temporary, from estd quickstart.sh\nexit 101\n' |
            "${sudo[@]}" tee "$policy" > /dev/null
        "${sudo[@]}" chmod 755 "$policy"
    fi
    local rc=0
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" || rc=$?
    [ -z "$policy" ] || "${sudo[@]}" rm -f "$policy"
    [ "$rc" -eq 0 ] || die "apt-get install failed"
}

# ------------------------------------------------------------------ build
build_intree() {
    if [ ! -x configure ]; then
        log "./autogen.sh"
        ./autogen.sh
    fi
    if [ ! -f Makefile ]; then
        log "./configure"
        ./configure
    fi
    log "make"
    make -j"$JOBS"
}

# Copy of the source tree (without build outputs) for a separately configured
# build: automake refuses a VPATH build once the source tree itself is configured.
copy_sources() {
    local dest=$1
    rm -rf "$dest"
    mkdir -p "$dest"
    if git -C "$TOP" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
        git -C "$TOP" ls-files -z --cached --others --exclude-standard |
            (cd "$TOP" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
            tar -C "$TOP" --null -T - -cf - | tar -C "$dest" -xf -
    else
        tar -C "$TOP" --exclude=./demo --exclude='./build-*' --exclude=./autom4te.cache \
            --exclude='*.o' --exclude=./config.status --exclude=./Makefile -cf - . | tar -C "$dest" -xf -
    fi
}

# ------------------------------------------------------------------ test mode
TOTAL_PASS=0
TOTAL_FAIL=0

# run_check DIR LABEL [TEST...]: "make check" in DIR, adding its automake counts to the
# totals. A skipped test counts as failed unless it is one of the TESTs: this script has
# installed everything the tests need, so a skip means checks silently did not run.
run_check() {
    local dir=$1 label=$2 out rc=0 p f e x s
    shift 2
    out=$(mktemp)
    log "make check ($label)"
    rm -f "$dir/test-suite.log" # never count a stale summary
    (cd "$dir" && make -j"$JOBS" check VERBOSE=1) 2>&1 | tee "$out" || rc=$?
    # The summary ("# PASS:  N", "# FAIL:  N", ...) once, from test-suite.log:
    # with VERBOSE=1 the output repeats it when a test fails.
    local sum=$dir/test-suite.log
    [ -f "$sum" ] || sum=/dev/null
    p=$(awk '/^# PASS: /  { print $3; exit }' "$sum")
    f=$(awk '/^# FAIL: /  { print $3; exit }' "$sum")
    e=$(awk '/^# ERROR: / { print $3; exit }' "$sum")
    x=$(awk '/^# XPASS: / { print $3; exit }' "$sum")
    p=${p:-0} f=${f:-0} e=${e:-0} x=${x:-0}
    rm -f "$out"
    f=$((f + e + x))
    # (the test driver's last log line for each: "SKIP NAME (exit status: 77)")
    while read -r s; do
        case " $* " in
            *" $s "*) log "$label: $s skipped (expected here)" ;;
            *) log "$label: $s skipped: counted as failed (its prerequisites should be installed)"
                f=$((f + 1)) ;;
        esac
    done < <(awk '/^SKIP [^ ]+ \(exit status: 77\)$/ { print $2 }' "$sum")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # the build or the harness failed before any test result
    fi
    TOTAL_PASS=$((TOTAL_PASS + p))
    TOTAL_FAIL=$((TOTAL_FAIL + f))
    log "$label: $p passed, $f failed"
    [ "$rc" -eq 0 ] && [ "$f" -eq 0 ]
}

# run_fuzz: the libFuzzer harnesses (fuzz/local.mk), each counted as one test
run_fuzz() {
    local secs out rc=0 p f rt target PACKAGES=(clang libclang-rt-14-dev)
    secs=${EST_FUZZ_SECONDS:-$([ "${CI:-}" = true ] && echo 60 || echo 0)}
    if [ "$secs" != 0 ]; then
        install_packages
        target=(fuzz "FUZZ_SECONDS=$secs")
    else
        rt=$(clang -print-resource-dir 2> /dev/null || true)
        if ! compgen -G "$rt/lib/linux/libclang_rt.fuzzer-*.a" > /dev/null; then
            log "fuzz: clang/libFuzzer not installed, skipped (set EST_FUZZ_SECONDS=60 to run)"
            return 0
        fi
        target=(fuzz-regress)
    fi
    out=$(mktemp)
    log "make ${target[*]}"
    make "${target[@]}" 2>&1 | tee "$out" || rc=$?
    p=$(awk '$1 ~ /^fuzz_/ && $2 == "PASS" { n++ } END { print n + 0 }' "$out")
    f=$(awk '$1 ~ /^fuzz_/ && $2 == "FAIL" { n++ } END { print n + 0 }' "$out")
    rm -f "$out"
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # the build failed before any harness ran
    fi
    TOTAL_PASS=$((TOTAL_PASS + p))
    TOTAL_FAIL=$((TOTAL_FAIL + f))
    log "fuzz: $p passed, $f failed"
    [ "$rc" -eq 0 ] && [ "$f" -eq 0 ]
}

run_tests() {
    local status=0 sdir
    install_packages
    if ! build_intree; then
        echo "0 passed, 1 failed"
        exit 1
    fi
    run_check "$TOP" "default build" || status=1
    if [ "${EST_SANITIZE:-1}" != 0 ]; then
        sdir=$TOP/build-sanitize
        log "sanitizer build in $sdir"
        if copy_sources "$sdir/src" &&
            (cd "$sdir/src" && ./autogen.sh > /dev/null && ./configure --enable-sanitizers > /dev/null &&
                make -j"$JOBS"); then
            # valgrind.test skips itself in a sanitizer build.
            run_check "$sdir/src" "sanitizers (ASan+UBSan)" tests/integration/valgrind.test || status=1
        else
            log "sanitizer build failed"
            TOTAL_FAIL=$((TOTAL_FAIL + 1))
            status=1
        fi
    fi
    run_fuzz || status=1
    echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
    exit "$status"
}

# ------------------------------------------------------------------ demo mode
DEMO=$TOP/demo
RUN=$DEMO/run
OUT=$DEMO/out
SOCKDIR=$RUN
pool_pid=
front_pid=
case $EST_FRONT in
    lighttpd) FRONT_LOG=$RUN/lighttpd-error.log FRONT_OUT=$RUN/lighttpd.out ;;
    apache) FRONT_LOG=$RUN/apache-error.log FRONT_OUT=$RUN/apache.out ;;
    nginx) FRONT_LOG=$RUN/nginx-error.log FRONT_OUT=$RUN/nginx.out ;;
esac

stop_all() {
    local pid _
    trap - EXIT INT TERM
    for pid in $front_pid $pool_pid; do
        kill -TERM -- "-$pid" 2> /dev/null || continue
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 -- "-$pid" 2> /dev/null || break
            sleep 0.2
        done
        # Whatever has not stopped after 2 s (a hook still running, say) is killed.
        kill -KILL -- "-$pid" 2> /dev/null || true
    done
    wait 2> /dev/null || true
    rm -f "$SOCKDIR/estd.sock"
    [ "$SOCKDIR" = "$RUN" ] || rmdir "$SOCKDIR" 2> /dev/null || true
}

# show_run COMMAND: print a command, run it, stop on failure
show_run() {
    printf '\n  $ %s\n' "$1"
    bash -c "set -euo pipefail; $1" || die "this command failed (logs: $RUN/estd.log, $FRONT_LOG)"
}

run_demo() {
    install_packages
    build_intree
    [ -x src/estd ] || die "src/estd was not built"

    log "demo PKI in demo/"
    tests/demo-pki.sh "$DEMO"
    mkdir -p "$RUN/htdocs" "$OUT"
    src/estd -t -c "$DEMO/estd.conf" || die "estd -t rejects demo/estd.conf"

    if (exec 3<> "/dev/tcp/127.0.0.1/$EST_PORT") 2> /dev/null; then
        die "port $EST_PORT is in use; set EST_PORT to another port"
    fi
    trap stop_all EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    # Apache and nginx hand requests to the pool from unprivileged children: started
    # as root, they run as www-data, which must reach the socket (demo/ may sit in a
    # home directory it cannot enter), so the socket goes to a directory of its own.
    local owner=() front_user front_group
    front_user=$(id -un)
    front_group=$(id -gn)
    if [ "$EST_FRONT" != lighttpd ] && [ "$(id -u)" -eq 0 ]; then
        front_user=www-data
        front_group=www-data
        owner=(-U "$front_user" -G "$front_group")
        SOCKDIR=$(mktemp -d /tmp/estd-demo.XXXXXX)
        chmod 0711 "$SOCKDIR"
    fi
    log "starting 2 estd workers on $SOCKDIR/estd.sock (log: $RUN/estd.log)"
    rm -f "$SOCKDIR/estd.sock"
    setsid spawn-fcgi -n -s "$SOCKDIR/estd.sock" -M 0600 "${owner[@]}" -- \
        "$(command -v multiwatch)" -f 2 -- "$TOP/src/estd" -c "$DEMO/estd.conf" \
        >> "$RUN/estd.log" 2>&1 < /dev/null &
    pool_pid=$!

    log "starting $EST_FRONT on https://localhost:$EST_PORT (log: $FRONT_LOG)"
    export EST_PORT EST_RUNDIR=$RUN EST_SERVER_CHAIN=$DEMO/server-chain.pem \
        EST_SERVER_KEY=$DEMO/server.key EST_CLIENT_CA=$DEMO/client-ca-bundle.pem \
        EST_FCGI_SOCKET=$SOCKDIR/estd.sock EST_FCGI_BIN="" EST_FCGI_PROCS=2 \
        EST_FRONT_USER=$front_user EST_FRONT_GROUP=$front_group
    case $EST_FRONT in
        lighttpd)
            setsid lighttpd -D -f "$TOP/lighttpd/lighttpd.conf" >> "$FRONT_OUT" 2>&1 < /dev/null &
            ;;
        apache)
            # fcgi-conf/apache-standalone.conf includes fcgi-conf/apache-estd.conf.
            setsid apache2 -d "$TOP/fcgi-conf" -f apache-standalone.conf -D FOREGROUND \
                >> "$FRONT_OUT" 2>&1 < /dev/null &
            ;;
        nginx)
            # nginx reads no environment: generate its configuration from fcgi-conf/nginx-estd.conf.
            "$TOP/fcgi-conf/nginx-standalone.sh" "$RUN/nginx" || die "cannot generate the nginx configuration"
            setsid nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -g 'daemon off;' \
                >> "$FRONT_OUT" 2>&1 < /dev/null &
            ;;
    esac
    front_pid=$!

    local _ code=000
    for _ in $(seq 50); do
        kill -0 "$front_pid" 2> /dev/null || break
        code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$DEMO/server-ca.pem" \
            "https://localhost:$EST_PORT/.well-known/est/cacerts" 2> /dev/null || true)
        [ "$code" = 200 ] && break
        sleep 0.2
    done
    if [ "$code" != 200 ]; then
        tail -n 20 "$FRONT_LOG" "$FRONT_OUT" "$RUN/estd.log" 2> /dev/null || true
        die "the EST server did not come up (last status $code)"
    fi

    local url="https://localhost:$EST_PORT/.well-known/est"
    local p7="openssl base64 -d | openssl pkcs7 -inform DER -print_certs"
    local csr_args="-subj '/O=Example/CN=device-1' -addext 'subjectAltName=DNS:device-1.example.org'"
    cd "$TOP"
    cat << EOF

estd is serving EST at $url (behind $EST_FRONT)
These commands were just run, and work (from $TOP, in another terminal):
EOF
    rm -f demo/out/*
    echo
    echo "# 1. CA certificates (no client certificate needed):"
    show_run "curl -fsS --cacert demo/server-ca.pem $url/cacerts | $p7 -out demo/out/cacerts.pem"
    echo
    echo "# 2. A key and a certificate request (base64 DER):"
    show_run "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out demo/out/device.key"
    show_run "openssl req -new -key demo/out/device.key $csr_args -outform DER | openssl base64 > demo/out/device.csr"
    echo
    echo "# 3. Enroll, authenticated by the bootstrap client certificate:"
    show_run "curl -fsS --cacert demo/server-ca.pem --cert demo/client.pem --key demo/client.key -H 'Content-Type: application/pkcs10' --data-binary @demo/out/device.csr $url/simpleenroll | $p7 -out demo/out/device.pem"
    show_run "openssl verify -CAfile demo/out/cacerts.pem demo/out/device.pem"
    echo
    echo "# 4. Re-enroll (renew, same key and names), authenticated by the issued certificate:"
    show_run "openssl req -new -key demo/out/device.key $csr_args -outform DER | openssl base64 > demo/out/renew.csr"
    show_run "curl -fsS --cacert demo/server-ca.pem --cert demo/out/device.pem --key demo/out/device.key -H 'Content-Type: application/pkcs10' --data-binary @demo/out/renew.csr $url/simplereenroll | $p7 -out demo/out/device-renewed.pem"
    show_run "openssl x509 -in demo/out/device-renewed.pem -noout -subject -serial -dates -ext subjectAltName"
    echo
    echo "# 5. The label 'iot' (its own CA): CA certificates and CSR attributes, no authentication:"
    show_run "curl -fsS --cacert demo/server-ca.pem $url/iot/cacerts | $p7 -out demo/out/iot-cacerts.pem"
    show_run "curl -fsS --cacert demo/server-ca.pem $url/iot/csrattrs | openssl base64 -d | openssl asn1parse -inform DER"
    echo
    echo "# 6. Enroll on 'iot' with HTTP Basic (user demo, password demo-password: DEMO ONLY)."
    echo "#    Its profile wants EC P-256, DNS names under iot.example, CN = the user name:"
    show_run "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out demo/out/iot.key"
    show_run "openssl req -new -key demo/out/iot.key -subj '/CN=demo' -addext 'subjectAltName=DNS:demo.iot.example' -outform DER | openssl base64 > demo/out/iot.csr"
    show_run "curl -fsS --cacert demo/server-ca.pem --user demo:demo-password -H 'Content-Type: application/pkcs10' --data-binary @demo/out/iot.csr $url/iot/simpleenroll | $p7 -out demo/out/iot-device.pem"
    show_run "openssl verify -CAfile demo/out/iot-cacerts.pem demo/out/iot-device.pem"
    echo
    echo "# 7. Renew it on 'iot', authenticated by the certificate just issued:"
    show_run "curl -fsS --cacert demo/server-ca.pem --cert demo/out/iot-device.pem --key demo/out/iot.key -H 'Content-Type: application/pkcs10' --data-binary @demo/out/iot.csr $url/iot/simplereenroll | $p7 -out demo/out/iot-renewed.pem"
    show_run "openssl verify -CAfile demo/out/iot-cacerts.pem demo/out/iot-renewed.pem"
    cat << EOF

Worker log: $RUN/estd.log   $EST_FRONT log: $FRONT_LOG
Serving until Ctrl-C (or SIGTERM).
EOF
    # Sleep in the background so that traps run as soon as a signal arrives.
    while kill -0 "$front_pid" 2> /dev/null && kill -0 "$pool_pid" 2> /dev/null; do
        sleep 1 &
        wait $! || true
    done
    die "a server process exited; see $FRONT_LOG and $RUN/estd.log"
}

if [ "$MODE" = test ]; then
    run_tests
else
    run_demo
fi
