"""What tests share: factories, clients, the browser's helpers, Storj's vectors
and the uplink-c shim. Test modules import from here, never from each other."""

from pathlib import Path

# The project's folder (where manage.py, README.md and bin/ are).
PROJECT_DIR = Path(__file__).resolve().parents[2]
