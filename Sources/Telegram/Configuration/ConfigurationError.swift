/// Everything wrong with a configuration, one line per problem.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One message per problem, each naming its key (missing required keys first); values are never quoted.
    public var problems: [String]

    /// A configuration error with these problems.
    public init(problems: [String]) {
        self.problems = problems
    }

    public var description: String {
        "the configuration is incomplete or invalid:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
