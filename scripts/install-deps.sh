#!/usr/bin/env bash
# Installs what building, testing, the demo and the benchmarks need, idempotently:
#   apt: the four C libraries of the design card, plus PostgreSQL and kcat for tests and benches.
#   pip: pyarrow and duckdb (independent Parquet readers, peers), moto[server] (S3 with SigV4
#        enforced), boto3/botocore (SigV4 oracle), awscli (upload peer), the MSK IAM signer (oracle).
# `apt-get update` runs at most once, and only when a package is missing.
set -euo pipefail

APT_PACKAGES=(librdkafka-dev libsnappy-dev libcurl4-openssl-dev libssl-dev pkg-config postgresql kcat)
PIP_PACKAGES=(pyarrow duckdb "moto[server]" boto3 awscli aws-msk-iam-sasl-signer-python)
PIP_MODULES=(pyarrow duckdb moto boto3 awscli aws_msk_iam_sasl_signer)

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "install-deps: need root (or sudo) to run: $*" >&2; exit 1; fi
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt packages: ${missing[*]}"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

need_pip=0
for module in "${PIP_MODULES[@]}"; do
  python3 -c "import $module" 2>/dev/null || need_pip=1
done
command -v moto_server >/dev/null || need_pip=1
command -v aws >/dev/null || need_pip=1
if [ "$need_pip" -eq 1 ]; then
  echo "install-deps: pip packages: ${PIP_PACKAGES[*]}"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "${PIP_PACKAGES[@]}"
fi
