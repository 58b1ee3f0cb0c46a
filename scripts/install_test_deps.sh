#!/usr/bin/env bash
# What the whole suite needs beyond Python, in one list: `make test` and CI (.ci/run)
# both run this first.
#
#   scripts/install_test_deps.sh          install what is missing (root with apt-get),
#                                         or fail saying the command to run
#   scripts/install_test_deps.sh --check  only say what is missing (exit 1 if anything)
#
# Debian packages: Chromium and a font for the browser tests, Varnish for the CDN purge
# test, Java for the Nu Html Checker, Node.js/npm for axe-core and the checker (pinned in
# package-lock.json), the PostgreSQL client for the backup drill.
set -euo pipefail
cd "$(dirname "$0")/.."

# program the tests run : Debian package that provides it
TOOLS=(
    "/usr/bin/chromium:chromium"
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core"
    "varnishd:varnish"
    "java:default-jre-headless"
    "node:nodejs"
    "npm:npm"
    "pg_dump:postgresql-client"
)
NODE_MODULES=(node_modules/axe-core/axe.min.js node_modules/vnu-jar/build/dist/vnu.jar)

present() {
    case "$1" in
        /*) [ -e "$1" ] ;;
        *) command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] ;;
    esac
}

missing_packages=()
for entry in "${TOOLS[@]}"; do
    present "${entry%%:*}" || missing_packages+=("${entry##*:}")
done
# (`make test` also reruns npm ci when package.json or package-lock.json changes.)
npm_stale=0
for file in "${NODE_MODULES[@]}"; do [ -e "$file" ] || npm_stale=1; done

if [ "${1:-}" = "--check" ]; then
    [ ${#missing_packages[@]} -gt 0 ] && echo "missing Debian packages: ${missing_packages[*]}"
    [ "$npm_stale" = 1 ] && echo "node_modules/ lacks axe-core or vnu-jar (npm ci)"
    [ ${#missing_packages[@]} -eq 0 ] && [ "$npm_stale" = 0 ]
    exit
fi

if [ ${#missing_packages[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "The test suite needs: ${missing_packages[*]} (Debian package names)." >&2
        echo "Run, once:  sudo scripts/install_test_deps.sh" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing_packages[@]}" >/dev/null
fi
if [ "$npm_stale" = 1 ]; then
    # Under sudo, node_modules/ belongs to the user who asked, not to root.
    as_user=()
    [ -n "${SUDO_USER:-}" ] && [ "$(id -u)" = 0 ] && as_user=(sudo -u "$SUDO_USER")
    "${as_user[@]}" npm ci --ignore-scripts --no-audit --no-fund
fi
