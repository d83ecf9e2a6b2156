#!/usr/bin/env bash
# Quick start for a fresh machine with Node 20.19+ and npm:
#   ./run.sh demo   the rolling-deploy simulation on an embedded local S3 server, with a report
#   ./run.sh test   every test: unit, integration (real S3 server, real nginx) and browser (real Chromium)
# It installs what it needs: pnpm at the pinned version, then Debian's chromium and nginx when root.
set -euo pipefail
cd "$(dirname "$0")"

PNPM_VERSION=10.34.9
say() { printf '\033[36m[skewless]\033[0m %s\n' "$*" >&2; }

cmd=${1:-}
case "$cmd" in
  demo | test | bench) ;;
  *)
    echo "usage: ./run.sh demo|test|bench" >&2
    exit 2
    ;;
esac

node_major=$(node -p 'process.versions.node.split(".")[0]')
node_minor=$(node -p 'process.versions.node.split(".")[1]')
# The engines range: ^20.19 || >=22.12 (Node 21 and 22.0-22.11 lack require(esm), which Vite 7+ needs).
if [ "$node_major" -lt 20 ] || [ "$node_major" -eq 21 ] ||
  { [ "$node_major" -eq 20 ] && [ "$node_minor" -lt 19 ]; } ||
  { [ "$node_major" -eq 22 ] && [ "$node_minor" -lt 12 ]; }; then
  say "Node $(node -v) is not supported: Skewless needs Node 20.19+ or 22.12+. Install a newer Node and run again."
  exit 1
fi

# pnpm, pinned (corepack cannot verify signatures against this registry, so install it with npm).
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  say "installing pnpm@$PNPM_VERSION"
  if ! npm install -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1; then
    say "npm install -g failed (no permission?); using npx pnpm@$PNPM_VERSION"
    pnpm() { npx -y "pnpm@$PNPM_VERSION" "$@"; }
  fi
fi

# Debian's Chromium (browser tests, demo) and nginx (the CDN cache). Playwright's own browser
# download cannot work here, so we never try it. CHROMIUM_PATH points at another Chromium build.
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} from Debian's packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    # Debian starts nginx as a system service on install; Skewless runs its own instances on free
    # loopback ports, so stop the one we just caused (never one the user already had).
    if [[ " ${missing[*]} " == *" nginx "* ]] && command -v service >/dev/null 2>&1; then
      service nginx stop >/dev/null 2>&1 || true
    fi
  else
    say "missing: ${missing[*]}. Install them (as root: apt-get install -y ${missing[*]}) and run again."
    exit 1
  fi
fi

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
say "installing dependencies"
pnpm install --frozen-lockfile --reporter=append-only >&2

pnpm run "$cmd"
