/// How bad a problem with the evidence is: an `error` cost a record or a file, a `warning` did not.
/// Stored in `import_errors.severity` as its raw value.
public enum Severity: String, Sendable {
    case error, warning
}
