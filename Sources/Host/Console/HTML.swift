import Foundation

/// Building blocks of the console's server-rendered pages: escaping, the page frame, small formatters.
enum HTML {
    /// Text as HTML (element content and quoted attribute values).
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// A path segment or query value, percent-encoded.
    static func component(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Milliseconds with two decimals.
    static func milliseconds(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }

    /// A wall-clock time with milliseconds (UTC), `HH:MM:SS.mmm`.
    static func time(_ seconds: Double) -> String {
        let milliseconds = Int64((seconds * 1000).rounded(.down))
        let ofDay = ((milliseconds % 86_400_000) + 86_400_000) % 86_400_000
        return String(
            format: "%02lld:%02lld:%02lld.%03lld", ofDay / 3_600_000, ofDay / 60_000 % 60, ofDay / 1000 % 60,
            ofDay % 1000)
    }

    /// JSON pretty-printed when it is JSON, else as it is.
    static func pretty(_ text: String) -> String {
        guard let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data),
            JSONSerialization.isValidJSONObject(object),
            let pretty = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return text }
        return String(decoding: pretty, as: UTF8.self)
    }

    static let navigation: [(path: String, title: String)] = [
        ("", "Map"), ("timeline", "Timeline"), ("traces", "Traces"), ("functions", "Functions"), ("tables", "Tables"),
        ("queues", "Queues"), ("routing", "Rules, pipes, mappings"), ("chaos", "Faults"),
    ]

    /// A whole page: the frame, the navigation, the search box and `body`.
    static func page(title: String, section: String, body: String, script: String = "") -> String {
        let links = navigation.map { item in
            "<a href=\"/_host/console/\(item.path)\"\(item.path == section ? " class=\"current\"" : "")>\(item.title)</a>"
        }.joined()
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · host console</title>
            <link rel="stylesheet" href="/_host/console/console.css">
            </head><body>
            <header><a class="brand" href="/_host/console/">host console</a><nav>\(links)</nav>
            <form class="search" action="/_host/console/traces" method="get">
            <input name="key" placeholder="order id, message id, request id, trace id…" aria-label="Find traces">
            <button>Find</button></form></header>
            <main><h1>\(escape(title))</h1>
            \(body)
            </main>
            <script src="/_host/console/console.js"></script>
            \(script.isEmpty ? "" : "<script>\(script)</script>")
            </body></html>
            """
    }

    /// A status badge.
    static func status(_ status: TraceHop.Status) -> String {
        "<span class=\"status \(status.rawValue)\">\(status.rawValue)</span>"
    }
}
