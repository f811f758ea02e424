#!/usr/bin/env bash
# Packs every package into one folder feed, as a release would publish them:
#
#   scripts/pack.sh [feed]     (default artifacts/packages)
#
#   Pan123.Generated, Pan123.Generated.Redis   the libraries, with symbol packages
#   Pan123.Cli                                 the tool's pointer package: `dotnet tool install` picks
#   Pan123.Cli.linux-x64                       the native pan123 on linux-x64 (Native AOT) and
#   Pan123.Cli.any                             the framework-dependent one everywhere else
#
# The native build may warn only where the warnings are known to be harmless: Newtonsoft.Json's
# own IL2104/IL3053 (its `dynamic` and JToken.ToObject paths, which pan123 never takes). Any other trim
# or AOT warning is an error here, as every warning is in the build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
feed=$(mkdir -p "${1:-$root/artifacts/packages}" && cd "${1:-$root/artifacts/packages}" && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

pack() { dotnet pack "$@" -c Release -o "$feed" -nologo -v:q; }
echo "pack: libraries"
pack "$root/src/Pan123.Generated" >/dev/null
pack "$root/src/Pan123.Generated.Redis" >/dev/null
echo "pack: the tool's pointer and framework-dependent packages"
pack "$root/src/Pan123.Cli" >/dev/null
pack "$root/src/Pan123.Cli" -r any >/dev/null
echo "pack: the native tool for linux-x64 (Native AOT, about a minute)"
if ! pack "$root/src/Pan123.Cli" -r linux-x64 >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
unexpected=$(grep -E 'warning IL[0-9]+' "$log" | grep -vE "Assembly 'Newtonsoft\.Json' produced (trim|AOT analysis) warnings" | sort -u || true)
if [ -n "$unexpected" ]; then
  echo "pack: the native build has trim or AOT warnings that nobody has answered:" >&2
  echo "$unexpected" >&2
  exit 1
fi
ls "$feed"
