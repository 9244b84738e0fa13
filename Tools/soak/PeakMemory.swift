import Foundation
import Synchronization

/// Follows one process's peak resident memory (`VmHWM` in `/proc/<pid>/status`, which the kernel
/// keeps as a high-water mark): read every 100 ms while the process lives, and on request (right
/// before it is killed, so the peak up to its end is not missed). The reading stops with the process.
final class PeakMemory: Sendable {
    let pid: Int32
    private let peak: Mutex<Double> = Mutex(0)

    /// Starts following `pid` (until it is gone).
    init(pid: Int32) {
        self.pid = pid
        Task { [self] in
            while sample() {
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// The highest `VmHWM` read so far, in MiB.
    var mebibytes: Double { peak.withLock { $0 } }

    /// Reads `VmHWM` now; false when the process is gone (or no longer has one: a zombie).
    @discardableResult
    func sample() -> Bool {
        guard let kibibytes = Self.highWaterMarkKiB(of: pid) else { return false }
        let value: Double = Double(kibibytes) / 1024
        peak.withLock { $0 = max($0, value) }
        return true
    }

    /// `VmHWM` of `pid` in KiB, nil when it cannot be read.
    static func highWaterMarkKiB(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst("VmHWM:".count).filter(\.isNumber))
        }
        return nil
    }
}
