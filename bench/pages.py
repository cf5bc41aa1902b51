"""Latency of public pages through the whole Django stack (no network), with demo data loaded."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.local")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--paths", nargs="*", default=["/", "/healthz"])
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for path in args.paths:
        client.get(path)  # warm up templates and connections
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        median = statistics.median(timings)
        print(f"{path:<20} median {median:6.2f} ms  p95 {p95:6.2f} ms  ({args.requests} requests)")


if __name__ == "__main__":
    main()
