#!/usr/bin/env bash
# The ports-and-adapters rule of DESIGN.md, checked on every file (ctest dependency_rule): what each
# layer may include, and that no service outside main/cli talks to libpqxx except through a store.
set -euo pipefail
ROOT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "$ROOT"

violations=0
report() {
  echo "dependency rule: $1" >&2
  violations=$((violations + 1))
}

# gateway/domain: the pure model and rules include only themselves and the log.
while IFS= read -r line; do
  report "$line (gateway/domain may include gateway/domain and gateway/log only)"
done < <(grep -rnE '#include "' gateway/domain | grep -vE '#include "gateway/(domain|log)/' || true)

# adapters: the domain and the log, and other adapters; never a service, the config or metrics.
while IFS= read -r line; do
  report "$line (adapters may include gateway/domain and gateway/log only)"
done < <(grep -rnE '#include "gateway/' adapters | grep -vE '#include "gateway/(domain|log)/' || true)

# Services reach PostgreSQL through the stores in adapters/postgres: no libpqxx header, type or
# transaction of their own. main and the CLI commands (wiring) are exempt.
while IFS= read -r line; do
  report "$line (a service uses libpqxx directly: add a store method in adapters/postgres)"
done < <(grep -rnE 'pqxx' gateway --include='*.cpp' --include='*.hpp' |
  grep -vE '^gateway/(cli/|main\.cpp)' || true)

if [ "$violations" -gt 0 ]; then
  echo "dependency rule: $violations violation(s)" >&2
  exit 1
fi
echo "dependency rule: adapters, domain and services keep to their layers"
