extension DataCentre {
    /// What `help.getConfig` says about an address (its `dcOption` flags).
    public struct Kind: OptionSet, Sendable, Hashable {
        /// The flag bits.
        public let rawValue: Int

        /// Kinds from their flag bits.
        public init(rawValue: Int) {
            self.rawValue = rawValue
        }

        /// An IPv6 address: tried when the IPv4 ones fail or there are none.
        public static let ipv6: Kind = Kind(rawValue: 1)
        /// For file downloads only: never used for the DC's main connection.
        public static let mediaOnly: Kind = Kind(rawValue: 2)
        /// Only this port may be used with this address.
        public static let thisPortOnly: Kind = Kind(rawValue: 4)
        /// A fixed address (Telegram's choice for proxies): tried after the others of its family.
        public static let isStatic: Kind = Kind(rawValue: 8)
    }

    /// The addresses of DC `id` among `known`, in the order to try them: IPv4 before IPv6, static
    /// ones last within each family; media-only addresses are left out.
    public static func addresses(of id: Int, in known: [DataCentre]) -> [DataCentre] {
        let usable: [DataCentre] = known.filter { $0.id == id && !$0.kind.contains(.mediaOnly) }
        let ranked: [(offset: Int, element: DataCentre)] = usable.enumerated().sorted { (a, b) -> Bool in
            let rankA: Int = (a.element.kind.contains(.ipv6) ? 2 : 0) + (a.element.kind.contains(.isStatic) ? 1 : 0)
            let rankB: Int = (b.element.kind.contains(.ipv6) ? 2 : 0) + (b.element.kind.contains(.isStatic) ? 1 : 0)
            return rankA != rankB ? rankA < rankB : a.offset < b.offset
        }
        return ranked.map(\.element)
    }

    /// The address to try after `current` (of the same DC) could not be reached, or nil when it has no other.
    static func address(after current: DataCentre, in known: [DataCentre]) -> DataCentre? {
        var cycle: [DataCentre] = addresses(of: current.id, in: known)
        if !cycle.contains(current) { cycle.insert(current, at: 0) }
        guard cycle.count > 1, let index = cycle.firstIndex(of: current) else { return nil }
        return cycle[(index + 1) % cycle.count]
    }
}
