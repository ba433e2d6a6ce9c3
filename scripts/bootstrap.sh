# Sourced by ./run and ./test: make .venv with the pinned requirements, once per change.
# Needs only Python 3.11+ with venv; on Debian as root it installs python3-venv if missing.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

find_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "error: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)." >&2
  return 1
}

make_venv() {
  local python="$1"
  if "$python" -m venv "$VENV" 2>/dev/null; then return 0; fi
  rm -rf "$VENV"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's python3-venv ..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
    "$python" -m venv "$VENV" && return 0
  fi
  echo "error: '$python -m venv' failed; install your distribution's venv package (python3-venv)." >&2
  return 1
}

bootstrap() {
  local python stamp wanted
  python="$(find_python)" || return 1
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c '' 2>/dev/null; then
    rm -rf "$VENV"
    make_venv "$python" || return 1
  fi
  stamp="$VENV/.requirements.sha256"
  wanted="$(sha256sum "$ROOT/requirements.txt" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "Installing the pinned requirements into .venv ..." >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
      --no-warn-script-location -r "$ROOT/requirements.txt" || return 1
    echo "$wanted" > "$stamp"
  fi
}

# The browser tests drive Debian's chromium (Playwright's own browser download is not used).
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1 || [ -n "${CHROMIUM:-}" ]; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests ..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    echo "warning: chromium is missing and cannot be installed without root;" \
      "the browser tests will fail (apt-get install chromium, or set CHROMIUM=/path)." >&2
  fi
}
