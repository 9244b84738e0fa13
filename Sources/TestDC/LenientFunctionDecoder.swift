import TLSchema

/// Decodes a client's call the way Telegram's servers do, which accept an `InputPeer` constructor
/// where the schema asks for the matching `InputUser` or `InputChannel`: the constructors carry the
/// same fields, and clients rely on it (Pyrogram passes the `InputPeerChannel` it resolved as the
/// `channel` of `channels.getMessages`, `channels.readHistory` and others, and Telegram answers).
///
/// The strict decoder runs first, so a well-typed call costs nothing more. When it stops at an
/// `InputPeer` constructor in a slot of one of those two types, that one constructor id is swapped
/// for its counterpart at the offset the decoder named, and decoding starts over; at most
/// ``maximumSubstitutions`` times, so hostile bytes cannot make it loop.
package enum LenientFunctionDecoder {
    /// How many constructor ids one call may have swapped before it counts as undecodable.
    package static let maximumSubstitutions: Int = 8

    /// `InputPeer` constructors and what they mean in an `InputUser` or `InputChannel` slot.
    private static let counterparts: [String: [UInt32: UInt32]] = [
        "InputUser": [
            0x7f3b18ea: 0xb98886cf,  // inputPeerEmpty → inputUserEmpty
            0x7da07ec9: 0xf7c1b13f,  // inputPeerSelf → inputUserSelf
            0xdde8a54c: 0xf21158c6,  // inputPeerUser → inputUser
            0xa87b0a1c: 0x1da448e2,  // inputPeerUserFromMessage → inputUserFromMessage
        ],
        "InputChannel": [
            0x7f3b18ea: 0xee8c1e86,  // inputPeerEmpty → inputChannelEmpty
            0x27bcbbfc: 0xf35aec28,  // inputPeerChannel → inputChannel
            0xbd2a0840: 0x5b934f9d,  // inputPeerChannelFromMessage → inputChannelFromMessage
        ],
    ]

    /// The function `body` holds, or the decoder's error for the first constructor it cannot accept.
    package static func decode(_ body: [UInt8]) throws(TLDecodingError) -> any TLFunction {
        var bytes: [UInt8] = body
        var substitutions: Int = 0
        while true {
            var reader: TLReader = TLReader(bytes)
            do {
                return try TLRegistry.decodeFunction(from: &reader)
            } catch {
                guard substitutions < maximumSubstitutions, case .unknownConstructor(let id, let expectedType, let offset) = error,
                    let counterpart: UInt32 = counterparts[expectedType]?[id], offset >= 0, offset + 4 <= bytes.count
                else { throw error }
                withUnsafeBytes(of: counterpart.littleEndian) { bytes.replaceSubrange(offset ..< offset + 4, with: $0) }
                substitutions += 1
            }
        }
    }
}
