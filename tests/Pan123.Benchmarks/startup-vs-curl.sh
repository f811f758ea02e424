#!/usr/bin/env bash
# One-shot start-up, as whole processes on loopback: `pan123 download-info` against `curl` making the
# same download_info call (same headers, token from PAN123_ACCESS_TOKEN) to the sandbox.
#
#   tests/Pan123.Benchmarks/startup-vs-curl.sh [RUNS]          (default 41 runs of each, alternating)
#
# PAN123=<path> times that pan123 (the native one: scripts/pack.sh, then `dotnet tool install`; or
# `dotnet publish src/Pan123.Cli -c Release -r linux-x64 -o <folder>`); without it, the built
# pan123.dll through `dotnet`. Needs curl and GNU time (/usr/bin/time). Wall times come from bash's
# microsecond clock around the whole process (both commands pay the same /usr/bin/time wrapper);
# peak memory is /usr/bin/time's maximum resident set. Prints medians and the ratio.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-41}
work=$(mktemp -d)
sandbox_pid=
trap 'exec 3>&- 2>/dev/null || true; kill $sandbox_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for tool in curl /usr/bin/time; do command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }; done

dotnet build -c Release -v:q -nologo "$root/tests/Pan123.Benchmarks" >/dev/null
bench="$root/tests/Pan123.Benchmarks/bin/Release/net10.0/Pan123.Benchmarks.dll"
if [ -n "${PAN123:-}" ]; then
  pan123=("$PAN123")
else
  dotnet build -c Release -v:q -nologo "$root/src/Pan123.Cli" >/dev/null
  pan123=(dotnet "$root/src/Pan123.Cli/bin/Release/net10.0/pan123.dll")
fi

# The sandbox serves until its stdin closes.
mkfifo "$work/stdin"
dotnet "$bench" sandbox 1048576 <"$work/stdin" >"$work/sandbox.out" &
sandbox_pid=$!
exec 3>"$work/stdin"
until grep -q READY "$work/sandbox.out" 2>/dev/null; do sleep 0.2; done
eval "$(grep -E '^(API|TOKEN|FILE)=' "$work/sandbox.out")"
export PAN123_BASE_URL=$API PAN123_ACCESS_TOKEN=$TOKEN
url="${API%/}/api/v1/file/download_info?fileId=$FILE"
curl_call=(curl -sS --fail -H "Authorization: Bearer $TOKEN" -H "Platform: open_platform" "$url")

# One timed run: prints "milliseconds peak_kib" and checks that a link came back.
timed() {
  local start end
  start=$EPOCHREALTIME
  /usr/bin/time -f "%M" -o "$work/rss" "$@" >"$work/out"
  end=$EPOCHREALTIME
  grep -q 'http://127\.0\.0\.1' "$work/out" || { echo "no link from: $*" >&2; cat "$work/out" >&2; exit 1; }
  echo "$(( (${end/./} - ${start/./}) / 1000 )).$(( (${end/./} - ${start/./}) % 1000 / 100 )) $(cat "$work/rss")"
}

declare -A wall rss
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# Each program once untimed: its files in the page cache, as for a user who runs it daily.
"${curl_call[@]}" >/dev/null
"${pan123[@]}" download-info "$FILE" >/dev/null
for run in $(seq "$runs"); do
  # Alternating which goes first, so neither always follows the other.
  for name in $( ((run % 2)) && echo "curl pan123" || echo "pan123 curl"); do
    if [ "$name" = curl ]; then read -r ms kib < <(timed "${curl_call[@]}"); else read -r ms kib < <(timed "${pan123[@]}" download-info "$FILE"); fi
    wall[$name]+="$ms "; rss[$name]+="$kib "
  done
done

printf 'download-info, %s runs each, pan123 = %s\n' "$runs" "${pan123[*]}"
printf '%-8s %10s %10s %12s\n' command median_ms min_ms peak_rss_mib
for name in curl pan123; do
  w=$(median <<<"${wall[$name]}")
  lo=$(tr ' ' '\n' <<<"${wall[$name]}" | grep -v '^$' | sort -g | awk 'NR == 1')
  m=$(median <<<"${rss[$name]}")
  printf '%-8s %10.1f %10.1f %12.1f\n' "$name" "$w" "$lo" "$(awk "BEGIN {print $m / 1024}")"
  eval "w_$name=$w m_$name=$m"
done
awk "BEGIN {printf \"ratio pan123 / curl (median wall) = %.2f (target <= 3)\\n\", $w_pan123 / $w_curl}"
awk "BEGIN {printf \"pan123 peak memory             = %.1f MiB (target < 30)\\n\", $m_pan123 / 1024}"
