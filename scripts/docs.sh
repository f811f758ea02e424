#!/usr/bin/env bash
# The documentation site: the pages under docs/ (and CONTRIBUTING.md) and the API reference read from
# the compiled assemblies and their XML docs, built by DocFX (pinned in .config/dotnet-tools.json)
# into artifacts/docs. A broken link or bookmark between pages fails the build (warnings are errors).
# Build the solution in Release first: dotnet build Pan123.Generated.sln -c Release
set -euo pipefail
cd "$(dirname "$0")/.."

for assembly in src/Pan123.Generated/bin/Release/net10.0/Pan123.Generated.dll src/Pan123.Generated.Redis/bin/Release/net10.0/Pan123.Generated.Redis.dll; do
  [ -f "$assembly" ] || { echo "docs: $assembly is missing; build the solution in Release first" >&2; exit 1; }
done

dotnet tool restore >/dev/null
rm -rf docs/api artifacts/docs
dotnet docfx metadata docs/docfx.json --warningsAsErrors
dotnet docfx build docs/docfx.json --warningsAsErrors
[ -f artifacts/docs/index.html ] && [ -f artifacts/docs/api/Pan123.Pan123Downloader.html ] || { echo "docs: the site lacks its index or the API reference" >&2; exit 1; }
echo "docs: artifacts/docs/index.html"
