/// The version this build reports in scans and outputs.
public enum ToolInfo {
    public static let name = "pqscout"
    public static let version = "0.1.0"
}
