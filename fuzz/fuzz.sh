#!/bin/sh
# fuzz.sh: builds and runs the libFuzzer harnesses; called by "make fuzz",
# "make fuzz-regress" and "make fuzz-build" (fuzz/local.mk), which pass:
#
#   CLANG            the compiler (clang, clang-14...)
#   FUZZ_SRCDIR      absolute top source directory
#   FUZZ_BUILDDIR    absolute top build directory (holds config.h)
#   FUZZ_SOURCES     the EST core's sources, relative to FUZZ_SRCDIR
#                    (headers in the list are skipped)
#   FUZZ_CFLAGS      include paths and library CFLAGS
#   FUZZ_LIBS        libraries (the non-instrumented libestcore.a is dropped)
#   FUZZ_HARNESSES   harness names, fuzz/<name>.c each
#   FUZZ_SECONDS     "run": seconds per harness
#
#   fuzz.sh build     compile into FUZZ_BUILDDIR/fuzz/bin
#   fuzz.sh run       build, then fuzz each harness for FUZZ_SECONDS on a copy
#                     of its seed corpus in FUZZ_BUILDDIR/fuzz/work/<harness>
#   fuzz.sh regress   build, then run each harness once over every file of its
#                     seed corpus (no fuzzing): quick, for CI
#
# Exits non-zero if any harness crashed, leaked, timed out, ran out of memory
# or printed a sanitizer report; the input is then in work/<harness>/artifacts.
# Ends with a table: harness, result, executions, exec/s, corpus size.
set -u

mode=${1:-run}
: "${CLANG:=clang}" "${FUZZ_SECONDS:=60}"
: "${FUZZ_HARNESSES:=fuzz_core fuzz_b64 fuzz_csr fuzz_config fuzz_peercert fuzz_certparse fuzz_htpasswd fuzz_csrattrs}"
: "${FUZZ_SRCDIR:?}" "${FUZZ_BUILDDIR:?}" "${FUZZ_SOURCES:?}"
: "${FUZZ_CFLAGS:=}" "${FUZZ_LIBS:=}"

bin=$FUZZ_BUILDDIR/fuzz/bin
work=$FUZZ_BUILDDIR/fuzz/work
SAN='-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer'
CFLAGS="-g -O1 $SAN -I$FUZZ_SRCDIR/include -I$FUZZ_BUILDDIR $FUZZ_CFLAGS"

die() { echo "fuzz.sh: $*" >&2; exit 2; }

build() {
    command -v "$CLANG" > /dev/null 2>&1 ||
        die "$CLANG not found (apt-get install clang libclang-rt-14-dev, or make fuzz CLANG=...)"
    [ -f "$FUZZ_BUILDDIR/config.h" ] || die "no config.h in $FUZZ_BUILDDIR: run ./configure first"
    mkdir -p "$bin/obj" || exit 2
    objs=
    for src in $FUZZ_SOURCES fuzz/fuzz_pki.c; do
        case $src in *.c) ;; *) continue ;; esac
        obj=$bin/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')
        # shellcheck disable=SC2086
        "$CLANG" $CFLAGS -fsanitize=fuzzer-no-link -c "$FUZZ_SRCDIR/$src" -o "$obj" ||
            die "cannot compile $src"
        objs="$objs $obj"
    done
    libs=
    for l in $FUZZ_LIBS; do
        case $l in *libestcore.a) ;; *) libs="$libs $l" ;; esac
    done
    for h in $FUZZ_HARNESSES; do
        # shellcheck disable=SC2086
        "$CLANG" $CFLAGS -fsanitize=fuzzer "$FUZZ_SRCDIR/fuzz/$h.c" $objs $libs \
            -o "$bin/$h" || die "cannot build $h"
    done
    echo "fuzz.sh: built $FUZZ_HARNESSES in $bin"
}

# stat LOG NAME: a libFuzzer final statistic, or "-"
stat() {
    v=$(sed -n "s/^stat::$2: *\([0-9]*\).*/\1/p" "$1" | tail -n 1)
    [ -n "$v" ] || v=$(sed -n 's/^#\([0-9]*\)[[:space:]]*DONE.*/\1/p' "$1" | tail -n 1)
    echo "${v:--}"
}

# Any sanitizer or libFuzzer report counts, whatever the exit status says.
reported() {
    grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|SUMMARY: |^==[0-9]+== ?ERROR|deadly signal|Test unit written' "$1"
}

ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

run_all() {
    failed=0
    table=$work/summary.txt
    mkdir -p "$work" || exit 2
    printf '%-15s %-6s %12s %8s %8s %7s\n' harness result executions exec/s corpus seeds > "$table"
    for h in $FUZZ_HARNESSES; do
        d=$work/$h
        rm -rf "$d"
        mkdir -p "$d/corpus" "$d/artifacts"
        seeds=0
        if [ -d "$FUZZ_SRCDIR/fuzz/corpus/$h" ]; then
            cp -R "$FUZZ_SRCDIR/fuzz/corpus/$h/." "$d/corpus/"
            chmod -R u+w "$d/corpus"
            seeds=$(find "$d/corpus" -type f | wc -l)
        fi
        log=$d/log
        if [ "$mode" = run ]; then
            echo "fuzz.sh: $h for ${FUZZ_SECONDS}s ($seeds seeds)"
            "$bin/$h" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
                -print_final_stats=1 -artifact_prefix="$d/artifacts/" "$d/corpus" > "$log" 2>&1
            rc=$?
            execs=$(stat "$log" number_of_executed_units)
            rate=$(stat "$log" average_exec_per_sec)
        else
            echo "fuzz.sh: $h over $seeds corpus files"
            # shellcheck disable=SC2046
            "$bin/$h" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$d/artifacts/" \
                $(find "$d/corpus" -type f | sort) > "$log" 2>&1
            rc=$?
            execs=$(grep -c '^Executed ' "$log")
            rate=-
        fi
        size=$(find "$d/corpus" -type f | wc -l)
        result=PASS
        if [ "$rc" -ne 0 ] || reported "$log"; then
            result=FAIL
            failed=$((failed + 1))
            echo "fuzz.sh: $h FAILED (exit $rc); log: $log" >&2
            grep -E -A 25 'ERROR:|runtime error:|deadly signal' "$log" | head -n 60 >&2
            ls "$d/artifacts" >&2
        fi
        printf '%-15s %-6s %12s %8s %8s %7s\n' "$h" "$result" "$execs" "$rate" "$size" "$seeds" >> "$table"
    done
    echo
    cat "$table"
    [ "$failed" -eq 0 ]
}

case $mode in
    build) build ;;
    run | regress) build && run_all ;;
    *) die "usage: fuzz.sh build|run|regress" ;;
esac
