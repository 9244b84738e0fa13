#if canImport(Glibc)
import Glibc

/// The heap of the benchmark burst, made ready before it is timed: a burst of N messages keeps
/// about 1 KB per message (each private message in both users' boxes, each post, the log), and
/// glibc grows its heaps a few pages at a time (an `mprotect` and a page fault per new page, a third
/// of testdc's time in the burst). With `--bench-push-after-login` the process gives every thread
/// one arena, keeps freed memory instead of returning it, and touches the burst's worth of heap once
/// at start-up (before the client connects), as a long-running server's heap already is. The
/// memory stays with the process (bounded by the burst's size, at most 1,000,000 messages).
enum BenchHeap {
    /// Heap made ready per pushed message.
    static let bytesPerMessage: Int = 1536

    /// glibc's `mallopt` (declared in `malloc.h`, which the Glibc module does not import) and the
    /// parameters of it used here.
    private typealias MallocOption = @convention(c) (Int32, Int32) -> Int32
    private static let trimThreshold: Int32 = -1
    private static let topPad: Int32 = -2
    private static let mmapThreshold: Int32 = -3
    private static let arenaMax: Int32 = -8

    /// One arena for every thread, freed memory kept: called before any other thread starts (a
    /// thread keeps the arena it first allocated from).
    static func shareOneArena() {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt: MallocOption = unsafeBitCast(symbol, to: MallocOption.self)
        _ = mallopt(arenaMax, 1)
        _ = mallopt(trimThreshold, Int32.max)
        _ = mallopt(mmapThreshold, 32 << 20)
        _ = mallopt(topPad, 16 << 20)
    }

    /// Grows the heap by `bytes` and touches every page.
    static func prepare(bytes: Int) {
        let chunk: Int = 1 << 20
        var blocks: [UnsafeMutableRawPointer] = []
        blocks.reserveCapacity(bytes / chunk + 1)
        for _ in 0 ..< max(1, bytes / chunk) {
            guard let block = malloc(chunk) else { break }
            memset(block, 0, chunk)
            blocks.append(block)
        }
        // Every 32nd block stays allocated for good (3 % of it): glibc unmaps a heap other than the
        // main one as soon as all of it is free, whatever the trim threshold says.
        for (index, block) in blocks.enumerated() where index % 32 != 31 { free(block) }
    }
}
#else
/// Elsewhere the heap is left as the platform grows it.
enum BenchHeap {
    /// Heap made ready per pushed message.
    static let bytesPerMessage: Int = 1536

    /// Does nothing.
    static func shareOneArena() {}

    /// Does nothing.
    static func prepare(bytes: Int) {}
}
#endif
