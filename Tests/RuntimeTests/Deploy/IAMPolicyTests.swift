import Foundation
import MillraceTesting
import Testing

/// deploy/iam-*.json against what the code does: every S3 action a policy grants is the IAM
/// action of an operation the S3 client sends (the operation names are read from
/// Sources/AWS/S3, so a new call shows up here), nothing writes or deletes dimension snapshots,
/// and every ListBucket is held to prefixes.
@Suite("IAM policies")
struct IAMPolicyTests {
    /// The IAM action each S3 API operation needs ("Actions, resources, and condition keys for
    /// Amazon S3" in the Service Authorization Reference): multipart parts are written with
    /// s3:PutObject, HeadObject reads with s3:GetObject, DeleteObjects deletes with s3:DeleteObject.
    static let actionOfOperation: [String: String] = [
        "PutObject": "s3:PutObject", "CreateMultipartUpload": "s3:PutObject", "UploadPart": "s3:PutObject",
        "CompleteMultipartUpload": "s3:PutObject", "CopyObject": "s3:PutObject", "GetObject": "s3:GetObject",
        "HeadObject": "s3:GetObject", "DeleteObjects": "s3:DeleteObject", "AbortMultipartUpload": "s3:AbortMultipartUpload",
        "ListObjectsV2": "s3:ListBucket", "ListMultipartUploads": "s3:ListBucketMultipartUploads", "CreateBucket": "s3:CreateBucket",
    ]

    /// The operations the S3 client sends: every `operation: "…"` of Sources/AWS/S3.
    static func operationsCalled() throws -> Set<String> {
        let folder = PackagePaths.root.appendingPathComponent("Sources/AWS/S3")
        var operations: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for part in text.components(separatedBy: "operation: \"").dropFirst() {
                operations.insert(String(part.prefix { $0 != "\"" }))
            }
        }
        return operations
    }

    static func statements(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: PackagePaths.root.appendingPathComponent("deploy/\(name)"))
        let policy = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(policy["Version"] as? String == "2012-10-17")
        return try #require(policy["Statement"] as? [[String: Any]])
    }

    static func list(_ value: Any?) -> [String] {
        (value as? [String]) ?? (value as? String).map { [$0] } ?? []
    }

    static let policies = ["iam-worker-policy.json", "iam-loader-policy.json", "iam-redshift-copy-role-policy.json"]

    @Test("the S3 client's operations are all known, and each policy grants only S3 actions of operations it calls")
    func actionsFollowTheCode() throws {
        let operations = try Self.operationsCalled()
        #expect(operations.count >= 10, "\(operations)")
        #expect(operations.subtracting(Self.actionOfOperation.keys).sorted() == [], "a new S3 operation: map it to its IAM action")
        let needed = Set(operations.compactMap { Self.actionOfOperation[$0] })
        for name in Self.policies {
            for statement in try Self.statements(name) {
                #expect(statement["Effect"] as? String == "Allow", "\(name)")
                for action in Self.list(statement["Action"]) where action.hasPrefix("s3:") {
                    #expect(!action.contains("*"), "\(name): \(action) is a wildcard")
                    // GetBucketLocation is Redshift COPY's own call, not Millrace's.
                    #expect(needed.contains(action) || action == "s3:GetBucketLocation", "\(name) grants \(action), which no code path needs")
                }
            }
        }
        // s3:ListBucketMultipartUploads is granted exactly when the client lists uploads (to undo a repeated create).
        let granted = try Self.policies.flatMap { try Self.statements($0) }.flatMap { Self.list($0["Action"]) }
        #expect(granted.contains("s3:ListBucketMultipartUploads") == operations.contains("ListMultipartUploads"))
    }

    @Test("nothing may write or delete dimension snapshots; the worker only reads them")
    func dimensionsReadOnly() throws {
        for name in Self.policies {
            for statement in try Self.statements(name) {
                let actions = Self.list(statement["Action"])
                let resources = Self.list(statement["Resource"])
                let touchesDimensions = resources.contains { $0.contains("/dimensions/") || $0.hasSuffix(":::eav-olap/*") || $0 == "*" }
                if touchesDimensions {
                    #expect(actions.allSatisfy { !["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"].contains($0) },
                        "\(name): \(statement["Sid"] ?? "?") writes dimensions/")
                }
            }
        }
        let worker = try Self.statements("iam-worker-policy.json")
        #expect(worker.contains { Self.list($0["Resource"]).contains("arn:aws:s3:::eav-olap/dimensions/*") && Self.list($0["Action"]) == ["s3:GetObject"] })
    }

    @Test("every ListBucket and ListBucketMultipartUploads is held to prefixes; the COPY role lists staging and manifests only")
    func listingsHaveAPrefix() throws {
        for name in Self.policies {
            for statement in try Self.statements(name) {
                let actions = Self.list(statement["Action"])
                guard actions.contains("s3:ListBucket") || actions.contains("s3:ListBucketMultipartUploads") else { continue }
                let prefixes = Self.list((statement["Condition"] as? [String: Any]).flatMap { $0["StringLike"] as? [String: Any] }?["s3:prefix"])
                #expect(!prefixes.isEmpty && !prefixes.contains("*"), "\(name): \(statement["Sid"] ?? "?") lists the whole bucket")
                #expect(actions.allSatisfy { $0.hasPrefix("s3:List") }, "\(name): a prefix condition would deny \(actions)")
                if name == "iam-redshift-copy-role-policy.json" {
                    #expect(Set(prefixes) == ["staging/*", "_millrace/manifests/*"])
                }
            }
        }
        // The worker needs what staging and its commit protocol do.
        let worker = try Self.statements("iam-worker-policy.json")
        let staging = worker.first { Self.list($0["Resource"]).contains("arn:aws:s3:::eav-olap/staging/*") }
        #expect(Set(Self.list(staging?["Action"])) == ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload"])
    }
}
