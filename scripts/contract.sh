#!/usr/bin/env bash
# Reviews openapi/pan123.yaml with the tools API teams use (installed by `npm ci` from package.json):
#
#   scripts/contract.sh lint       Spectral: the recommended OpenAPI rules and ours (.spectral.yaml)
#   scripts/contract.sh breaking   Optic: breaking changes against the last released contract
#                                  (openapi/released/pan123-<version>.yaml); allowed only when the
#                                  version in Directory.Build.props raises the major part (before
#                                  1.0: the minor part) over the released one AND each break is
#                                  listed in openapi/released/accepted-breaks.txt for that version
#   scripts/contract.sh docs       Redocly: the contract as one HTML page, artifacts/reference/pan123.html
#   scripts/contract.sh all        the three, in that order
#
# ROOT=<folder> checks another copy (the contract pipeline's own test edits copies). Exits non-zero
# on a lint error, on a breaking change without the version raise, or when the page is not built.
set -euo pipefail
root=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
tools=$(cd "$(dirname "$0")/.." && pwd)/node_modules/.bin
contract="$root/openapi/pan123.yaml"
# No tool phones home from CI or a developer's machine.
export OPTIC_TELEMETRY_LEVEL=off REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true DO_NOT_TRACK=1

[ -x "$tools/spectral" ] || { echo "contract: the tools are missing; run npm ci first" >&2; exit 2; }

lint() {
  echo "contract: lint (Spectral, .spectral.yaml)"
  (cd "$root" && "$tools/spectral" lint openapi/pan123.yaml --ruleset "$root/.spectral.yaml" --fail-severity warn)
}

version_of() { sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$1" | head -n 1; }

# Optic's breaks, one line each: "<operation>: <message>" ("spec: ..." outside an operation).
breaks_in() {
  awk '
    /^[x✔] (GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS) / { op = $2 " " $3; sub(/:$/, "", op); next }
    /^specification details/ { op = "spec"; next }
    /^ +x \[/ { line = $0; sub(/^ +x \[[^]]*\] /, "", line); print (op == "" ? "spec" : op) ": " line }
  '
}

breaking() {
  local released current base out accepted
  released=$(ls "$root"/openapi/released/pan123-*.yaml | sed 's:.*/pan123-\(.*\)\.yaml:\1:' | sort -V | tail -n 1)
  current=$(version_of "$root/Directory.Build.props")
  base="$root/openapi/released/pan123-$released.yaml"
  accepted="$root/openapi/released/accepted-breaks.txt"
  echo "contract: breaking changes against $released (Optic), version $current"
  if out=$(cd "$root" && NO_COLOR=1 "$tools/optic" diff "$base" openapi/pan123.yaml --check 2>&1); then
    echo "$out"
    return 0
  fi
  echo "$out"

  # Semantic versioning: a breaking change needs a new major version (a new minor one before 1.0).
  local r_major r_minor c_major c_minor
  IFS=. read -r r_major r_minor _ <<<"$released"
  IFS=. read -r c_major c_minor _ <<<"$current"
  if ! { [ "$c_major" -gt "$r_major" ] || { [ "$r_major" = 0 ] && [ "$c_major" = 0 ] && [ "$c_minor" -gt "$r_minor" ]; }; }; then
    echo "contract: FAILED: the contract breaks callers of $released (above). Make the change additive, or raise the version in Directory.Build.props (major; before 1.0, minor), list each break in openapi/released/accepted-breaks.txt and say so in CHANGELOG.md." >&2
    return 1
  fi

  # A raised version allows only the breaks reviewed for it: each listed, as printed here, under its version.
  local listed unaccepted
  listed=$([ -f "$accepted" ] && awk -v v="$current" '/^version / { on = ($2 == v); next } on && !/^#/ && NF' "$accepted" || true)
  unaccepted=$(breaks_in <<<"$out" | sort -u | while IFS= read -r brk; do
    grep -qxF -- "$brk" <<<"$listed" || echo "$brk"
  done)
  if [ -n "$unaccepted" ]; then
    echo "contract: FAILED: breaks not accepted for $current (add each line, as it is, under 'version $current' in openapi/released/accepted-breaks.txt, with an entry under Breaking in CHANGELOG.md, or make the change additive):" >&2
    sed 's/^/  /' <<<"$unaccepted" >&2
    return 1
  fi

  echo "contract: breaking changes accepted for $current: each is listed in openapi/released/accepted-breaks.txt"
}

docs() {
  mkdir -p "$root/artifacts/reference"
  echo "contract: reference page (Redocly) -> artifacts/reference/pan123.html"
  (cd "$root" && "$tools/redocly" build-docs openapi/pan123.yaml --output artifacts/reference/pan123.html >/dev/null)
  grep -q 'GetFileList' "$root/artifacts/reference/pan123.html" || { echo "contract: FAILED: the page lacks the operations" >&2; return 1; }
}

case "${1:-all}" in
  lint) lint ;;
  breaking) breaking ;;
  docs) docs ;;
  all) lint && breaking && docs ;;
  *) echo "usage: scripts/contract.sh [lint|breaking|docs|all]" >&2; exit 2 ;;
esac
