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

# apt-get as root, one run at a time: two ./test runs started together on a new machine
# both install chromium, and the second's apt-get failed at once on the first one's lock.
# The lock file is our own (apt's own locks cannot be waited for by `apt-get update`);
# DPkg::Lock::Timeout waits for dpkg's lock when another program installs.
root_apt_get() {
  local lock=/run/lock
  [ -d "$lock" ] || lock=/var/lock
  flock -w 1800 "$lock/defense-archive-apt.lock" \
    apt-get -o DPkg::Lock::Timeout=600 "$@"
}

make_venv() {
  local python="$1"
  if "$python" -m venv "$VENV" 2>/dev/null; then return 0; fi
  rm -rf "$VENV"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's python3-venv ..." >&2
    root_apt_get update -qq &&
      DEBIAN_FRONTEND=noninteractive root_apt_get install -y -qq python3-venv >&2
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

# The browser tests drive Debian's chromium (Playwright's own browser download is not used),
# chosen in this order: CHROMIUM=/path; chromium on PATH; as root, apt-get install chromium;
# otherwise Debian's chromium unpacked without root into var/chromium, which exports CHROMIUM.
# Playwright's bundled Node.js needs libatomic1, which a minimal Debian lacks: installed the
# same ways, with PLAYWRIGHT_NODEJS_PATH exported when it comes from var/chromium.
# ARCHIVE_LOCAL_CHROMIUM=1 skips chromium on PATH and apt-get install, to test var/chromium on
# a machine that has chromium.
ensure_chromium() {
  local dir="$ROOT/var/chromium" local_only="${ARCHIVE_LOCAL_CHROMIUM:-}" node missing=()
  if [ -z "${CHROMIUM:-}" ] && { [ "$local_only" = 1 ] || ! command -v chromium >/dev/null 2>&1; }
  then
    missing+=(chromium)
  fi
  node="$(compgen -G "$VENV/lib/python3*/site-packages/playwright/driver/node" | head -n 1 || true)"
  if [ -n "$node" ] && ! "$node" --version >/dev/null 2>&1; then missing+=(libatomic1); fi
  if [ ${#missing[@]} = 0 ]; then return 0; fi
  if [ "$(id -u)" = 0 ] && [ "$local_only" != 1 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's ${missing[*]} for the browser tests ..." >&2
    root_apt_get update -qq >&2 &&
      DEBIAN_FRONTEND=noninteractive root_apt_get install -y -qq "${missing[@]}" >&2
    return
  fi
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
    echo "warning: ${missing[*]} missing and no apt-get to fetch Debian's; the browser tests" \
      "will fail (install them, or set CHROMIUM=/path)." >&2
    return 0
  fi
  if [ ! -f "$dir/.fetched" ]; then
    echo "Fetching Debian's chromium into var/chromium (once, no root needed) ..." >&2
    mkdir -p "$dir"
    if ! (
      flock 9
      [ -f "$dir/.fetched" ] || unpack_debian_chromium "$dir" > "$dir/fetch.log" 2>&1
    ) 9> "$dir/.lock"; then
      tail -n 15 "$dir/fetch.log" >&2 || true
      echo "warning: could not fetch Debian's chromium without root (full log:" \
        "var/chromium/fetch.log); the browser tests will fail. Run ./test once as root, or" \
        "install ${missing[*]}." >&2
      return 0
    fi
  fi
  if [[ " ${missing[*]} " == *" chromium "* ]]; then export CHROMIUM="$dir/chromium"; fi
  if [[ " ${missing[*]} " == *" libatomic1 "* ]]; then
    write_library_wrapper "$dir/playwright-node" "$dir" "$node"
    export PLAYWRIGHT_NODEJS_PATH="$dir/playwright-node"
  fi
}

# write_library_wrapper PATH DIR EXECUTABLE: a script that runs EXECUTABLE with the libraries
# unpacked into DIR/root (and their fonts), leaving the environment of everything else alone.
write_library_wrapper() {
  local path="$1" dir="$2" executable="$3"
  {
    echo '#!/usr/bin/env bash'
    echo "# Made by scripts/bootstrap.sh: runs with the Debian packages unpacked into var/chromium."
    printf 'export LD_LIBRARY_PATH=%q"${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"\n' \
      "$(cat "$dir/library-path")"
    if [ -d "$dir/root/etc/fonts" ] || [ -d "$dir/root/usr/share/fonts" ]; then
      printf 'export FONTCONFIG_FILE=%q\n' "$dir/fonts.conf"
    fi
    printf 'exec %q "$@"\n' "$executable"
  } > "$path"
  chmod +x "$path"
}

# Apt as a normal user: its own package lists and cache in DIR/apt, no lock, downloads run as
# this user. apt resolves what chromium and libatomic1 need against the installed packages
# (read from a copy of dpkg's status without chromium, so that ARCHIVE_LOCAL_CHROMIUM=1 fetches
# it too); those packages are unpacked into DIR/root and run through the wrapper DIR/chromium.
unpack_debian_chromium() {
  local dir="$1" apt_dir="$1/apt" root="$1/root" plan packages deb link target libs lib
  rm -rf "$apt_dir" "$root" "$dir/debs" "$dir/.fetched"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dir/debs" "$root"
  awk -v RS= -v ORS='\n\n' '!/^Package: chromium/' /var/lib/dpkg/status > "$apt_dir/status" ||
    return 1
  local apt=(-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
    -o "Dir::State::status=$apt_dir/status" -o Debug::NoLocking=1
    -o "APT::Sandbox::User=$(id -un)")
  # A source that cannot be reached is not fatal: the next step fails if chromium is unknown.
  apt-get "${apt[@]}" -q update || echo "apt-get update failed in part; going on" >&2
  plan="$(apt-get "${apt[@]}" -s -q install --no-install-recommends chromium libatomic1)" ||
    return 1
  # New or newer packages, except libc6: a libc newer than the system's dynamic loader breaks.
  packages="$(awk '$1 == "Inst" && $2 != "libc6" { print $2 }' <<< "$plan")"
  if [ -z "$packages" ]; then echo "apt found nothing to install for chromium" >&2; return 1; fi
  # shellcheck disable=SC2086  # one word per package
  (cd "$dir/debs" && apt-get "${apt[@]}" -q download $packages) || return 1
  for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$root" || return 1; done
  # Absolute links inside the packages (fontconfig's conf.d, for one) point into the unpacked tree.
  while IFS= read -r link; do
    target="$(readlink "$link")"
    if [ -e "$root$target" ]; then ln -sfn "$root$target" "$link"; fi
  done < <(find "$root" -type l -lname '/*')
  # The library folders and their subfolders of libraries that others find through RUNPATH
  # (pulseaudio/libpulsecommon for one).
  libs="$root/usr/lib/chromium"
  for lib in "$root"/usr/lib/*-linux-gnu "$root"/lib/*-linux-gnu; do
    if [ -d "$lib" ]; then libs="$libs:$lib"; fi
  done
  while IFS= read -r lib; do libs="$libs:$lib"; done < <(
    find "$root"/usr/lib/*-linux-gnu "$root"/lib/*-linux-gnu -mindepth 2 -maxdepth 2 \
      -name 'lib*.so*' -printf '%h\n' 2>/dev/null | sort -u
  )
  echo "$libs" > "$dir/library-path"
  # Fonts unpacked here (a machine without fontconfig gets it and DejaVu) and the system's.
  cat > "$dir/fonts.conf" << FONTS
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <include ignore_missing="yes">$root/etc/fonts/conf.d</include>
  <dir>/usr/share/fonts</dir>
  <dir>$root/usr/share/fonts</dir>
  <cachedir>$dir/fontconfig-cache</cachedir>
</fontconfig>
FONTS
  write_library_wrapper "$dir/chromium" "$dir" "$root/usr/lib/chromium/chromium"
  "$dir/chromium" --version || return 1
  {
    echo "# $(date -u +%FT%TZ): $(wc -l <<< "$packages") packages," \
      "$(du -sm "$dir/debs" | cut -f1) MB"
    echo "$packages"
  } > "$dir/.fetched"
  rm -rf "$apt_dir" "$dir/debs"
}
