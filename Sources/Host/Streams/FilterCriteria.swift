/// `FilterCriteria` as the Pipes and event source mapping APIs take it: `{"Filters": [{"Pattern": "<pattern>"}]}`,
/// each pattern an EventBridge event pattern as text.
struct FilterCriteria: Codable, Sendable, Equatable {
    struct Filter: Codable, Sendable, Equatable {
        var pattern: String?
        enum CodingKeys: String, CodingKey { case pattern = "Pattern" }
    }
    var filters: [Filter]?
    enum CodingKeys: String, CodingKey { case filters = "Filters" }
}
