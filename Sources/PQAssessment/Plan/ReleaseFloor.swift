import PQCatalog

/// The releases the planner compares installed versions with, each read from the catalog's release table
/// (`Catalog.releases`, with its public source) rather than written down here.
enum ReleaseFloor {
    /// The first release of `software` that brings `algorithm` (the software's own spelling).
    static func first(_ software: String, bringing algorithm: String, as kind: SoftwareRelease.Kind) -> SoftwareVersion
    {
        guard let release = Catalog.shared.firstRelease(of: software, bringing: algorithm, as: kind) else {
            // The table ships inside the binary's bundle and a test reads every floor: this is a packaging fault.
            preconditionFailure("PQCatalog: releases.json names no \(software) release bringing \(algorithm)")
        }
        return SoftwareVersion(release.versionParts)
    }
}
