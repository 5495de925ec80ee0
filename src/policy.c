/* policy: whether to issue, and what. Pure functions of their arguments. */
#include "config.h"

#include <arpa/inet.h>
#include <fnmatch.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "est/policy.h"

static const char *const est_op_names[EST_OP_MAX] = {
	[EST_OP_NONE] = "-",
	[EST_OP_CACERTS] = "cacerts",
	[EST_OP_SIMPLEENROLL] = "simpleenroll",
	[EST_OP_SIMPLEREENROLL] = "simplereenroll",
	[EST_OP_CSRATTRS] = "csrattrs",
};

const char *
est_op_name(enum est_op op)
{
	if ((unsigned)op >= EST_OP_MAX)
		return "-";
	return est_op_names[op];
}

static int
policy_digest_allowed(const struct est_profile *pr, int nid)
{
	size_t i;

	for (i = 0; i < pr->n_digests; i++)
		if (nid != NID_undef && pr->digest_nids[i] == nid)
			return 1;
	return 0;
}

static int
policy_check_digest(const struct est_profile *pr, const struct csr_info *csr,
    char *reason, size_t reasonlen)
{
	if (policy_digest_allowed(pr, csr->sig_digest_nid))
		return 0;
	snprintf(reason, reasonlen, "CSR signature hash %s is not allowed",
	    csr->sig_digest_nid != NID_undef ?
	    OBJ_nid2sn(csr->sig_digest_nid) : "(unknown)");
	return -1;
}

int
policy_check_key(const struct est_profile *pr, const struct csr_info *csr,
    char *reason, size_t reasonlen)
{
	size_t	 i;
	char	 desc[64];

	csr_key_describe(csr, desc, sizeof(desc));
	switch (csr->key_type) {
	case EVP_PKEY_RSA:
		if (!(pr->key_types & PROFILE_KEY_RSA))
			break;
		if (csr->key_bits < 0 || (unsigned)csr->key_bits < pr->rsa_min_bits) {
			snprintf(reason, reasonlen,
			    "%s key is below the minimum of %u bits", desc,
			    pr->rsa_min_bits);
			return -1;
		}
		if ((unsigned)csr->key_bits > pr->rsa_max_bits) {
			snprintf(reason, reasonlen,
			    "%s key is above the maximum of %u bits", desc,
			    pr->rsa_max_bits);
			return -1;
		}
		return policy_check_digest(pr, csr, reason, reasonlen);
	case EVP_PKEY_EC:
		if (!(pr->key_types & PROFILE_KEY_EC))
			break;
		if (csr->ec_explicit) {
			snprintf(reason, reasonlen, "EC key with explicit curve "
			    "parameters: only named curves are allowed");
			return -1;
		}
		for (i = 0; i < pr->n_ec_curves; i++)
			if (csr->curve_nid != NID_undef &&
			    csr->curve_nid == pr->ec_curve_nids[i])
				return policy_check_digest(pr, csr, reason,
				    reasonlen);
		snprintf(reason, reasonlen, "%s key: curve not allowed", desc);
		return -1;
	default:
		break;
	}
	snprintf(reason, reasonlen, "%s keys are not allowed", desc);
	return -1;
}

/*
 * 1 if UTF-8 text holds a character that changes how it reads: C0 and C1
 * controls, DEL, the bidirectional overrides and isolates (U+200E, U+200F,
 * U+202A-U+202E, U+2066-U+2069), or bytes that are not UTF-8.
 */
static int
policy_utf8_has_control(const unsigned char *p, size_t n)
{
	size_t		i = 0, k, len;
	unsigned long	c;

	while (i < n) {
		if (p[i] < 0x80) {
			if (p[i] < 0x20 || p[i] == 0x7f)
				return 1;
			i++;
			continue;
		}
		len = (p[i] & 0xe0) == 0xc0 ? 2 : (p[i] & 0xf0) == 0xe0 ? 3 :
		    (p[i] & 0xf8) == 0xf0 ? 4 : 0;
		if (len == 0 || i + len > n)
			return 1;
		c = p[i] & (0x7fu >> len);
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 1;
			c = (c << 6) | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and past U+10FFFF are not UTF-8. */
		if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
		    (len == 4 && c < 0x10000) || c > 0x10ffff ||
		    (c >= 0xd800 && c <= 0xdfff))
			return 1;
		if (c <= 0x9f || c == 0x200e || c == 0x200f ||
		    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
			return 1;
		i += len;
	}
	return 0;
}

/* 1 if any of the n bytes has its high bit set. */
static int
policy_has_high_bit(const unsigned char *p, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (p[i] & 0x80)
			return 1;
	return 0;
}

/* 1 if the string holds a control character (see above) or does not decode. */
static int
policy_has_control(const ASN1_STRING *v)
{
	unsigned char	*utf8 = NULL;
	int		 n, found;

	/* UTF-8 and 7-bit types are judged as they stand; the others converted. */
	switch (ASN1_STRING_type(v)) {
	case V_ASN1_PRINTABLESTRING:
	case V_ASN1_IA5STRING:
	case V_ASN1_VISIBLESTRING:
		/* 7-bit types; OpenSSL would read a high byte as Latin-1 (C1 too). */
		if (policy_has_high_bit(ASN1_STRING_get0_data(v), ASN1_STRING_length(v)))
			return 1;
		/* FALLTHROUGH */
	case V_ASN1_UTF8STRING:
		return policy_utf8_has_control(ASN1_STRING_get0_data(v),
		    (size_t)ASN1_STRING_length(v));
	default:
		break;
	}
	if ((n = ASN1_STRING_to_UTF8(&utf8, v)) < 0)
		return 1;
	found = policy_utf8_has_control(utf8, (size_t)n);
	OPENSSL_free(utf8);
	return found;
}

/* Names end up in logs, UIs and other programs' parsers: no control bytes. */
static int
policy_check_printable(const struct csr_info *csr, char *reason,
    size_t reasonlen)
{
	const GENERAL_NAME	*gn;
	const ASN1_STRING	*v;
	int			 i, type;

	for (i = 0; i < X509_NAME_entry_count(csr->subject); i++)
		if (policy_has_control(X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(csr->subject, i)))) {
			snprintf(reason, reasonlen,
			    "CSR subject contains control characters");
			return -1;
		}
	for (i = 0; i < (int)csr->n_san; i++) {
		gn = sk_GENERAL_NAME_value(csr->san, i);
		v = GENERAL_NAME_get0_value(gn, &type);
		if ((type == GEN_DNS || type == GEN_EMAIL || type == GEN_URI) &&
		    policy_has_control(v)) {
			snprintf(reason, reasonlen,
			    "CSR subjectAltName contains control characters");
			return -1;
		}
	}
	return 0;
}

int
policy_check_request(const struct est_profile *pr, const struct csr_info *csr,
    char *reason, size_t reasonlen)
{
	if (policy_check_printable(csr, reason, reasonlen) == -1)
		return -1;
	/* Software that reads "the" CN picks the first or the last: allow one. */
	if (X509_NAME_get_index_by_NID(csr->subject, NID_commonName,
	    X509_NAME_get_index_by_NID(csr->subject, NID_commonName, -1)) >= 0) {
		snprintf(reason, reasonlen, "CSR subject has more than one commonName");
		return -1;
	}
	if (X509_NAME_entry_count(csr->subject) == 0 && csr->n_san == 0) {
		snprintf(reason, reasonlen,
		    "CSR has neither a subject nor a subjectAltName");
		return -1;
	}
	if (csr->n_san > pr->max_san_entries) {
		snprintf(reason, reasonlen,
		    "CSR has %zu subjectAltName entries, more than the %u allowed",
		    csr->n_san, pr->max_san_entries);
		return -1;
	}
	/*
	 * RFC 7030 3.5: a challengePassword carries the TLS channel binding,
	 * which a worker behind a TLS-terminating front server cannot check.
	 * Refuse rather than accept it unchecked.
	 */
	if (csr->has_challenge_password && pr->challenge == CHALLENGE_REFUSE) {
		snprintf(reason, reasonlen,
		    "CSR carries a challengePassword (proof-of-possession "
		    "linking), which this server cannot check");
		return -1;
	}
	if (!csr->has_challenge_password && pr->challenge == CHALLENGE_CODE) {
		snprintf(reason, reasonlen,
		    "CSR needs an enrollment code in its challengePassword");
		return -1;
	}
	if (csr->has_change_subject_name && !pr->allow_change_subject_name) {
		snprintf(reason, reasonlen,
		    "CSR carries a ChangeSubjectName attribute, which is not allowed");
		return -1;
	}
	return 0;
}

const char *
policy_subject_cn(const X509_NAME *name, char *out, size_t outlen)
{
	unsigned char	*utf8 = NULL;
	int		 i, len;

	if ((i = X509_NAME_get_index_by_NID(name, NID_commonName, -1)) < 0)
		return NULL;
	len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(
	    X509_NAME_get_entry(name, i)));
	if (len <= 0 || (size_t)len >= outlen ||
	    memchr(utf8, '\0', (size_t)len) != NULL) {
		OPENSSL_free(utf8);
		return NULL;
	}
	memcpy(out, utf8, (size_t)len);
	out[len] = '\0';
	OPENSSL_free(utf8);
	return out;
}

/* name is domain or ends in "." + domain (case-insensitive, ASCII). */
static int
policy_dns_in(const char *name, size_t len, const char *domain)
{
	size_t dlen = strlen(domain);

	if (len == dlen)
		return strncasecmp(name, domain, len) == 0;
	return len > dlen && name[len - dlen - 1] == '.' &&
	    strncasecmp(name + len - dlen, domain, dlen) == 0;
}

static int
policy_ip_in(const unsigned char *ip, int iplen, const struct ip_range *r)
{
	unsigned	 bits = r->prefix, i;
	unsigned char	 mask;

	if ((r->family == AF_INET && iplen != 4) ||
	    (r->family == AF_INET6 && iplen != 16))
		return 0;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (ip[i] != r->addr[i])
			return 0;
	if (bits == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - bits));
	return (ip[i] & mask) == (r->addr[i] & mask);
}

static int
policy_check_dns(const struct est_profile *pr, const char *name, size_t len,
    char *reason, size_t reasonlen)
{
	size_t i;

	if (len == 0 || memchr(name, '\0', len) != NULL) {
		snprintf(reason, reasonlen, "CSR has an empty or NUL-bearing DNS name");
		return -1;
	}
	if (memchr(name, '*', len) != NULL && !pr->allow_wildcard) {
		snprintf(reason, reasonlen, "wildcard DNS name %.*s is not allowed",
		    (int)(len > 100 ? 100 : len), name);
		return -1;
	}
	if (pr->n_dns_suffixes == 0)
		return 0;
	for (i = 0; i < pr->n_dns_suffixes; i++)
		if (policy_dns_in(name, len, pr->dns_suffixes[i]))
			return 0;
	snprintf(reason, reasonlen, "DNS name %.*s is outside the allowed domains",
	    (int)(len > 100 ? 100 : len), name);
	return -1;
}

/* Every SAN entry against the profile's types, domains and ranges. */
static int
policy_check_sans(const struct est_profile *pr, const struct csr_info *csr,
    char *reason, size_t reasonlen)
{
	const GENERAL_NAME	*gn;
	const ASN1_OCTET_STRING	*ip;
	size_t			 i, r;
	int			 ok;

	for (i = 0; i < csr->n_san; i++) {
		gn = sk_GENERAL_NAME_value(csr->san, (int)i);
		switch (gn->type) {
		case GEN_DNS:
			if (!(pr->san_types & PROFILE_SAN_DNS))
				goto type;
			if (policy_check_dns(pr,
			    (const char *)ASN1_STRING_get0_data(gn->d.dNSName),
			    (size_t)ASN1_STRING_length(gn->d.dNSName), reason,
			    reasonlen) == -1)
				return -1;
			break;
		case GEN_IPADD:
			if (!(pr->san_types & PROFILE_SAN_IP))
				goto type;
			ip = gn->d.iPAddress;
			/* RFC 5280 4.2.1.6: four octets for IPv4, sixteen for IPv6. */
			if (ASN1_STRING_length(ip) != 4 && ASN1_STRING_length(ip) != 16) {
				snprintf(reason, reasonlen, "IP address in subjectAltName "
				    "is %d octets long, not 4 or 16", ASN1_STRING_length(ip));
				return -1;
			}
			for (r = 0, ok = pr->n_ip_ranges == 0; r < pr->n_ip_ranges; r++)
				ok |= policy_ip_in(ASN1_STRING_get0_data(ip),
				    ASN1_STRING_length(ip), &pr->ip_ranges[r]);
			if (!ok) {
				snprintf(reason, reasonlen,
				    "IP address in subjectAltName is outside the allowed ranges");
				return -1;
			}
			break;
		case GEN_EMAIL:
			if (!(pr->san_types & PROFILE_SAN_EMAIL))
				goto type;
			break;
		case GEN_URI:
			if (!(pr->san_types & PROFILE_SAN_URI))
				goto type;
			break;
		default:
			goto type;
		}
	}
	return 0;
type:
	snprintf(reason, reasonlen, "subjectAltName type %d is not allowed",
	    gn->type);
	return -1;
}

/*
 * The DNS name is the identity, or the identity as first label of one of
 * the profile's dns_suffixes (ASCII, any case): "demo" may be named
 * "demo.iot.example" under iot.example, not "demo.bank.example".
 */
static int
policy_dns_of_identity(const struct est_profile *pr, const ASN1_IA5STRING *v,
    const char *identity)
{
	const char	*name = (const char *)ASN1_STRING_get0_data(v);
	size_t		 len = (size_t)ASN1_STRING_length(v), ilen = strlen(identity);
	size_t		 k;

	if (ilen == 0 || len < ilen || strncasecmp(name, identity, ilen) != 0)
		return 0;
	if (len == ilen)
		return 1;
	if (name[ilen] != '.' || strchr(identity, '.') != NULL)
		return 0;
	for (k = 0; k < pr->n_dns_suffixes; k++)
		if (len - ilen - 1 == strlen(pr->dns_suffixes[k]) &&
		    strncasecmp(name + ilen + 1, pr->dns_suffixes[k],
		    len - ilen - 1) == 0)
			return 1;
	return 0;
}

/* The ASN.1 string equals text exactly (no NUL inside, same length). */
static int
policy_string_is(const ASN1_STRING *v, const char *text)
{
	size_t len = strlen(text);

	return (size_t)ASN1_STRING_length(v) == len &&
	    memcmp(ASN1_STRING_get0_data(v), text, len) == 0;
}

/*
 * Names only the identity. The CN, if any, equals it; each DNS name is it
 * or has it as first label under a dns_suffix; an email name or subject
 * emailAddress equals it; IP and URI names, which cannot, are refused; and
 * at least one name is there. Other subject attributes (O, OU, UID, DC...)
 * describe rather than name; cn_pattern and the hook judge those.
 */
static int
policy_names_identity(const struct est_profile *pr, const struct csr_info *csr,
    const char *cn, int has_cn, const char *identity)
{
	const GENERAL_NAME	*gn;
	size_t			 i;
	int			 named = 0, e = -1;

	if (has_cn) {
		if (cn == NULL || strcmp(cn, identity) != 0)
			return 0;
		named = 1;
	}
	while ((e = X509_NAME_get_index_by_NID(csr->subject,
	    NID_pkcs9_emailAddress, e)) >= 0) {
		if (!policy_string_is(X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(csr->subject, e)), identity))
			return 0;
		named = 1;
	}
	for (i = 0; i < csr->n_san; i++) {
		gn = sk_GENERAL_NAME_value(csr->san, (int)i);
		switch (gn->type) {
		case GEN_DNS:
			if (!policy_dns_of_identity(pr, gn->d.dNSName, identity))
				return 0;
			break;
		case GEN_EMAIL:
			if (!policy_string_is(gn->d.rfc822Name, identity))
				return 0;
			break;
		default:
			return 0;
		}
		named = 1;
	}
	return named;
}

/* Letters, digits, '-', '.', '_' and '*' only: text a host name check could match. */
static int
policy_looks_like_host(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' ||
		    *s == '_' || *s == '*'))
			return 0;
	return 1;
}

/*
 * Host name checks fall back to the CN when a certificate has no DNS name
 * (RFC 6125 6.4.4; OpenSSL's X509_check_host does), so then a CN that could
 * be a host name obeys the DNS-name rules. With DNS names present, the CN
 * is not used as a host name and is left to cn_pattern and the identity rule.
 * Single labels (serial numbers, device names) are left alone too: judging
 * them as domains would refuse every such CN once dns_suffixes is set.
 */
static int
policy_check_cn_as_dns(const struct est_profile *pr, const struct csr_info *csr,
    const char *cn, char *reason, size_t reasonlen)
{
	size_t i;

	if (cn == NULL || !policy_looks_like_host(cn) || strpbrk(cn, ".*") == NULL)
		return 0;
	for (i = 0; i < csr->n_san; i++)
		if (sk_GENERAL_NAME_value(csr->san, (int)i)->type == GEN_DNS)
			return 0;
	if (!(pr->san_types & PROFILE_SAN_DNS)) {
		snprintf(reason, reasonlen, "subject CN %.100s would name a host, "
		    "and san_types does not allow DNS names", cn);
		return -1;
	}
	if (policy_check_dns(pr, cn, strlen(cn), reason, reasonlen) == -1) {
		snprintf(reason + strlen(reason), reasonlen - strlen(reason),
		    " (subject CN)");
		return -1;
	}
	return 0;
}

int
policy_check_names(const struct est_profile *pr, const struct csr_info *csr,
    const struct policy_client *client, char *reason, size_t reasonlen)
{
	char		 buf[256];
	const char	*cn = policy_subject_cn(csr->subject, buf, sizeof(buf));
	int		 has_cn = X509_NAME_get_index_by_NID(csr->subject,
			    NID_commonName, -1) >= 0;
	size_t		 k;

	if (has_cn && cn == NULL) {
		snprintf(reason, reasonlen, "subject CN is empty, too long, or "
		    "does not decode");
		return -1;
	}
	if (policy_check_sans(pr, csr, reason, reasonlen) == -1 ||
	    policy_check_cn_as_dns(pr, csr, cn, reason, reasonlen) == -1)
		return -1;
	/* Email checks fall back to it (X509_check_email): an email name. */
	if (!(pr->san_types & PROFILE_SAN_EMAIL) &&
	    X509_NAME_get_index_by_NID(csr->subject, NID_pkcs9_emailAddress,
	    -1) >= 0) {
		snprintf(reason, reasonlen, "subject emailAddress is an email "
		    "name, and san_types does not allow email names");
		return -1;
	}
	if (pr->cn_pattern != NULL &&
	    (cn == NULL || fnmatch(pr->cn_pattern, cn, 0) != 0)) {
		snprintf(reason, reasonlen, "subject CN does not match %s",
		    pr->cn_pattern);
		return -1;
	}
	/* A registration authority enrolls others by design (RFC 7030 3.7). */
	if (pr->subject_rule != NAME_RULE_IDENTITY || client->is_ra)
		return 0;
	for (k = 0; k < client->n_identities; k++)
		if (policy_names_identity(pr, csr, cn, has_cn, client->identities[k]))
			return 0;
	snprintf(reason, reasonlen, "every name in the CSR must name "
	    "the authenticated identity (%s)", client->n_identities > 0 ?
	    client->identities[0] : "none");
	return -1;
}

int
policy_is_ra(const struct est_profile *pr, X509 *cert)
{
	unsigned char	 fp[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0;
	size_t		 i;

	if (!pr->allow_ra || cert == NULL)
		return 0;
	if (X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) {
		EXTENDED_KEY_USAGE *eku;
		int found = 0;

		eku = X509_get_ext_d2i(cert, NID_ext_key_usage, NULL, NULL);
		for (i = 0; eku != NULL && i < (size_t)sk_ASN1_OBJECT_num(eku); i++)
			found |= OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, (int)i)) ==
			    NID_cmcRA;
		EXTENDED_KEY_USAGE_free(eku);
		if (found)
			return 1;
	}
	if (pr->n_ra == 0 || !X509_digest(cert, EVP_sha256(), fp, &n) || n != 32)
		return 0;
	for (i = 0; i < pr->n_ra; i++)
		if (memcmp(fp, pr->ra_fingerprints[i], 32) == 0)
			return 1;
	return 0;
}

int
policy_check_renewal_window(unsigned window_days, X509 *current, time_t now,
    char *reason, size_t reasonlen)
{
	ASN1_TIME	*from;
	int		 days = 0, secs = 0, ok;

	if (window_days == 0)
		return 0;
	if ((from = ASN1_TIME_set(NULL, now)) == NULL)
		return -1;
	ok = ASN1_TIME_diff(&days, &secs, from, X509_get0_notAfter(current));
	ASN1_TIME_free(from);
	if (!ok || days > (int)window_days ||
	    (days == (int)window_days && secs > 0)) {
		snprintf(reason, reasonlen, "too early to renew: renewal opens %u "
		    "days before the certificate expires", window_days);
		return -1;
	}
	return 0;
}

/* DER of the certificate's subjectAltName extension value, or NULL/0 if none. */
static int
policy_cert_san_der(X509 *cert, unsigned char **der)
{
	GENERAL_NAMES	*san;
	int		 crit = -1, len;

	*der = NULL;
	san = X509_get_ext_d2i(cert, NID_subject_alt_name, &crit, NULL);
	if (san == NULL)
		return crit == -1 ? 0 : -1;	/* absent, or present twice/broken */
	len = i2d_GENERAL_NAMES(san, der);
	GENERAL_NAMES_free(san);
	return len;
}

int
policy_check_reenroll(const struct csr_info *csr, X509 *current,
    char *reason, size_t reasonlen)
{
	unsigned char	*cur_der = NULL, *req_der = NULL;
	const unsigned char *a, *b;
	size_t		 alen, blen;
	int		 cur_len, req_len = 0, rc = -1;

	/* RFC 7030 4.2.2: identical, so byte for byte, not X509_NAME_cmp's folded form. */
	if (!X509_NAME_get0_der(csr->subject, &a, &alen) ||
	    !X509_NAME_get0_der(X509_get_subject_name(current), &b, &blen) ||
	    alen != blen || memcmp(a, b, alen) != 0) {
		snprintf(reason, reasonlen,
		    "re-enrollment CSR subject differs from the certificate being renewed");
		goto out;
	}
	if ((cur_len = policy_cert_san_der(current, &cur_der)) < 0) {
		snprintf(reason, reasonlen,
		    "the certificate being renewed has an unreadable subjectAltName");
		goto out;
	}
	if (csr->san != NULL && (req_len = i2d_GENERAL_NAMES(csr->san, &req_der)) < 0) {
		snprintf(reason, reasonlen, "CSR subjectAltName does not encode");
		goto out;
	}
	if (cur_len != req_len ||
	    (cur_len > 0 && memcmp(cur_der, req_der, (size_t)cur_len) != 0)) {
		snprintf(reason, reasonlen,
		    "re-enrollment CSR subjectAltName differs from the certificate being renewed");
		goto out;
	}
	rc = 0;
out:
	OPENSSL_free(cur_der);
	OPENSSL_free(req_der);
	return rc;
}

void
policy_plan(const struct est_profile *pr, const struct csr_info *csr,
    time_t now, time_t ca_not_after, struct issue_plan *plan)
{
	time_t lifetime = (time_t)pr->validity_days * 86400;

	memset(plan, 0, sizeof(*plan));
	/* A device whose clock lags must not see its new certificate as future. */
	plan->not_before = now - (time_t)pr->backdate_seconds;
	plan->not_after = now + lifetime;
	/* Never outlive the CA: the certificate would stop verifying anyway. */
	if (plan->not_after > ca_not_after)
		plan->not_after = ca_not_after;
	plan->key_usage = pr->key_usage;
	/* Key encipherment is an RSA operation; keyAgreement needs an EC key. */
	if (csr->key_type != EVP_PKEY_RSA)
		plan->key_usage &= ~(unsigned)(KU_KEY_ENCIPHERMENT | KU_DATA_ENCIPHERMENT);
	if (csr->key_type != EVP_PKEY_EC)
		plan->key_usage &= ~(unsigned)KU_KEY_AGREEMENT;
	plan->eku_nids = pr->eku_nids;
	plan->n_eku = pr->n_eku;
}

int
policy_decide(const struct est_profile *pr, enum est_op op,
    const struct csr_info *csr, const struct policy_client *client,
    time_t now, time_t ca_not_after, struct issue_plan *plan,
    char *reason, size_t reasonlen)
{
	if (op != EST_OP_SIMPLEENROLL && op != EST_OP_SIMPLEREENROLL) {
		snprintf(reason, reasonlen, "operation does not issue certificates");
		return -1;
	}
	if (client == NULL || (client->cert == NULL && client->n_identities == 0)) {
		snprintf(reason, reasonlen, "no authenticated client");
		return -1;
	}
	if (policy_check_key(pr, csr, reason, reasonlen) == -1 ||
	    policy_check_request(pr, csr, reason, reasonlen) == -1 ||
	    policy_check_names(pr, csr, client, reason, reasonlen) == -1)
		return -1;
	if (op == EST_OP_SIMPLEREENROLL &&
	    (client->cert == NULL || !client->issued_by_ca)) {
		snprintf(reason, reasonlen,
		    "re-enrollment requires a certificate issued by this CA");
		return -1;
	}
	/*
	 * A certificate this CA issued renews itself, by either operation:
	 * else simpleenroll would get round simplereenroll's name rule and
	 * renewal window (accept_issued = any opts out). An RA's certificate
	 * enrolls others.
	 */
	if (op == EST_OP_SIMPLEREENROLL ||
	    (client->enroll_renews && client->cert != NULL && !client->is_ra)) {
		/* A ChangeSubjectName, where allowed, asks for other names. */
		if (!(csr->has_change_subject_name && pr->allow_change_subject_name) &&
		    policy_check_reenroll(csr, client->cert, reason, reasonlen) == -1)
			goto renewal;
		if (policy_check_renewal_window(pr->renewal_window_days,
		    client->cert, now, reason, reasonlen) == -1)
			goto renewal;
	}
	if (ca_not_after <= now) {
		snprintf(reason, reasonlen, "the CA certificate has expired");
		return -1;
	}
	policy_plan(pr, csr, now, ca_not_after, plan);
	/* No keyUsage extension would allow every use: refuse instead. */
	if (pr->key_usage != 0 && plan->key_usage == 0) {
		snprintf(reason, reasonlen, "the profile's key_usage allows nothing "
		    "for this key type");
		return -1;
	}
	return 0;
renewal:
	if (op == EST_OP_SIMPLEENROLL && strlen(reason) + 1 < reasonlen)
		snprintf(reason + strlen(reason), reasonlen - strlen(reason),
		    " (a certificate from this CA renews itself, by simpleenroll too)");
	return -1;
}
