/*
 * The MTProto 2.0 envelope's cryptography in one pass each way (messages notes §2–§3): msg_key,
 * the aes_key/aes_iv derivation and AES-256-IGE, with every intermediate value on the stack and
 * wiped before returning. The Swift side lays out the plaintext and applies the checks.
 */
#include <string.h>

#include "CMTProtoCrypto.h"

static void wipe(void *p, size_t n) {
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n--) *v++ = 0;
}

void mtp_envelope_derive(const uint8_t auth_key[256], int x, const uint8_t msg_key[16], uint8_t key[32],
                         uint8_t iv[32]) {
    uint8_t a[32], b[32];
    mtp_sha256_3(msg_key, 16, auth_key + x, 36, NULL, 0, a);
    mtp_sha256_3(auth_key + 40 + x, 36, msg_key, 16, NULL, 0, b);
    memcpy(key, a, 8);
    memcpy(key + 8, b + 8, 16);
    memcpy(key + 24, a + 24, 8);
    memcpy(iv, b, 8);
    memcpy(iv + 8, a + 8, 16);
    memcpy(iv + 24, b + 24, 8);
    wipe(a, sizeof a);
    wipe(b, sizeof b);
}

void mtp_envelope_encrypt(const uint8_t auth_key[256], int x, uint8_t *data, size_t length, uint8_t msg_key[16]) {
    uint8_t large[32], key[32], iv[32];
    mtp_aes256_key schedule;
    mtp_sha256_3(auth_key + 88 + x, 32, data, length, NULL, 0, large);
    memcpy(msg_key, large + 8, 16);
    mtp_envelope_derive(auth_key, x, msg_key, key, iv);
    mtp_aes256_set_encrypt_key(&schedule, key);
    mtp_aes256_ige_encrypt(&schedule, iv, data, data, length);
    wipe(&schedule, sizeof schedule);
    wipe(key, sizeof key);
    wipe(iv, sizeof iv);
    wipe(large, sizeof large);
}

static const uint32_t sha256_initial[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* IGE decryption continues across calls: the IV of the next piece is (last ciphertext block, last
 * plaintext block) of the previous one. */
static void next_iv(uint8_t iv[32], const uint8_t *cipher_end, const uint8_t *plain_end) {
    memcpy(iv, cipher_end - 16, 16);
    memcpy(iv + 16, plain_end - 16, 16);
}

/*
 * The plaintext is decrypted 64 bytes at a time and each piece is hashed right away, while it is
 * in L1 cache; the SHA-256 of one piece and the AES of the next are independent, so the CPU runs
 * them side by side. SHA-256 input: auth_key[88+x ..< 120+x] ‖ header (32) ‖ rest, so every SHA
 * block after the first is exactly one 64-byte piece of `rest`.
 */
int mtp_envelope_open(const uint8_t auth_key[256], int x, const uint8_t *packet, size_t length, uint8_t header[32],
                      uint8_t *rest, uint8_t computed_msg_key[16]) {
    uint8_t key[32], iv[32], block[128];
    uint32_t state[8];
    mtp_aes256_key schedule;
    if (length < 32 || length % 16 != 0) return 0;
    const uint8_t *msg_key = packet + 8, *cipher = packet + 24;
    size_t rest_length = length - 32, whole = rest_length / 64 * 64, tail = rest_length - whole;

    mtp_envelope_derive(auth_key, x, msg_key, key, iv);
    mtp_aes256_set_decrypt_key(&schedule, key);
    mtp_aes256_ige_decrypt(&schedule, iv, cipher, header, 32);
    next_iv(iv, cipher + 32, header + 32);

    memcpy(state, sha256_initial, sizeof state);
    memcpy(block, auth_key + 88 + x, 32);
    memcpy(block + 32, header, 32);
    mtp_sha256_blocks(state, block, 1, 1);
    for (size_t offset = 0; offset < whole; offset += 64) {
        mtp_aes256_ige_decrypt(&schedule, iv, cipher + 32 + offset, rest + offset, 64);
        next_iv(iv, cipher + 32 + offset + 64, rest + offset + 64);
        mtp_sha256_blocks(state, rest + offset, 1, 1);
    }
    mtp_aes256_ige_decrypt(&schedule, iv, cipher + 32 + whole, rest + whole, tail);

    /* The last 0–48 bytes, the 0x80 marker, zeros and the message length in bits (big-endian). */
    uint64_t bits = (uint64_t)(64 + rest_length) * 8;
    size_t final_blocks = tail + 9 <= 64 ? 1 : 2;
    memset(block, 0, sizeof block);
    memcpy(block, rest + whole, tail);
    block[tail] = 0x80;
    for (int i = 0; i < 8; i++) block[64 * final_blocks - 1 - i] = (uint8_t)(bits >> (8 * i));
    mtp_sha256_blocks(state, block, final_blocks, 1);
    for (int i = 0; i < 4; i++) {
        uint32_t word = state[2 + i]; /* digest bytes 8 ..< 24 */
        computed_msg_key[4 * i] = (uint8_t)(word >> 24);
        computed_msg_key[4 * i + 1] = (uint8_t)(word >> 16);
        computed_msg_key[4 * i + 2] = (uint8_t)(word >> 8);
        computed_msg_key[4 * i + 3] = (uint8_t)word;
    }
    wipe(&schedule, sizeof schedule);
    wipe(key, sizeof key);
    wipe(iv, sizeof iv);
    wipe(block, sizeof block);
    wipe(state, sizeof state);
    return 1;
}
