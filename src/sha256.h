/* sha256.h - SHA-256 of a script's text, as 64 lowercase hex digits. */
#ifndef STRATA_SHA256_H
#define STRATA_SHA256_H

#include <stddef.h>

/* Always 0 (the int is kept for the callers' error paths). */
int st_sha256_hex(const void *data, size_t len, char out[65]);

#endif
