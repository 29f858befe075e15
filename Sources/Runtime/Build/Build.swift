/// What this build of Millrace is: the one version string every surface reports.
///
/// `millrace --version`, the worker's and the loader's startup log lines, the
/// `millrace_build_info{version=…}` gauge and each staged Parquet file's `created_by` all read
/// `version` from here; the Docker image's `VERSION` build argument defaults to the same text
/// (a test checks they agree). Bump it here when releasing.
public enum Build {
    /// The release version (semantic versioning).
    public static let version = "0.1.0"

    /// The Parquet footer's `created_by`, in the form parquet-format asks for
    /// (`FileMetaData.created_by` in parquet.thrift: "<Application> version <App Version>"), which
    /// readers such as parquet-mr parse to work around known writer bugs.
    public static var parquetCreatedBy: String { "millrace version \(version)" }
}
