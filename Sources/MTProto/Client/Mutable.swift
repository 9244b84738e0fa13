/// A box for a large struct that an actor mutates in place. Reading a struct stored directly in an
/// actor (even `x != nil`) copies it, retaining every table inside; reading a box retains only the box.
final class Mutable<Value> {
    var value: Value

    init(_ value: Value) {
        self.value = value
    }
}
