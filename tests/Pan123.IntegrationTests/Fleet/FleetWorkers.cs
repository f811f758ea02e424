using System.Diagnostics;
using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Fleet;

/// <summary>
/// pan123 processes, each with its own configuration folder (standing for separate machines), asking
/// the sandbox for the links of the same ids through one account. They print the links at the end,
/// so a test follows their progress in the sandbox's request counts.
/// </summary>
internal sealed class FleetWorkers : IAsyncDisposable
{
    private readonly List<(Process Process, Task<string> Stdout, Task<string> Stderr)> _workers = [];

    /// <summary>The ids each worker asks for: <paramref name="count"/> files the sandbox holds, from 30000.</summary>
    public static async Task<IReadOnlyList<long>> AddFilesAsync(SandboxTest test, int count)
    {
        var ids = Enumerable.Range(0, count).Select(i => 30_000L + i).ToList();
        foreach (var id in ids)
        {
            test.Sandbox.AddFile(id, $"f{id}.bin", 100);
        }

        await File.WriteAllTextAsync(test.PathOf("ids.txt"), string.Join("\n", ids) + "\n");
        return ids;
    }

    /// <summary>The environment of worker <paramref name="worker"/>: client credentials, its own configuration folder, Redis.</summary>
    public static Dictionary<string, string?> Environment(SandboxTest test, int worker, string? redis, IReadOnlyDictionary<string, string?>? more = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["PAN123_BASE_URL"] = test.Sandbox.ApiBaseAddress.ToString(),
            ["PAN123_CLIENT_ID"] = SandboxPlatform.DemoClientId,
            ["PAN123_CLIENT_SECRET"] = SandboxPlatform.DemoClientSecret,
            ["XDG_CONFIG_HOME"] = test.PathOf($"machine-{worker}"),
            ["PAN123_REDIS"] = redis,
        };
        foreach (var (name, value) in more ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>Starts <paramref name="count"/> workers running <c>download-info --from-file ids.txt</c>.</summary>
    public static FleetWorkers Start(SandboxTest test, int count, string? redis, IReadOnlyDictionary<string, string?>? more = null)
    {
        var fleet = new FleetWorkers();
        for (var worker = 0; worker < count; worker++)
        {
            var process = CliProcess.Start(test.Folder, Environment(test, worker, redis, more), "download-info", "--from-file", "ids.txt");
            fleet._workers.Add((process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync()));
        }

        return fleet;
    }

    /// <summary>Waits for every worker to end: its exit code, the links it printed, its stderr.</summary>
    public async Task<CliProcess.Result[]> EndedAsync(TimeSpan timeout)
    {
        using var patience = new CancellationTokenSource(timeout);
        var ended = new List<CliProcess.Result>();
        foreach (var (process, stdout, stderr) in _workers)
        {
            await process.WaitForExitAsync(patience.Token);
            ended.Add(new CliProcess.Result(process.ExitCode, await stdout, await stderr));
        }

        return [.. ended];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, stdout, stderr) in _workers)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            await Task.WhenAll(stdout, stderr);
            process.Dispose();
        }
    }
}
