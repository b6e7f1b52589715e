import Foundation
import PQModel

/// `pqscout effective ssh-server|ssh-client` output: the text table and the JSON document.
public enum EffectiveSSHText {
    /// The result as pretty JSON with sorted keys (stable bytes).
    public static func json(_ result: EffectiveSSHResult) throws -> String {
        let encoder = ReportJSONEncoder.make()
        return String(decoding: try encoder.encode(result), as: UTF8.self) + "\n"
    }

    /// The result as text: one block per list, its source, then one algorithm per line with its status.
    public static func table(_ result: EffectiveSSHResult) -> String {
        var out =
            (result.program == .server ? "sshd" : "ssh") + " effective settings for \(result.configPath.display)\n"
        out += "OpenSSH \(result.opensshVersion): \(result.versionBasis)\n"
        if let connection = result.connection {
            let fields: [(String, String?)] = [
                ("user", connection.user), ("host", connection.host), ("addr", connection.address),
                ("laddr", connection.localAddress), ("lport", connection.localPort.map(String.init)),
                ("rdomain", connection.routingDomain), ("localuser", connection.localUser),
            ]
            out +=
                "connection: "
                + fields.compactMap { key, value in value.map { "\(key)=\($0)" } }
                .joined(separator: ",") + "\n"
        }
        out += "post-quantum key exchange offered: " + (result.postQuantumKex ? "yes" : "no") + "\n"
        for list in result.lists {
            out += "\n" + list.setting + "  (" + source(list.origin, list.path, list.line, list.context) + ")\n"
            if list.setting == "GSSAPIKexAlgorithms", result.gssapiKeyExchange == false {
                out += "  (not offered: GSSAPIKeyExchange is no)\n"
            }
            if let note = list.note, list.origin == .file { out += "  (\(note))\n" }
            let width = list.algorithms.map(\.name.count).max() ?? 0
            for algorithm in list.algorithms {
                let padding = String(repeating: " ", count: max(0, width - algorithm.name.count))
                out += "  \(algorithm.name)\(padding)  \(algorithm.quantumStatus.rawValue)\n"
            }
        }
        if let bits = result.requiredRSASize {
            out +=
                "\nRequiredRSASize \(bits)  ("
                + source(
                    result.requiredRSASizePath == nil ? .default : .file, result.requiredRSASizePath,
                    result.requiredRSASizeLine, nil) + ")\n"
        }
        if !result.refusals.isEmpty {
            out += "\n" + (result.program == .server ? "sshd" : "ssh") + " would refuse this configuration:\n"
            for refusal in result.refusals { out += "  \(refusal)\n" }
        }
        if !result.diagnostics.isEmpty {
            out += "\ndiagnostics:\n"
            for diagnostic in result.diagnostics {
                out += "  \(diagnostic.path.display): \(diagnostic.reason.rawValue): \(diagnostic.detail)\n"
            }
        }
        return out
    }

    private static func source(_ origin: Origin, _ path: ScanPath?, _ line: Int?, _ context: String?) -> String {
        guard origin == .file, let path else { return "default" }
        var text = path.display + (line.map { ":\($0)" } ?? "")
        if let context { text += ", " + context }
        return text
    }
}
