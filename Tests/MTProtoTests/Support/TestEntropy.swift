import TLSchema
import Foundation
@testable import MTProto

/// Randomness decided by the test: each request of `count` bytes is answered by `provide`, called
/// under a lock (the handshake asks in a fixed order).
final class ScriptedEntropy: EntropySource, @unchecked Sendable {
    private let lock: NSLock = NSLock()
    private var provide: (Int) -> [UInt8]
    private(set) var requests: [Int] = []

    init(_ provide: @escaping (Int) -> [UInt8]) {
        self.provide = provide
    }

    func randomBytes(count: Int) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        requests.append(count)
        let bytes: [UInt8] = provide(count)
        precondition(bytes.count == count, "scripted entropy returned \(bytes.count) bytes for a request of \(count)")
        return bytes
    }
}

func hex(_ s: String) -> [UInt8] { TLHex.decode(s)! }
func hexString(_ b: [UInt8]) -> String { TLHex.encode(b) }
