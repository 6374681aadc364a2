// What both Winograd transform files (F(2×2) and F(4×4)) build on: GCC/Clang vector types,
// unaligned loads and stores, and the clamps of the fused activation. Internal to CKernels
// (not under include/, so Swift never sees it).
#ifndef CK_WINOGRAD_VECTORS_H
#define CK_WINOGRAD_VECTORS_H

typedef float v8 __attribute__((vector_size(32)));
typedef float v16 __attribute__((vector_size(64)));
typedef int v16i __attribute__((vector_size(64)));
/// Unaligned views for loads and stores.
typedef float v8u __attribute__((vector_size(32), aligned(4)));
typedef float v16u __attribute__((vector_size(64), aligned(4)));

#define CK_INLINE static inline __attribute__((always_inline))
#define load8(p) ((v8) * (const v8u *)(p))
#define store8(p, x) (*(v8u *)(p) = (x))
#define load16(p) ((v16) * (const v16u *)(p))
#define store16(p, x) (*(v16u *)(p) = (x))

/// x = min(upper, max(lower, x)) lane by lane, NaN kept (a macro: vectors stay out of
/// function signatures, whose ABI depends on the target).
#define CLAMP16(x, lower, upper)                                       \
    do {                                                               \
        v16 lo_ = (lower) - (v16){0}, hi_ = (upper) - (v16){0};        \
        v16i below_ = (x) < lo_, above_ = (x) > hi_;                   \
        v16i bits_ = ((v16i)(x) & ~below_) | ((v16i)lo_ & below_);     \
        bits_ = (bits_ & ~above_) | ((v16i)hi_ & above_);              \
        (x) = (v16)bits_;                                              \
    } while (0)

/// min(upper, max(lower, x)), NaN kept.
CK_INLINE float clamp1(float x, float lower, float upper)
{
    if (x < lower) x = lower;
    if (x > upper) x = upper;
    return x;
}

#endif
