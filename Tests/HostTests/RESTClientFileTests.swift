import CurlHTTP
import Foundation
import Testing

/// The REST Client files in `http/` work against the host: every request of every file, with the `local`
/// environment of `http-client.env.json`, gets the answer its title promises (2xx, or 400 for an "Invalid" one).
@Suite struct RESTClientFileTests {
    struct Request {
        var title: String
        var method: String
        var url: String
        var headers: [(String, String)]
        var body: String
        /// `# @name login`: later requests read its answer as `{{login.response.body.$.token}}`.
        var name: String?
    }

    /// Fills `{{<name>.response.body.$.<field>}}` from the answers of earlier named requests.
    static func resolve(_ text: String, answers: [String: [String: Any]]) -> String {
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest.range(of: "}}", range: open.upperBound..<rest.endIndex)
        {
            output += rest[..<open.lowerBound]
            let reference = rest[open.upperBound..<close.lowerBound].split(separator: ".", maxSplits: 4).map(
                String.init)
            if reference.count == 5, reference[1] == "response", reference[2] == "body", reference[3] == "$" {
                output += answers[reference[0]]?[reference[4]].map { "\($0)" } ?? ""
            } else {
                output += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    /// Parses a `.http` file: `@name = value` variables, then `### title` blocks of a request line, headers, a
    /// blank line and a body; `{{name}}` and `{{$randomInt a b}}` are substituted.
    static func requests(in text: String, environment: [String: String]) -> [Request] {
        var variables = environment
        for line in text.split(separator: "\n") where line.hasPrefix("@") {
            let parts = line.dropFirst().split(separator: "=", maxSplits: 1)
            if parts.count == 2 {
                variables[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        func substitute(_ text: String) -> String {
            var output = ""
            var rest = Substring(text)
            while let open = rest.range(of: "{{"),
                let close = rest.range(of: "}}", range: open.upperBound..<rest.endIndex)
            {
                output += rest[..<open.lowerBound]
                let name = String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespaces)
                if name.contains(".response.") {
                    output += rest[open.lowerBound..<close.upperBound]  // an earlier answer: filled when sent
                } else if name.hasPrefix("$randomInt") {
                    let bounds = name.split(separator: " ").dropFirst().compactMap { Int($0) }
                    output += String(Int.random(in: bounds[0]..<bounds[1]))
                } else {
                    output += variables[name] ?? ""
                }
                rest = rest[close.upperBound...]
            }
            return output + rest
        }
        return text.components(separatedBy: "\n###").dropFirst().compactMap { block in
            var lines = block.components(separatedBy: "\n")
            let title = lines.removeFirst().trimmingCharacters(in: .whitespaces)
            let name = lines.first { $0.hasPrefix("# @name ") }.map {
                String($0.dropFirst("# @name ".count)).trimmingCharacters(in: .whitespaces)
            }
            lines = Array(lines.drop { $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.hasPrefix("#") })
            guard let requestLine = lines.first?.split(separator: " ", maxSplits: 1), requestLine.count == 2 else {
                return nil
            }
            var headers: [(String, String)] = []
            var index = 1
            while index < lines.count, !lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
                let parts = lines[index].split(separator: ":", maxSplits: 1)
                if parts.count == 2 {
                    headers.append((String(parts[0]), substitute(parts[1].trimmingCharacters(in: .whitespaces))))
                }
                index += 1
            }
            let body = lines.dropFirst(index).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            return Request(
                title: title, method: String(requestLine[0]), url: substitute(String(requestLine[1])),
                headers: headers, body: substitute(body), name: name)
        }
    }

    @Test func everyRequestOfEveryFileGetsTheAnswerItsTitlePromises() async throws {
        let folder = packageRoot().appendingPathComponent("http")
        let environments =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: folder.appendingPathComponent("http-client.env.json")))
            as? [String: [String: String]]
        try await CommerceEndToEndTests().withShop(try CommerceEndToEndTests.topology(acceptRate: "1")) { shop, ports in
            var local = try #require(environments?["local"])
            for (key, value) in local {
                local[key] = value.replacingOccurrences(of: ":3000", with: ":\(ports.api)")
                    .replacingOccurrences(of: ":4566", with: ":\(ports.aws)")
            }
            var count = 0
            var answers: [String: [String: Any]] = [:]
            for file in [
                "inventory", "orders", "payments", "testing", "shipping", "notifications", "identity", "cart",
                "catalog",
            ] {
                let text = try String(contentsOf: folder.appendingPathComponent("\(file).http"), encoding: .utf8)
                for request in Self.requests(in: text, environment: local) {
                    count += 1
                    // A request about what the flow has not done yet (shipping an order still being paid) is 404 or
                    // 409 until it has: asked again for up to 20 s, as a person would.
                    let deadline = ContinuousClock.now + .seconds(20)
                    var response: HTTPClientResponse
                    repeat {
                        response = try await http(
                            request.method, Self.resolve(request.url, answers: answers),
                            headers: request.headers.map { ($0.0, Self.resolve($0.1, answers: answers)) },
                            body: request.body.isEmpty ? nil : Array(Self.resolve(request.body, answers: answers).utf8))
                        guard [404, 409].contains(response.status), !request.title.hasPrefix("Invalid") else { break }
                        try await Task.sleep(for: .milliseconds(100))
                    } while ContinuousClock.now < deadline
                    if let name = request.name {
                        answers[name] =
                            (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
                    }
                    if request.title.hasPrefix("Invalid") {
                        #expect(response.status == 400, "\(file).http \(request.title): \(response.status)")
                    } else {
                        #expect(
                            (200..<300).contains(response.status),
                            "\(file).http \(request.title): \(response.status) \(response.text)")
                    }
                    if request.method == "OPTIONS" {
                        let allowed = response.headers.first { $0.0.lowercased() == "access-control-allow-origin" }
                        #expect(allowed?.1 == "*", "\(file).http \(request.title): CORS answered by the API")
                    }
                }
            }
            #expect(count >= 35)
        }
    }
}
