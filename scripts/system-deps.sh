#!/usr/bin/env bash
# Installs the system packages the full test suite needs: Debian's Chromium (for the
# browser journeys), the PostgreSQL server binaries (the tests start their own server)
# GNU gettext (the translation-completeness test extracts strings with it) and poppler's
# pdftotext (tests read the text of generated PDFs).
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || missing+=(fonts-noto-cjk)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive

# Another apt or dpkg process (an unattended upgrade, a second session) may hold the lock
# for a while: wait for it (up to 20 minutes) rather than fail.
apt_wait() {
  local tries=0
  until $SUDO apt-get -o DPkg::Lock::Timeout=60 "$@"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 20 ]; then
      echo "apt-get $* still failing after $tries tries" >&2
      return 1
    fi
    echo "apt-get $* failed (another apt process may hold the lock); retrying in 60 s" >&2
    sleep 60
  done
}
apt_wait update -qq
apt_wait install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
