/// The fields a secret-holding type shows in `description`, `debugDescription`, `dump` and `Mirror`:
/// a fixed list, secrets as `[redacted]` (or `nil` when absent), so a field added later is hidden
/// until it is listed here.
package struct SecretFreeFields {
    package let typeName: String
    package let fields: [(label: String, value: Any)]

    package init(_ type: Any.Type, _ fields: [(label: String, value: Any)]) {
        self.typeName = String(describing: type)
        self.fields = fields
    }

    /// A secret's stand-in: `[redacted]` when set, `nil` when not.
    package static func secret(_ value: String?) -> Any { value == nil ? Optional<String>.none as Any : Redacted() }

    package var description: String {
        typeName + "(" + fields.map { "\($0.label): \(String(reflecting: $0.value))" }.joined(separator: ", ") + ")"
    }

    package func mirror(of subject: Any) -> Mirror {
        Mirror(subject, children: fields.map { (label: String?.some($0.label), value: $0.value) }, displayStyle: .struct)
    }

    /// Prints, dumps and reflects as `[redacted]`.
    package struct Redacted: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        package var description: String { "[redacted]" }
        package var debugDescription: String { "[redacted]" }
        package var customMirror: Mirror { Mirror(self, children: [], displayStyle: nil) }
    }
}
