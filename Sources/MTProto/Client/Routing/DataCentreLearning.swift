import TLSchema

extension DataCentre {
    /// The addresses of `options` (`help.getConfig`'s `dc_options`) a client can use: CDN and
    /// obfuscation-only ones are left out (they need keys or a transport of their own).
    static func learned(from options: [Api.DcOption]) -> [DataCentre] {
        var learned: [DataCentre] = []
        for o in options where !o.cdn && !o.tcpoOnly {
            var kind: DataCentre.Kind = []
            if o.ipv6 { kind.insert(.ipv6) }
            if o.mediaOnly { kind.insert(.mediaOnly) }
            if o.thisPortOnly { kind.insert(.thisPortOnly) }
            if o.static { kind.insert(.isStatic) }
            learned.append(DataCentre(id: Int(o.id), host: o.ipAddress, port: Int(o.port), kind: kind))
        }
        return learned
    }

    /// `known` with the addresses of every DC `learned` names replaced by the learned ones, sorted
    /// by DC id (the addresses of one DC keep their order).
    static func merging(_ learned: [DataCentre], into known: [DataCentre]) -> [DataCentre] {
        let servedIDs: Set<Int> = Set(learned.map(\.id))
        let kept: [DataCentre] = known.filter { !servedIDs.contains($0.id) }
        return (kept + learned).enumerated().sorted { ($0.element.id, $0.offset) < ($1.element.id, $1.offset) }.map(\.element)
    }

    /// The first address to try of each DC in `known`, by DC id (what the storage keeps).
    static func preferredAddresses(in known: [DataCentre]) -> [DataCentre] {
        let ids: [Int] = Array(Set(known.map(\.id))).sorted()
        return ids.compactMap { addresses(of: $0, in: known).first }
    }
}
