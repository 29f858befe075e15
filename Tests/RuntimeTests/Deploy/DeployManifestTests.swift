import Catalog
import Engine
import Foundation
import MillraceTesting
import Runtime
import Testing
import Yams

/// deploy/kubernetes, the ECS task definition, the Dockerfile and .dockerignore, checked field
/// by field: kubeconform is in neither Debian nor PyPI and no Docker engine runs here, so these
/// tests hold the files to what production needs (non-root and read-only, pinned images, probes
/// on the health endpoints, disruption budgets, scraping) and load the ConfigMap's configuration
/// through the real loader. (hadolint lints the Dockerfile in `make test`.)
@Suite("Deploy manifests")
struct DeployManifestTests {
    static let deploy = PackagePaths.root.appendingPathComponent("deploy")
    static let kubernetes = deploy.appendingPathComponent("kubernetes")

    /// Every document of every manifest, with the file it came from.
    static func documents() throws -> [(file: String, object: [String: Any])] {
        let files = try FileManager.default.contentsOfDirectory(atPath: kubernetes.path).filter { $0.hasSuffix(".yaml") }.sorted()
        return try files.flatMap { file in
            let text = try String(contentsOf: kubernetes.appendingPathComponent(file), encoding: .utf8)
            return try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }.map { (file, $0) }
        }
    }

    static func resources(_ kind: String) throws -> [[String: Any]] {
        try documents().map(\.object).filter { $0["kind"] as? String == kind }
    }

    static func dictionary(_ value: Any?, _ path: String...) -> [String: Any]? {
        path.reduce(value as? [String: Any]) { $0?[$1] as? [String: Any] }
    }

    @Test("every document has apiVersion, kind and a name; kustomization lists every steady-state file")
    func shape() throws {
        let documents = try Self.documents()
        #expect(documents.count >= 10)
        for (file, object) in documents {
            #expect(object["apiVersion"] is String && object["kind"] is String, "\(file)")
            let metadata = Self.dictionary(object, "metadata")
            guard object["kind"] as? String != "Kustomization" else { continue }
            #expect(metadata?["name"] is String || metadata?["generateName"] is String, "\(file): \(object["kind"] ?? "")")
        }
        let kustomization = try #require(documents.first { $0.object["kind"] as? String == "Kustomization" }?.object)
        let listed = Set(try #require(kustomization["resources"] as? [String]))
        let files = Set(documents.map(\.file)).subtracting(["kustomization.yaml", "backfill-job.yaml"])
        #expect(listed == files)
        #expect(try Self.resources("Job").count == 1, "the backfill example")
        #expect(try Self.resources("ConfigMap").count == 1 && (try Self.resources("PodMonitor")).count == 1)
    }

    @Test("every pod runs as 10001, non-root, read-only, without privilege escalation or capabilities, from a pinned image")
    func podSecurity() throws {
        let workloads = try Self.resources("Deployment") + Self.resources("Job")
        #expect(workloads.count == 3)
        for workload in workloads {
            let name = Self.dictionary(workload, "metadata")?["name"] ?? Self.dictionary(workload, "metadata")?["generateName"] ?? "?"
            let pod = try #require(Self.dictionary(workload, "spec", "template", "spec"), "\(name)")
            let security = Self.dictionary(pod, "securityContext")
            #expect(security?["runAsNonRoot"] as? Bool == true && security?["runAsUser"] as? Int == 10001, "\(name)")
            let volumes = try #require(pod["volumes"] as? [[String: Any]])
            let emptyDirs = Set(volumes.filter { $0["emptyDir"] != nil }.compactMap { $0["name"] as? String })
            for container in try #require(pod["containers"] as? [[String: Any]]) {
                let context = Self.dictionary(container, "securityContext")
                #expect(context?["allowPrivilegeEscalation"] as? Bool == false, "\(name)")
                #expect(context?["readOnlyRootFilesystem"] as? Bool == true, "\(name)")
                #expect(Self.dictionary(context, "capabilities")?["drop"] as? [String] == ["ALL"], "\(name)")
                let image = try #require(container["image"] as? String)
                #expect(image.hasSuffix(":\(Build.version)"), "\(name): \(image) is not pinned to \(Build.version)")
                let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
                // The only writable place: an emptyDir at /tmp. The configuration comes from the ConfigMap.
                #expect(mounts.contains { $0["mountPath"] as? String == "/tmp" && emptyDirs.contains($0["name"] as? String ?? "") }, "\(name)")
                #expect(mounts.contains { $0["mountPath"] as? String == "/etc/millrace" }, "\(name)")
                let args = try #require(container["args"] as? [String])
                #expect(args.contains("--config") && args.contains("/etc/millrace/millrace.yaml"), "\(name)")
            }
        }
    }

    @Test("Deployments probe /healthz and /readyz, each has a disruption budget, and the PodMonitor scrapes them all")
    func probesBudgetsAndScraping() throws {
        let budgets = try Self.resources("PodDisruptionBudget")
        let monitor = try #require(try Self.resources("PodMonitor").first)
        let scraped = try #require(Self.dictionary(monitor, "spec", "selector", "matchLabels") as? [String: String])
        let endpoints = try #require(Self.dictionary(monitor, "spec")?["podMetricsEndpoints"] as? [[String: Any]])
        #expect(endpoints.map { $0["port"] as? String } == ["metrics"] && endpoints.first?["path"] as? String == "/metrics")
        for deployment in try Self.resources("Deployment") {
            let name = Self.dictionary(deployment, "metadata")?["name"] as? String ?? "?"
            let labels = try #require(Self.dictionary(deployment, "spec", "template", "metadata", "labels") as? [String: String])
            let container = try #require((Self.dictionary(deployment, "spec", "template", "spec")?["containers"] as? [[String: Any]])?.first)
            #expect(Self.dictionary(container, "livenessProbe", "httpGet")?["path"] as? String == "/healthz", "\(name)")
            #expect(Self.dictionary(container, "readinessProbe", "httpGet")?["path"] as? String == "/readyz", "\(name)")
            let ports = (container["ports"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(ports.contains("metrics"), "\(name)")
            #expect(scraped.allSatisfy { labels[$0.key] == $0.value }, "the PodMonitor does not select \(name)")
            let budget = budgets.first { budget in
                let selector = Self.dictionary(budget, "spec", "selector", "matchLabels") as? [String: String] ?? [:]
                return !selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value }
            }
            #expect(budget != nil, "no PodDisruptionBudget selects \(name)")
            // The grace outlasts pipeline.shutdown_grace, so the open batch commits before the kill.
            let grace = Self.dictionary(deployment, "spec", "template", "spec")?["terminationGracePeriodSeconds"] as? Int ?? 30
            #expect(grace > 60, "\(name)")
        }
    }

    @Test("the ConfigMap holds a complete configuration the real loader accepts, with every enrichment dimension fed")
    func configMapLoads() throws {
        let configMap = try #require(try Self.resources("ConfigMap").first)
        let text = try #require(Self.dictionary(configMap, "data")?["millrace.yaml"] as? String)
        // The image's Schemas/ path does not exist here: the checkout's is the same content.
        let configuration = try ConfigurationLoader.parse(
            text, source: "deploy/kubernetes/config.yaml", environment: ["MILLRACE__SCHEMAS__DIR": PackagePaths.schemas.path])
        #expect(try ConfigurationLoader.parse(text, source: "config.yaml").schemas.dir == "/usr/share/millrace/Schemas")
        #expect(configuration.kafka.groupID == "millrace-eav" && !configuration.staging.bucket.isEmpty)
        #expect(configuration.warehouse.dialect == .redshift && !configuration.warehouse.iamRole.isEmpty)
        #expect(configuration.pipeline.shutdownGrace.milliseconds < 90_000)
        // Every dimension the staged tables join is fed: a snapshot from the configuration, or
        // (changelog dimensions) its own CDC topic; nothing is enriched from an empty dimension.
        let catalog = try Catalog.load(directory: configuration.schemas.dir)
        let staged = catalog.tables.map(\.current).filter { configuration.kafka.topics.contains($0.source.topic ?? "") }
        #expect(staged.contains { $0.name == "fact_entity_values" })
        let dimensions = try DimensionSet(catalog: catalog, tables: staged)
        #expect(dimensions.names.contains("dim_attributes"))
        for name in dimensions.names where !dimensions.isChangelog(name) {
            #expect(configuration.dimensions[name]?.snapshot.isEmpty == false, "dimension \(name) has no snapshot in the ConfigMap")
        }
        for name in configuration.dimensions.keys {
            #expect(dimensions.names.contains(name), "dimensions.\(name) is configured but no staged table joins it")
        }
        // The sample configuration beside it loads too.
        _ = try ConfigurationLoader.load(path: Self.deploy.appendingPathComponent("millrace.yaml").path, environment: [:])
    }

    @Test("the Dockerfile: numeric user, its own health check, the version label, dependencies resolved in their own layer")
    func dockerfile() throws {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent("Dockerfile"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        #expect(lines.contains("USER 10001:10001"))
        #expect(lines.contains { $0.hasPrefix("HEALTHCHECK ") && $0.hasSuffix(#"CMD ["millrace", "healthcheck"]"#) })
        #expect(lines.contains("ARG VERSION=\(Build.version)"))
        #expect(lines.contains { $0.contains(#"org.opencontainers.image.version="${VERSION}""#) })
        let resolve = try #require(lines.firstIndex { $0.contains("swift package resolve") })
        let manifest = try #require(lines.firstIndex { $0.hasPrefix("COPY Package.") })
        let sources = try #require(lines.firstIndex { $0.hasPrefix("COPY Sources") })
        #expect(manifest < resolve && resolve < sources)
        let ignored = try String(contentsOf: PackagePaths.root.appendingPathComponent(".dockerignore"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        for entry in [".build", ".git", "out"] { #expect(ignored.contains(entry), "\(entry) is sent as build context") }
        for needed in ["Sources", "Schemas", "Package.swift", "deploy"] { #expect(!ignored.contains(needed), "\(needed) is needed") }
    }

    @Test("the ECS task: the health check runs millrace healthcheck, the image is pinned, the root filesystem read-only, Fargate sizes valid")
    func ecsTask() throws {
        let data = try Data(contentsOf: Self.deploy.appendingPathComponent("ecs-task-definition.json"))
        let task = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let container = try #require((task["containerDefinitions"] as? [[String: Any]])?.first)
        #expect(Self.dictionary(container, "healthCheck")?["command"] as? [String] == ["CMD", "millrace", "healthcheck"])
        #expect((container["image"] as? String)?.hasSuffix(":\(Build.version)") == true)
        #expect(container["user"] as? String == "10001:10001" && container["readonlyRootFilesystem"] as? Bool == true)
        #expect(Self.dictionary(container, "linuxParameters", "capabilities")?["drop"] as? [String] == ["ALL"])
        #expect((container["stopTimeout"] as? Int ?? 0) > 60)
        // Fargate's task sizes: 1 vCPU takes 2 to 8 GiB (AWS ECS Developer Guide, "Task CPU and memory").
        let cpu = Int(task["cpu"] as? String ?? "") ?? 0
        let memory = Int(task["memory"] as? String ?? "") ?? 0
        #expect(cpu == 1024 && (2048...8192).contains(memory), "cpu \(cpu), memory \(memory)")
    }
}
