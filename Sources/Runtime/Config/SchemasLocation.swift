import Foundation

/// Where the `Schemas/` registry is when nobody says: the same answer from any working
/// directory, for a checkout, an installed binary and the container image alike.
///
/// In order, the first folder that exists: `./Schemas` (a checkout, or the image's working
/// directory); `Schemas` beside the configuration file, then beside its folder (a checkout's
/// `deploy/millrace.yaml`); `../share/millrace/Schemas` from the binary's folder (an
/// installation, the image's `/usr/share/millrace/Schemas`), then `Schemas` beside the binary.
/// An explicit `schemas.dir` or `--schemas` is used as given.
public enum SchemasLocation {
    /// The folders searched for `configFile` (nil: no configuration file), in order.
    public static func candidates(configFile: String?, executable: String? = CommandLine.arguments.first) -> [String] {
        var folders = ["Schemas"]
        if let configFile {
            let folder = URL(fileURLWithPath: configFile).deletingLastPathComponent()
            folders.append(folder.appendingPathComponent("Schemas").path)
            folders.append(folder.deletingLastPathComponent().appendingPathComponent("Schemas").path)
        }
        if let executable, executable.contains("/") {
            let folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            folders.append(folder.deletingLastPathComponent().appendingPathComponent("share/millrace/Schemas").path)
            folders.append(folder.appendingPathComponent("Schemas").path)
        }
        return folders
    }

    /// The first candidate folder that exists. Throws `.configuration` naming every folder
    /// searched when none does.
    public static func resolve(configFile: String?) throws -> String {
        let folders = candidates(configFile: configFile)
        guard let found = folders.first(where: isFolder) else {
            throw RuntimeError(.configuration, "no Schemas/ registry found (looked in \(folders.joined(separator: ", "))); "
                + "pass --schemas DIR or set schemas.dir")
        }
        return found
    }

    private static func isFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }
}
