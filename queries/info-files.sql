-- name: info-files
-- title: Evidence files by status and format
-- description: How many source files were imported, catalogued as digests, or not imported, and why.
-- kind: internal
-- columns: status, format, files, records_read, records_imported, records_duplicate, records_rejected
SELECT status, coalesce(format, '') AS format, count(*) AS files,
       sum(records_read) AS records_read, sum(records_imported) AS records_imported,
       sum(records_duplicate) AS records_duplicate, sum(records_rejected) AS records_rejected
FROM source_files
GROUP BY 1, 2
ORDER BY 1, 2;
