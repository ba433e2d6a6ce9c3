"""`launcher production` (./run production) on the embedded database: gunicorn serves the
site with DEBUG off and whitenoise's compressed, hashed static files, and SIGTERM or
Ctrl-C stops gunicorn and then the database.

The tests use a var folder (ARCHIVE_VAR_DIR) of their own, so the database they start is
not the one the test suite runs on; it is directly under /tmp, where the embedded server's
system user reaches it when the tests run as root.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.faults.conftest import free_port


@pytest.fixture(scope="module")
def var_dir():
    path = Path(tempfile.mkdtemp(prefix="archive-production-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def server_running(var_dir):
    pid_file = var_dir / "pgdata" / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().split()[0]), 0)
    except ProcessLookupError:
        return False
    return True


GZIP = {"Accept-Encoding": "gzip"}


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers, response.read()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_production_server_serves_and_stops_with_its_database(var_dir, signum):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(ARCHIVE_VAR_DIR=str(var_dir))
    process = subprocess.Popen(
        [sys.executable, "-m", "archive.launcher", "production", f"--port={port}", "--workers=2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while True:
        assert process.poll() is None, "the server exited early"
        assert time.monotonic() < deadline, "the site never answered"
        try:
            status, headers, home = get(f"http://127.0.0.1:{port}/")
            break
        except OSError:
            time.sleep(0.3)
    assert status == 200
    assert headers["Server"] == "gunicorn"
    stylesheet = re.search(rb'<link rel="stylesheet" href="([^"]+)"', home).group(1).decode()
    assert re.search(r"site\.[0-9a-f]{12}\.css$", stylesheet), "hashed by the manifest storage"
    _status, css_headers, _body = get(f"http://127.0.0.1:{port}{stylesheet}", **GZIP)
    assert css_headers["Content-Encoding"] == "gzip"
    with pytest.raises(urllib.error.HTTPError) as missing:  # DEBUG off: no debug page
        get(f"http://127.0.0.1:{port}/no-such-page/")
    assert missing.value.code == 404
    assert b"Django tried these URL patterns" not in missing.value.read()

    os.killpg(process.pid, signum) if signum == signal.SIGINT else process.send_signal(signum)
    process.wait(timeout=240)

    assert not server_running(var_dir)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
