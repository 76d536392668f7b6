import PostgresNIO

/// A one-dimensional array parameter whose elements may be NULL, in PostgreSQL's binary array
/// format (postgres-nio encodes only arrays without NULLs): one column of a multi-row statement.
struct NullableArray<Element: PostgresArrayEncodable & PostgresNonThrowingEncodable>: PostgresNonThrowingEncodable,
    PostgresDynamicTypeEncodable
{
    var elements: [Element?]

    init(_ elements: [Element?]) {
        self.elements = elements
    }

    static var psqlType: PostgresDataType { Element.psqlArrayType }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: Int32.self)  // dimensions
        buffer.writeInteger(elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)  // has NULLs
        buffer.writeInteger(Element.psqlType.rawValue)
        guard !elements.isEmpty else { return }
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(1, as: Int32.self)  // the lower bound
        for element in elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - lengthIndex - 4), at: lengthIndex)
        }
    }
}

/// One column of a multi-row statement: its name and its SQL type (`$n::TYPE[]`).
struct ArrayColumn: Sendable {
    var name: String
    var type: String

    init(_ name: String, _ type: String) {
        self.name = name
        self.type = type
    }
}

extension PostgresQuery {
    /// `INSERT INTO table (columns) SELECT * FROM unnest($1::type[], …) suffix`: one row per
    /// array index, the arrays bound in the order of `columns`.
    static func insertRows(into table: String, _ columns: [ArrayColumn], _ suffix: String = "", binds: PostgresBindings) -> PostgresQuery {
        let names = columns.map(\.name).joined(separator: ", ")
        let arrays = columns.enumerated().map { "$\($0.offset + 1)::\($0.element.type)[]" }.joined(separator: ", ")
        return PostgresQuery(unsafeSQL: "INSERT INTO \(table) (\(names)) SELECT * FROM unnest(\(arrays))\(suffix)", binds: binds)
    }

    /// `ON CONFLICT (key) DO UPDATE SET c = table.c + EXCLUDED.c, …` for each of `sums`, then `more`.
    static func addingOnConflict(table: String, key: [String], sums: [String], more: [String] = []) -> String {
        " ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET "
            + (sums.map { "\($0) = \(table).\($0) + EXCLUDED.\($0)" } + more).joined(separator: ", ")
    }
}
