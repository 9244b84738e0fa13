/// Items fetched page by page as they are read: `fetch` gets a cursor and a page size and returns
/// the page with the cursor of the next one (nil after the last page; a fetch must give nil
/// after an empty page, or the reading goes on). At most `limit` items are
/// yielded, in pages of at most `pageSize`; a page is fetched only when the previous one is used up.
public struct Pages<Element: Sendable, Cursor: Sendable>: AsyncSequence, Sendable {
    /// One page and the cursor of the next (nil: this was the last).
    public typealias Fetch = @Sendable (_ cursor: Cursor, _ pageSize: Int) async throws -> (items: [Element], next: Cursor?)

    private let first: Cursor
    private let limit: Int?
    private let pageSize: Int
    private let fetch: Fetch

    /// Pages from `first` on; `limit` nil reads to the end.
    public init(first: Cursor, limit: Int?, pageSize: Int, fetch: @escaping Fetch) {
        self.first = first
        self.limit = limit
        self.pageSize = Swift.max(1, pageSize)
        self.fetch = fetch
    }

    /// Reads the pages in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private var cursor: Cursor?
        private var remaining: Int?
        private let pageSize: Int
        private let fetch: Fetch
        private var buffer: [Element] = []
        private var position: Int = 0

        init(_ pages: Pages) {
            cursor = pages.first
            remaining = pages.limit
            pageSize = pages.pageSize
            fetch = pages.fetch
        }

        public mutating func next() async throws -> Element? {
            if let remaining, remaining <= 0 { return nil }
            while position == buffer.count {
                guard let current = cursor else { return nil }
                let size: Int = Swift.min(pageSize, remaining ?? pageSize)
                let page: (items: [Element], next: Cursor?) = try await fetch(current, size)
                buffer = page.items
                position = 0
                cursor = page.next
            }
            let item: Element = buffer[position]
            position += 1
            if let left = remaining { remaining = left - 1 }
            return item
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(self) }
}
