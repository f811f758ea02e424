using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pan123.Sandbox;

namespace Pan123.Benchmarks;

/// <summary>
/// The fleet measurement: four pan123 processes, each with its own configuration folder (four
/// machines), ask for 25 links each from one account that the sandbox holds to 5 download_info
/// calls a second, once with PAN123_REDIS and once without; then the cost of one limiter acquire
/// through Redis. Needs a running redis-server: <c>fleet 127.0.0.1:6390</c>.
/// </summary>
internal static class FleetCheck
{
    private const int Workers = 4;
    private const int IdsEach = 25;
    private const int Qps = 5;

    public static async Task<int> RunAsync(string[] args)
    {
        var redis = args.Length > 0 ? args[0] : "127.0.0.1:6379";
        var cli = Path.Combine(RepositoryRoot(), "src", "Pan123.Cli", "bin", "Release", "net10.0", "pan123.dll");
        var work = Directory.CreateTempSubdirectory("pan123-fleet-").FullName;
        try
        {
            foreach (var shared in new[] { redis, null })
            {
                await RunFleetAsync(cli, work, shared);
            }

            await MeasureAcquireAsync(redis);
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task RunFleetAsync(string cli, string work, string? redis)
    {
        await using var sandbox = await SandboxPlatform.StartAsync();
        sandbox.DownloadInfoRequestsPerSecond = Qps;
        var ids = Enumerable.Range(0, IdsEach).Select(i => 30_000L + i).ToList();
        foreach (var id in ids)
        {
            sandbox.AddFile(id, $"f{id}.bin", 100);
        }

        var list = Path.Combine(work, "ids.txt");
        await File.WriteAllTextAsync(list, string.Join("\n", ids) + "\n");
        var run = Guid.NewGuid().ToString("N");
        var clock = Stopwatch.StartNew();
        var exits = await Task.WhenAll(Enumerable.Range(0, Workers).Select(async worker =>
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "exec", cli, "download-info", "--from-file", list })
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["PAN123_BASE_URL"] = sandbox.ApiBaseAddress.ToString();
            start.Environment["PAN123_CLIENT_ID"] = SandboxPlatform.DemoClientId;
            start.Environment["PAN123_CLIENT_SECRET"] = SandboxPlatform.DemoClientSecret;
            start.Environment["XDG_CONFIG_HOME"] = Path.Combine(work, run, $"machine-{worker}");
            start.Environment.Remove("PAN123_ACCESS_TOKEN");
            if (redis is null)
            {
                start.Environment.Remove("PAN123_REDIS");
            }
            else
            {
                start.Environment["PAN123_REDIS"] = redis;
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var links = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            await stderr;
            return (process.ExitCode, links);
        }));
        clock.Stop();

        var floor = (double)Workers * IdsEach / Qps;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(redis is null ? "without_redis" : "with_redis")}: processes={Workers} links={exits.Sum(e => e.links)}/{Workers * IdsEach} exit_codes={string.Join(",", exits.Select(e => e.ExitCode))} token_requests={sandbox.TokensIssued} sandbox_429s={sandbox.RateLimitedCalls} wall_seconds={clock.Elapsed.TotalSeconds:F2} floor_seconds={floor:F2} ratio={clock.Elapsed.TotalSeconds / floor:F3}"));
    }

    // One acquire is one Lua script round trip; measured with a limit no call reaches.
    private static async Task MeasureAcquireAsync(string redis)
    {
        var services = new ServiceCollection();
        services.AddPan123Client(o =>
        {
            o.AccessToken = "benchmark-token";
            o.RequestsPerSecond["Benchmark"] = 1_000_000;
        }).AddPan123Redis(redis, o => o.KeyPrefix = "pan123-bench");
        await using var provider = services.BuildServiceProvider();
        var limiter = provider.GetRequiredKeyedService<IPan123RateLimiter>(string.Empty);
        for (var i = 0; i < 200; i++)
        {
            await limiter.WaitAsync("Benchmark", CancellationToken.None);
        }

        const int n = 5000;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            await limiter.WaitAsync("Benchmark", CancellationToken.None);
        }

        clock.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"redis_acquire: n={n} mean_microseconds={clock.Elapsed.TotalMicroseconds / n:F1}"));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Pan123.Generated.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Pan123.Generated.sln not found above the benchmark");
    }
}
