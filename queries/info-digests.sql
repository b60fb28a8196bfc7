-- name: info-digests
-- title: CloudTrail digest files
-- description: Digest files catalogued for later integrity validation, with how many listed log files are in the case (matched by decompressed SHA-256).
-- kind: internal
-- columns: account_id, digest_start_time, digest_end_time, digest_s3_object, log_files_listed, log_files_in_case
SELECT d.aws_account_id AS account_id, d.digest_start_time, d.digest_end_time, d.digest_s3_object,
       d.log_file_count AS log_files_listed,
       (SELECT count(*) FROM digest_log_files l
         WHERE l.digest_id = d.id
           AND EXISTS (SELECT 1 FROM source_files f WHERE f.content_sha256 = lower(l.hash_value))) AS log_files_in_case
FROM digest_files d
ORDER BY d.aws_account_id, d.digest_end_time;
