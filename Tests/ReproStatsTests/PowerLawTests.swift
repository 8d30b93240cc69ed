import RealModule
import ReproStats
import Testing

@Suite struct PowerLawTests {
    @Test("The log–log slope of an exact power law is its exponent")
    func exponentOfPowerLaw() {
        let x = [1000.0, 2000, 4000, 8000, 16000]
        #expect(abs(PowerLaw.exponent(x: x, y: x.map { 7 * Double.pow($0, -0.8) }) + 0.8) < 1e-12)
        #expect(PowerLaw.exponent(x: [1, 2, 4, 8], y: [3, 3 * 2.0.squareRoot(), 6, 6 * 2.0.squareRoot()])
            .isApproximatelyEqual(to: 0.5, relativeTolerance: 1e-12))
    }

    @Test("Points without a logarithm, or no spread in x, give NaN rather than a number")
    func undefinedCases() {
        #expect(PowerLaw.exponent(x: [1, 2], y: [1, 0]).isNaN, "non-positive values have no logarithm")
        #expect(PowerLaw.exponent(x: [1, 2], y: [1, .infinity]).isNaN)
        #expect(PowerLaw.exponent(x: [3, 3], y: [1, 2]).isNaN, "all x equal")
        #expect(PowerLaw.exponent(x: [3], y: [1]).isNaN, "one point")
    }
}
