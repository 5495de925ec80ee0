/*
 * spki_ec: an OpenSSL decoder for EC SubjectPublicKeyInfo on a named
 * curve, for certparse's private provider.
 *
 * The default provider's decoder builds the curve's group anew for every
 * key (EC_GROUP_new_by_curve_name: about a third of a P-256 client
 * certificate's parse). This one copies a kept key of the curve with the
 * default provider's own EC key manager (dup) and gives it the point
 * (set_params, which refuses a point off the curve, as d2i does). The key
 * it hands over is the default provider's, loaded by the default's
 * key manager.
 *
 * It decodes only the exact DER of
 *   SEQUENCE { SEQUENCE { id-ecPublicKey, namedCurve OID }, BIT STRING }
 * for P-256, P-384 and P-521; anything else it leaves undecoded (the
 * decoder "empty-handed" answer), and certparse falls back to d2i_X509.
 */
#ifndef EST_SPKI_EC_H
#define EST_SPKI_EC_H

#include <openssl/core.h>

/*
 * Makes the kept keys with the default provider's EC key manager (its
 * dispatch table and provider context). Returns 0 when it could not.
 */
int	 spki_ec_init(const OSSL_DISPATCH *ec_keymgmt, void *provctx);

/* The core's functions given to the provider's init (BIO reading). */
int	 spki_ec_set_core(const OSSL_DISPATCH *core_in);

/* The decoder's dispatch table (OSSL_OP_DECODER). */
extern const OSSL_DISPATCH spki_ec_decoder_functions[];

/* Frees the kept keys. */
void	 spki_ec_cleanup(void);

#endif
