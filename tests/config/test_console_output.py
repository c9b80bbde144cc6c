"""What a developer reads when the console starts: each log line once, no banners."""

import os
import subprocess
import sys

from tests.helpers import PROJECT_DIR


def test_a_django_log_line_prints_once_and_axes_prints_no_banner(tmp_path):
    code = "import logging; logging.getLogger('django.utils.autoreload').info('printed-once')"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOCAL_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert output.count("printed-once") == 1, output
    assert "AXES: BEGIN" not in output
