// The variant table and the CPU feature checks that pick among them.
#include "MicroKernelVariants.h"

static const CKMicroKernel variants[] = {
#if CK_X86
    {"avx512", CK_AVX512_ROWS, 16, 3, ck_avx512_multiply_panels, ck_avx512_multiply_tile,
        ck_avx512_winograd_input, ck_avx512_winograd_output,
        ck_avx2_winograd4_input, ck_avx2_winograd4_output, ck_avx2_winograd4_split, ck_avx512_subsample2},
    {"avx2", CK_AVX2_ROWS, 16, 1, ck_avx2_multiply_panels, ck_avx2_multiply_tile,
        ck_avx2_winograd_input, ck_avx2_winograd_output,
        ck_avx2_winograd4_input, ck_avx2_winograd4_output, ck_avx2_winograd4_split, ck_avx2_subsample2},
#endif
    {"portable", CK_PORTABLE_ROWS, 16, 1, ck_portable_multiply_panels, ck_portable_multiply_tile,
        ck_portable_winograd_input, ck_portable_winograd_output,
        ck_portable_winograd4_input, ck_portable_winograd4_output, ck_portable_winograd4_split,
        ck_portable_subsample2},
};

int ck_micro_kernel_count(void) { return (int)(sizeof variants / sizeof variants[0]); }

const CKMicroKernel *ck_micro_kernel_at(int index)
{
    if (index < 0 || index >= ck_micro_kernel_count()) return 0;
    return &variants[index];
}

#if CK_X86
#include <cpuid.h>

/// XCR0: which register states the OS saves (so the instructions may be used).
static unsigned long long os_saved_states(void)
{
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

static int detect_x86_level(void)
{
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!(fma && osxsave && avx)) return 0;
    unsigned long long xcr0 = os_saved_states();
    if ((xcr0 & 0x6) != 0x6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1, avx512vl = (b >> 31) & 1;
    if (!avx2) return 0;
    // VL too: the F(2×2) transforms of the AVX-512 variant are built with it (every AVX-512
    // CPU but the Xeon Phi has it; the Phi takes the AVX2 variant).
    if (avx512f && avx512vl && (xcr0 & 0xE0) == 0xE0) return 2;
    return 1;
}

/// Intel family 6 models with two 512-bit FMA units: Skylake-SP / Cascade Lake (0x55; its Silver
/// and Bronze parts have one), Ice Lake-SP (0x6A, 0x6C), Sapphire Rapids (0x8F), Emerald Rapids
/// (0xCF), Granite Rapids (0xAD, 0xAE).
static int detect_two_zmm_fma_ports(void)
{
    unsigned int a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return 0;
    const int intel = b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e; // "GenuineIntel"
    const int amd = b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163;   // "AuthenticAMD"
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const unsigned int baseFamily = (a >> 8) & 0xF;
    const unsigned int family = baseFamily + (baseFamily == 0xF ? (a >> 20) & 0xFF : 0);
    const unsigned int model = ((a >> 4) & 0xF) | ((baseFamily == 6 || baseFamily == 0xF) ? ((a >> 16) & 0xF) << 4 : 0);
    if (intel && family == 6) {
        switch (model) {
        case 0x55: case 0x6A: case 0x6C: case 0x8F: case 0xCF: case 0xAD: case 0xAE: return 1;
        default: return 0;
        }
    }
    return amd && family >= 0x1A;
}

int ck_two_zmm_fma_ports(void)
{
    static volatile int known = -1;
    int value = known;
    if (value < 0) {
        value = ck_x86_level() >= 2 && detect_two_zmm_fma_ports();
        known = value;
    }
    return value;
}

int ck_x86_level(void)
{
    // Racing first calls all store the same value.
    static volatile int level = -1;
    int known = level;
    if (known < 0) {
        known = detect_x86_level();
        level = known;
    }
    return known;
}
#endif

#if !CK_X86
int ck_two_zmm_fma_ports(void) { return 0; }
#endif

int ck_micro_kernel_supported(int index)
{
    const CKMicroKernel *kernel = ck_micro_kernel_at(index);
    if (!kernel) return 0;
#if CK_X86
    if (kernel->multiplyPanels == ck_avx512_multiply_panels) return ck_x86_level() >= 2;
    if (kernel->multiplyPanels == ck_avx2_multiply_panels) return ck_x86_level() >= 1;
#endif
    return 1;
}
