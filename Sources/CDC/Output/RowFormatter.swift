public import Catalog
import Parquet

/// Renders decoded rows as JSON objects for people (`millrace decode`) and tests: timestamps
/// in ISO-8601 (UTC ones with `Z`), dates `YYYY-MM-DD`, times `HH:MM:SS.ffffff`, decimals as
/// exact strings, bytes as base64, JSON columns embedded as JSON.
public enum RowFormatter {
    /// Appends row `row` of `batch` as `{"column": value, …}` in staging order.
    public static func write(_ batch: DecodedBatch, row: Int, to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "{"))
        for (index, data) in batch.columns.columns.enumerated() {
            guard batch.columnPositions.indices.contains(index) else { continue }
            let column = batch.definition.columns[batch.columnPositions[index]]
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.key(column.name)
            writeValue(data, row: row, column: column, to: &writer)
        }
        writer.byte(UInt8(ascii: "}"))
    }

    /// The JSON text of row `row` of `batch`.
    public static func json(_ batch: DecodedBatch, row: Int) -> String {
        var writer = JSONWriter()
        write(batch, row: row, to: &writer)
        return writer.text
    }

    private static func writeValue(_ data: ColumnData, row: Int, column: Column, to writer: inout JSONWriter) {
        if let validity = data.validity, row < validity.count, !validity[row] {
            writer.null()
            return
        }
        if column.systemColumn == .sourceTimestamp, case .int64(let values) = data.values {
            writer.byte(UInt8(ascii: "\""))
            CivilTime.formatTimestamp(micros: values[row], utc: true, into: &writer)
            writer.byte(UInt8(ascii: "\""))
            return
        }
        switch (data.values, column.systemColumn == nil ? column.type : nil) {
        case (.boolean(let values), _): writer.boolean(values[row])
        case (.int32(let values), .decimal(_, let scale)?): decimal(Int128(values[row]), scale: scale, to: &writer)
        case (.int64(let values), .decimal(_, let scale)?): decimal(Int128(values[row]), scale: scale, to: &writer)
        case (.fixedLenByteArray(let values), .decimal(_, let scale)?):
            let slice = values.bytes[row * values.width..<(row + 1) * values.width]
            let unscaled = slice.withUnsafeBufferPointer { DecimalCodec.twosComplement($0) } ?? 0
            decimal(unscaled, scale: scale, to: &writer)
        case (.int32(let values), .date?):
            quoted(&writer) { CivilTime.formatDate(days: Int64(values[row]), into: &$0) }
        case (.int64(let values), .timestamp?):
            quoted(&writer) { CivilTime.formatTimestamp(micros: values[row], utc: false, into: &$0) }
        case (.int64(let values), .timestamptz?):
            quoted(&writer) { CivilTime.formatTimestamp(micros: values[row], utc: true, into: &$0) }
        case (.int64(let values), .time?):
            quoted(&writer) { CivilTime.formatTime(micros: values[row], into: &$0) }
        case (.int64(let values), .timetz?):
            quoted(&writer) {
                CivilTime.formatTime(micros: values[row], into: &$0)
                $0.byte(UInt8(ascii: "Z"))
            }
        case (.int32(let values), _): writer.integer(values[row])
        case (.int64(let values), _): writer.integer(values[row])
        case (.float(let values), _): writer.double(Double(values[row]))
        case (.double(let values), _): writer.double(values[row])
        case (.byteArray(let values), let type):
            let bytes = values.bytes[values.offsets[row]..<values.offsets[row + 1]]
            switch type {
            case .json?: writer.raw(bytes: bytes)
            case .bytes?: writer.string(Base64Encoding.encode(bytes))
            default: writer.string(utf8: bytes)
            }
        case (.fixedLenByteArray(let values), _):
            writer.string(Base64Encoding.encode(values.bytes[row * values.width..<(row + 1) * values.width]))
        }
    }

    private static func decimal(_ unscaled: Int128, scale: Int, to writer: inout JSONWriter) {
        quoted(&writer) { DecimalCodec.format(unscaled, scale: scale, into: &$0) }
    }

    private static func quoted(_ writer: inout JSONWriter, _ body: (inout JSONWriter) -> Void) {
        writer.byte(UInt8(ascii: "\""))
        body(&writer)
        writer.byte(UInt8(ascii: "\""))
    }
}
