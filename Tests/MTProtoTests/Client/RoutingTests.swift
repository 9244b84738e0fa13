@testable import MTProto
import Testing

/// Addresses learnt from the server and the rotation through a DC's addresses, as values.
struct RoutingTests {
    static let first: DataCentre = DataCentre(id: 1, host: "10.0.0.1", port: 443)
    static let second: DataCentre = DataCentre(id: 1, host: "10.0.0.2", port: 443)
    static let third: DataCentre = DataCentre(id: 1, host: "::1", port: 443, kind: .ipv6)

    @Test func learntAddressesReplaceTheOnesOfTheirDCOnly() {
        let known: [DataCentre] = [DataCentre(id: 3, host: "old-3", port: 1), DataCentre(id: 1, host: "old-1", port: 1)]
        let learned: [DataCentre] = [DataCentre(id: 1, host: "b", port: 2), DataCentre(id: 2, host: "c", port: 2), DataCentre(id: 1, host: "a", port: 2)]
        let merged: [DataCentre] = DataCentre.merging(learned, into: known)
        #expect(merged.map(\.host) == ["b", "a", "c", "old-3"])
        #expect(DataCentre.preferredAddresses(in: merged + [DataCentre(id: 2, host: "m", port: 2, kind: .mediaOnly)]).map(\.host) == ["b", "c", "old-3"])
    }

    @Test func anUnreachableAddressMovesToTheNextUntilEveryOneWasTried() {
        let known: [DataCentre] = [Self.first, Self.second, Self.third]
        var rotation: AddressRotation = AddressRotation()
        // A connection that ended for another reason stays where it is.
        let got1: AddressRotation.Move = rotation.connectionEnded(home: Self.first, known: known)
        #expect(got1 == AddressRotation.Move(next: nil, untried: false))
        rotation.unreachable()
        let got2: AddressRotation.Move = rotation.connectionEnded(home: Self.first, known: known)
        #expect(got2 == AddressRotation.Move(next: Self.second, untried: true))
        rotation.unreachable()
        let got3: AddressRotation.Move = rotation.connectionEnded(home: Self.second, known: known)
        #expect(got3 == AddressRotation.Move(next: Self.third, untried: true))
        rotation.unreachable()
        // The third failure in a row: every address was tried; the round starts again.
        let got4: AddressRotation.Move = rotation.connectionEnded(home: Self.third, known: known)
        #expect(got4 == AddressRotation.Move(next: Self.first, untried: false))
        rotation.unreachable()
        let got5: AddressRotation.Move = rotation.connectionEnded(home: Self.first, known: known)
        #expect(got5.untried)
        rotation.reached()
        #expect(rotation.unreachableInARow == 0)
    }

    @Test func aDCWithOneAddressHasNowhereElseToGo() {
        var rotation: AddressRotation = AddressRotation()
        rotation.unreachable()
        let got6: AddressRotation.Move = rotation.connectionEnded(home: Self.first, known: [Self.first])
        #expect(got6 == AddressRotation.Move(next: nil, untried: false))
    }
}
