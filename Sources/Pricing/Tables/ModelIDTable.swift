/// An open-addressing hash table from `(provider, model id)` to a small integer, comparing model
/// ids case-insensitively (ASCII) without building a lower-case copy of the id.
///
/// Resolving a model id is the first thing pricing does for every event; a `Dictionary` keyed by
/// two `String`s hashes both with SipHash and needs a lower-cased copy of most ids. This table
/// hashes the bytes once with FNV-1a, folding case as it goes, and compares bytes.
struct ModelIDTable: Sendable {
    /// One slot: the key's hash (0: empty), where its bytes start in ``bytes``, and the value.
    private struct Slot {
        var hash: UInt64
        var start: Int32
        var providerLength: Int32
        var modelLength: Int32
        var value: Int32
    }

    private var slots: [Slot]
    /// The keys' bytes, provider then folded model, one after another.
    private var bytes: [UInt8] = []
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(hash: 0, start: 0, providerLength: 0, modelLength: 0, value: 0), count: size)
    }

    /// The value of `provider`/`model`; `model` is compared ignoring ASCII case.
    func value(provider: String, model: String) -> Int? {
        var provider = provider
        var model = model
        return provider.withUTF8 { p in model.withUTF8 { m in value(provider: p, model: m) } }
    }

    /// Inserts or replaces the value of `provider`/`model`.
    mutating func set(_ value: Int, provider: String, model: String) {
        if (count + 1) * 2 > slots.count { grow() }
        var provider = provider
        var model = model
        let hash = Self.hash(provider: provider, model: model)
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while slots[index].hash != 0 {
            if slots[index].hash == hash && provider.withUTF8({ p in model.withUTF8 { m in matches(slots[index], p, m) } }) {
                slots[index].value = Int32(value)
                return
            }
            index = (index + 1) & mask
        }
        let start = bytes.count
        bytes.append(contentsOf: provider.utf8)
        bytes.append(contentsOf: model.utf8.map(Self.folded))
        slots[index] = Slot(
            hash: hash, start: Int32(start), providerLength: Int32(provider.utf8.count), modelLength: Int32(model.utf8.count),
            value: Int32(value))
        count += 1
    }

    private func value(provider: UnsafeBufferPointer<UInt8>, model: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = Self.hash(provider: provider, model: model)
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            while slots[index].hash != 0 {
                if slots[index].hash == hash && matches(slots[index], provider, model) { return Int(slots[index].value) }
                index = (index + 1) & mask
            }
            return nil
        }
    }

    private func matches(_ slot: Slot, _ provider: UnsafeBufferPointer<UInt8>, _ model: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Int(slot.providerLength) == provider.count, Int(slot.modelLength) == model.count else { return false }
        return bytes.withUnsafeBufferPointer { stored in
            var at = Int(slot.start)
            for byte in provider {
                guard stored[at] == byte else { return false }
                at += 1
            }
            for byte in model {
                guard stored[at] == Self.folded(byte) else { return false }
                at += 1
            }
            return true
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(hash: 0, start: 0, providerLength: 0, modelLength: 0, value: 0), count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot.hash != 0 {
            var index = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[index].hash != 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }

    @inline(__always) private static func folded(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    private static func hash(provider: String, model: String) -> UInt64 {
        var provider = provider
        var model = model
        return provider.withUTF8 { p in model.withUTF8 { m in hash(provider: p, model: m) } }
    }

    /// FNV-1a over the provider, a separator and the folded model id; never 0 (the empty slot).
    @inline(__always) private static func hash(provider: UnsafeBufferPointer<UInt8>, model: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in provider { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0xFF) &* 0x100_0000_01b3
        for byte in model { hash = (hash ^ UInt64(folded(byte))) &* 0x100_0000_01b3 }
        // Mix the high bits into the low ones the mask keeps.
        hash ^= hash >> 29
        return hash == 0 ? 1 : hash
    }
}
