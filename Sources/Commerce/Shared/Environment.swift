/// A variable a function cannot start without.
public struct MissingEnvironmentVariable: Error, Equatable, CustomStringConvertible {
    public var name: String
    public var description: String { "the environment variable \(name) is not set" }
}

extension Dictionary where Key == String, Value == String {
    /// The value of `name`; a missing or empty variable fails the function's initialisation.
    public func required(_ name: String) throws(MissingEnvironmentVariable) -> String {
        guard let value = self[name], !value.isEmpty else { throw MissingEnvironmentVariable(name: name) }
        return value
    }
}
