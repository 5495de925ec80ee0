# Benchmark (owned by bench/): the load generator, the in-process benchmark
# with the crypto floor, the trivial FastCGI responder used as the
# TLS-handshake reference, and the machine's cost of a process wake-up. Built by "make" (they are small) so that they never
# rot; run by "make bench" and "make bench-memory" (see bench/README.md).
# Neither target is part of "make check": a benchmark never fails CI.
noinst_PROGRAMS = bench/estload bench/inproc bench/trivial-fcgi bench/wakeup

BENCH_LIB = bench/benchlib.c bench/benchlib.h

bench_estload_SOURCES = bench/estload.c $(BENCH_LIB)
bench_estload_CFLAGS = $(AM_CFLAGS) $(SSL_CFLAGS) -pthread
bench_estload_LDFLAGS = $(AM_LDFLAGS) -pthread
bench_estload_LDADD = $(SSL_LIBS) $(CRYPTO_LIBS)

bench_inproc_SOURCES = bench/inproc.c $(BENCH_LIB)
bench_inproc_CFLAGS = $(AM_CFLAGS) -pthread
bench_inproc_LDFLAGS = $(AM_LDFLAGS) -pthread
bench_inproc_LDADD = $(CORE_LIBS)

bench_wakeup_SOURCES = bench/wakeup.c

bench_trivial_fcgi_SOURCES = bench/trivial-fcgi.c
bench_trivial_fcgi_CFLAGS = $(AM_CFLAGS) $(FCGI_CFLAGS)
bench_trivial_fcgi_LDADD = $(FCGI_LIBS)

EXTRA_DIST += bench/README.md bench/run.sh

BENCH_ENV = \
	ESTD='$(abs_top_builddir)/src/estd' \
	BENCH_BIN='$(abs_top_builddir)/bench' \
	top_srcdir='$(abs_top_srcdir)'

bench: src/estd $(noinst_PROGRAMS)
	$(BENCH_ENV) $(SHELL) '$(abs_top_srcdir)/bench/run.sh' matrix

bench-memory: src/estd $(noinst_PROGRAMS)
	$(BENCH_ENV) $(SHELL) '$(abs_top_srcdir)/bench/run.sh' memory

bench-deploy: src/estd $(noinst_PROGRAMS)
	$(BENCH_ENV) $(SHELL) '$(abs_top_srcdir)/bench/run.sh' deploy

.PHONY: bench bench-memory bench-deploy
