-- name: verify
-- title: Integrity of the CloudTrail evidence (digest chains)
-- description: What checking every CloudTrail digest and log file in the case found: each digest's signature, the links of each chain, each listed log file's presence, place and SHA-256, and the log files no digest lists; and copies of one event that disagree. `ddbtrail verify` runs this query; the checks run after every import.
-- kind: internal
-- param: all text = '0'  1 to include the checks that passed
-- columns: status, check, account_id, region, trail, s3_object, path, detail
SELECT f.status, f.check_name AS "check", f.account_id, f.region, f.trail, f.s3_object, s.path, f.detail
FROM integrity_findings f
LEFT JOIN source_files s ON s.id = f.source_file_id
WHERE :all = '1' OR f.status <> 'ok'
ORDER BY CASE f.status WHEN 'failed' THEN 0 WHEN 'unverifiable' THEN 1 ELSE 2 END,
         f.account_id, f.region, f.trail, f.s3_object, f.check_name, s.path, f.id;
