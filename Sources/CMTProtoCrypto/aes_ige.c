/*
 * AES-256-IGE for MTProto: an AES-NI implementation for x86 / x86-64 and a
 * portable byte-oriented fallback. See include/CMTProtoCrypto.h for the API
 * and the IV convention.
 *
 * Both implementations work on the same key schedule (see the header), and
 * the portable block rounds mirror the semantics of the AESENC / AESDEC
 * instructions so that the two paths are interchangeable.
 */
#include "CMTProtoCrypto.h"

#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define MTP_HAVE_AESNI 1
#include <immintrin.h>
#else
#define MTP_HAVE_AESNI 0
#endif

#define MTP_ROUNDS 14 /* AES-256 */

/* ------------------------------------------------------------------------
 * Portable implementation
 * ------------------------------------------------------------------------
 * The state is 16 bytes in input order, i.e. column-major: byte 4*c + r is
 * row r of column c (FIPS-197 section 3.4). Tables generated from the
 * GF(2^8) definition of the S-box. Not constant-time (table lookups).
 */

static const uint8_t sbox[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
    0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
    0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
    0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
    0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
    0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
    0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
    0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
    0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
    0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
    0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};

static const uint8_t inv_sbox[256] = {
    0x52, 0x09, 0x6a, 0xd5, 0x30, 0x36, 0xa5, 0x38, 0xbf, 0x40, 0xa3, 0x9e, 0x81, 0xf3, 0xd7, 0xfb,
    0x7c, 0xe3, 0x39, 0x82, 0x9b, 0x2f, 0xff, 0x87, 0x34, 0x8e, 0x43, 0x44, 0xc4, 0xde, 0xe9, 0xcb,
    0x54, 0x7b, 0x94, 0x32, 0xa6, 0xc2, 0x23, 0x3d, 0xee, 0x4c, 0x95, 0x0b, 0x42, 0xfa, 0xc3, 0x4e,
    0x08, 0x2e, 0xa1, 0x66, 0x28, 0xd9, 0x24, 0xb2, 0x76, 0x5b, 0xa2, 0x49, 0x6d, 0x8b, 0xd1, 0x25,
    0x72, 0xf8, 0xf6, 0x64, 0x86, 0x68, 0x98, 0x16, 0xd4, 0xa4, 0x5c, 0xcc, 0x5d, 0x65, 0xb6, 0x92,
    0x6c, 0x70, 0x48, 0x50, 0xfd, 0xed, 0xb9, 0xda, 0x5e, 0x15, 0x46, 0x57, 0xa7, 0x8d, 0x9d, 0x84,
    0x90, 0xd8, 0xab, 0x00, 0x8c, 0xbc, 0xd3, 0x0a, 0xf7, 0xe4, 0x58, 0x05, 0xb8, 0xb3, 0x45, 0x06,
    0xd0, 0x2c, 0x1e, 0x8f, 0xca, 0x3f, 0x0f, 0x02, 0xc1, 0xaf, 0xbd, 0x03, 0x01, 0x13, 0x8a, 0x6b,
    0x3a, 0x91, 0x11, 0x41, 0x4f, 0x67, 0xdc, 0xea, 0x97, 0xf2, 0xcf, 0xce, 0xf0, 0xb4, 0xe6, 0x73,
    0x96, 0xac, 0x74, 0x22, 0xe7, 0xad, 0x35, 0x85, 0xe2, 0xf9, 0x37, 0xe8, 0x1c, 0x75, 0xdf, 0x6e,
    0x47, 0xf1, 0x1a, 0x71, 0x1d, 0x29, 0xc5, 0x89, 0x6f, 0xb7, 0x62, 0x0e, 0xaa, 0x18, 0xbe, 0x1b,
    0xfc, 0x56, 0x3e, 0x4b, 0xc6, 0xd2, 0x79, 0x20, 0x9a, 0xdb, 0xc0, 0xfe, 0x78, 0xcd, 0x5a, 0xf4,
    0x1f, 0xdd, 0xa8, 0x33, 0x88, 0x07, 0xc7, 0x31, 0xb1, 0x12, 0x10, 0x59, 0x27, 0x80, 0xec, 0x5f,
    0x60, 0x51, 0x7f, 0xa9, 0x19, 0xb5, 0x4a, 0x0d, 0x2d, 0xe5, 0x7a, 0x9f, 0x93, 0xc9, 0x9c, 0xef,
    0xa0, 0xe0, 0x3b, 0x4d, 0xae, 0x2a, 0xf5, 0xb0, 0xc8, 0xeb, 0xbb, 0x3c, 0x83, 0x53, 0x99, 0x61,
    0x17, 0x2b, 0x04, 0x7e, 0xba, 0x77, 0xd6, 0x26, 0xe1, 0x69, 0x14, 0x63, 0x55, 0x21, 0x0c, 0x7d,
};

/* Multiplication by x (that is, by 2) in GF(2^8) mod x^8 + x^4 + x^3 + x + 1. */
static uint8_t xtime(uint8_t b)
{
    return (uint8_t)((b << 1) ^ ((b >> 7) * 0x1b));
}

/*
 * MixColumns on one column a[0..3]:
 *   b_i = 2 a_i ^ 3 a_{i+1} ^ a_{i+2} ^ a_{i+3}
 *       = a_i ^ (a_0 ^ a_1 ^ a_2 ^ a_3) ^ 2 (a_i ^ a_{i+1})
 */
static void mix_column(uint8_t a[4])
{
    uint8_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    uint8_t all = (uint8_t)(a0 ^ a1 ^ a2 ^ a3);
    a[0] = (uint8_t)(a0 ^ all ^ xtime((uint8_t)(a0 ^ a1)));
    a[1] = (uint8_t)(a1 ^ all ^ xtime((uint8_t)(a1 ^ a2)));
    a[2] = (uint8_t)(a2 ^ all ^ xtime((uint8_t)(a2 ^ a3)));
    a[3] = (uint8_t)(a3 ^ all ^ xtime((uint8_t)(a3 ^ a0)));
}

/*
 * InvMixColumns on one column. The inverse matrix polynomial
 * {0b}x^3 + {0d}x^2 + {09}x + {0e} factors as
 * ({03}x^3 + {01}x^2 + {01}x + {02}) * ({04}x^2 + {05}) mod x^4 + 1,
 * so multiply by ({04}x^2 + {05}) first, i.e. a_i ^= 4 (a_i ^ a_{i+2}),
 * then apply the forward MixColumns.
 */
static void inv_mix_column(uint8_t a[4])
{
    uint8_t u = xtime(xtime((uint8_t)(a[0] ^ a[2])));
    uint8_t v = xtime(xtime((uint8_t)(a[1] ^ a[3])));
    a[0] ^= u;
    a[1] ^= v;
    a[2] ^= u;
    a[3] ^= v;
    mix_column(a);
}

static void xor16(uint8_t *dst, const uint8_t *a, const uint8_t *b)
{
    for (int i = 0; i < 16; i++)
        dst[i] = (uint8_t)(a[i] ^ b[i]);
}

/* One encryption round, like AESENC (last == 0) or AESENCLAST (last != 0):
 * s = [MixColumns](ShiftRows(SubBytes(s))) ^ rk. */
static void enc_round(uint8_t s[16], const uint8_t rk[16], int last)
{
    uint8_t t[16];
    /* SubBytes and ShiftRows: row r rotates left by r columns. */
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++)
            t[4 * c + r] = sbox[s[4 * ((c + r) & 3) + r]];
    if (!last)
        for (int c = 0; c < 4; c++)
            mix_column(t + 4 * c);
    xor16(s, t, rk);
}

/* One decryption round of the equivalent inverse cipher, like AESDEC
 * (last == 0) or AESDECLAST (last != 0):
 * s = [InvMixColumns](InvSubBytes(InvShiftRows(s))) ^ rk. */
static void dec_round(uint8_t s[16], const uint8_t rk[16], int last)
{
    uint8_t t[16];
    /* InvShiftRows and InvSubBytes: row r rotates right by r columns. */
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++)
            t[4 * c + r] = inv_sbox[s[4 * ((c - r) & 3) + r]];
    if (!last)
        for (int c = 0; c < 4; c++)
            inv_mix_column(t + 4 * c);
    xor16(s, t, rk);
}

static void encrypt_block_portable(const uint8_t rk[MTP_AES256_SCHEDULE_BYTES], uint8_t s[16])
{
    xor16(s, s, rk);
    for (int r = 1; r < MTP_ROUNDS; r++)
        enc_round(s, rk + 16 * r, 0);
    enc_round(s, rk + 16 * MTP_ROUNDS, 1);
}

static void decrypt_block_portable(const uint8_t rk[MTP_AES256_SCHEDULE_BYTES], uint8_t s[16])
{
    xor16(s, s, rk);
    for (int r = 1; r < MTP_ROUNDS; r++)
        dec_round(s, rk + 16 * r, 0);
    dec_round(s, rk + 16 * MTP_ROUNDS, 1);
}

/* FIPS-197 key expansion for Nk = 8, Nr = 14: 60 words w[0..59], where
 * w[i] = w[i-8] ^ f(w[i-1]) and f is SubWord(RotWord(.)) ^ Rcon every 8th
 * word, SubWord every 4th, identity otherwise. */
static void expand_key_portable(uint8_t rk[MTP_AES256_SCHEDULE_BYTES], const uint8_t raw[32])
{
    uint8_t rcon = 0x01;
    memcpy(rk, raw, 32);
    for (int i = 8; i < 4 * (MTP_ROUNDS + 1); i++) {
        const uint8_t *prev = rk + 4 * (i - 1);
        uint8_t t[4];
        if (i % 8 == 0) {
            t[0] = (uint8_t)(sbox[prev[1]] ^ rcon);
            t[1] = sbox[prev[2]];
            t[2] = sbox[prev[3]];
            t[3] = sbox[prev[0]];
            rcon = xtime(rcon);
        } else if (i % 8 == 4) {
            for (int k = 0; k < 4; k++)
                t[k] = sbox[prev[k]];
        } else {
            memcpy(t, prev, 4);
        }
        for (int k = 0; k < 4; k++)
            rk[4 * i + k] = (uint8_t)(rk[4 * (i - 8) + k] ^ t[k]);
    }
}

/* Turns an encryption schedule into the equivalent-inverse-cipher schedule:
 * reversed, InvMixColumns on the inner round keys. Works in place. */
static void invert_schedule_portable(uint8_t rk[MTP_AES256_SCHEDULE_BYTES])
{
    uint8_t enc[MTP_AES256_SCHEDULE_BYTES];
    memcpy(enc, rk, sizeof enc);
    for (int r = 0; r <= MTP_ROUNDS; r++) {
        memcpy(rk + 16 * r, enc + 16 * (MTP_ROUNDS - r), 16);
        if (r != 0 && r != MTP_ROUNDS)
            for (int c = 0; c < 4; c++)
                inv_mix_column(rk + 16 * r + 4 * c);
    }
}

/* IGE with the portable block cipher. x tracks the previous ciphertext
 * block, y the previous plaintext block. Each input block is copied before
 * the output is written, so in == out works. */
static void ige_encrypt_portable(const uint8_t *rk, const uint8_t iv[32],
                                 const uint8_t *in, uint8_t *out, size_t blocks)
{
    uint8_t x[16], y[16], p[16], s[16];
    memcpy(x, iv, 16);
    memcpy(y, iv + 16, 16);
    for (size_t i = 0; i < blocks; i++, in += 16, out += 16) {
        memcpy(p, in, 16);
        xor16(s, p, x);
        encrypt_block_portable(rk, s);
        xor16(s, s, y);
        memcpy(out, s, 16);
        memcpy(x, s, 16);
        memcpy(y, p, 16);
    }
}

static void ige_decrypt_portable(const uint8_t *rk, const uint8_t iv[32],
                                 const uint8_t *in, uint8_t *out, size_t blocks)
{
    uint8_t x[16], y[16], c[16], s[16];
    memcpy(x, iv, 16);
    memcpy(y, iv + 16, 16);
    for (size_t i = 0; i < blocks; i++, in += 16, out += 16) {
        memcpy(c, in, 16);
        xor16(s, c, y);
        decrypt_block_portable(rk, s);
        xor16(s, s, x);
        memcpy(out, s, 16);
        memcpy(x, c, 16);
        memcpy(y, s, 16);
    }
}

/* ------------------------------------------------------------------------
 * AES-NI implementation (x86 / x86-64 only)
 * ------------------------------------------------------------------------
 * Compiled with a per-function target attribute, so no global -maes is
 * needed; only called after the run-time CPU check.
 */
#if MTP_HAVE_AESNI

#define MTP_AESNI __attribute__((target("aes,sse4.1")))

/* (w0, w1, w2, w3) -> (w0, w0^w1, w0^w1^w2, w0^w1^w2^w3), 32-bit words. */
MTP_AESNI static __m128i prefix_xor(__m128i v)
{
    v = _mm_xor_si128(v, _mm_slli_si128(v, 4));
    v = _mm_xor_si128(v, _mm_slli_si128(v, 4));
    return _mm_xor_si128(v, _mm_slli_si128(v, 4));
}

/* Next round key from the two before it. AESKEYGENASSIST yields SubWord of
 * words 1 and 3 and RotWord(SubWord(.)) ^ rcon of them; we need the forms for
 * word 3 (the last word of the previous round key), broadcast:
 * lane 3 (0xff) for the RotWord + Rcon step, lane 2 (0xaa) for the SubWord
 * step. Macros because the rcon operand must be an immediate, even at -O0. */
#define MTP_KEY_STEP_ROT(two_back, one_back, rcon)                                  \
    _mm_xor_si128(prefix_xor(two_back),                                               \
                  _mm_shuffle_epi32(_mm_aeskeygenassist_si128((one_back), (rcon)), 0xff))
#define MTP_KEY_STEP_SUB(two_back, one_back)                                        \
    _mm_xor_si128(prefix_xor(two_back),                                               \
                  _mm_shuffle_epi32(_mm_aeskeygenassist_si128((one_back), 0x00), 0xaa))

MTP_AESNI static void expand_key_aesni(uint8_t rk[MTP_AES256_SCHEDULE_BYTES], const uint8_t raw[32])
{
    __m128i k[MTP_ROUNDS + 1];
    k[0] = _mm_loadu_si128((const __m128i *)raw);
    k[1] = _mm_loadu_si128((const __m128i *)(raw + 16));
    k[2] = MTP_KEY_STEP_ROT(k[0], k[1], 0x01);
    k[3] = MTP_KEY_STEP_SUB(k[1], k[2]);
    k[4] = MTP_KEY_STEP_ROT(k[2], k[3], 0x02);
    k[5] = MTP_KEY_STEP_SUB(k[3], k[4]);
    k[6] = MTP_KEY_STEP_ROT(k[4], k[5], 0x04);
    k[7] = MTP_KEY_STEP_SUB(k[5], k[6]);
    k[8] = MTP_KEY_STEP_ROT(k[6], k[7], 0x08);
    k[9] = MTP_KEY_STEP_SUB(k[7], k[8]);
    k[10] = MTP_KEY_STEP_ROT(k[8], k[9], 0x10);
    k[11] = MTP_KEY_STEP_SUB(k[9], k[10]);
    k[12] = MTP_KEY_STEP_ROT(k[10], k[11], 0x20);
    k[13] = MTP_KEY_STEP_SUB(k[11], k[12]);
    k[14] = MTP_KEY_STEP_ROT(k[12], k[13], 0x40);
    for (int r = 0; r <= MTP_ROUNDS; r++)
        _mm_storeu_si128((__m128i *)(rk + 16 * r), k[r]);
}

/* Same transformation as invert_schedule_portable, with AESIMC. In place. */
MTP_AESNI static void invert_schedule_aesni(uint8_t rk[MTP_AES256_SCHEDULE_BYTES])
{
    __m128i k[MTP_ROUNDS + 1];
    for (int r = 0; r <= MTP_ROUNDS; r++)
        k[r] = _mm_loadu_si128((const __m128i *)(rk + 16 * r));
    _mm_storeu_si128((__m128i *)rk, k[MTP_ROUNDS]);
    for (int r = 1; r < MTP_ROUNDS; r++)
        _mm_storeu_si128((__m128i *)(rk + 16 * r), _mm_aesimc_si128(k[MTP_ROUNDS - r]));
    _mm_storeu_si128((__m128i *)(rk + 16 * MTP_ROUNDS), k[0]);
}

/*
 * IGE is inherently sequential, so the speed limit is the latency of the
 * 14 AES rounds per block. Both XORs that IGE adds around the block cipher
 * are folded into round keys to keep them off that dependency chain:
 *   - AESENCLAST ends with "^ round key", so
 *       c_i = AESENCLAST(s, k14) ^ p_{i-1} = AESENCLAST(s, k14 ^ p_{i-1});
 *   - the next block's initial state p_{i+1} ^ c_i ^ k0 is likewise
 *       AESENCLAST(s, k14 ^ p_{i-1} ^ p_{i+1} ^ k0),
 *     computed from the same s in parallel with c_i, instead of after it.
 * Decryption does the same with AESDECLAST (p and c swap roles).
 * The next input block is loaded before the current output block is
 * stored, so in == out is fine.
 */
MTP_AESNI static void ige_encrypt_aesni(const uint8_t *rkb, const uint8_t iv[32],
                                        const uint8_t *in, uint8_t *out, size_t blocks)
{
    __m128i k[MTP_ROUNDS + 1];
    __m128i s, p, prev_p;
    if (blocks == 0)
        return;
    for (int r = 0; r <= MTP_ROUNDS; r++)
        k[r] = _mm_loadu_si128((const __m128i *)(rkb + 16 * r));

    prev_p = _mm_loadu_si128((const __m128i *)(iv + 16));
    p = _mm_loadu_si128((const __m128i *)in);
    /* Round-0 state of block 1: p_1 ^ c_0 ^ k0. */
    s = _mm_xor_si128(_mm_xor_si128(p, k[0]), _mm_loadu_si128((const __m128i *)iv));

    for (size_t i = 1;; i++) {
        __m128i last = _mm_xor_si128(k[MTP_ROUNDS], prev_p);
        for (int r = 1; r < MTP_ROUNDS; r++)
            s = _mm_aesenc_si128(s, k[r]);
        if (i == blocks) {
            _mm_storeu_si128((__m128i *)(out + 16 * (i - 1)), _mm_aesenclast_si128(s, last));
            return;
        }
        __m128i next = _mm_loadu_si128((const __m128i *)(in + 16 * i));
        __m128i c = _mm_aesenclast_si128(s, last);
        s = _mm_aesenclast_si128(s, _mm_xor_si128(last, _mm_xor_si128(next, k[0])));
        _mm_storeu_si128((__m128i *)(out + 16 * (i - 1)), c);
        prev_p = p;
        p = next;
    }
}

MTP_AESNI static void ige_decrypt_aesni(const uint8_t *rkb, const uint8_t iv[32],
                                        const uint8_t *in, uint8_t *out, size_t blocks)
{
    __m128i k[MTP_ROUNDS + 1];
    __m128i s, c, prev_c;
    if (blocks == 0)
        return;
    for (int r = 0; r <= MTP_ROUNDS; r++)
        k[r] = _mm_loadu_si128((const __m128i *)(rkb + 16 * r));

    prev_c = _mm_loadu_si128((const __m128i *)iv);
    c = _mm_loadu_si128((const __m128i *)in);
    /* Round-0 state of block 1: c_1 ^ p_0 ^ dk0. */
    s = _mm_xor_si128(_mm_xor_si128(c, k[0]), _mm_loadu_si128((const __m128i *)(iv + 16)));

    for (size_t i = 1;; i++) {
        __m128i last = _mm_xor_si128(k[MTP_ROUNDS], prev_c);
        for (int r = 1; r < MTP_ROUNDS; r++)
            s = _mm_aesdec_si128(s, k[r]);
        if (i == blocks) {
            _mm_storeu_si128((__m128i *)(out + 16 * (i - 1)), _mm_aesdeclast_si128(s, last));
            return;
        }
        __m128i next = _mm_loadu_si128((const __m128i *)(in + 16 * i));
        __m128i p = _mm_aesdeclast_si128(s, last);
        s = _mm_aesdeclast_si128(s, _mm_xor_si128(last, _mm_xor_si128(next, k[0])));
        _mm_storeu_si128((__m128i *)(out + 16 * (i - 1)), p);
        prev_c = c;
        c = next;
    }
}

#endif /* MTP_HAVE_AESNI */

/* ------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------ */

/* 0 = not yet checked, 1 = no AES-NI, 2 = AES-NI. Every thread that races
 * here computes the same value; relaxed atomics make the race well-defined. */
static int aesni_state;

int mtp_aesni_available(void)
{
#if MTP_HAVE_AESNI
    int state = __atomic_load_n(&aesni_state, __ATOMIC_RELAXED);
    if (state == 0) {
        __builtin_cpu_init();
        /* SSE4.1 too, since the AES-NI functions are compiled for it. */
        state = (__builtin_cpu_supports("aes") && __builtin_cpu_supports("sse4.1")) ? 2 : 1;
        __atomic_store_n(&aesni_state, state, __ATOMIC_RELAXED);
    }
    return state == 2;
#else
    (void)aesni_state;
    return 0;
#endif
}

void mtp_aes256_set_encrypt_key(mtp_aes256_key *key, const uint8_t raw[32])
{
    key->use_aesni = mtp_aesni_available();
#if MTP_HAVE_AESNI
    if (key->use_aesni) {
        expand_key_aesni(key->round_keys, raw);
        return;
    }
#endif
    expand_key_portable(key->round_keys, raw);
}

void mtp_aes256_set_decrypt_key(mtp_aes256_key *key, const uint8_t raw[32])
{
    key->use_aesni = mtp_aesni_available();
#if MTP_HAVE_AESNI
    if (key->use_aesni) {
        expand_key_aesni(key->round_keys, raw);
        invert_schedule_aesni(key->round_keys);
        return;
    }
#endif
    expand_key_portable(key->round_keys, raw);
    invert_schedule_portable(key->round_keys);
}

void mtp_aes256_ige_encrypt(const mtp_aes256_key *key, const uint8_t iv[32],
                            const uint8_t *in, uint8_t *out, size_t length)
{
    size_t blocks = length / 16;
#if MTP_HAVE_AESNI
    if (key->use_aesni) {
        ige_encrypt_aesni(key->round_keys, iv, in, out, blocks);
        return;
    }
#endif
    ige_encrypt_portable(key->round_keys, iv, in, out, blocks);
}

void mtp_aes256_ige_decrypt(const mtp_aes256_key *key, const uint8_t iv[32],
                            const uint8_t *in, uint8_t *out, size_t length)
{
    size_t blocks = length / 16;
#if MTP_HAVE_AESNI
    if (key->use_aesni) {
        ige_decrypt_aesni(key->round_keys, iv, in, out, blocks);
        return;
    }
#endif
    ige_decrypt_portable(key->round_keys, iv, in, out, blocks);
}
