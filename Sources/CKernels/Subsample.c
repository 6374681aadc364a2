// Every other column of rows (`CKSubsample2`): the copy a 1×1 stride-2 convolution runs on
// (`Conv2D+Subsampling`). Done element by element it was a sixth of a ResNet projection's time
// on one core (ResNet50's 1×1/2 256 → 128 at 56×56).
#include "MicroKernelVariants.h"

void ck_portable_subsample2(const float *source, ptrdiff_t pitch, ptrdiff_t rows, ptrdiff_t outWidth, float *target)
{
    for (ptrdiff_t y = 0; y < rows; y++) {
        const float *row = source + y * pitch;
        for (ptrdiff_t x = 0; x < outWidth; x++) target[x] = row[2 * x];
        target += outWidth;
    }
}

#if CK_X86
#include <immintrin.h>

/// 8 outputs from two 8-float loads: shuffle_ps takes lanes 0 and 2 of each 128-bit half of
/// both (a0 a2 b0 b2 | a4 a6 b4 b6), the 64-bit permute puts them in order.
__attribute__((target("avx2"))) void ck_avx2_subsample2(
    const float *source, ptrdiff_t pitch, ptrdiff_t rows, ptrdiff_t outWidth, float *target)
{
    for (ptrdiff_t y = 0; y < rows; y++) {
        const float *row = source + y * pitch;
        ptrdiff_t x = 0;
        // Loads end at 2x + 16, inside the row while 2x + 16 <= 2 · outWidth - 1, the last read.
        for (; x + 8 <= outWidth && 2 * x + 16 <= 2 * outWidth - 1; x += 8) {
            __m256 a = _mm256_loadu_ps(row + 2 * x), b = _mm256_loadu_ps(row + 2 * x + 8);
            __m256 evens = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
            _mm256_storeu_ps(target + x, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(evens), 0xD8)));
        }
        for (; x < outWidth; x++) target[x] = row[2 * x];
        target += outWidth;
    }
}

/// 16 outputs from two 16-float loads and one two-source permute; the row's end by masks, so
/// no read passes the last column used.
__attribute__((target("avx512f"))) void ck_avx512_subsample2(
    const float *source, ptrdiff_t pitch, ptrdiff_t rows, ptrdiff_t outWidth, float *target)
{
    const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    for (ptrdiff_t y = 0; y < rows; y++) {
        const float *row = source + y * pitch;
        for (ptrdiff_t x = 0; x < outWidth; x += 16) {
            ptrdiff_t n = outWidth - x < 16 ? outWidth - x : 16;
            // Inputs 2x ... 2x + 2n - 2: the first 16 and the rest.
            ptrdiff_t used = 2 * n - 1;
            __mmask16 low = used >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << used) - 1u);
            __mmask16 high = used <= 16 ? 0 : (__mmask16)((1u << (used - 16)) - 1u);
            __m512 a = _mm512_maskz_loadu_ps(low, row + 2 * x);
            __m512 b = _mm512_maskz_loadu_ps(high, row + 2 * x + 16);
            _mm512_mask_storeu_ps(target + x, (__mmask16)((1u << n) - 1u), _mm512_permutex2var_ps(a, evens, b));
        }
        target += outWidth;
    }
}
#endif
