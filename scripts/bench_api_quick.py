"""The short mode of scripts/bench-api.sh: the same seeded database, server and request mix,
driven with the standard library instead of oha (which a fresh machine would first have to
compile, about 8 minutes), so CI checks the whole path without installing a load generator.

Sends each URL of the mix file once, `concurrency` at a time, paced to `rate` requests/s, and
writes what oha writes for the table: an sqlite `oha` table (url, duration in s, status) and a
JSON summary (`summary.requestsPerSec`, `errorDistribution`). Its timings are not figures.

    python3 scripts/bench_api_quick.py URLS_FILE RATE REQUESTS_DB SUMMARY_JSON
"""
import concurrent.futures
import json
import sqlite3
import sys
import time
import urllib.error
import urllib.request


def fetch(url, scheduled):
    delay = scheduled - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as e:
        status = e.code
    except OSError as e:
        return url, None, type(e).__name__
    # Latency from the scheduled send time, as oha's --latency-correction counts it.
    return url, time.monotonic() - scheduled, status


def main():
    urls_file, rate, requests_db, summary_json = sys.argv[1:]
    urls = [line.strip() for line in open(urls_file) if line.strip()]
    rate = float(rate)
    start = time.monotonic()
    rows, errors = [], {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(fetch, url, start + i / rate) for i, url in enumerate(urls)]
        for future in futures:
            url, duration, status = future.result()
            if duration is None:
                errors[status] = errors.get(status, 0) + 1
            else:
                rows.append((url, duration, status))
    elapsed = time.monotonic() - start
    db = sqlite3.connect(requests_db)
    db.execute("CREATE TABLE oha (url TEXT, duration REAL, status INTEGER)")
    db.executemany("INSERT INTO oha VALUES (?, ?, ?)", rows)
    db.commit()
    json.dump({"summary": {"requestsPerSec": len(urls) / elapsed}, "errorDistribution": errors},
              open(summary_json, "w"))
    failed = sum(1 for _, _, status in rows if not 200 <= status < 300)
    if failed or errors:
        sys.exit(f"bench-api quick: {failed} non-2xx answers and {sum(errors.values())} transport errors")


if __name__ == "__main__":
    main()
