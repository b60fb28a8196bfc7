-- name: info-import-errors
-- title: Import errors and warnings
-- description: Per file, how many records or file-level problems were not imported (error) or imported with a problem (warning), with one example reason. Every one is listed in the import_errors table.
-- kind: internal
-- columns: severity, path, problems, example_reason
SELECT e.severity, f.path, count(*) AS problems, min(e.reason) AS example_reason
FROM import_errors e JOIN source_files f ON f.id = e.source_file_id
GROUP BY e.severity, f.path
ORDER BY e.severity, f.path;
