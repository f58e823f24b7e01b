"""Production settings for bench/bench_requests.py, with a trivial view beside the product's.

The trivial view lives in bench/urls.py, never in the product's URLs. Static files are collected
into the benchmark's own temporary directory (``BENCH_STATIC_ROOT``), not into the checkout.
"""

from pathlib import Path

from localdigital.settings.production import *  # noqa: F403
from localdigital.settings.production import env

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = Path(env("BENCH_STATIC_ROOT"))
