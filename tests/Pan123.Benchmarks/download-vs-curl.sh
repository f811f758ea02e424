#!/usr/bin/env bash
# Download throughput and memory, as whole processes on loopback: `pan123 download` against
# `curl -o` (and `curl -o` followed by `md5sum`) for the same file served by the sandbox CDN.
#
#   tests/Pan123.Benchmarks/download-vs-curl.sh [--nginx] [--limit-rate MIB] [--multi] [SIZE_MIB] [RUNS]
#                                                                      (defaults: 1024 MiB, 5 runs)
#
# --limit-rate N: nginx (implied) caps every connection at N MiB/s, as CDNs do.
# --multi: also times aria2c -x 8 -s 8 -k 8M (MD5 checked with --checksum; Debian package aria2),
# pan123 --connections 8 and pan123 --connections 1 (one stream). pan123's own default is 4.
#
# PAN123=<path> times that pan123 (the native one: scripts/pack.sh, then `dotnet tool install`; or
# `dotnet publish src/Pan123.Cli -c Release -r linux-x64 -o <folder>`) instead of the built pan123.dll.
#
# Needs the .NET SDK, curl, md5sum, bc and GNU time (/usr/bin/time; Debian package "time").
# Prints the median wall time and peak RSS of each command and the ratios; the files go to a
# temporary folder on the same disk for every command.
#
# --nginx: the bytes come from nginx (Debian package "nginx"; sendfile, one worker) instead of the
# sandbox's CDN, which spends about a CPU-second per GiB on the two vCPUs the client also needs.
# The sandbox still plays the platform: its download_info links point at nginx, which serves the
# same file from the same path (the links' signature is not checked there).
set -euo pipefail

server=sandbox limit_rate= multi=
while [ $# -gt 0 ]; do
  case "$1" in
    --nginx) server=nginx; shift ;;
    --limit-rate) server=nginx; limit_rate=$2; shift 2 ;;
    --multi) multi=1; shift ;;
    *) break ;;
  esac
done
root=$(cd "$(dirname "$0")/../.." && pwd)
size_mib=${1:-1024}
runs=${2:-5}
work=$(mktemp -d)
sandbox_pid= nginx_pid=
trap 'exec 3>&- 2>/dev/null || true; kill $sandbox_pid $nginx_pid 2>/dev/null || true; rm -rf "$work"' EXIT

tools=(curl md5sum bc /usr/bin/time)
[ "$server" = nginx ] && tools+=(nginx)
[ -n "$multi" ] && tools+=(aria2c)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done

dotnet build -c Release -v:q -nologo "$root/tests/Pan123.Benchmarks" >/dev/null
dotnet build -c Release -v:q -nologo "$root/src/Pan123.Cli" >/dev/null
bench="$root/tests/Pan123.Benchmarks/bin/Release/net10.0/Pan123.Benchmarks.dll"
cli="$root/src/Pan123.Cli/bin/Release/net10.0/pan123.dll"
if [ -n "${PAN123:-}" ]; then pan123=("$PAN123"); else pan123=(dotnet "$cli"); fi

# The sandbox serves until its stdin closes.
mkfifo "$work/stdin"
external=()
[ "$server" = nginx ] && external=(--external-cdn "$work/www")
dotnet "$bench" sandbox $((size_mib * 1048576)) "${external[@]}" <"$work/stdin" >"$work/sandbox.out" &
sandbox_pid=$!
exec 3>"$work/stdin"
until grep -q READY "$work/sandbox.out" 2>/dev/null; do sleep 0.2; done
eval "$(grep -E '^(API|TOKEN|FILE|MD5|CDN_PORT)=' "$work/sandbox.out")"
export PAN123_BASE_URL=$API PAN123_ACCESS_TOKEN=$TOKEN

if [ "$server" = nginx ]; then
  mkdir -p "$work/nginx-temp"
  {
    # As root (as on CI machines), nginx's workers would otherwise lose access to the temporary folder.
    if [ "$(id -u)" = 0 ]; then echo 'user root;'; fi
    cat <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path $work/nginx-temp;
  proxy_temp_path $work/nginx-temp;
  fastcgi_temp_path $work/nginx-temp;
  uwsgi_temp_path $work/nginx-temp;
  scgi_temp_path $work/nginx-temp;
  server { listen 127.0.0.1:$CDN_PORT; root $work/www; ${limit_rate:+limit_rate ${limit_rate}m;} }
}
EOF
  } >"$work/nginx.conf"
  nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' &
  nginx_pid=$!
  until curl -s -o /dev/null "http://127.0.0.1:$CDN_PORT/"; do sleep 0.2; done
fi

# Every command starts from the same state: what the previous one wrote is flushed, the CPU has
# had two idle seconds (on shared VMs a command right after md5sum's CPU burst runs slower), and
# the program itself has just run once untimed (its files warm in the page cache, as for a user who
# runs it daily). Dropping the page cache instead would time .NET reading its framework from disk.
warm() {
  sync
  sleep 2
  case "$1" in
    pan123) "${pan123[@]}" --version >/dev/null ;;
    *) curl --version >/dev/null ;;  # curl itself, or the shell running curl + md5sum
  esac
}

# One timed run: prints "seconds peak_kib".
timed() {
  case "$1" in curl|sh) warm curl ;; *) warm pan123 ;; esac
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null
  cat "$work/time"
}

declare -A wall rss
record() { wall[$1]+="$2 "; rss[$1]+="$3 "; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# One run of each command; each checks what it wrote and removes it.
run_curl() {
  read -r s k < <(timed curl -sS -o "$work/curl.bin" "$link"); record curl "$s" "$k"; rm -f "$work/curl.bin"
}
run_curl_md5sum() {
  read -r s k < <(timed sh -c "curl -sS -o '$work/curl.bin' '$link' && md5sum '$work/curl.bin'"); record curl+md5sum "$s" "$k"
  [ "$(md5sum <"$work/curl.bin" | cut -d' ' -f1)" = "$MD5" ] || { echo "curl got the wrong bytes" >&2; exit 1; }
  rm -f "$work/curl.bin"
}
run_pan123_no_verify() {
  read -r s k < <(timed "${pan123[@]}" download "$FILE" --no-verify -o "$work/pan.bin"); record pan123-no-verify "$s" "$k"; rm -f "$work/pan.bin"
}
run_pan123_c8() {
  read -r s k < <(timed "${pan123[@]}" download "$FILE" --connections 8 -o "$work/pan.bin"); record pan123-c8 "$s" "$k"
  [ "$(md5sum <"$work/pan.bin" | cut -d' ' -f1)" = "$MD5" ] || { echo "pan123 wrote the wrong bytes" >&2; exit 1; }
  rm -f "$work/pan.bin"
}
run_pan123_c1() {
  read -r s k < <(timed "${pan123[@]}" download "$FILE" --connections 1 -o "$work/pan.bin"); record pan123-c1 "$s" "$k"
  rm -f "$work/pan.bin"
}
run_aria2c() {
  read -r s k < <(timed aria2c -q -x 8 -s 8 -k 8M --checksum="md5=$MD5" -d "$work" -o aria.bin "$link"); record aria2c "$s" "$k"
  rm -f "$work/aria.bin"
}
run_pan123() {
  read -r s k < <(timed "${pan123[@]}" download "$FILE" -o "$work/pan.bin"); record pan123 "$s" "$k"
  [ "$(md5sum <"$work/pan.bin" | cut -d' ' -f1)" = "$MD5" ] || { echo "pan123 wrote the wrong bytes" >&2; exit 1; }
  rm -f "$work/pan.bin"
}

# The order rotates from run to run: on a shared machine a command can run slower right after
# another one (a CPU burst, a freed 1 GiB file), and no command should always follow the same one.
commands=(run_curl run_curl_md5sum run_pan123_no_verify run_pan123)
names=(curl curl+md5sum pan123-no-verify pan123)
if [ -n "$multi" ]; then commands+=(run_aria2c run_pan123_c8 run_pan123_c1); names+=(aria2c pan123-c8 pan123-c1); fi
for run in $(seq "$runs"); do
  link=$("${pan123[@]}" download-info "$FILE")
  for i in "${!commands[@]}"; do
    "${commands[$(( (i + run - 1) % ${#commands[@]} ))]}"
  done
done

printf '%s MiB from the %s%s, %s runs, pan123 = %s; every run, wall seconds:\n' "$size_mib" "$server" "${limit_rate:+ at $limit_rate MiB/s a connection}" "$runs" "${pan123[*]}"
for name in "${names[@]}"; do printf '  %-18s %s\n' "$name" "${wall[$name]}"; done
printf 'medians\n'
printf '%-18s %10s %12s\n' command wall_s peak_rss_mib
for name in "${names[@]}"; do
  w=$(median <<<"${wall[$name]}")
  m=$(median <<<"${rss[$name]}")
  printf '%-18s %10.2f %12.1f\n' "$name" "$w" "$(echo "$m / 1024" | bc -l)"
  eval "w_${name//[-+]/_}=$w"
done
printf 'ratio pan123 --no-verify / curl -o          = %.3f (target <= 1.10; native <= 1.05)\n' "$(echo "$w_pan123_no_verify / $w_curl" | bc -l)"
printf 'ratio pan123 (MD5) / (curl -o + md5sum)     = %.3f (target <= 1.00)\n' "$(echo "$w_pan123 / $w_curl_md5sum" | bc -l)"
if [ -n "$multi" ]; then
  printf 'ratio aria2c / pan123 --connections 8        = %.3f (target >= 1.00)\n' "$(echo "$w_aria2c / $w_pan123_c8" | bc -l)"
  printf 'ratio (curl -o + md5sum) / pan123 (default)  = %.3f (target >= 3.00 with a rate cap)\n' "$(echo "$w_curl_md5sum / $w_pan123" | bc -l)"
  printf 'ratio pan123 --connections 1 / pan123        = %.3f (target >= 1.00 uncapped: no slower than one stream)\n' "$(echo "$w_pan123_c1 / $w_pan123" | bc -l)"
  if [ -n "$limit_rate" ]; then
    # The bandwidth floor: the file over eight capped connections, with no ramp and no tail.
    floor=$(echo "$size_mib / (8 * $limit_rate)" | bc -l)
    printf 'bandwidth floor for 8 connections           = %.2f s\n' "$floor"
    printf 'ratio pan123 --connections 8 / floor         = %.3f (target <= 1.25)\n' "$(echo "$w_pan123_c8 / $floor" | bc -l)"
    printf 'ratio pan123 (default) / curl -o             = %.3f (target <= 0.30)\n' "$(echo "$w_pan123 / $w_curl" | bc -l)"
  fi
fi
