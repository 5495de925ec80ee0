#!/usr/bin/env bash
# run.sh matrix|memory|deploy: the driver behind "make bench", "make bench-memory"
# and "make bench-deploy".
#
# It makes demo PKIs with tests/demo-pki.sh, starts its own deployment (estd
# workers under spawn-fcgi + multiwatch, lighttpd -D with lighttpd/lighttpd.conf,
# on 127.0.0.1 and a free port), runs bench/estload and bench/inproc, and
# prints one table. Everything it starts it stops again (trap), and every loop
# is bounded. See bench/README.md.
#
# Environment (all optional except the first three, which the Makefile sets):
#   ESTD, BENCH_BIN, top_srcdir   estd binary, directory of the bench programs, sources
#   BENCH_SECONDS=10              measured window of each load row
#   BENCH_CONCURRENCY="16 64"     connection counts of the load rows
#   BENCH_MODES="new keepalive"   load modes
#   BENCH_CAS="ec rsa"            EST CA key types (demo-pki.sh: ec = P-256, rsa = RSA-2048)
#   BENCH_WORKERS=2               estd (and trivial responder) worker processes;
#                                 1 for "memory", so that one worker serves every enrollment
#   BENCH_CLIENTS=1000            distinct client identities
#   BENCH_INPROC_REQUESTS=10000   enrollments of the in-process row
#   BENCH_PROCS=<online CPUs>     processes of the in-process row
#   BENCH_MEMORY_REQUESTS=100000  enrollments of "make bench-memory"
#   BENCH_INSTRUCTIONS=1          the instruction-count rows (callgrind; skipped
#                                 without valgrind, or when 0)
#   BENCH_INSTRUCTIONS_REQUESTS=500   enrollments counted in each of them
#   BENCH_DEPLOY_VARIANTS="..."   variants "make bench-deploy" compares (see deploy_variant)
#   BENCH_DEPLOY_ROUNDS=3         times the whole list is run (the machine's drift shows)
#   BENCH_DIR=                    work directory; kept (and reused as a cache of PKIs and
#                                 client identities) when set, else a temporary one is removed
# Exit status: 0 = all rows ran without errors; 1 = some request failed; 2 = set-up error.
# Timings never fail it.
set -uo pipefail
PATH=$PATH:/usr/sbin:/sbin

what=${1:-matrix}
case $what in matrix|memory|deploy) ;; *) echo "usage: $0 matrix|memory|deploy" >&2; exit 2 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$here/..}
top_srcdir=$(cd "$top_srcdir" && pwd)
ESTD=${ESTD:-$top_srcdir/src/estd}
BENCH_BIN=${BENCH_BIN:-$top_srcdir/bench}
BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_CONCURRENCY=${BENCH_CONCURRENCY:-16 64}
BENCH_MODES=${BENCH_MODES:-new keepalive}
BENCH_CAS=${BENCH_CAS:-ec rsa}
# The memory target is per worker over all the enrollments: with two, each
# would see only half of them.
[ "$what" != memory ] || BENCH_WORKERS=${BENCH_WORKERS:-1}
BENCH_WORKERS=${BENCH_WORKERS:-2}
BENCH_CLIENTS=${BENCH_CLIENTS:-1000}
BENCH_INPROC_REQUESTS=${BENCH_INPROC_REQUESTS:-10000}
BENCH_PROCS=${BENCH_PROCS:-$(getconf _NPROCESSORS_ONLN)}
BENCH_MEMORY_REQUESTS=${BENCH_MEMORY_REQUESTS:-100000}
BENCH_INSTRUCTIONS=${BENCH_INSTRUCTIONS:-1}
BENCH_INSTRUCTIONS_REQUESTS=${BENCH_INSTRUCTIONS_REQUESTS:-500}
BENCH_DEPLOY_VARIANTS=${BENCH_DEPLOY_VARIANTS:-shipped workers=1 workers=3 workers=4 tickets=2 lighttpd-processes=2 tcp-socket}
BENCH_DEPLOY_ROUNDS=${BENCH_DEPLOY_ROUNDS:-3}

die() { echo "bench: $*" >&2; exit 2; }
for prog in lighttpd spawn-fcgi; do
    command -v "$prog" > /dev/null 2>&1 || die "$prog is not installed (apt-get install $prog)"
done
for f in "$ESTD" "$BENCH_BIN/estload" "$BENCH_BIN/inproc" "$BENCH_BIN/trivial-fcgi"; do
    [ -x "$f" ] || die "$f is not built (run make)"
done
case $BENCH_SECONDS in '' | *[!0-9.]*) die "BENCH_SECONDS must be a number" ;; esac

if [ -n "${BENCH_DIR:-}" ]; then
    mkdir -p "$BENCH_DIR" || die "cannot create $BENCH_DIR"
    W=$(cd "$BENCH_DIR" && pwd)
    keep_w=1
else
    W=$(mktemp -d "${TMPDIR:-/tmp}/estd-bench.XXXXXX") || die "mktemp failed"
    keep_w=
fi
RUN=$W/run
mkdir -p "$RUN/htdocs"
LOG=$W/bench.log
: > "$LOG"
RESULTS=$W/results.txt
: > "$RESULTS"

pool_pid=
pool_pids=
lighttpd_pid=

# stop_pids PID...: TERM, wait up to 2 s, then KILL. Only pids we started.
stop_pids() {
    local p _ alive
    [ $# -gt 0 ] || return 0
    for p in "$@"; do kill -TERM "$p" 2> /dev/null; done
    for _ in $(seq 20); do
        alive=
        for p in "$@"; do kill -0 "$p" 2> /dev/null && alive=1; done
        [ -n "$alive" ] || break
        sleep 0.1
    done
    for p in "$@"; do kill -KILL "$p" 2> /dev/null; done
    return 0
}

# stop_group PID: the process group PID leads (started with setsid): TERM, up
# to 3 s for it to go, then KILL whatever is left of the group.
stop_group() {
    local _
    kill -TERM -- "-$1" 2> /dev/null || return 0
    for _ in $(seq 30); do
        kill -0 -- "-$1" 2> /dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$1" 2> /dev/null
    wait "$1" 2> /dev/null
    return 0
}

stop_lighttpd() {
    [ -n "$lighttpd_pid" ] || return 0
    stop_group "$lighttpd_pid"
    lighttpd_pid=
}

stop_pool() {
    # multiwatch passes TERM on to its workers and waits for them; signalling
    # the workers directly would only make it start new ones. The group catches
    # every worker, including one started while stopping.
    [ -z "$pool_pid" ] || stop_group "$pool_pid"
    # shellcheck disable=SC2086
    [ -z "$pool_pids" ] || stop_pids $pool_pids
    pool_pid=
    pool_pids=
}

# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
    stop_lighttpd
    stop_pool
    if [ -z "$keep_w" ]; then
        rm -rf "$W"
    else
        echo "bench: work directory kept: $W"
    fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

# start_pool BINARY [ARGS...]: BENCH_WORKERS workers on $EST_FCGI_SOCKET, or on
# 127.0.0.1:$POOL_TCP_PORT when that is set (make bench-deploy's TCP variant)
start_pool() {
    local _ listen=(-s "$EST_FCGI_SOCKET" -M 0600)
    rm -f "$EST_FCGI_SOCKET"
    [ -z "${POOL_TCP_PORT:-}" ] || listen=(-a 127.0.0.1 -p "$POOL_TCP_PORT")
    if command -v multiwatch > /dev/null 2>&1; then
        setsid spawn-fcgi -n "${listen[@]}" -- \
            "$(command -v multiwatch)" -f "$BENCH_WORKERS" -- "$@" \
            >> "$RUN/worker.log" 2>&1 < /dev/null &
        pool_pid=$!
    else
        # shellcheck disable=SC2016,SC2094 # the inner shell expands them; worker.log is only appended to
        spawn-fcgi "${listen[@]}" -F "$BENCH_WORKERS" -P "$RUN/pool.pids" -- \
            /bin/sh -c 'log=$1; shift; exec "$@" 2>> "$log"' sh "$RUN/worker.log" "$@" \
            >> "$RUN/worker.log" 2>&1 < /dev/null
        pool_pids=$(cat "$RUN/pool.pids" 2> /dev/null)
    fi
    for _ in $(seq 100); do
        if { [ -S "$EST_FCGI_SOCKET" ] || { [ -n "${POOL_TCP_PORT:-}" ] &&
            (exec 3<> "/dev/tcp/127.0.0.1/$POOL_TCP_PORT") 2> /dev/null; }; } &&
            [ "$(worker_pids | wc -w)" -ge "$BENCH_WORKERS" ]; then
            return 0
        fi
        sleep 0.1
    done
    tail -20 "$RUN/worker.log" >&2
    die "worker pool ($1) did not start"
}

worker_pids() {
    if [ -n "$pool_pid" ]; then
        pgrep -P "$pool_pid" 2> /dev/null | tr '\n' ' '
    else
        echo "$pool_pids"
    fi
}

start_lighttpd() { # start_lighttpd PKI
    local pki=$1 _
    export EST_RUNDIR=$RUN EST_SERVER_CHAIN=$pki/server-chain.pem EST_SERVER_KEY=$pki/server.key
    export EST_CLIENT_CA=$pki/client-ca-bundle.pem EST_FCGI_BIN='' EST_FCGI_PROCS=$BENCH_WORKERS
    export EST_TLS12=''
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        PORT=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        export EST_PORT=$PORT
        if (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null; then
            continue # something listens there already
        fi
        : > "$RUN/lighttpd-error.log"
        setsid lighttpd -D -f "${LIGHTTPD_CONF:-$top_srcdir/lighttpd/lighttpd.conf}" >> "$RUN/lighttpd.out" 2>&1 < /dev/null &
        lighttpd_pid=$!
        for _ in $(seq 50); do
            kill -0 "$lighttpd_pid" 2> /dev/null || break
            if (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null; then
                return 0
            fi
            sleep 0.1
        done
        wait "$lighttpd_pid" 2> /dev/null
        lighttpd_pid=
        grep -qi 'in use' "$RUN/lighttpd-error.log" "$RUN/lighttpd.out" 2> /dev/null && continue
        break
    done
    tail -20 "$RUN/lighttpd-error.log" "$RUN/lighttpd.out" >&2
    die "lighttpd did not start"
}

# server_pids: "lighttpd:PID,...,estd:PID,..." for estload --server-pids
server_pids() { # server_pids WORKERNAME
    local list="lighttpd:$lighttpd_pid" p
    for p in $(pgrep -P "$lighttpd_pid" 2> /dev/null); do list="$list,lighttpd:$p"; done
    for p in $(worker_pids); do list="$list,$1:$p"; done
    echo "$list"
}

make_pki() { # make_pki DIR ec|rsa
    "$top_srcdir/tests/demo-pki.sh" "$1" "$2" >> "$LOG" 2>&1 || { tail -20 "$LOG" >&2; die "demo-pki.sh $1 $2 failed"; }
    "$BENCH_BIN/estload" --pki "$1" --nclients "$BENCH_CLIENTS" --make-clients >> "$LOG" 2>&1 ||
        { tail -5 "$LOG" >&2; die "cannot make the client identities in $1"; }
}

setup_errors=0
# load ROW ESTLOAD-ARGS...: one estload run; its RESULT line goes to $RESULTS
load() {
    local row=$1 rc
    shift
    echo "== $row" >> "$LOG"
    "$BENCH_BIN/estload" --label "$row" "$@" > "$W/row.out" 2>&1
    rc=$?
    cat "$W/row.out" >> "$LOG"
    if grep -q '^RESULT ' "$W/row.out"; then
        grep '^RESULT ' "$W/row.out" >> "$RESULTS"
        printf '  %-24s %s\n' "$row" "$(grep -m1 -- ' ok, ' "$W/row.out" | sed 's/^ *//')" >&2
    else
        echo "bench: $row: no result (estload exit $rc):" >&2
        tail -5 "$W/row.out" >&2
        setup_errors=$((setup_errors + 1))
    fi
}

csrs_for() { # csrs_for MODE: a pool that the fastest plausible rate does not exhaust
    case $1 in
        keepalive) awk -v s="$BENCH_SECONDS" 'BEGIN { printf "%d", s * 6000 + 1000 }' ;;
        *) awk -v s="$BENCH_SECONDS" 'BEGIN { printf "%d", s * 2500 + 500 }' ;;
    esac
}

# deployment_rows PREFIX SUFFIX PKI: starts the pool and lighttpd on PKI,
# warms up, runs one load row per mode and concurrency (labelled
# PREFIX/MODE/cN SUFFIX), and stops both again.
deployment_rows() {
    local prefix=$1 suffix=$2 pki=$3 mode c common
    export EST_FCGI_SOCKET=$RUN/estd.sock
    start_pool "$ESTD" -c "$pki/estd.conf"
    start_lighttpd "$pki"
    common=(--port "$PORT" --pki "$pki" --nclients "$BENCH_CLIENTS" --wait-ready 10)
    # Warm-up (not in the table): first requests of each worker, page faults, caches.
    load "$prefix/warmup" "${common[@]}" --mode keepalive --concurrency 16 --duration 0 \
        --requests 1000 --server-pids "$(server_pids estd)"
    for mode in $BENCH_MODES; do
        for c in $BENCH_CONCURRENCY; do
            load "$prefix/$mode/c$c$suffix" "${common[@]}" --mode "$mode" --concurrency "$c" \
                --duration "$BENCH_SECONDS" --csrs "$(csrs_for "$mode")" \
                --server-pids "$(server_pids estd)"
        done
    done
    stop_lighttpd
    stop_pool
}

ca_name() { case $1 in ec) echo p256 ;; rsa) echo rsa2048 ;; *) echo "$1" ;; esac; }

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

echo "bench: work directory $W; log $LOG" >&2
load_before=$(loadavg)

# ============================================================== memory
if [ "$what" = memory ]; then
    pki=$W/pki-ec
    make_pki "$pki" ec
    export EST_FCGI_SOCKET=$RUN/estd.sock
    start_pool "$ESTD" -c "$pki/estd.conf"
    start_lighttpd "$pki"
    common=(--port "$PORT" --pki "$pki" --nclients "$BENCH_CLIENTS" --wait-ready 10)
    echo "bench: warm-up, then $BENCH_MEMORY_REQUESTS enrollments through the pool (keep-alive, 16 connections)," \
        "$BENCH_WORKERS worker(s) (BENCH_WORKERS)" >&2
    load mem-warmup "${common[@]}" --mode keepalive --concurrency 16 --duration 0 --requests 2000 \
        --server-pids "$(server_pids estd)"
    load memory "${common[@]}" --mode keepalive --concurrency 16 --duration 0 \
        --requests "$BENCH_MEMORY_REQUESTS" --verify inline --server-pids "$(server_pids estd)"
    stop_lighttpd
    stop_pool
    awk -v load_before="$load_before" -v load_after="$(loadavg)" -v workers="$BENCH_WORKERS" '
        # Every row counts, the warm-up too.
        /^RESULT / {
            delete v
            sub(/ first_error="[^"]*"/, "")
            for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            errors += v["errors"]
            if (v["label"] != "memory") {
                if (v["errors"] > 0) printf "%s: %d errors (see the log)\n", v["label"], v["errors"]
                next
            }
            printf "\nestd worker memory over %s enrollments (%s errors, %.0f/s; load average %s -> %s)\n",
                v["ok"], v["errors"], v["rate"], load_before, load_after
            if (workers == 1)
                printf "1 worker (BENCH_WORKERS=1): it served every enrollment\n"
            else
                printf "%d workers (BENCH_WORKERS): each served about 1/%d of the enrollments\n", workers, workers
            printf "%-22s %12s %12s %12s\n", "process", "RSS before", "RSS after", "growth KiB"
            for (i = 2; i <= NF; i++) {
                if ($i !~ /^rss_/) continue
                split($i, kv, "="); split(kv[2], ba, "/")
                name = substr(kv[1], 5); g = ba[2] - ba[1]
                printf "%-22s %12s %12s %12d%s\n", name, ba[1], ba[2], g,
                    (name ~ /^estd/ && g >= 1024) ? "  (target: < 1024 KiB)" : ""
            }
        }
        END { exit errors > 0 ? 1 : 0 }' "$RESULTS"
    rc=$?
    [ "$setup_errors" -eq 0 ] || exit 2
    exit $rc
fi

# ============================================================== deploy
# The deployment defaults of lighttpd/est.conf and fcgi-conf/estd.default,
# each changed alone against the shipped set-up (P-256 CA): the rows behind
# the figures in their comments.
#
# deploy_variant NAME: sets workers, and writes $RUN/conf/ (lighttpd.conf and
# est.conf) with the one change NAME stands for.
deploy_variant() {
    local conf=$RUN/conf
    rm -rf "$conf"
    mkdir -p "$conf"
    cp "$top_srcdir/lighttpd/lighttpd.conf" "$top_srcdir/lighttpd/est.conf" "$conf/"
    LIGHTTPD_CONF=$conf/lighttpd.conf
    POOL_TCP_PORT=
    BENCH_WORKERS=$deploy_workers
    case $1 in
        shipped) ;;
        workers=*) BENCH_WORKERS=${1#workers=} ;;
        tickets=2) # OpenSSL's default: two session tickets after each handshake
            sed -i 's/, "NumTickets" => "0"//' "$conf/est.conf" ;;
        lighttpd-processes=2) echo 'server.max-worker = 2' >> "$conf/lighttpd.conf" ;;
        tcp-socket)
            POOL_TCP_PORT=$((30000 + RANDOM % 20000))
            while (exec 3<> "/dev/tcp/127.0.0.1/$POOL_TCP_PORT") 2> /dev/null; do
                POOL_TCP_PORT=$((30000 + RANDOM % 20000))
            done
            sed -i "s|\"socket\"      => var.est_fcgi_socket,|\"host\" => \"127.0.0.1\", \"port\" => $POOL_TCP_PORT,|" \
                "$conf/est.conf" ;;
        *) die "unknown deploy variant $1" ;;
    esac
    # The edits must have taken: est.conf may change shape one day.
    case $1 in
        tickets=2) ! grep -q '"NumTickets" => "0"' "$conf/est.conf" || die "variant $1 not applied" ;;
        tcp-socket) grep -q '"port" =>' "$conf/est.conf" || die "variant $1 not applied" ;;
    esac
}

if [ "$what" = deploy ]; then
    pki=$W/pki-ec
    make_pki "$pki" ec
    deploy_workers=$BENCH_WORKERS
    # Rounds over the whole list, so that a variant and the shipped set-up are
    # measured close together in time, more than once.
    for round in $(seq "$BENCH_DEPLOY_ROUNDS"); do
        for v in $BENCH_DEPLOY_VARIANTS; do
            echo "bench: deployment variant $v, round $round" >&2
            deploy_variant "$v"
            deployment_rows "$v" "/r$round" "$pki"
        done
    done
    awk -v machine="$(getconf _NPROCESSORS_ONLN) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')" \
        -v secs="$BENCH_SECONDS" -v load_before="$load_before" -v load_after="$(loadavg)" '
        function range(a, b) { return a == b ? sprintf("%.0f", a) : sprintf("%.0f-%.0f", a, b) }
        function acc(key, k, x) {
            x += 0
            sum[key, k] += x
            if (!((key, k) in lo) || x < lo[key, k]) lo[key, k] = x
            if (!((key, k) in hi) || x > hi[key, k]) hi[key, k] = x
        }
        /^RESULT / {
            delete v
            for (i = 2; i <= NF; i++) { j = index($i, "="); if (j) v[substr($i, 1, j - 1)] = substr($i, j + 1) }
            errors += v["errors"]
            if (v["label"] ~ /warmup$/) next
            key = v["label"]; sub(/\/r[0-9]+$/, "", key)
            if (!(key in runs)) rows[++n] = key
            runs[key]++
            acc(key, "rate", v["rate"])
            # srv_us=-1: a server process went away, its CPU is lost (the
            # row counts an error): the CPU means are of the other rounds.
            if (v["srv_us"] + 0 >= 0) {
                cpu_runs[key]++
                acc(key, "srv", v["srv_us"])
                acc(key, "lt", v["cpu_lighttpd_us"]); acc(key, "wk", v["cpu_estd_us"])
            }
            err[key] += v["errors"]
        }
        END {
            printf "\nestd deployment variants (P-256 CA): %s; %s s per row; load average %s -> %s\n",
                machine, secs, load_before, load_after
            printf "mean of the rounds, and lowest-highest\n\n"
            printf "%-34s %6s %16s %16s %14s %14s %6s\n", "variant/mode/clients", "rounds",
                "enroll/s", "srv us/e", "lighttpd us", "workers us", "errors"
            for (i = 1; i <= n; i++) {
                r = rows[i]; m = runs[r]; mc = cpu_runs[r]
                if (mc == 0) {
                    printf "%-34s %6d %5.0f %-10s %5s %-10s %4s %-9s %4s %-9s %6d\n", r, m,
                        sum[r, "rate"] / m, "(" range(lo[r, "rate"], hi[r, "rate"]) ")",
                        "-", "", "-", "", "-", "", err[r]
                    continue
                }
                printf "%-34s %6d %5.0f %-10s %5.0f %-10s %4.0f %-9s %4.0f %-9s %6d%s\n", r, m,
                    sum[r, "rate"] / m, "(" range(lo[r, "rate"], hi[r, "rate"]) ")",
                    sum[r, "srv"] / mc, "(" range(lo[r, "srv"], hi[r, "srv"]) ")",
                    sum[r, "lt"] / mc, "(" range(lo[r, "lt"], hi[r, "lt"]) ")",
                    sum[r, "wk"] / mc, "(" range(lo[r, "wk"], hi[r, "wk"]) ")", err[r],
                    mc < m ? sprintf("  (CPU of %d rounds: a server process went away)", mc) : ""
            }
            exit errors > 0 ? 1 : 0
        }' "$RESULTS"
    rc=$?
    [ "$setup_errors" -eq 0 ] || exit 2
    exit $rc
fi

# instructions_row NAME PKI: the in-process path and the crypto floor counted
# in instructions, one bench/inproc process under callgrind. Unlike CPU time,
# the count does not move with what else the machine (or its host) is doing:
# the same binary and inputs give the same figure. Appends a RESULT line.
instructions_row() {
    local name=$1 pki=$2 n=$BENCH_INSTRUCTIONS_REQUESTS f res ok floor_n got est floor
    rm -f "$W"/callgrind.out.*
    echo "== $name/instructions" >> "$LOG"
    # --trace-children: inproc enrolls in a forked process.
    valgrind --tool=callgrind --trace-children=yes \
        --callgrind-out-file="$W/callgrind.out.%p" \
        "$BENCH_BIN/inproc" -c "$pki/estd.conf" --pki "$pki" --nclients 200 \
        --procs 1 --requests "$n" --floor-samples 200 --label "$name/instructions" \
        > "$W/row.out" 2>&1
    cat "$W/row.out" >> "$LOG"
    res=$(grep -m1 '^RESULT ' "$W/row.out")
    ok=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<< "$res")
    floor_n=$(sed -n 's/.* floor_n=\([0-9]*\).*/\1/p' <<< "$res")
    for f in "$W"/callgrind.out.*; do
        [ -f "$f" ] || continue
        # Inclusive counts: "3,011,194,173 (100.0%)  .../core.c:est_handle [...]".
        got=$(callgrind_annotate --inclusive=yes "$f" 2> /dev/null | awk '
            /:est_handle \[/ && !e { gsub(/,/, "", $1); e = $1 }
            /:floor_run(\.[a-z0-9.]*)? \[/ && !fl { gsub(/,/, "", $1); fl = $1 }
            END { if (e && fl) print e, fl }')
        [ -n "$got" ] && break
    done
    if [ -z "$got" ] || [ "${ok:-0}" -ne "$n" ] || [ "${floor_n:-0}" -le 0 ]; then
        echo "bench: $name/instructions: no count (see $LOG)" >&2
        setup_errors=$((setup_errors + 1))
        return
    fi
    read -r est floor <<< "$got"
    echo "RESULT label=$name/instructions mode=instructions ok=$ok errors=0" \
        "est_instr=$((est / n)) floor_instr=$((floor / floor_n))" >> "$RESULTS"
    printf '  %-24s %s\n' "$name/instructions" \
        "$((est / n)) per enrollment, floor $((floor / floor_n))" >&2
}

# ============================================================== matrix
# The reference first: the same lighttpd set-up in front of a responder that
# does nothing, run just before the CA rows compared with it (the first CA's
# right away), so that both see the machine, whose speed drifts with its
# host, in about the same state.
pki=$W/pki-ec
make_pki "$pki" ec
echo "bench: trivial FastCGI responder (TLS-handshake reference)" >&2
export EST_FCGI_SOCKET=$RUN/trivial.sock
start_pool "$BENCH_BIN/trivial-fcgi"
start_lighttpd "$pki"
common=(--port "$PORT" --pki "$pki" --nclients "$BENCH_CLIENTS" --wait-ready 10)
load trivial/warmup "${common[@]}" --mode trivial --concurrency 16 --duration 0 --requests 500 \
    --server-pids "$(server_pids trivial)"
for c in $BENCH_CONCURRENCY; do
    load "trivial/new/c$c" "${common[@]}" --mode trivial --concurrency "$c" \
        --duration "$BENCH_SECONDS" --server-pids "$(server_pids trivial)"
done
# Kept alive: what lighttpd and the FastCGI exchange cost per request by
# themselves, the part of the keepalive ratio no worker can remove.
for c in $BENCH_CONCURRENCY; do
    load "trivial/keepalive/c$c" "${common[@]}" --mode trivial-keepalive --concurrency "$c" \
        --duration "$BENCH_SECONDS" --server-pids "$(server_pids trivial)"
done
stop_lighttpd
stop_pool

for ca in $BENCH_CAS; do
    name=$(ca_name "$ca")
    pki=$W/pki-$ca
    echo "bench: $name CA: PKI, identities, deployment" >&2
    make_pki "$pki" "$ca"
    deployment_rows "$name" "" "$pki"
    echo "== $name/inproc" >> "$LOG"
    "$BENCH_BIN/inproc" -c "$pki/estd.conf" --pki "$pki" --nclients "$BENCH_CLIENTS" \
        --procs "$BENCH_PROCS" --requests "$BENCH_INPROC_REQUESTS" --label "$name/inproc" \
        > "$W/row.out" 2>&1
    rc=$?
    cat "$W/row.out" >> "$LOG"
    if grep -q '^RESULT ' "$W/row.out"; then
        # The exit status goes with the row: the table counts a failed run
        # (a crypto floor that failed leaves no floor_us) as an error.
        sed -n "s/^RESULT .*/& inproc_rc=$rc/p" "$W/row.out" >> "$RESULTS"
        printf '  %-24s %s\n' "$name/inproc" "$(grep -m1 -- ' ok, ' "$W/row.out" | sed 's/^ *//')" >&2
        grep -q '^RESULT .* floor_us=' "$W/row.out" ||
            echo "bench: $name/inproc: no crypto floor (see the log)" >&2
        [ "$rc" -eq 0 ] || echo "bench: $name/inproc: exit $rc (see the log)" >&2
    else
        echo "bench: $name/inproc: no result:" >&2
        tail -5 "$W/row.out" >&2
        setup_errors=$((setup_errors + 1))
    fi
    if [ "$BENCH_INSTRUCTIONS" != 0 ]; then
        if command -v valgrind > /dev/null 2>&1 && command -v callgrind_annotate > /dev/null 2>&1; then
            instructions_row "$name" "$pki"
        else
            echo "bench: $name/instructions: skipped, valgrind is not installed" >&2
        fi
    fi
done

load_after=$(loadavg)

# What a process wake-up costs on this machine: lighttpd sleeps and is woken
# for nearly every enrollment, the trivial responder's lighttpd almost never.
if "$BENCH_BIN/wakeup" 50000 > "$W/row.out" 2>&1; then
    sed -n 's|^RESULT |RESULT label=machine/wakeup |p' "$W/row.out" >> "$RESULTS"
    printf '  %-24s %s\n' machine/wakeup "$(sed -n 's/^wakeup: //p' "$W/row.out")" >&2
else
    echo "bench: machine/wakeup: not measured: $(tail -1 "$W/row.out")" >&2
fi
cat "$W/row.out" >> "$LOG"

# ============================================================== the table
machine="$(getconf _NPROCESSORS_ONLN) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(uname -sr)"
awk -v machine="$machine" -v secs="$BENCH_SECONDS" -v workers="$BENCH_WORKERS" \
    -v clients="$BENCH_CLIENTS" -v load_before="$load_before" -v load_after="$load_after" \
    -v setup_errors="$setup_errors" '
function num(x) { return x == "" ? 0 : x + 0 }
/^RESULT / {
    delete v
    fe = ""
    if (match($0, /first_error="[^"]*"/)) {
        fe = substr($0, RSTART + 13, RLENGTH - 14)
        $0 = substr($0, 1, RSTART - 1) substr($0, RSTART + RLENGTH)
    }
    v["first_error"] = fe
    for (i = 2; i <= NF; i++) {
        j = index($i, "="); if (j == 0) continue
        v[substr($i, 1, j - 1)] = substr($i, j + 1)
    }
    row = v["label"]
    if (row ~ /warmup$/) { warm_err += num(v["errors"]); next }
    # The trivial rows run first but are shown after the CA rows.
    if (row ~ /^trivial\//) trows[++tn] = row
    else rows[++n] = row
    for (k in v) r[row, k] = v[k]
    # worker RSS: first before, last after, per ca (from the load rows)
    split(row, parts, "/"); ca = parts[1]
    for (k in v) if (k ~ /^rss_/) {
        split(v[k], ba, "/")
        if (!((ca, k) in rss0)) { rss0[ca, k] = ba[1]; rsskeys[ca] = rsskeys[ca] " " k }
        rss1[ca, k] = ba[2]
    }
}
END {
    m = 0
    for (i = 1; i <= n; i++) if (rows[i] !~ /^machine\//) ord[++m] = rows[i]
    for (i = 1; i <= tn; i++) ord[++m] = trows[i]
    for (i = 1; i <= n; i++) if (rows[i] ~ /^machine\//) ord[++m] = rows[i]
    n = m
    for (i = 1; i <= n; i++) rows[i] = ord[i]
    printf "\nestd benchmark: %s\n", machine
    printf "load average before %s, after %s; %s s per load row, %s workers, %s client identities\n\n",
        load_before, load_after, secs, workers, clients
    hdr = sprintf("%-22s %9s %7s %7s %7s %6s %9s %9s %9s %8s %5s  %s",
        "row", "enroll/s", "p50 ms", "p90 ms", "p99 ms", "errors", "srv us/e", "lighttpd", "workers", "ldgen us", "load", "ratio (target)")
    print hdr
    gsub(/./, "-", hdr); print hdr
    errors = warm_err
    for (i = 1; i <= n; i++) {
        row = rows[i]; split(row, parts, "/"); ca = parts[1]; mode = parts[2]; conc = parts[3]
        errors += num(r[row, "errors"])
        ratio = ""
        if (mode == "wakeup") {
            printf "%-22s %9s %7s %7s %7s %6s %9s %9s %9s %8s %5s  %s\n", row,
                "-", "-", "-", "-", "-", "-", "-", "-", "-", "",
                sprintf("a process waking another: %.1f us of CPU across CPUs, %.1f on one CPU",
                    num(r[row, "cross_cpu_us"]), num(r[row, "same_cpu_us"]))
            continue
        }
        if (mode == "instructions") {
            ei = num(r[row, "est_instr"]); fi_ = num(r[row, "floor_instr"])
            printf "%-22s %9s %7s %7s %7s %6d %9s %9s %9s %8s %5s  %s\n", row,
                "-", "-", "-", "-", num(r[row, "errors"]), "-", "-", "-", "-", "",
                sprintf("est_handle %.2f M / floor %.2f M instructions = %.2f (callgrind)",
                    ei / 1e6, fi_ / 1e6, fi_ > 0 ? ei / fi_ : 0)
            continue
        }
        if (mode == "inproc") {
            fl = num(r[row, "floor_us"]); irc = num(r[row, "inproc_rc"]); re = num(r[row, "errors"])
            # A failed run or floor is an error even when every enrollment succeeded.
            if ((fl <= 0 || irc != 0) && re == 0) { re = 1; errors++ }
            if (fl > 0)
                ratio = sprintf("in-process/floor %.2f (<= %s)", num(r[row, "cpu_us"]) / fl,
                    ca == "p256" ? "2.0" : ca == "rsa2048" ? "1.4" : "?")
            else
                ratio = "NO FLOOR: the crypto floor failed"
            if (irc != 0) ratio = ratio sprintf("; inproc exit %d", irc)
            printf "%-22s %9.0f %7.2f %7.2f %7.2f %6d %9.0f %9s %9s %8s %5.1f  %s\n", row,
                num(r[row, "rate"]), num(r[row, "p50_us"]) / 1000, num(r[row, "p90_us"]) / 1000,
                num(r[row, "p99_us"]) / 1000, re, num(r[row, "cpu_us"]), "-", "-", "-",
                num(r[row, "load1"]), ratio
            if (fl > 0)
                printf "%-22s %9s %7s %7s %7s %6s %9.0f %9s %9s %8s %5s  %s\n", ca "/crypto-floor",
                    "-", "-", "-", "-", "-", fl, "-", "-", "-", "",
                    sprintf("sign %.0f + CSR verify %.0f + client verify %.0f us",
                        num(r[row, "floor_sign_us"]), num(r[row, "floor_csr_us"]), num(r[row, "floor_client_us"]))
            continue
        }
        srv = num(r[row, "srv_us"])
        lt = num(r[row, "cpu_lighttpd_us"])
        wk = num(r[row, "cpu_estd_us"]) + num(r[row, "cpu_trivial_us"])
        # srv_us=-1: a server process went away in the window (its CPU is
        # lost; the row counts an error): no CPU figures and no ratio.
        if (srv < 0) {
            printf "%-22s %9.0f %7.2f %7.2f %7.2f %6d %9s %9s %9s %8.0f %5.1f  %s\n", row,
                num(r[row, "rate"]), num(r[row, "p50_ms"]), num(r[row, "p90_ms"]), num(r[row, "p99_ms"]),
                num(r[row, "errors"]), "-", "-", "-", num(r[row, "self_us"]), num(r[row, "load1"]),
                "server CPU not measured: a server process went away"
            continue
        }
        if (mode == "keepalive" && ca != "trivial" && num(r[ca "/inproc", "cpu_us"]) > 0) {
            ip = num(r[ca "/inproc", "cpu_us"])
            ratio = sprintf("server/in-process %.2f (<= 1.2)", srv / ip)
            # The same with a worker that cost nothing beyond est_handle():
            # in-process + what the trivial responder costs through lighttpd.
            tk = num(r["trivial/keepalive/" conc, "srv_us"])
            if (tk > 0)
                ratio = ratio sprintf("; transport alone: %.2f", (ip + tk) / ip)
        }
        if (mode == "new" && ca != "trivial" && num(r["trivial/new/" conc, "rate"]) > 0) {
            ratio = sprintf("vs trivial %.2f (>= 0.75)", num(r[row, "rate"]) / num(r["trivial/new/" conc, "rate"]))
            # The rate ratio is pulled toward 1: estload shares the cores and
            # spends about as much per handshake in both rows. The server
            # CPU ratio is what the server side alone costs.
            ts = num(r["trivial/new/" conc, "srv_us"])
            if (ts > 0 && srv > 0)
                ratio = ratio sprintf("; server CPU per request trivial/estd %.2f", ts / srv)
        }
        if (num(r[row, "exhausted"]))
            ratio = ratio " CSR POOL EXHAUSTED"
        printf "%-22s %9.0f %7.2f %7.2f %7.2f %6d %9.0f %9.0f %9.0f %8.0f %5.1f  %s\n", row,
            num(r[row, "rate"]), num(r[row, "p50_ms"]), num(r[row, "p90_ms"]), num(r[row, "p99_ms"]),
            num(r[row, "errors"]), srv, lt, wk, num(r[row, "self_us"]), num(r[row, "load1"]), ratio
    }
    # Where the kept-alive server CPU goes: system time, and how often each
    # side slept (each sleep costs a wake-up) or was preempted, per request.
    hdr2 = ""
    for (i = 1; i <= n; i++) {
        row = rows[i]; split(row, parts, "/")
        if (parts[2] != "keepalive") continue
        wn = (ca = parts[1]) == "trivial" ? "trivial" : "estd"
        if (hdr2 == "") {
            hdr2 = sprintf("%-22s %9s %9s %7s %9s %9s %9s %7s %9s", "kept-alive, per request",
                "lighttpd", "(system)", "slept", "preempted", "workers", "(system)", "slept", "preempted")
            print ""; print hdr2; gsub(/./, "-", hdr2); print hdr2
        }
        if (num(r[row, "srv_us"]) < 0) {
            printf "%-22s %9s %9s %7s %9s %9s %9s %7s %9s\n", row, "-", "-", "-", "-", "-", "-", "-", "-"
            continue
        }
        printf "%-22s %9.0f %9.0f %7.2f %9.2f %9.0f %9.0f %7.2f %9.2f\n", row,
            num(r[row, "cpu_lighttpd_us"]), num(r[row, "sys_lighttpd_us"]),
            num(r[row, "sleeps_lighttpd"]), num(r[row, "preempted_lighttpd"]),
            num(r[row, "cpu_" wn "_us"]), num(r[row, "sys_" wn "_us"]),
            num(r[row, "sleeps_" wn]), num(r[row, "preempted_" wn])
    }
    print ""
    print "srv us/e: server CPU (lighttpd + workers, utime+stime from /proc) per enrollment or request;"
    print "ldgen us: CPU of the load generator per request (it shares the cores with the server);"
    print "p50/p90/p99: good requests only (a row with errors says how slow its failed ones were);"
    print "in-process rows: CPU per enrollment of est_handle() (latency = one successful est_handle call);"
    print "instructions rows: the same path and the floor counted by callgrind (one process),"
    print "a figure host noise does not move;"
    print "machine/wakeup: CPU charged for one sleep and wake-up between two processes (bench/wakeup);"
    print "kept-alive table: lighttpd and worker CPU per request, the system part of it, and context"
    print "switches per request (slept: waited for an event, so something had to wake it; preempted);"
    print "load: 1-minute load average when the row started (above the core count, other"
    print "processes compete for the CPU: throughput and latency suffer, CPU per enrollment much less)."
    printf "worker RSS KiB (first load row before -> last load row after):\n"
    for (ca in rsskeys) {
        line = "  " ca ":"
        m = split(rsskeys[ca], ks, " ")
        for (j = 1; j <= m; j++) {
            k = ks[j]; nm = substr(k, 5)
            line = line sprintf(" %s %s->%s", nm, rss0[ca, k], rss1[ca, k])
        }
        print line
    }
    # The percentiles are of good requests: say how slow the failed ones were.
    for (i = 1; i <= n; i++) if (r[rows[i], "first_error"] != "")
        printf "first error in %s%s: %s\n", rows[i],
            r[rows[i], "fail_n"] == "" ? "" : sprintf(" (%d failed in the window, the slowest %.2f ms)",
                num(r[rows[i], "fail_n"]), num(r[rows[i], "fail_max_ms"])),
            r[rows[i], "first_error"]
    if (errors > 0) printf "\n%d ERRORS (see the log)\n", errors
    if (setup_errors > 0) { printf "%d rows did not run (see above)\n", setup_errors; exit 2 }
    exit errors > 0 ? 1 : 0
}' "$RESULTS"
rc=$?
[ -z "$keep_w" ] || echo "bench: log $LOG" >&2
exit $rc
