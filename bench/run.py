"""`make bench`: run every benchmark; each writes its own section of docs/benchmarks.md.

`python bench/run.py --latency` also times the console's pages over HTTP at 1,000,000 mentions on
SQLite and PostgreSQL (bench_http.py --latency: seeding both takes several minutes more).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# bench_http.py's load test: 100,000 mentions, 50 agents for 60 s on each engine (about 5 min).
SCRIPTS = ["bench_ingest.py", "bench_classifier.py", "bench_console.py", "bench_alerts.py",
           "bench_http.py", "bench_dispatch.py"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", action="store_true",
                        help="also bench_http.py --latency (1,000,000 mentions, both engines)")
    scripts: list[str | list[str]] = list(SCRIPTS)
    if parser.parse_args().latency:
        scripts.append(["bench_http.py", "--latency"])
    failed = []
    for entry in scripts:
        script, *extra = [entry] if isinstance(entry, str) else entry
        path = HERE / script
        if not path.exists():
            print(f"missing benchmark {script}", file=sys.stderr)
            failed.append(script)
            continue
        print(f"== {' '.join([script, *extra])}", flush=True)
        if subprocess.run([sys.executable, str(path), *extra], check=False).returncode != 0:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
