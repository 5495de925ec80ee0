# libFuzzer harnesses (owned by fuzz/). Not part of "make check":
#
#   make fuzz [FUZZ_SECONDS=60] [CLANG=clang]   build, then fuzz each harness
#                        for FUZZ_SECONDS on a copy of its seed corpus
#   make fuzz-regress    build, then run each harness once over its corpus
#   make fuzz-build      build only, into fuzz/bin/ in the build directory
#
# Needs clang and libclang-rt-14-dev. Work files, new corpus entries and
# crashing inputs go to fuzz/work/<harness>/ in the build directory, never
# into the source tree; see fuzz/README.md.
FUZZ_HARNESSES = fuzz_core fuzz_b64 fuzz_csr fuzz_config fuzz_peercert \
	fuzz_certparse fuzz_htpasswd fuzz_csrattrs
FUZZ_SECONDS = 60
CLANG = clang

FUZZ_ENV = CLANG='$(CLANG)' \
	FUZZ_SRCDIR='$(abs_top_srcdir)' FUZZ_BUILDDIR='$(abs_top_builddir)' \
	FUZZ_SOURCES='$(src_libestcore_a_SOURCES)' \
	FUZZ_CFLAGS='$(CRYPTO_CFLAGS) $(INIH_CFLAGS)' \
	FUZZ_LIBS='$(CORE_LIBS) $(LIBS)' \
	FUZZ_HARNESSES='$(FUZZ_HARNESSES)'

fuzz:
	$(FUZZ_ENV) FUZZ_SECONDS='$(FUZZ_SECONDS)' $(SHELL) $(top_srcdir)/fuzz/fuzz.sh run

fuzz-regress:
	$(FUZZ_ENV) $(SHELL) $(top_srcdir)/fuzz/fuzz.sh regress

fuzz-build:
	$(FUZZ_ENV) $(SHELL) $(top_srcdir)/fuzz/fuzz.sh build

clean-local: clean-fuzz
clean-fuzz:
	-rm -rf fuzz/bin fuzz/work

.PHONY: fuzz fuzz-regress fuzz-build clean-fuzz

EXTRA_DIST += fuzz/README.md fuzz/fuzz.sh fuzz/make-seeds.sh \
	fuzz/fuzz_pki.c fuzz/fuzz_pki.h \
	fuzz/fuzz_core.c fuzz/fuzz_b64.c fuzz/fuzz_csr.c \
	fuzz/fuzz_config.c fuzz/fuzz_peercert.c fuzz/fuzz_certparse.c \
	fuzz/fuzz_htpasswd.c fuzz/fuzz_csrattrs.c \
	fuzz/corpus
