/*
 * The SHA-256 compression function over whole 64-byte blocks, for callers that interleave hashing
 * with other work (the envelope hashes each chunk of plaintext right after decrypting it, so the
 * CPU overlaps the SHA and AES dependency chains). Two implementations behind one entry point:
 * the x86 SHA extensions when the CPU has them, portable C otherwise (FIPS 180-4 §6.2).
 */
#include <string.h>

#include "CMTProtoCrypto.h"

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t v, int n) { return (v >> n) | (v << (32 - n)); }

static void compress_portable(uint32_t state[8], const uint8_t *data, size_t blocks) {
    for (; blocks > 0; blocks--, data += 64) {
        uint32_t w[64];
        for (int t = 0; t < 16; t++)
            w[t] = (uint32_t)data[4 * t] << 24 | (uint32_t)data[4 * t + 1] << 16 | (uint32_t)data[4 * t + 2] << 8 | data[4 * t + 3];
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + round_constants[t] + w[t];
            uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MTP_HAVE_SHANI 1
#define MTP_SHANI __attribute__((target("sha,sse4.1,ssse3")))

/*
 * The SHA extensions keep the eight working variables in two registers, (a, b, e, f) and
 * (c, d, g, h), each 32-bit lane holding one variable; SHA256RNDS2 performs two rounds from the
 * low two lanes of a (message word + round constant) register. Message words of group g (rounds
 * 4g..4g+3) come from the previous four groups:
 *   W_g = MSG2(MSG1(W_{g-4}, W_{g-3}) + (words 4g-7 .. 4g-4), W_{g-1}).
 */
MTP_SHANI static void compress_shani(uint32_t state[8], const uint8_t *data, size_t blocks) {
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)state);       /* lanes: a b c d */
    __m128i hgfe = _mm_loadu_si128((const __m128i *)(state + 4)); /* lanes: e f g h */
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
    for (; blocks > 0; blocks--, data += 64) {
        __m128i saved_abef = abef, saved_cdgh = cdgh;
        __m128i w[4];
#pragma clang loop unroll(full)
        for (int g = 0; g < 16; g++) {
            __m128i words;
            if (g < 4) {
                words = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * g)), byte_swap);
            } else {
                __m128i back4 = w[g & 3], back3 = w[(g + 1) & 3], back2 = w[(g + 2) & 3], back1 = w[(g + 3) & 3];
                __m128i partial = _mm_add_epi32(_mm_sha256msg1_epu32(back4, back3), _mm_alignr_epi8(back1, back2, 4));
                words = _mm_sha256msg2_epu32(partial, back1);
            }
            w[g & 3] = words;
            __m128i sum = _mm_add_epi32(words, _mm_loadu_si128((const __m128i *)(round_constants + 4 * g)));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sum);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(sum, 0x0E));
        }
        abef = _mm_add_epi32(abef, saved_abef);
        cdgh = _mm_add_epi32(cdgh, saved_cdgh);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)state, _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)(state + 4), _mm_alignr_epi8(dchg, feba, 8));
}

/* 0 = not yet checked, 1 = no, 2 = yes (relaxed atomics: every racer computes the same value). */
static int shani_state;

static int shani_available(void) {
    int s = __atomic_load_n(&shani_state, __ATOMIC_RELAXED);
    if (s == 0) {
        __builtin_cpu_init();
        s = (__builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("ssse3")) ? 2 : 1;
        __atomic_store_n(&shani_state, s, __ATOMIC_RELAXED);
    }
    return s == 2;
}
#endif

void mtp_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks, int allow_extensions) {
#if MTP_HAVE_SHANI
    if (allow_extensions && shani_available()) {
        compress_shani(state, data, blocks);
        return;
    }
#endif
    (void)allow_extensions;
    compress_portable(state, data, blocks);
}
