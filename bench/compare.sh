#!/usr/bin/env bash
# Same-run bench comparison of this build against another revision (default b7cc86e); see bench/compare.ts.
#   bash bench/compare.sh [--rev REV] [--rounds R] [--records N] [--modes a,b] [--bench new|own] [-- bench args]
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
exec node dist/bench/compare.js "$@"
