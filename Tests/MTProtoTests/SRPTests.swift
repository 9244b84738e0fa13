@testable import MTProto
import Testing

/// SRP against the gotd/td vector in the API notes (a = 1, which the range check would refuse).
@Suite struct SRPTests {
    static let parameters: SRP.Parameters = SRP.Parameters(
        salt1: hex("4D11FB6BEC38F9D2546BB0F61E4F1C99A1BC0DB8F0D5F35B1291B37B213123D7ED48F3C6794D495B"),
        salt2: hex("A1B181AAFE88188680AE32860D60BB01"), g: 3, p: DHParameters.knownPrime,
        srpB: hex("""
            9C52401A6A8084EC82F01C3725D3FB448BD2F0C909F9D97726EAC4B7A74172D952F02466BE6734FA274D2B7429E27397
            F10372D66B400B80A5C5AE3F28B17BF3105D7A2D2A885998CDC2DEFC208AEC217AB58859A9ABC2374AD93DC285F4B3FB
            CAFF4143D7888F2425BD2FB711B25609CEB21757D935B1EF2F042173AD0CE2FE0E474DAC53914BD25A8A9AED4AEA8953
            D55CB88621DB37B871EA0D04393AC0987F68094CCC9DE8239251375D8FFFD263316CD528C097B7BC9FB919FBEDB76C52
            5DF3413C374EE076D97A1E6D352BB7CC80FD13651B04B32E2E48C5268150842CFD07CF855958B1B5EA9C36FDAD697FE3
            AEC8DCC6B1EFEC36874AF226204676CF
            """), srpID: 5)

    @Test func gotdVector() throws {
        let x: [UInt8] = SRP.passwordHash(Array("123123".utf8), salt1: Self.parameters.salt1, salt2: Self.parameters.salt2)
        #expect(hexString(x) == "55a33fcadca739ca2819d8209cd098413d8e072a24ebc69c60f60ff20f8ac1ba")
        let one: ScriptedEntropy = ScriptedEntropy { (count: Int) -> [UInt8] in [UInt8](repeating: 0, count: count - 1) + [1] }
        let answer: SRP.Answer = try SRP.answer(passwordHash: x, parameters: Self.parameters, entropy: one, checkRanges: false)
        #expect(answer.A == [UInt8](repeating: 0, count: 255) + [3])
        #expect(hexString(answer.M1) == "999df906bda2c6cbb52f503406eba2d0d0503ace0cc302c38f13ee5010ad4051")
        #expect(answer.srpID == 5)
        #expect(!answer.description.contains("999d"))
    }

    @Test func badGroupsAndBAreRejected() {
        var wrongG: SRP.Parameters = Self.parameters
        wrongG.g = 2
        #expect(throws: SRP.Failure.invalidGroup(.invalidGenerator(2))) {
            _ = try SRP.answer(password: "x", parameters: wrongG, entropy: SystemEntropy())
        }
        var zeroB: SRP.Parameters = Self.parameters
        zeroB.srpB = [UInt8](repeating: 0, count: 256)
        #expect(throws: SRP.Failure.invalidB) { _ = try SRP.answer(password: "x", parameters: zeroB, entropy: SystemEntropy()) }
        var bigB: SRP.Parameters = Self.parameters
        bigB.srpB = [UInt8](repeating: 0xff, count: 256)
        #expect(throws: SRP.Failure.invalidB) { _ = try SRP.answer(password: "x", parameters: bigB, entropy: SystemEntropy()) }
    }
}
