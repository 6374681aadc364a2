/// Lane-wise max / min that compile to compare + blend. (The standard library's
/// `pointwiseMax` / `pointwiseMin` are generic lane loops that stay scalar.)
/// NaN handling: a NaN in `a` is kept; a NaN in `b` is ignored.
@inline(__always)
func lanewiseMax(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
    a.replacing(with: b, where: a .< b)
}

@inline(__always)
func lanewiseMin(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
    a.replacing(with: b, where: b .< a)
}
