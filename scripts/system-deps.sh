#!/usr/bin/env bash
# Installs the Debian packages a target needs, only those missing. Usage: system-deps.sh run|test
set -euo pipefail

run_packages=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
# rabbitmq-server: the AMQP broker behind the archive tests' fake Fiks IO (started throwaway by
# scripts/rabbitmq_throwaway.sh; the package's own service is never used); openssl: a second
# CMS implementation the Fiks IO tests hold ours against.
test_packages=("${run_packages[@]}" postgresql poppler-utils chromium redis-server rabbitmq-server
               openssl)

case "${1:-run}" in
  run) wanted=("${run_packages[@]}") ;;
  test) wanted=("${test_packages[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then missing+=(python3-venv); fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
