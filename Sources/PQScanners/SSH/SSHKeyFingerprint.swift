import Foundation

/// Fingerprints of SSH public key blobs: the inventory's asset id and OpenSSH's own display form.
///
/// Both hash the key blob exactly as it travels on the wire (RFC 4253 section 6.6, `string type` first), which
/// is what `ssh-keygen -l` hashes, so an asset id can be matched against `ssh-keygen -l -E sha256` output.
public enum SSHKeyFingerprint {
    /// `sha256:<lower-case hex>` over the blob: the asset id shared by every file holding this key.
    public static func assetID<Bytes: Collection>(of blob: Bytes) -> String where Bytes.Element == UInt8 {
        "sha256:" + Digest.sha256Hex(Array(blob))
    }

    /// `SHA256:<base64 without padding>`, as `ssh-keygen -l` prints it (OpenSSH `sshkey_fingerprint`).
    public static func openSSH<Bytes: Collection>(of blob: Bytes) -> String where Bytes.Element == UInt8 {
        var text = Data(Digest.sha256(Array(blob))).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return "SHA256:" + text
    }
}
