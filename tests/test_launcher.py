"""The launcher starts the embedded PostgreSQL for one command and always stops it.

Each test uses its own var folder (ARCHIVE_VAR_DIR), so the server it starts is not the
one the test suite itself runs on.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.launcher import TUNING_FILE, available_memory, server_settings, tune
from tests.conftest import ROOT

QUERY = (
    "import os, psycopg; c = psycopg.connect(os.environ['DATABASE_URL']);"
    "print(c.execute('select 40 + 2').fetchone()[0])"
)


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("launcher-var")
    os.chmod(path, 0o755)
    return path


def launcher_env(var_dir, **extra):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ARCHIVE_VAR_DIR=str(var_dir), **extra)
    return env


def server_running(var_dir):
    pid_file = Path(var_dir) / "pgdata" / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def run_launcher(var_dir, *args, env=None, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "archive.launcher", *args],
        cwd=ROOT,
        env=env or launcher_env(var_dir),
        capture_output=True,
        text=True,
        timeout=180,
        **kwargs,
    )


def test_embedded_server_serves_the_command_then_stops(var_dir):
    result = run_launcher(var_dir, "exec", "--", sys.executable, "-c", QUERY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "42"
    assert (var_dir / "pgdata" / "PG_VERSION").exists()
    assert not server_running(var_dir)


def test_a_new_server_runs_with_the_settings_for_this_machines_memory(tmp_path):
    os.chmod(tmp_path, 0o755)
    settings = "shared_buffers", "effective_cache_size", "random_page_cost"
    query = (
        "import os, psycopg; c = psycopg.connect(os.environ['DATABASE_URL']);"
        f"print(*(c.execute(f'show {{name}}').fetchone()[0] for name in {settings!r}))"
    )
    result = run_launcher(tmp_path, "exec", "--", sys.executable, "-c", query)
    assert result.returncode == 0, result.stderr
    wanted = server_settings(available_memory())
    shown = dict(zip(settings, result.stdout.split(), strict=True))
    assert float(shown.pop("random_page_cost")) == float(wanted.pop("random_page_cost"))
    assert shown == {name: _as_shown(value) for name, value in wanted.items()}


def _as_shown(megabytes):
    """PostgreSQL shows 2048MB as 2GB."""
    n = int(megabytes.removesuffix("MB"))
    return f"{n // 1024}GB" if n % 1024 == 0 else f"{n}MB"


@pytest.mark.parametrize(
    "memory_gb, shared_buffers, cache",
    [(1, "256MB", "512MB"), (24, "6144MB", "12288MB"), (256, "8192MB", "131072MB")],
)
def test_server_settings_follow_the_memory(memory_gb, shared_buffers, cache):
    settings = server_settings(memory_gb * 2**30)
    assert settings["shared_buffers"] == shared_buffers
    assert settings["effective_cache_size"] == cache


def test_tuning_is_included_once_and_rewritten_only_when_it_changes(tmp_path):
    (tmp_path / "postgresql.conf").write_text("max_connections = 100\n")
    assert tune(tmp_path, memory=8 * 2**30)
    assert not tune(tmp_path, memory=8 * 2**30)
    assert "shared_buffers = '2048MB'" in (tmp_path / TUNING_FILE).read_text()
    assert tune(tmp_path, memory=16 * 2**30)
    conf = (tmp_path / "postgresql.conf").read_text()
    assert conf.startswith("max_connections = 100\n")
    assert conf.count(f"include_if_exists = '{TUNING_FILE}'") == 1
    assert "shared_buffers = '4096MB'" in (tmp_path / TUNING_FILE).read_text()


def test_available_memory_is_at_most_the_physical_memory():
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert 0 < available_memory() <= physical


def test_exit_code_of_the_command_is_passed_on(var_dir):
    result = run_launcher(var_dir, "exec", "--", sys.executable, "-c", "raise SystemExit(3)")
    assert result.returncode == 3
    assert not server_running(var_dir)


def test_database_url_set_means_nothing_embedded_starts(tmp_path):
    env = launcher_env(tmp_path, DATABASE_URL="postgresql://someone@db.example/archive")
    result = run_launcher(
        tmp_path,
        "exec",
        "--",
        sys.executable,
        "-c",
        "import os; print(os.environ['DATABASE_URL'])",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "postgresql://someone@db.example/archive"
    assert not (tmp_path / "pgdata").exists()


def _start_sleeping_launcher(var_dir, marker, ignoring=(), started_ignoring_sigint=False, **env):
    child = (
        f"import signal, time, pathlib; [signal.signal(s, signal.SIG_IGN) for s in {ignoring!r}];"
        f" pathlib.Path({str(marker)!r}).touch(); time.sleep(120)"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "archive.launcher", "exec", "--", sys.executable, "-c", child],
        cwd=ROOT,
        env=launcher_env(var_dir, **env),
        start_new_session=True,
        # As a shell starts a background job (`./run &`).
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
        if started_ignoring_sigint
        else None,
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, "launcher exited early"
        assert time.monotonic() < deadline, "child never started"
        time.sleep(0.1)
    assert server_running(var_dir)
    return process


@pytest.mark.parametrize(
    ("signum", "to_group"),
    [(signal.SIGTERM, False), (signal.SIGINT, True), (signal.SIGINT, False)],
    ids=["sigterm", "ctrl-c", "kill-int"],
)
def test_signal_stops_command_and_server(var_dir, tmp_path, signum, to_group):
    process = _start_sleeping_launcher(var_dir, tmp_path / "started")
    if to_group:
        os.killpg(process.pid, signum)  # Ctrl-C in a terminal reaches the whole group
    else:
        process.send_signal(signum)
    process.wait(timeout=240)
    assert not server_running(var_dir)
    launchers = json.loads((var_dir / ".pgdata-launchers.json").read_text())
    assert launchers == []


def test_a_command_that_ignores_signals_is_killed_and_the_server_still_stops(var_dir, tmp_path):
    ignoring = (int(signal.SIGTERM), int(signal.SIGINT))
    process = _start_sleeping_launcher(
        var_dir, tmp_path / "started", ignoring=ignoring, ARCHIVE_STOP_TIMEOUT="2"
    )
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=240)
    assert time.monotonic() - started < 100  # well before the child's own 120 s sleep ends
    assert not server_running(var_dir)


def test_ctrl_c_stops_a_launcher_started_as_a_background_job(var_dir, tmp_path):
    """A background job inherits SIGINT ignored; the command must still get Ctrl-C."""
    process = _start_sleeping_launcher(
        var_dir, tmp_path / "started", started_ignoring_sigint=True, ARCHIVE_STOP_TIMEOUT="300"
    )
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=240)
    assert time.monotonic() - started < 60  # not the child's 120 s sleep, nor a kill
    assert not server_running(var_dir)


def test_second_launcher_shares_the_server_and_the_last_one_stops_it(var_dir, tmp_path):
    first = _start_sleeping_launcher(var_dir, tmp_path / "first")
    result = run_launcher(var_dir, "exec", "--", sys.executable, "-c", QUERY)
    assert result.stdout.strip() == "42"
    assert server_running(var_dir), "the second launcher must not stop a server still in use"
    first.terminate()
    first.wait(timeout=240)
    assert not server_running(var_dir)


def test_stale_bookkeeping_from_a_killed_launcher_does_not_block_a_start(var_dir):
    (var_dir / ".pgdata-launchers.json").write_text("[999999999, ")
    (var_dir / "pgdata" / ".handle_pids.json").write_text("{truncated")
    result = run_launcher(var_dir, "exec", "--", sys.executable, "-c", QUERY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "42"
    assert not server_running(var_dir)


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_served_site_with_autoreloader_stops_with_its_database(var_dir, signum):
    import urllib.request

    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "archive.launcher", "serve", "--port", str(port), "--no-demo"],
        cwd=ROOT,
        env=launcher_env(var_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, "the server exited early"
        assert time.monotonic() < deadline, "the site never answered"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                assert response.status == 200
                home = response.read().decode()
                break
        except OSError:
            time.sleep(0.3)
    import re

    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', home).group(1)
    assert re.search(r"site\.[0-9a-f]{12}\.css$", stylesheet), "hashed by the manifest storage"
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet}", timeout=5) as css:
        assert css.status == 200
        assert b"font" in css.read()
    os.killpg(process.pid, signum) if signum == signal.SIGINT else process.send_signal(signum)
    process.wait(timeout=240)  # a loaded CI machine can take a while to checkpoint
    assert not server_running(var_dir)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
