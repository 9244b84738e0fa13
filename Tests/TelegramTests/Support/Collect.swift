/// The first `count` elements of `stream` (fewer when `timeout` passes first or it ends).
func collect<S: AsyncSequence & Sendable>(_ count: Int, from stream: S, timeout: Duration = .seconds(10)) async -> [S.Element]
where S.Element: Sendable, S.Failure == Never {
    await withTaskGroup(of: [S.Element]?.self) { (group: inout TaskGroup<[S.Element]?>) -> [S.Element] in
        group.addTask {
            var got: [S.Element] = []
            for await element in stream {
                got.append(element)
                if got.count >= count { break }
            }
            return got
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first: [S.Element]? = await group.next() ?? nil
        group.cancelAll()
        if let first { return first }
        return await group.next().flatMap { $0 } ?? []
    }
}
