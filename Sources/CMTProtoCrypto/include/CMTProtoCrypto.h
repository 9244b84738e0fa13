/*
 * CMTProtoCrypto: AES-256 in IGE mode as used by Telegram's MTProto.
 *
 * Two implementations sit behind one API:
 *   - AES-NI (x86 / x86-64 only), chosen at run time when the CPU has it;
 *   - a portable byte-oriented C implementation everywhere else.
 * Both use the same key schedule layout, so a key prepared by either path can
 * be processed by the other (tests clear `use_aesni` to force the portable
 * path on an AES-NI machine).
 *
 * No heap allocation, no global mutable state apart from a cached CPU-feature
 * flag; all functions are safe to call concurrently on distinct outputs.
 *
 * Security note: the portable fallback uses S-box table lookups and is
 * therefore not constant-time with respect to cache-timing attacks. The AES-NI
 * path is constant-time.
 */
#ifndef CMTPROTOCRYPTO_H
#define CMTPROTOCRYPTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Number of bytes in the AES-256 key schedule: 15 round keys of 16 bytes. */
#define MTP_AES256_SCHEDULE_BYTES (15 * 16)

/*
 * An expanded AES-256 key, either for encryption or for decryption (a key set
 * up with mtp_aes256_set_decrypt_key must only be given to the decrypt
 * function, and vice versa).
 *
 * round_keys layout, shared by both implementations:
 *   - encryption: the FIPS-197 key schedule, round key 0 first;
 *   - decryption: the "equivalent inverse cipher" schedule (FIPS-197 5.3.5):
 *     round keys in reverse order, with InvMixColumns applied to the 13 inner
 *     ones, which is what the AESDEC instruction expects.
 * use_aesni: non-zero to run the AES-NI code. Set by the set_*_key functions
 *   from mtp_aesni_available(); may be cleared afterwards to force the
 *   portable code (never set it on a CPU without AES-NI).
 */
typedef struct mtp_aes256_key {
    uint8_t round_keys[MTP_AES256_SCHEDULE_BYTES];
    int use_aesni;
} mtp_aes256_key;

/* Expands a 32-byte AES-256 key for mtp_aes256_ige_encrypt. */
void mtp_aes256_set_encrypt_key(mtp_aes256_key *key, const uint8_t raw[32]);

/* Expands a 32-byte AES-256 key for mtp_aes256_ige_decrypt. */
void mtp_aes256_set_decrypt_key(mtp_aes256_key *key, const uint8_t raw[32]);

/*
 * AES-256-IGE (Infinite Garble Extension), MTProto's convention, which is
 * also OpenSSL's AES_ige_encrypt convention.
 *
 * IV: 32 bytes, iv[0..16) || iv[16..32):
 *   iv[0..16)  = c_0, the "previous ciphertext block" for the first block;
 *   iv[16..32) = p_0, the "previous plaintext block" for the first block.
 * (In MTProto, both halves come from the msg_key-derived aes_iv, in that
 * order.)
 *
 * For plaintext blocks p_1..p_n and ciphertext blocks c_1..c_n:
 *   encrypt: c_i = E_K(p_i XOR c_{i-1}) XOR p_{i-1}
 *   decrypt: p_i = D_K(c_i XOR p_{i-1}) XOR c_{i-1}
 *
 * length: a multiple of 16 (precondition; any trailing partial block is
 *   neither read nor written).
 * in/out: either the same buffer (in-place) or non-overlapping buffers;
 *   partial overlap is not supported. No alignment is required.
 * The iv is read only, never updated: to continue a stream, the caller builds
 * the next IV from the last ciphertext and plaintext blocks itself.
 */
void mtp_aes256_ige_encrypt(const mtp_aes256_key *key, const uint8_t iv[32],
                            const uint8_t *in, uint8_t *out, size_t length);
void mtp_aes256_ige_decrypt(const mtp_aes256_key *key, const uint8_t iv[32],
                            const uint8_t *in, uint8_t *out, size_t length);

/* 1 if this CPU supports AES-NI (and this build can use it), else 0. */
int mtp_aesni_available(void);

#ifdef __cplusplus
}
#endif

/* SHA-256 of a ‖ b ‖ c (any length may be 0), context on the stack. */
void mtp_sha256_3(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
                  const uint8_t *c, size_t c_len, uint8_t out[32]);

/* SHA-1 of a ‖ b ‖ c (any length may be 0), context on the stack. */
void mtp_sha1_3(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
                const uint8_t *c, size_t c_len, uint8_t out[20]);

/*
 * SHA-256 compression of `blocks` whole 64-byte blocks into `state` (eight words, FIPS 180-4
 * order; start from the standard initial value). Padding is the caller's. With allow_extensions
 * non-zero the x86 SHA instructions are used when the CPU has them (tests pass 0 to check the
 * portable code on such CPUs).
 */
void mtp_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks, int allow_extensions);

/*
 * MTProto 2.0 envelope (x = 0 for client → server, 8 for server → client).
 * derive: aes_key and aes_iv from msg_key.
 * encrypt: msg_key = SHA-256(auth_key[88+x ..< 120+x] ‖ data)[8 ..< 24], then data is encrypted in
 *   place; length is a multiple of 16 (the whole plaintext with padding).
 */
void mtp_envelope_derive(const uint8_t auth_key[256], int x, const uint8_t msg_key[16], uint8_t key[32],
                         uint8_t iv[32]);
void mtp_envelope_encrypt(const uint8_t auth_key[256], int x, uint8_t *data, size_t length, uint8_t msg_key[16]);
/*
 * open: decrypts the `length` bytes (a multiple of 16, at least 32) after the 24-byte packet header
 *   (auth_key_id, msg_key): the first 32 plaintext bytes (salt, session_id, msg_id, seq_no, length)
 *   go to `header`, the rest (body and padding) to `rest`, so the body needs no further copy;
 *   computed_msg_key receives the msg_key of the plaintext, for the caller's constant-time
 *   comparison. Returns 0 when length is invalid.
 */
int mtp_envelope_open(const uint8_t auth_key[256], int x, const uint8_t *packet, size_t length, uint8_t header[32],
                      uint8_t *rest, uint8_t computed_msg_key[16]);

#endif /* CMTPROTOCRYPTO_H */
