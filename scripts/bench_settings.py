"""The benchmark's settings (scripts/benchmark.py): production's, config/settings.py,
serving a bare Django view beside the site (scripts/bench_urls.py), the yardstick every
page is measured against. Importable with scripts/ on the path, as bench_urls is.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
