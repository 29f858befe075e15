public import Foundation

/// The standard AWS settings of a process: environment variables and the shared config and
/// credentials files, resolved once. Shared by the credential chain and `S3Configuration`.
///
/// Honoured: `AWS_PROFILE` (or `AWS_DEFAULT_PROFILE`), `AWS_CONFIG_FILE`,
/// `AWS_SHARED_CREDENTIALS_FILE`, `AWS_REGION`, `AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL`,
/// `AWS_ENDPOINT_URL_<SERVICE>` and the profile's `region` and `endpoint_url`.
public struct AWSEnvironment: Sendable {
    /// The variables, normally `ProcessInfo.processInfo.environment`.
    public let variables: [String: String]
    /// The selected profile: `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else `default`.
    public let profile: String
    /// True when the profile was chosen explicitly (a missing profile is then an error).
    public let profileIsExplicit: Bool
    /// The home folder: `HOME`, else the account's (the SSO token cache is under it).
    let home: String
    let configFile: SharedConfigFile
    let credentialsFile: SharedConfigFile

    /// Reads the variables and the shared files they point to (missing files count as empty).
    public init(variables: [String: String] = ProcessInfo.processInfo.environment) {
        self.variables = variables
        let explicit = Self.nonEmpty(variables["AWS_PROFILE"]) ?? Self.nonEmpty(variables["AWS_DEFAULT_PROFILE"])
        profile = explicit ?? "default"
        profileIsExplicit = explicit != nil
        home = Self.nonEmpty(variables["HOME"]) ?? NSHomeDirectory()
        configFile = Self.read(Self.nonEmpty(variables["AWS_CONFIG_FILE"]) ?? "\(home)/.aws/config")
        credentialsFile = Self.read(Self.nonEmpty(variables["AWS_SHARED_CREDENTIALS_FILE"]) ?? "\(home)/.aws/credentials")
    }

    /// A variable, nil when unset or empty.
    public subscript(name: String) -> String? { Self.nonEmpty(variables[name]) }

    /// The selected profile's settings from the config file (`[profile NAME]`, or `[default]`).
    var configProfile: [String: String]? {
        profile == "default"
            ? configFile.sections["default"] ?? configFile.sections["profile default"]
            : configFile.sections["profile \(profile)"]
    }

    /// The selected profile's settings from the credentials file (`[NAME]`).
    var credentialsProfile: [String: String]? { credentialsFile.sections[profile] }

    /// The settings of the config file's `[sso-session NAME]` section.
    func ssoSession(_ name: String) -> [String: String]? { configFile.sections["sso-session \(name)"] }

    /// A setting of the selected profile: the credentials file wins over the config file.
    func profileValue(_ key: String) -> String? {
        Self.nonEmpty(credentialsProfile?[key]) ?? Self.nonEmpty(configProfile?[key])
    }

    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the profile's `region`.
    public var region: String? {
        self["AWS_REGION"] ?? self["AWS_DEFAULT_REGION"] ?? profileValue("region")
    }

    /// The endpoint override for a service (`s3`, `sts`): `AWS_ENDPOINT_URL_<SERVICE>`, else
    /// `AWS_ENDPOINT_URL`, else the profile's `endpoint_url`.
    public func endpointURL(service: String) -> String? {
        self["AWS_ENDPOINT_URL_\(service.uppercased())"] ?? self["AWS_ENDPOINT_URL"] ?? profileValue("endpoint_url")
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    private static func read(_ path: String) -> SharedConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else { return SharedConfigFile(sections: [:]) }
        return SharedConfigFile.parse(String(decoding: data, as: UTF8.self))
    }
}
