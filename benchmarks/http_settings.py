"""Production settings for benchmarks/http.py, with static files collected into a temp folder.

Everything comes from ``iopfinder.settings`` (so from the same environment variables a real
deployment sets); only ``STATIC_ROOT`` moves, so the benchmark never writes into the tree.
"""

import os
from pathlib import Path

from iopfinder.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["IOPFINDER_BENCH_STATIC_ROOT"])
