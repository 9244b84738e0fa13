import Foundation
import TLSchema

/// TL decode and encode of `messages_messages.bin` (a `messages.messages` with 100 messages,
/// 50 users, 10 chats, serialized by Telethon).
enum TLBenchmarks {
    static func run(inputs: URL) throws -> [(String, Double)] {
        let bytes: [UInt8] = [UInt8](try Data(contentsOf: inputs.appendingPathComponent("messages_messages.bin")))
        let megabytes: Double = Double(bytes.count) / 1e6
        let decoded: Api.messages.Messages = try Api.messages.Messages(decoding: bytes)
        guard decoded.serializedData() == bytes else {
            throw BenchmarkError("re-encoding messages_messages.bin does not reproduce its bytes")
        }
        let decodes: Double = Measure.rate {
            blackHole(try? Api.messages.Messages(decoding: bytes))
        }
        let encodes: Double = Measure.rate {
            blackHole(decoded.serializedData())
        }
        return [
            ("tl_decode_objects_per_s", decodes),
            ("tl_decode_mb_per_s", decodes * megabytes),
            ("tl_encode_objects_per_s", encodes),
            ("tl_encode_mb_per_s", encodes * megabytes),
        ]
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
