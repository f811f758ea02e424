using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Fleet;

/// <summary>
/// Four pan123 processes, each with its own configuration folder (standing for four machines),
/// asking for 25 links each from one account that the sandbox holds to 5 download_info calls a
/// second: with PAN123_REDIS they share one token and one limit; without it they cannot.
/// </summary>
// Timing-sensitive (the account's limit is measured by the sandbox to the second): run alone, not beside the rest of the suite.
[Collection(AloneCollection.Name)]
[Trait(CliProcess.Trait, CliProcess.TraitValue)]
public sealed class FleetCliTests : SandboxTest
{
    private const int Workers = 4;
    private const int IdsEach = 25;

    private async Task<CliProcess.Result[]> RunFleetAsync(string? redis)
    {
        await FleetWorkers.AddFilesAsync(this, IdsEach);
        Sandbox.DownloadInfoRequestsPerSecond = 5;
        await using var fleet = FleetWorkers.Start(this, Workers, redis);
        return await fleet.EndedAsync(TimeSpan.FromMinutes(2));
    }

    [RedisFact]
    public async Task With_redis_four_machines_make_one_token_request_and_see_no_429()
    {
        await using var redis = await RedisServer.StartAsync();

        var runs = await RunFleetAsync(redis.ConnectionString);

        Assert.All(runs, run =>
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(IdsEach, lines.Length);
            Assert.All(lines.Select((line, i) => (line, i)), x => Assert.StartsWith($"{30_000 + x.i}\t{Sandbox.CdnBaseAddress}", x.line, StringComparison.Ordinal));
        });
        Assert.Equal(1, Sandbox.TokensIssued);
        Assert.Equal(0, Sandbox.RateLimitedCalls);
    }

    [RedisFact]
    public async Task A_redis_never_reached_exits_3_within_5_seconds_naming_it()
    {
        var redis = await RedisServer.StartAsync();
        var address = redis.ConnectionString;
        await redis.DisposeAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await CliProcess.RunAsync(Folder, FleetWorkers.Environment(this, 0, address), "download-info", "1001");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("Redis is unreachable", result.Stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5 + 2), $"took {clock.Elapsed} (5 s, and the process's start)");
        Assert.Equal(0, Sandbox.TokensIssued);
    }

    [Fact]
    public async Task Without_redis_the_same_fleet_mints_several_tokens_and_meets_429s()
    {
        var runs = await RunFleetAsync(redis: null);

        Assert.True(Sandbox.TokensIssued > 1, $"{Sandbox.TokensIssued} token requests");
        Assert.True(Sandbox.RateLimitedCalls > 0, "no 429: the four processes did not overrun the account's limit");
        Assert.All(runs, run => Assert.DoesNotContain("Unhandled", run.Stderr, StringComparison.Ordinal));
    }
}
