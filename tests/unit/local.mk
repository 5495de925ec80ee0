# Check unit tests: one program per module (owned by tests/unit/).
# Every program links the EST core and the in-memory test PKI (testpki.c,
# which generates all keys at test time); the RFC 7030 Appendix A vectors
# live in tests/unit/data.
UNIT_VECTORS = \
	tests/unit/data/rfc7030-A1-cacerts.b64 \
	tests/unit/data/rfc7030-A3-simpleenroll-request.b64 \
	tests/unit/data/rfc7030-A3-simpleenroll-response.b64
EXTRA_DIST += $(UNIT_VECTORS)

if HAVE_CHECK
UNIT_PKI = tests/unit/testpki.c tests/unit/testpki.h
UNIT_COMPILE_FLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBXCRYPT_CFLAGS) \
	-DTP_DATADIR='"$(abs_top_srcdir)/tests/unit/data"'
UNIT_LINK = $(CORE_LIBS) $(CHECK_LIBS)

UNIT_TESTS = \
	tests/unit/check_buf \
	tests/unit/check_b64 \
	tests/unit/check_diag \
	tests/unit/check_log \
	tests/unit/check_config \
	tests/unit/check_peercert \
	tests/unit/check_certparse \
	tests/unit/check_truststore \
	tests/unit/check_csr \
	tests/unit/check_policy \
	tests/unit/check_signer \
	tests/unit/check_issuer \
	tests/unit/check_certgen \
	tests/unit/check_pkcs7 \
	tests/unit/check_service \
	tests/unit/check_core \
	tests/unit/check_htpasswd \
	tests/unit/check_hook \
	tests/unit/check_codes \
	tests/unit/check_csrattrs
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

tests_unit_check_buf_SOURCES = tests/unit/check_buf.c $(UNIT_PKI)
tests_unit_check_buf_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_buf_LDADD = $(UNIT_LINK)

tests_unit_check_b64_SOURCES = tests/unit/check_b64.c $(UNIT_PKI)
tests_unit_check_b64_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_b64_LDADD = $(UNIT_LINK)

tests_unit_check_diag_SOURCES = tests/unit/check_diag.c $(UNIT_PKI)
tests_unit_check_diag_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_diag_LDADD = $(UNIT_LINK)

tests_unit_check_log_SOURCES = tests/unit/check_log.c $(UNIT_PKI)
tests_unit_check_log_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_log_LDADD = $(UNIT_LINK)

tests_unit_check_config_SOURCES = tests/unit/check_config.c $(UNIT_PKI)
tests_unit_check_config_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_config_LDADD = $(UNIT_LINK)

tests_unit_check_peercert_SOURCES = tests/unit/check_peercert.c $(UNIT_PKI)
tests_unit_check_peercert_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_peercert_LDADD = $(UNIT_LINK)

tests_unit_check_certparse_SOURCES = tests/unit/check_certparse.c $(UNIT_PKI)
tests_unit_check_certparse_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_certparse_LDADD = $(UNIT_LINK)

tests_unit_check_truststore_SOURCES = tests/unit/check_truststore.c $(UNIT_PKI)
tests_unit_check_truststore_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_truststore_LDADD = $(UNIT_LINK)

tests_unit_check_csr_SOURCES = tests/unit/check_csr.c $(UNIT_PKI)
tests_unit_check_csr_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_csr_LDADD = $(UNIT_LINK)

tests_unit_check_policy_SOURCES = tests/unit/check_policy.c $(UNIT_PKI)
tests_unit_check_policy_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_policy_LDADD = $(UNIT_LINK)

tests_unit_check_signer_SOURCES = tests/unit/check_signer.c $(UNIT_PKI)
tests_unit_check_signer_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_signer_LDADD = $(UNIT_LINK)

tests_unit_check_issuer_SOURCES = tests/unit/check_issuer.c $(UNIT_PKI)
tests_unit_check_issuer_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_issuer_LDADD = $(UNIT_LINK)

tests_unit_check_certgen_SOURCES = tests/unit/check_certgen.c $(UNIT_PKI)
tests_unit_check_certgen_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_certgen_LDADD = $(UNIT_LINK)

tests_unit_check_pkcs7_SOURCES = tests/unit/check_pkcs7.c $(UNIT_PKI)
tests_unit_check_pkcs7_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_pkcs7_LDADD = $(UNIT_LINK)

tests_unit_check_service_SOURCES = tests/unit/check_service.c $(UNIT_PKI)
tests_unit_check_service_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_service_LDADD = $(UNIT_LINK)

tests_unit_check_core_SOURCES = tests/unit/check_core.c $(UNIT_PKI)
tests_unit_check_core_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_core_LDADD = $(UNIT_LINK)
# Signing failures on demand (see fail_signing).
tests_unit_check_core_LDFLAGS = -Wl,--wrap=signer_sign_cert

tests_unit_check_htpasswd_SOURCES = tests/unit/check_htpasswd.c $(UNIT_PKI)
tests_unit_check_htpasswd_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_htpasswd_LDADD = $(UNIT_LINK)

tests_unit_check_hook_SOURCES = tests/unit/check_hook.c $(UNIT_PKI)
tests_unit_check_hook_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_hook_LDADD = $(UNIT_LINK)

tests_unit_check_codes_SOURCES = tests/unit/check_codes.c $(UNIT_PKI)
tests_unit_check_codes_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_codes_LDADD = $(UNIT_LINK)
# fsync failures on demand (see fsync_errno).
tests_unit_check_codes_LDFLAGS = -Wl,--wrap=fsync

tests_unit_check_csrattrs_SOURCES = tests/unit/check_csrattrs.c $(UNIT_PKI)
tests_unit_check_csrattrs_CFLAGS = $(UNIT_COMPILE_FLAGS)
tests_unit_check_csrattrs_LDADD = $(UNIT_LINK)

endif
