# The environment every advisor command runs in: sourced by the Makefile's recipes and reused by
# tests (`. scripts/env.sh` from the repository root, or with ADVISOR_ROOT set).
#
# Reflex 0.10 reaches for the internet at start-up (a bun install script, a version check,
# telemetry, a reachability probe); these settings keep it on the package registries only and
# keep its caches inside the project. See shared/notes/reflex-offline.md.
# shellcheck shell=sh

: "${ADVISOR_ROOT:=$(pwd)}"
export ADVISOR_ROOT

# bun from the npm registry (make install) and the project's virtualenv come first.
export PATH="$ADVISOR_ROOT/.tools/bin:$ADVISOR_ROOT/.venv/bin:$PATH"

export REFLEX_USE_SYSTEM_BUN=1                 # use bun from PATH, never the install script
export NPM_CONFIG_REGISTRY="${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}"
export REFLEX_CHECK_LATEST_VERSION=0           # no version look-up
export REFLEX_TELEMETRY_ENABLED=0              # no telemetry (rxconfig.py says so too)
export REFLEX_HTTP_CLIENT_BIND_ADDRESS="${REFLEX_HTTP_CLIENT_BIND_ADDRESS:-0.0.0.0}"  # no probe

# Reflex's and bun's own folders stay inside the project, so `make clean`-style resets and
# fresh clones never depend on a home directory.
export REFLEX_DIR="$ADVISOR_ROOT/.tools/reflex"
export BUN_INSTALL_CACHE_DIR="$ADVISOR_ROOT/.tools/bun-cache"
