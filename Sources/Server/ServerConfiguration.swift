import CostLedger

/// What `costledger serve` needs to run.
public struct ServerConfiguration: Sendable {
    /// Loopback by default: exposing the API is a deliberate choice.
    public var host = "127.0.0.1"
    public var port = 8080
    /// Where the ledger is: every route opens its store through this.
    public var location: StoreLocation
    public var pricingDirectory: String
    public var tenantsPath: String
    public var tokensPath: String
    /// Request bodies above this get 413.
    public var maxBodyBytes = 8 << 20
    /// Events waiting for the writer above which POSTs get 503 with `Retry-After`.
    public var maxQueuedEvents = 200_000
    /// What POSTs do with an LLM event only a fallback row would price.
    public var unknownModels = UnknownModelPolicy.estimate
    /// Timeouts and the connection cap.
    public var limits = ConnectionLimits()
    /// Threads reading for the budgets, costs and recommendations routes.
    public var readThreads = 4
    /// Exports streamed at once; more wait for a thread. A slow client holds its thread for as long
    /// as it reads, so there are enough for many slow readers (each mostly waits, holding a read
    /// transaction and at most four chunks).
    public var exportThreads = 16

    public init(location: StoreLocation, pricingDirectory: String, tenantsPath: String, tokensPath: String) {
        self.location = location
        self.pricingDirectory = pricingDirectory
        self.tenantsPath = tenantsPath
        self.tokensPath = tokensPath
    }
}
