#!/usr/bin/env bash
# Installs what corvid needs to build and test from Debian packages (as root); does nothing when all is there.
# Stops the redis-server service Debian starts on install: tests start their own servers on free ports.
set -euo pipefail
PKGS=(build-essential cmake ninja-build ccache pkg-config libasio-dev libspdlog-dev libfmt-dev libjemalloc-dev
      libgtest-dev libgmock-dev libbenchmark-dev liblua5.1-0-dev lua-cjson-dev lua-bitop-dev libssl-dev
      redis-server redis-tools redis-sentinel python3 python3-pytest python3-redis openssl)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  # Keep the packaged redis-server from starting on 6379 (policy-rc.d denies service starts during install).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Node.js and npm for the client tests (tests/integration/node); machines of this kind usually have them already.
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
# A packaged server (or sentinel) that did start anyway is stopped (by the service manager, or by its pid file).
for svc in redis-server redis-sentinel; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet $svc 2>/dev/null; then
    systemctl stop $svc || true
    systemctl disable $svc >/dev/null 2>&1 || true
  fi
  if [ -f /run/redis/$svc.pid ]; then
    kill "$(cat /run/redis/$svc.pid)" 2>/dev/null || true
  fi
done
