import Testing

@testable import Pricing

/// `isPlainRegex` lets a pattern skip `Regex`'s parse at start-up: it must only ever accept what compiles.
@Suite("Plain regular expressions")
struct PlainRegexTests {
    @Test("the catalogue's shapes are plain; lookarounds, groups, alternations and ranges are left to Regex")
    func shapes() {
        for source in [
            #"^claude-opus-5[-@]\d{8}$"#, #"^gpt-5\.4-mini-\d{4}-\d{2}-\d{2}$"#, #"^x-ai/grok-4\.3-\d{8}$"#, #"^gemini-3\.5-flash-\d"#, "", "^$",
            #"a\$"#,
        ] {
            #expect(isPlainRegex(source), "\(source)")
        }
        for source in [
            #"^(?=gemini-2\.5-pro)(?!.*-[tT][tT][sS](?:$|-))"#, #"^(typesafe/)?jev-1\.13(-\d{8})?$"#, "a|b", "[a-z]", "[:alpha:]", "[]", "*a", "^*",
            "a{1234}", "a{2}?", #"\b"#, #"a\"#, "a{", "a{x}", "[a", ".", "a b",
        ] {
            #expect(!isPlainRegex(source), "\(source)")
        }
    }

    @Test("every source it accepts, of 30,000 random ones from its own alphabet and its edges, compiles")
    func acceptedSourcesCompile() throws {
        let tokens = [
            "^", "$", "a", "Z", "7", "-", "_", "/", "@", ":", ",", "=", #"\d"#, #"\w"#, #"\."#, #"\-"#, #"\$"#, #"\\"#, #"\("#, #"\{"#,
            "[", "]", "[-@]", "[a-]", "[-]", "[:]", "[=]", "{", "}", "{0}", "{2}", "{123}", "?", "*", "+", #"\"#, "(", ")", "|", ".",
        ]
        // xorshift64*, fixed seed: the same sources on every run.
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return Int((state &* 0x2545_F491_4F6C_DD1D) >> 33) % bound
        }
        var accepted = 0
        for _ in 0..<30_000 {
            let source = (0..<(1 + next(7))).map { _ in tokens[next(tokens.count)] }.joined()
            guard isPlainRegex(source) else { continue }
            accepted += 1
            #expect((try? Regex(source)) != nil, "\(source) was taken as plain but does not compile")
        }
        #expect(accepted > 1_000)
    }
}
