#!/usr/bin/env bash
# What the test suite needs besides Node.js and npm, checked before anything is built:
#   - Go renders the generated sidecar-injector templates with text/template, as istiod does;
#   - promtool (Prometheus) checks the generated Prometheus configuration and every dashboard query.
# Missing tools are installed with apt-get when this user may (root, or sudo without a password: CI machines and
# containers); anywhere else the build stops at once with one line saying what to install.
set -euo pipefail

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "cdk8s-mesh needs Node.js 20 or newer (found $(node --version)): install Node.js 22 LTS" >&2
  exit 1
fi

missing=()
command -v go >/dev/null 2>&1 || missing+=(golang-go)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=sudo
fi
if ! command -v apt-get >/dev/null 2>&1 || { [ "$(id -u)" -ne 0 ] && [ -z "$sudo" ]; }; then
  echo "cdk8s-mesh's tests need Go and promtool, missing here: install them (Debian/Ubuntu: sudo apt-get install -y ${missing[*]}; macOS: brew install go prometheus) and run again" >&2
  exit 1
fi

echo "installing what the tests need: ${missing[*]} (apt-get)"
$sudo apt-get update -qq
# Debian's prometheus package starts a server when installed: a policy-rc.d (unless one exists) keeps it stopped.
created_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null && $sudo chmod +x /usr/sbin/policy-rc.d && created_policy=1
fi
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ -z "$created_policy" ] || $sudo rm -f /usr/sbin/policy-rc.d
still=()
command -v go >/dev/null 2>&1 || still+=(go)
command -v promtool >/dev/null 2>&1 || still+=(promtool)
if [ ${#still[@]} -gt 0 ]; then
  echo "cdk8s-mesh's tests need ${still[*]}, still missing after apt-get install ${missing[*]}: install them so that they are on PATH, and run again" >&2
  exit 1
fi
