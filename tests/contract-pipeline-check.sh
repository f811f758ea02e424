#!/usr/bin/env bash
# Proves the contract pipeline (scripts/contract.sh) fails when it should: edits a copy of the
# contract and expects lint and the breaking-change check to fail or pass. Exits non-zero on the first
# surprise.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "contract pipeline check: FAILED: $*" >&2; exit 1; }

copy() {
  rm -rf "$work/copy"
  mkdir -p "$work/copy"
  cp -r "$root/openapi" "$root/.spectral.yaml" "$root/templates" "$work/copy/"
  sed "s:<Version>.*</Version>:<Version>$1</Version>:" "$root/Directory.Build.props" >"$work/copy/Directory.Build.props"
}
edit() { python3 - "$work/copy/openapi/pan123.yaml" "$1" "$2" <<'PY'
import sys
path, old, new = sys.argv[1], sys.argv[2].encode().decode('unicode_escape'), sys.argv[3].encode().decode('unicode_escape')
text = open(path, encoding='utf-8').read()
assert old in text, old
open(path, 'w', encoding='utf-8').write(text.replace(old, new, 1))
PY
}
remove_file_detail() { python3 - "$work/copy/openapi/pan123.yaml" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding='utf-8').read()
start = text.index('  /api/v1/file/detail:\n')
end = text.index('  /api/v2/file/list:\n')
open(path, 'w', encoding='utf-8').write(text[:start] + text[end:])
PY
}
# add_schema NAME: a schema NAME, used by a property of DownloadInfo (an unused one would fail the lint for that alone).
add_schema() {
  edit "      required: [downloadUrl]\n      properties:\n" "      required: [downloadUrl]\n      properties:\n        with$1:\n          description: A test property.\n          allOf:\n            - \$ref: \"#/components/schemas/$1\"\n"
  edit "  schemas:\n" "  schemas:\n    $1:\n      type: object\n      description: A test schema.\n      properties:\n        id:\n          type: integer\n          format: int64\n          description: An id.\n"
}
# expect pass|fail WHAT STEP [TEXT]: TEXT, when given, must be in the output (the failure is the one meant).
expect() {
  local want=$1 what=$2 step=$3 text=${4:-}
  if ROOT="$work/copy" "$root/scripts/contract.sh" "$step" >"$work/out" 2>&1; then got=pass; else got=fail; fi
  [ "$got" = "$want" ] || { cat "$work/out" >&2; fail "$what: expected $step to $want, it did $got"; }
  [ -z "$text" ] || grep -qF -- "$text" "$work/out" || { cat "$work/out" >&2; fail "$what: the output does not say '$text'"; }
  echo "contract pipeline check: $what: $step ${want}ed as it should"
}

copy 0.1.1
expect pass "the contract as it is" lint
expect pass "the contract as it is, against 0.1.0" breaking

copy 0.1.1
sed -i '/operationId: GetFileDetail/{n;s/^      x-error-codes:.*$/      x-error-codes: []/}' "$work/copy/openapi/pan123.yaml"
expect fail "an operation without error codes" lint

copy 0.1.1
sed -i '/x-rate-limit: none/d' "$work/copy/openapi/pan123.yaml"
expect fail "an operation without x-rate-limit" lint

copy 0.1.1
add_schema FileInfo
expect fail "a schema named like a .NET type (FileInfo)" lint "pan123-schema-name-not-bcl"

copy 0.1.1
add_schema Counter
expect pass "a schema named like a type outside the namespaces every project imports (Counter)" lint

copy 0.1.1
remove_file_detail
expect fail "a removed operation at 0.1.1" breaking
copy 0.2.0
remove_file_detail
expect fail "a removed operation with the minor version raised but not accepted" breaking
ROOT="$work/copy" "$root/scripts/contract.sh" breaking 2>&1 | sed -n 's/^  \(GET \/api\/v1\/file\/detail: .*\)$/\1/p' >>"$work/copy/openapi/released/accepted-breaks.txt" || true
grep -q "^GET /api/v1/file/detail: cannot remove an operation" "$work/copy/openapi/released/accepted-breaks.txt" || fail "the script did not print the removal as a line to accept"
expect pass "a removed operation with the minor version raised and each break accepted" breaking

copy 0.2.0
edit "        enum: [open_platform]\n      example: open_platform" "        enum: [open_platform_v2]\n      example: open_platform_v2"
expect fail "the Platform header's only value changed at a raised version, not accepted" breaking

copy 0.1.1
edit "          example: 14749954\n      responses:\n" "          example: 14749954\n        - name: region\n          in: query\n          required: true\n          schema:\n            type: string\n      responses:\n"
expect fail "a newly required parameter at 0.1.1" breaking

copy 0.1.1
edit "      required: [downloadUrl]\n      properties:\n        downloadUrl:" "      properties:\n        downloadLink:"
expect fail "a removed response property at 0.1.1" breaking

copy 0.1.1
edit "          example: 14749954\n      responses:\n" "          example: 14749954\n        - name: region\n          in: query\n          required: false\n          schema:\n            type: string\n      responses:\n"
expect pass "an added optional parameter at 0.1.1" breaking

echo "contract pipeline check passed"
