-- name: info-integrity
-- title: Integrity of the CloudTrail evidence
-- description: CloudTrail log and digest files by integrity status (verified, modified, moved, not-listed, unverifiable), digests per chain, and the findings of the digest checks that did not pass, by check. `ddbtrail verify` lists every finding.
-- kind: internal
-- columns: what, status, count
SELECT CASE f.format WHEN 'cloudtrail-digest' THEN 'digest files' ELSE 'log files' END AS what,
       f.integrity AS status, count(*) AS count
FROM source_files f WHERE f.integrity IS NOT NULL
GROUP BY 1, 2
UNION ALL
SELECT 'finding: ' || check_name, status, count(*) FROM integrity_findings WHERE status <> 'ok' GROUP BY 1, 2
UNION ALL
SELECT 'public keys', NULL, count(*) FROM public_keys HAVING count(*) > 0
UNION ALL
SELECT 'saved digest signatures', NULL, count(*) FROM digest_signatures HAVING count(*) > 0
ORDER BY 1, 2;
