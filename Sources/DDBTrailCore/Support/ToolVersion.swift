/// The version of ddbtrail (`ddbtrail --version`, and recorded in every bundle's manifest).
public enum ToolVersion {
    public static let current = "0.16.0"
}
