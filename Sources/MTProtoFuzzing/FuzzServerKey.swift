import MTProto
import TLSchema

/// The RSA key pair the fuzzing server holds: fixed (generated once with `openssl genrsa 2048`), so
/// runs repeat exactly and no key is generated per process. A test key, of no use anywhere else.
public enum FuzzServerKey {
    /// The private key; its public half is the only key the fuzzed client trusts.
    public static let privateKey: RSAPrivateKey = RSAPrivateKey(
        modulus: TLHex.decode(modulusHex)!, exponent: [0x01, 0x00, 0x01], privateExponent: TLHex.decode(privateExponentHex)!)

    private static let modulusHex: String = """
        cd1f906093fef041998c8171fcf3f426a62bec81350a5e493e342fca5d2ee443
        758f2d0dc77f4a04210f64c24f2853009c8e4def538dffe9f80e164d0c4c23e8
        72108778d2645912a1403e6463d319897624b80884ff56f976ba22aa01614d3d
        c4f3a5fb3d274cb0eadd39205c154f63df9d266c64de544175d24ee0ce01cf70
        1c132a53fd90f92b6c685f617d000cbdd17b38a1e8bb3c3338f0ade611b1d58c
        54f6a56cd75152aafb1b55d786deeb1c80ced8a2e4eb56c49b901a23258c757d
        9a4330624e3d2d2d202d92289662980781af4b2d503cf15866f6ebcf9e04613d
        14a1ac82f4e878614ac2cd79b42913a8671afc72eb7d8fd771f72293aca959cf
        """

    private static let privateExponentHex: String = """
        08695c72d16ed96c5f3f1749d4dd2e2c6d910c8c49e00878c96fbb6bf9814444
        0dec96a4e382f14695127c07c9d635fd26ee60fcc8f8e03f38785f6abe6fdae3
        1bd658afd834dc403ad3971b67ca8ed807bbbebe3eb1f7df98024f0c98ace44d
        7da79e2d5cd7213a7a0f235a13dc9dda531faf252fc7bc3dc8f69c5c74a6375a
        e7486b4dc33dca2590d655869e119cc4e94b2d5e56ecaf029d89aee78cfd26fd
        40cfcb606134a3f53ba15f7b877d2dd30af41765d179db6c76eb135d52932e18
        906ff4d2fef46f143b70e094be837c15568914f78657497d33994fe77ef94c03
        65799ce94040e79b523dbe7f87b4964524d6e60bd4b06e2b7a285b83b3533381
        """
}
