/// Which address of the home DC the client dials: after one cannot be reached it moves to the DC's
/// next, and a caller of ``MTProtoClient/connect()`` waits while some address is still untried
/// since one was last reached.
struct AddressRotation: Sendable, Equatable {
    /// The last connection attempt could not reach its address.
    private(set) var lastUnreachable: Bool = false
    /// Addresses of the home DC found unreachable since one was last reached.
    private(set) var unreachableInARow: Int = 0

    /// What the end of a connection asks for.
    struct Move: Equatable, Sendable {
        /// The address to dial next (nil: the same one).
        var next: DataCentre?
        /// `next` has not been tried since an address was last reached.
        var untried: Bool
    }

    /// The last attempt could not reach its address.
    mutating func unreachable() {
        lastUnreachable = true
    }

    /// A connection became ready: every address counts as untried again.
    mutating func reached() {
        unreachableInARow = 0
    }

    /// A connection to `home` ended: where to go next among `known` addresses.
    mutating func connectionEnded(home: DataCentre, known: [DataCentre]) -> Move {
        guard lastUnreachable else { return Move(next: nil, untried: false) }
        lastUnreachable = false
        let addresses: [DataCentre] = DataCentre.addresses(of: home.id, in: known)
        let candidates: Int = addresses.count + (addresses.contains(home) ? 0 : 1)
        guard let next = DataCentre.address(after: home, in: known) else { return Move(next: nil, untried: false) }
        unreachableInARow += 1
        if unreachableInARow >= candidates {
            unreachableInARow = 0
            return Move(next: next, untried: false)
        }
        return Move(next: next, untried: true)
    }
}
