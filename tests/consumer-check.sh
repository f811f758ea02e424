#!/usr/bin/env bash
# The packages as a consumer gets them: packs every package into a local folder feed (scripts/pack.sh;
# or takes the feed in PAN123_FEED, packed from this commit), checks what the packages hold, builds a
# fresh console project outside the solution that takes Pan123.Generated from that feed only and calls
# the sandbox through AddPan123Client, then installs the pan123 tool from the feed (native on
# linux-x64), runs the README's demo with it, and runs the framework-dependent fallback on the base
# .NET runtime alone.
#
#   tests/consumer-check.sh            (exits non-zero with a message on the first failed check)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
sandbox_pid=
cleanup() {
  exec 3>&- 2>/dev/null || true
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "consumer check: FAILED: $*" >&2; exit 1; }
step() { echo "consumer check: $*"; }

version=$(dotnet msbuild "$root/src/Pan123.Generated" -getProperty:Version)
feed="$work/feed"

if [ -n "${PAN123_FEED:-}" ]; then
  feed=$(cd "$PAN123_FEED" && pwd)
  step "using the packages in $feed"
else
  step "packing $version"
  "$root/scripts/pack.sh" "$feed" >/dev/null
fi
library="$feed/Pan123.Generated.$version.nupkg"
tool="$feed/Pan123.Cli.$version.nupkg"
tool_any="$feed/Pan123.Cli.any.$version.nupkg"
tool_native="$feed/Pan123.Cli.linux-x64.$version.nupkg"
redis_package="$feed/Pan123.Generated.Redis.$version.nupkg"
for package in "$library" "$tool" "$tool_any" "$tool_native" "$redis_package" "${library%.nupkg}.snupkg"; do
  [ -f "$package" ] || fail "missing $(basename "$package")"
done

step "checking the library package's contents and dependencies"
listing=$(unzip -Z1 "$library")
for entry in README.md openapi/pan123.yaml openapi/nswag.json openapi/templates/Client.Class.liquid openapi/templates/Client.Method.Documentation.liquid lib/net10.0/Pan123.Generated.dll lib/net10.0/Pan123.Generated.xml; do
  grep -qx "$entry" <<<"$listing" || fail "library package lacks $entry"
done
nuspec=$(unzip -p "$library" Pan123.Generated.nuspec)
grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || fail "no license expression"
grep -q '<readme>README.md</readme>' <<<"$nuspec" || fail "no readme"
grep -q '<repository type="git"' <<<"$nuspec" || fail "no repository metadata"
for leaked in NSwag xunit Shouldly MockHttp PublicApiGenerator BenchmarkDotNet YamlDotNet Microsoft.OpenApi; do
  ! grep -qi "<dependency id=\"$leaked" <<<"$nuspec" || fail "$leaked leaks into the package dependencies"
done
grep -q '<dependency id="Newtonsoft.Json"' <<<"$nuspec" || fail "Newtonsoft.Json missing from the dependencies"
! grep -qi '<dependency id="StackExchange.Redis' <<<"$nuspec" || fail "the core library depends on StackExchange.Redis"
redis_nuspec=$(unzip -p "$redis_package" Pan123.Generated.Redis.nuspec)
grep -q '<dependency id="StackExchange.Redis"' <<<"$redis_nuspec" || fail "Pan123.Generated.Redis lacks its StackExchange.Redis dependency"
grep -q "<dependency id=\"Pan123.Generated\" version=\"$version\"" <<<"$redis_nuspec" || fail "Pan123.Generated.Redis does not depend on Pan123.Generated $version"
# Listings go through variables, not pipes: with pipefail, grep -q leaving early fails the pipe.
tool_nuspec=$(unzip -p "$tool" Pan123.Cli.nuspec)
grep -q '<packageType name="DotnetTool"' <<<"$tool_nuspec" || fail "Pan123.Cli is not a .NET tool package"
tool_settings=$(unzip -p "$tool" tools/any/any/DotnetToolSettings.xml)
for rid in linux-x64 any; do
  grep -q "RuntimeIdentifier=\"$rid\" Id=\"Pan123.Cli.$rid\"" <<<"$tool_settings" || fail "the pointer package does not name Pan123.Cli.$rid: $tool_settings"
done
# The fallback for every other platform: framework-dependent, base runtime only, the sandbox beside it.
any_listing=$(unzip -Z1 "$tool_any")
grep -qx 'tools/net10.0/any/pan123.dll' <<<"$any_listing" || fail "the fallback package lacks pan123.dll"
grep -qx 'tools/net10.0/any/sandbox/pan123-sandbox.dll' <<<"$any_listing" || fail "the fallback package lacks the sandbox program"
tool_runtime=$(unzip -p "$tool_any" tools/net10.0/any/pan123.runtimeconfig.json)
! grep -q 'Microsoft.AspNetCore.App' <<<"$tool_runtime" || fail "pan123 asks for ASP.NET Core: $tool_runtime"
# linux-x64: the native program and the sandbox, no managed program, no debug files.
native_listing=$(unzip -Z1 "$tool_native")
grep -qx 'tools/any/linux-x64/pan123' <<<"$native_listing" || fail "the linux-x64 package lacks the native pan123"
grep -qx 'tools/any/linux-x64/sandbox/pan123-sandbox.dll' <<<"$native_listing" || fail "the linux-x64 package lacks the sandbox program"
native_files=$(grep -v DotnetToolSettings.xml <<<"$native_listing")
! grep -qE '^tools/any/linux-x64/[^/]*\.(dll|pdb|dbg|xml)$' <<<"$native_files" || fail "the linux-x64 package carries managed or debug files: $native_listing"

step "installing the pan123 tool from the feed"
dotnet tool install --tool-path "$work/tools" --add-source "$feed" --version "$version" Pan123.Cli >/dev/null
pan123="$work/tools/pan123"
[ "$(head -c 4 "$(readlink -f "$pan123")" | od -An -c | tr -d ' ')" = '177ELF' ] || fail "the installed pan123 is not the native executable"

step "starting 'pan123 sandbox'"
mkfifo "$work/sandbox.in"
"$pan123" sandbox <"$work/sandbox.in" >"$work/sandbox.out" &
sandbox_pid=$!
exec 3>"$work/sandbox.in"
for _ in $(seq 100); do grep -q '^PAN123_BASE_URL=' "$work/sandbox.out" 2>/dev/null && break; sleep 0.2; done
eval "export $(grep -E '^PAN123_(BASE_URL|ACCESS_TOKEN)=' "$work/sandbox.out" | tr '\n' ' ')"
[ -n "${PAN123_BASE_URL:-}" ] || fail "the sandbox did not start"

step "building a fresh console project against the feed"
mkdir -p "$work/consumer"
cat >"$work/consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="Pan123.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
cat >"$work/consumer/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <RestorePackagesPath>$work/packages</RestorePackagesPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Pan123.Generated" Version="$version" />
    <PackageReference Include="Pan123.Generated.Redis" Version="$version" />
  </ItemGroup>
</Project>
XML
cat >"$work/consumer/Program.cs" <<'CS'
using Microsoft.Extensions.DependencyInjection;
using Pan123;

var services = new ServiceCollection();
void Sandbox(Pan123ClientOptions options)
{
    options.BaseAddress = new Uri(Environment.GetEnvironmentVariable("PAN123_BASE_URL")!);
    options.AccessToken = Environment.GetEnvironmentVariable("PAN123_ACCESS_TOKEN");
}

services.AddPan123Client(Sandbox);

// The fleet package, compiled and wired as a consumer would, on a second registration; nothing listens
// on port 1, and a Redis never reached is a configuration error that names Redis, fallback or not.
services.AddPan123Client("fleet", Sandbox).AddPan123Redis("127.0.0.1:1", redis => redis.FallBackToLocal = true);
await using var provider = services.BuildServiceProvider();
var files = provider.GetRequiredService<IPan123FilesClient>();
var info = await files.GetDownloadInfoAsync(14749954);
Console.WriteLine(info.Data.DownloadUrl);
try
{
    await provider.GetRequiredKeyedService<IPan123FilesClient>("fleet").GetDownloadInfoAsync(14749954);
    Console.Error.WriteLine("the fleet registration made a call without its Redis");
}
catch (Pan123.Redis.Pan123RedisException e) when (e.Message.StartsWith("Redis is unreachable", StringComparison.Ordinal))
{
    Console.Error.WriteLine("the fleet registration named its unreachable Redis");
}

// A consumer's own tests throw the library's failures (it mocks IPan123FilesClient): every exception
// is constructed from outside, and one catch (Pan123Exception) catches them all.
Pan123Exception[] failures =
[
    new Pan123ApiException("GET /api/v1/file/download_info", 200, Pan123ErrorCodes.TooManyRequests, "操作频繁", "trace-1"),
    new Pan123ApiException("GET /api/v1/file/download_info", 200, 5113, "流量不足"),
    new Pan123ProtocolException("GET /api/v1/file/detail", 502, "not JSON", bodyExcerpt: "<html>"),
    new Pan123OAuthException("POST /api/v1/oauth2/access_token", 400, "invalid_grant", null),
    new Pan123DownloadException(14749954, DownloadFailure.IntegrityMismatch, "wrong MD5."),
    new Pan123PathException("/docs/missing.pdf", PathProblem.NotFound, "no such entry"),
    new Pan123AuthorizationRequiredException("the refresh token expired"),
    new Pan123.Redis.Pan123RedisException("waiting for the rate limit", new TimeoutException()),
];
foreach (var failure in failures)
{
    try { throw failure; }
    catch (Pan123Exception caught) when (caught.Message.Length > 0) { }
}
Console.Error.WriteLine($"constructed and caught {failures.Length} exceptions");
CS
url=$(cd "$work/consumer" && dotnet run -c Release 2>&1) || fail "the consumer did not run: $url"
grep -q '^http://127\.0\.0\.1:[0-9]*/123-61/' <<<"$url" || fail "unexpected consumer output: $url"
grep -q '^constructed and caught 8 exceptions$' <<<"$url" || fail "the consumer did not construct the exceptions: $url"
grep -q '^the fleet registration named its unreachable Redis$' <<<"$url" || fail "the fleet registration did not fail naming Redis: $url"
[ -d "$work/packages/pan123.generated/$version" ] || fail "Pan123.Generated did not come from the local feed"
[ -d "$work/packages/pan123.generated.redis/$version" ] || fail "Pan123.Generated.Redis did not come from the local feed"
step "consumer printed $url"

step "running the installed tool: pan123 download 14749954 --sandbox"
(cd "$work" && "$pan123" download 14749954 --sandbox -o demo.bin >"$work/download.out") || fail "pan123 download exited $?"
[ "$(cat "$work/download.out")" = "$work/demo.bin" ] || fail "pan123 printed $(cat "$work/download.out")"
[ "$(stat -c %s "$work/demo.bin")" = 8388608 ] || fail "demo.bin has the wrong size"

step "running the native tool with no .NET in its environment"
native_url=$(env -i PATH=/usr/bin:/bin HOME="$work" DOTNET_ROOT="$work/no-dotnet" PAN123_BASE_URL="$PAN123_BASE_URL" PAN123_ACCESS_TOKEN="$PAN123_ACCESS_TOKEN" "$pan123" download-info 14749954) || fail "the native pan123 download-info failed: $native_url"
grep -q '^http://127\.0\.0\.1:[0-9]*/123-61/' <<<"$native_url" || fail "unexpected native download-info output: $native_url"

step "running the framework-dependent fallback with the base .NET runtime only (no ASP.NET Core)"
# A .NET root with the host and Microsoft.NETCore.App alone, as in the dotnet/runtime container image.
# Copies, not links: the host resolves links and would find the full installation behind them.
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
base="$work/base-dotnet"
mkdir -p "$base/shared"
cp -r "$dotnet_root/host" "$base/host"
cp -r "$dotnet_root/shared/Microsoft.NETCore.App" "$base/shared/Microsoft.NETCore.App"
cp "$dotnet_root/dotnet" "$base/dotnet"
[ ! -e "$base/shared/Microsoft.AspNetCore.App" ] || fail "the base-only root has ASP.NET Core"
unzip -q "$tool_any" 'tools/*' -d "$work/any"
fallback=("$base/dotnet" "$work/any/tools/net10.0/any/pan123.dll")
base_url=$(DOTNET_ROOT="$base" "${fallback[@]}" download-info 14749954) || fail "pan123 download-info did not run on the base runtime"
grep -q '^http://127\.0\.0\.1:[0-9]*/123-61/' <<<"$base_url" || fail "unexpected download-info output on the base runtime: $base_url"
set +e
base_sandbox=$(cd "$work" && DOTNET_ROOT="$base" "${fallback[@]}" download 14749954 --sandbox -o base.bin 2>&1)
base_status=$?
set -e
[ "$base_status" = 2 ] || fail "pan123 --sandbox on the base runtime exited $base_status: $base_sandbox"
grep -q 'ASP.NET Core' <<<"$base_sandbox" || fail "pan123 --sandbox on the base runtime did not say what is missing: $base_sandbox"
step "base runtime: download-info ran; --sandbox said: $base_sandbox"

echo "consumer check passed"
