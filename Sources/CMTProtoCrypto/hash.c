/*
 * SHA-1 and SHA-256 over up to three byte ranges, with the context on the stack: the MTProto
 * envelope hashes small pieces many times per message, and OpenSSL's EVP interface allocates a
 * context for every digest. The low-level SHA functions are deprecated in OpenSSL 3 but remain the
 * allocation-free path; the warning is silenced for this file only.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>

#include "CMTProtoCrypto.h"

void mtp_sha256_3(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
                  const uint8_t *c, size_t c_len, uint8_t out[32]) {
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    if (a_len) SHA256_Update(&ctx, a, a_len);
    if (b_len) SHA256_Update(&ctx, b, b_len);
    if (c_len) SHA256_Update(&ctx, c, c_len);
    SHA256_Final(out, &ctx);
}

void mtp_sha1_3(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
                const uint8_t *c, size_t c_len, uint8_t out[20]) {
    SHA_CTX ctx;
    SHA1_Init(&ctx);
    if (a_len) SHA1_Update(&ctx, a, a_len);
    if (b_len) SHA1_Update(&ctx, b, b_len);
    if (c_len) SHA1_Update(&ctx, c, c_len);
    SHA1_Final(out, &ctx);
}
