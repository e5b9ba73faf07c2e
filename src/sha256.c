/* sha256.c - SHA-256 of applied scripts, for the history table's checksums, from GNU Nettle.
 *
 * Nettle rather than OpenSSL's libcrypto, which strata used before: with libcrypto linked,
 * mapping and relocating it was most of what remained of start-up once libpq was opened on
 * demand, and the first digest initialised OpenSSL's provider machinery, which left 3.4 MiB
 * of its pages resident (docs/internals/performance.md).  Nettle is a maintained library of
 * plain functions over a caller-owned context: no global state, nothing to initialise. */
#include "sha256.h"

#include <nettle/sha2.h>

int st_sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t md[SHA256_DIGEST_SIZE];
	size_t i;

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof(md), md);
	for (i = 0; i < sizeof(md); i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[64] = '\0';
	return 0;
}
