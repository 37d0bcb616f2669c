#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright (never a downloaded browser build).
# Installs it when missing and we may (root with apt-get); otherwise the browser tests skip with a reason.
set -u
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "warning: chromium could not be installed; browser tests will be skipped" >&2
else
  echo "note: chromium is not installed and cannot be installed here; browser tests will be skipped" >&2
fi
exit 0
