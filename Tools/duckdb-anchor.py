"""The benchmark's anchor: DuckDB importing the same CloudTrail corpus as a DuckDB user would.

read_json over every .json.gz file, each file's Records array unnested, the audit fields pulled
out as columns and the record kept as JSON text, materialised into a DuckDB database file.

    python duckdb-anchor.py CORPUS_DIR OUT.duckdb
Prints: records, seconds.
"""
import sys
import time

import duckdb

corpus, out = sys.argv[1], sys.argv[2]
con = duckdb.connect(out)
started = time.monotonic()
con.execute(f"""
    CREATE TABLE events AS
    SELECT r ->> '$.eventID' AS event_id,
           r ->> '$.eventTime' AS event_time,
           r ->> '$.eventSource' AS event_source,
           r ->> '$.eventName' AS event_name,
           r ->> '$.eventCategory' AS event_category,
           r ->> '$.awsRegion' AS aws_region,
           r ->> '$.recipientAccountId' AS recipient_account_id,
           r ->> '$.sourceIPAddress' AS source_ip,
           r ->> '$.userAgent' AS user_agent,
           r ->> '$.errorCode' AS error_code,
           r ->> '$.userIdentity.arn' AS principal_arn,
           r ->> '$.userIdentity.accessKeyId' AS access_key_id,
           r ->> '$.requestParameters.tableName' AS table_name,
           r -> '$.requestParameters.key' AS item_key,
           r AS record
    FROM (SELECT unnest(Records) AS r
          FROM read_json('{corpus}/**/*.json.gz', columns = {{'Records': 'JSON[]'}}, maximum_object_size = 1073741824))
""")
count = con.execute("SELECT count(*) FROM events").fetchone()[0]
con.close()
print(f"{count} {time.monotonic() - started:.2f}")
