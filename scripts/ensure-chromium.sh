#!/usr/bin/env bash
# Makes sure the browser tests have a Chromium: Debian's `chromium` package at /usr/bin/chromium
# (or whatever CHROMIUM_PATH names). Installs it with apt-get where it is missing and we may
# (root, or sudo without a password). Never downloads a browser any other way. If Chromium
# cannot be had, says why and exits 0: the browser tests then skip, loudly, and the rest runs.
set -uo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  echo "ensure-chromium: using $chromium ($("$chromium" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "ensure-chromium: CHROMIUM_PATH=$CHROMIUM_PATH does not exist; not installing anything." >&2
  echo "ensure-chromium: THE BROWSER TESTS WILL BE SKIPPED." >&2
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "ensure-chromium: /usr/bin/chromium is missing and this user cannot install packages" >&2
    echo "ensure-chromium: (not root, no password-less sudo). Install it with: apt-get install chromium" >&2
    echo "ensure-chromium: THE BROWSER TESTS WILL BE SKIPPED." >&2
    exit 0
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: /usr/bin/chromium is missing and there is no apt-get here; install Chromium" >&2
  echo "ensure-chromium: and set CHROMIUM_PATH. THE BROWSER TESTS WILL BE SKIPPED." >&2
  exit 0
fi

echo "ensure-chromium: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
# A fresh container has no package lists; an old list can name versions the mirror dropped.
if ! "${as_root[@]}" apt-get install -y chromium; then
  "${as_root[@]}" apt-get update && "${as_root[@]}" apt-get install -y chromium
fi
if [ -x /usr/bin/chromium ]; then
  echo "ensure-chromium: installed $(/usr/bin/chromium --version 2>/dev/null)"
else
  echo "ensure-chromium: apt-get could not install chromium; THE BROWSER TESTS WILL BE SKIPPED." >&2
fi
exit 0
