using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Pan123.Sandbox;

namespace Pan123.Benchmarks;

/// <summary>
/// N concurrent download_info calls through one DI client with client credentials, against the
/// sandbox enforcing 5 QPS: prints the token requests, the 429s the sandbox sent, the errors that
/// reached the caller, and the wall time against the limit's minimum.
/// </summary>
internal static class ConcurrencyCheck
{
    public static async Task<int> RunAsync(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200;
        const int qps = 5;
        await using var sandbox = await SandboxPlatform.StartAsync();
        sandbox.DownloadInfoRequestsPerSecond = qps;

        var services = new ServiceCollection();
        services.AddPan123Client(o =>
        {
            o.BaseAddress = sandbox.ApiBaseAddress;
            o.ClientId = SandboxPlatform.DemoClientId;
            o.ClientSecret = SandboxPlatform.DemoClientSecret;
        });
        await using var provider = services.BuildServiceProvider();
        var files = provider.GetRequiredService<IPan123FilesClient>();

        var clock = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, calls).Select(async _ =>
        {
            try
            {
                await files.GetDownloadInfoAsync(SandboxPlatform.DemoFileId);
                return null;
            }
            catch (Pan123Exception e)
            {
                return e;
            }
        }));
        clock.Stop();

        var failed = outcomes.Count(e => e is not null);
        var minimum = TimeSpan.FromSeconds((double)(calls - qps) / qps);
        Console.WriteLine($"calls={calls} qps={qps}");
        Console.WriteLine($"token_requests={sandbox.TokensIssued}");
        Console.WriteLine($"sandbox_429s={sandbox.RateLimitedCalls}");
        Console.WriteLine($"errors_reaching_caller={failed}");
        Console.WriteLine($"wall_seconds={clock.Elapsed.TotalSeconds:F2} minimum_seconds={minimum.TotalSeconds:F2} ratio={clock.Elapsed / minimum:F3}");
        return sandbox.TokensIssued == 1 && failed == 0 ? 0 : 1;
    }
}
