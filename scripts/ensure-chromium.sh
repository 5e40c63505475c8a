#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium, where the browser tests launch it
# (test/e2e/helpers/browser.ts). playwright-core ships no browser, and `npx playwright install`
# downloads one from outside the package registries, which this project never does.
#
# Exits 0 when Chromium is there (installing it with apt-get when we are root). Otherwise prints
# the one command that installs it, as the last line of its output, and exits 1.
set -uo pipefail

CHROMIUM=/usr/bin/chromium
INSTALL_COMMAND="sudo apt-get update && sudo apt-get install -y chromium"

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "▸ Installing Chromium for the browser tests (apt-get install -y chromium, about a minute)"
  start=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  # One update per run: the package lists may be missing or stale on a fresh machine.
  if apt-get update && apt-get install -y chromium && [ -x "$CHROMIUM" ]; then
    echo "▸ Chromium installed in $((SECONDS - start)) s: $("$CHROMIUM" --version 2>/dev/null)"
    exit 0
  fi
  echo "Installing Chromium with apt-get failed (see above)."
fi

echo "Chromium is not installed at $CHROMIUM; the browser tests need it. Install it with:"
echo "  $INSTALL_COMMAND"
exit 1
