/// The three matrices of a 1-D Winograd / Toom-Cook correlation F(m, r): m outputs of an
/// r-tap filter from n = m + r - 1 inputs, with n multiplications instead of m·r:
///
///     y = Aᵀ [ (G g) ⊙ (Bᵀ d) ]
///
/// Built from n - 1 finite interpolation points pᵢ and the point at infinity (Lavin & Gray 2016,
/// §4; Toom-Cook). Derivation: the linear convolution s = g ∗ h of an r-tap g and an m-tap h is
/// recovered from its values at the points, s(x) = s_{n-1}·P(x) + Σᵢ s(pᵢ)·Nᵢ(x)/fᵢ, with
/// P(x) = Πᵢ (x - pᵢ), Nᵢ(x) = Π_{l≠i} (x - p_l) and fᵢ = Nᵢ(pᵢ); correlation is the transpose
/// of that map. Hence, for finite rows i and the last (infinite) row:
/// - Aᵀ[j][i] = pᵢʲ, Aᵀ[j][n-1] = 1 only for j = m - 1;
/// - G[i][k] = pᵢᵏ / fᵢ, G[n-1][k] = 1 only for k = r - 1;
/// - Bᵀ[i][t] = the coefficient of xᵗ in Nᵢ(x), Bᵀ[n-1][t] = the coefficient of xᵗ in P(x).
///
/// Everything is computed in Double; callers round once to Float. `Conv2DTests` checks the
/// identity against the direct sum for every (m, r) the runtime uses.
struct ToomCookMatrices: Sendable {
    let outputs: Int
    let taps: Int
    /// n = m + r - 1.
    var inputs: Int { outputs + taps - 1 }
    /// Aᵀ, m × n.
    let outputTransform: [[Double]]
    /// G, n × r.
    let filterTransform: [[Double]]
    /// Bᵀ, n × n.
    let inputTransform: [[Double]]

    /// The finite points used for n inputs: small integers and halves first, whose powers stay
    /// small (the rounding error of the transformed products grows with the entries).
    static func points(count: Int) -> [Double] {
        let preferred: [Double] = [0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 1.0 / 3, -1.0 / 3, 4, -4]
        precondition(count <= preferred.count, "no Toom-Cook points for \(count) inputs")
        return Array(preferred.prefix(count))
    }

    init(outputs m: Int, taps r: Int) {
        precondition(m >= 1 && r >= 1)
        outputs = m
        taps = r
        let n = m + r - 1
        let p = Self.points(count: n - 1)
        // Coefficients (lowest power first) of Π over `roots` of (x - root).
        func product(of roots: [Double]) -> [Double] {
            var c: [Double] = [1]
            for root in roots {
                var next = [Double](repeating: 0, count: c.count + 1)
                for (t, value) in c.enumerated() {
                    next[t + 1] += value
                    next[t] -= root * value
                }
                c = next
            }
            return c
        }
        func power(_ x: Double, _ e: Int) -> Double { e == 0 ? 1 : (1...e).reduce(1) { acc, _ in acc * x } }

        var at = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
        var g = [[Double]](repeating: [Double](repeating: 0, count: r), count: n)
        var bt = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<(n - 1) {
            var others = p
            others.remove(at: i)
            let f = others.reduce(1.0) { $0 * (p[i] - $1) }
            for j in 0..<m { at[j][i] = power(p[i], j) }
            for k in 0..<r { g[i][k] = power(p[i], k) / f }
            bt[i] = product(of: others) + [0]
        }
        at[m - 1][n - 1] = 1
        g[n - 1][r - 1] = 1
        bt[n - 1] = product(of: p)
        outputTransform = at
        filterTransform = g
        inputTransform = bt
    }

    /// y = Aᵀ[(G g) ⊙ (Bᵀ d)] in Double: the identity the matrices promise (tests).
    func correlate(filter g: [Double], inputs d: [Double]) -> [Double] {
        let n = inputs
        var products = [Double](repeating: 0, count: n)
        for xi in 0..<n {
            let u = (0..<taps).reduce(0.0) { $0 + filterTransform[xi][$1] * g[$1] }
            let v = (0..<n).reduce(0.0) { $0 + inputTransform[xi][$1] * d[$1] }
            products[xi] = u * v
        }
        return (0..<outputs).map { j in (0..<n).reduce(0.0) { $0 + outputTransform[j][$1] * products[$1] } }
    }
}
