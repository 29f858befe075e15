/// Progress figures as text: the line logged without a terminal, and the bar drawn on one.
public enum ProgressFormat {
    /// `backfill: 120,000 records, 131.2 MB, 41,230 rec/s, 45.1 MB/s, 42.0% of 285,714 offsets, ETA 4s`.
    public static func line(_ label: String, _ figures: ProgressFigures, totalText: String? = nil) -> String {
        var parts = [
            "\(count(figures.records)) records", size(figures.bytes), "\(count(Int64(figures.recordsPerSecond.rounded()))) rec/s",
            size(Int64(figures.bytesPerSecond.rounded())) + "/s",
        ]
        if let percent = figures.percent { parts.append(percentText(percent) + (totalText.map { " of \($0)" } ?? "")) }
        if let eta = figures.etaSeconds { parts.append("ETA \(duration(eta))") }
        parts.append("elapsed \(duration(Double(figures.elapsedMillis) / 1000))")
        return "\(label): " + parts.joined(separator: ", ")
    }

    /// `backfill [##########..........]  42.0%  120,000 rec  131.2 MB  41,230 rec/s  ETA 4s`, for
    /// one terminal row (redrawn in place by the reporter).
    public static func bar(_ label: String, _ figures: ProgressFigures, width: Int = 24) -> String {
        var text = label + " "
        if let percent = figures.percent {
            let filled = min(width, max(0, Int((percent / 100 * Double(width)).rounded(.down))))
            text += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            text += pad(percentText(percent), 6) + "  "
        }
        text += "\(count(figures.records)) rec  \(size(figures.bytes))  \(count(Int64(figures.recordsPerSecond.rounded()))) rec/s"
        if let eta = figures.etaSeconds { text += "  ETA \(duration(eta))" }
        return text
    }

    /// 1234567 → `1,234,567`.
    public static func count(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// Bytes in decimal units: `512 B`, `13.2 kB`, `131.2 MB`, `1.4 GB`.
    public static func size(_ bytes: Int64) -> String {
        let value = Double(bytes)
        for (unit, scale) in [("GB", 1e9), ("MB", 1e6), ("kB", 1e3)] where value >= scale {
            return fixed(value / scale, 1) + " " + unit
        }
        return "\(bytes) B"
    }

    /// Seconds as `42s`, `3m05s`, `1h02m`.
    public static func duration(_ seconds: Double) -> String {
        let whole = Int64(max(0, seconds).rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m" + pad2(whole % 60) + "s" }
        return "\(whole / 3600)h" + pad2(whole % 3600 / 60) + "m"
    }

    private static func percentText(_ percent: Double) -> String { fixed(percent, 1) + "%" }

    /// `value` with `digits` decimals (no Foundation formatting on a hot path).
    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((value * Double(scale)).rounded())
        let whole = scaled / scale
        let fraction = String(scaled % scale)
        return digits == 0 ? "\(whole)" : "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    private static func pad2(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
