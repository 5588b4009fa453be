import Foundation

/// Which function products a changed file goes into, from `swift package describe --type json`: each target's
/// folder and the products it is part of (directly or through the libraries that use it). Pure: tested alone.
public struct PackageLayout: Sendable, Equatable {
    public struct Target: Sendable, Equatable {
        public var name: String
        /// Absolute, without a trailing slash.
        public var path: String
        public var products: Set<String>
    }

    public var root: String
    public var targets: [Target]

    public struct DescribeError: Error, CustomStringConvertible {
        public var description: String
    }

    /// - Parameters:
    ///   - root: the package's folder (absolute).
    ///   - describe: what `swift package describe --type json` printed.
    public init(root: String, describe: Data) throws {
        struct Description: Decodable {
            struct Target: Decodable {
                var name: String
                var path: String
                var product_memberships: [String]?
            }
            var targets: [Target]
        }
        let description: Description
        do {
            description = try JSONDecoder().decode(Description.self, from: describe)
        } catch {
            throw DescribeError(description: "swift package describe printed what cannot be read: \(error)")
        }
        let root = root.hasSuffix("/") ? String(root.dropLast()) : root
        self.root = root
        targets = description.targets.map {
            Target(
                name: $0.name, path: "\(root)/\($0.path)".replacingOccurrences(of: "//", with: "/"),
                products: Set($0.product_memberships ?? []))
        }
        // The deepest folder first, so that a file belongs to its innermost target.
        targets.sort { $0.path.count > $1.path.count }
    }

    /// What a set of changed files means for the function products.
    public struct Effect: Sendable, Equatable {
        /// The products to rebuild (among the functions asked about).
        public var products: Set<String>
        /// `Package.swift` changed: everything may have changed, and the layout must be read again.
        public var manifest: Bool
        /// Changed sources that go into no function (the host's own, a test's): they need a restart of the host or
        /// nothing at all.
        public var other: [String]
    }

    public func effect(of paths: Set<String>, functions: Set<String>) -> Effect {
        var effect = Effect(products: [], manifest: false, other: [])
        for path in paths.sorted() {
            if path == "\(root)/Package.swift" {
                effect.manifest = true
                effect.products.formUnion(functions)
                continue
            }
            guard let target = targets.first(where: { path.hasPrefix($0.path + "/") }) else {
                effect.other.append(path)
                continue
            }
            let products = target.products.intersection(functions)
            if products.isEmpty { effect.other.append(path) }
            effect.products.formUnion(products)
        }
        return effect
    }
}
