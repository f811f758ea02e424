using System.Diagnostics;
using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;
using Pan123.Tests.Support;

namespace Pan123.IntegrationTests.Fleet;

/// <summary>
/// What an operator's Redis does to a running fleet of pan123 processes: a restart, a hang, an
/// outage longer than the tolerance, and a worker killed while it holds the fleet's token lock.
/// Not part of the native tool's second pass: the tool's own code is the same, the faults are Redis's.
/// </summary>
// Timing-sensitive (the account's limit is measured by the sandbox to the second): run alone.
[Collection(AloneCollection.Name)]
public sealed class FleetChaosTests : SandboxTest
{
    private const int Workers = 2;
    private const int IdsEach = 30;

    private int LinksAsked => Sandbox.RequestCount(SandboxServer.Api, "/api/v1/file/download_info");

    // 60 links at 10 a second: about 6 s of work, so a fault injected after the first 10 lands mid-run.
    private async Task<FleetWorkers> StartFleetAsync(RedisServer redis, IReadOnlyDictionary<string, string?>? more = null)
    {
        await FleetWorkers.AddFilesAsync(this, IdsEach);
        Sandbox.DownloadInfoRequestsPerSecond = 10;
        var fleet = FleetWorkers.Start(this, Workers, redis.ConnectionString, more);
        await Poll.UntilAsync(() => LinksAsked >= 10, timeoutSeconds: 60);
        return fleet;
    }

    private void AssertFleetFinishedAsOne(CliProcess.Result[] runs)
    {
        Assert.All(runs, run =>
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(IdsEach, run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        });
        Assert.Equal(1, Sandbox.TokensIssued);
        Assert.Equal(0, Sandbox.RateLimitedCalls);
    }

    [RedisFact]
    public async Task Redis_stopped_and_started_mid_run_the_fleet_finishes_with_one_token_and_no_429()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var fleet = await StartFleetAsync(redis);

        await redis.StopAsync();
        var askedBefore = LinksAsked;
        await Task.Delay(TimeSpan.FromSeconds(1)); // the outage
        await redis.StartAgainAsync();
        Assert.True(askedBefore < Workers * IdsEach, "the fleet had finished before Redis stopped");
        var runs = await fleet.EndedAsync(TimeSpan.FromMinutes(2));

        AssertFleetFinishedAsOne(runs);
        Assert.All(runs, run =>
        {
            Assert.Single(run.Stderr.Split('\n'), line => line.StartsWith("pan123: warning: Redis is unreachable", StringComparison.Ordinal));
            Assert.Single(run.Stderr.Split('\n'), line => line.StartsWith("pan123: Redis is back after", StringComparison.Ordinal));
        });
    }

    [RedisFact]
    public async Task Redis_frozen_for_5_seconds_mid_run_the_fleet_waits_and_finishes_with_one_token_and_no_429()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var fleet = await StartFleetAsync(redis);

        await redis.FreezeAsync();
        var asked = LinksAsked;
        await Task.Delay(TimeSpan.FromSeconds(5)); // the hang: the socket stays open, nothing answers
        var askedWhileFrozen = LinksAsked - asked;
        await redis.ThawAsync();
        var runs = await fleet.EndedAsync(TimeSpan.FromMinutes(2));

        AssertFleetFinishedAsOne(runs);
        // Calls granted just before may still go out (4 at a time per worker); no worker goes on alone for the 5 s (50 links' worth).
        Assert.True(askedWhileFrozen <= Workers * 4, $"{askedWhileFrozen} links asked for while Redis was frozen");
        Assert.True(asked < Workers * IdsEach, "the fleet had finished before Redis froze");
    }

    [RedisFact]
    public async Task Redis_lost_for_longer_than_the_tolerance_ends_every_worker_with_exit_3_within_it()
    {
        var redis = await RedisServer.StartAsync();
        await using var fleet = await StartFleetAsync(redis, new Dictionary<string, string?> { ["PAN123_REDIS_TOLERANCE"] = "2" });

        var clock = Stopwatch.StartNew();
        await redis.DisposeAsync();
        Assert.True(LinksAsked < Workers * IdsEach, "the fleet had finished before Redis was lost");
        var runs = await fleet.EndedAsync(TimeSpan.FromMinutes(1));

        Assert.All(runs, run =>
        {
            Assert.True(run.ExitCode == 3, run.ToString());
            Assert.Contains("Redis is unreachable", run.Stderr, StringComparison.Ordinal);
            Assert.Contains("outage tolerance (2 s)", run.Stderr, StringComparison.Ordinal);
        });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2 + 5), $"the fleet ended {clock.Elapsed} after Redis was lost");
        Assert.Equal(0, Sandbox.RateLimitedCalls);
    }

    [RedisFact]
    public async Task A_worker_killed_while_it_holds_the_token_lock_delays_the_next_by_at_most_the_lease()
    {
        await using var redis = await RedisServer.StartAsync();
        Sandbox.AddFile(30_000, "f.bin", 100);
        var lease = TimeSpan.FromSeconds(2);
        var leaseSetting = new Dictionary<string, string?> { ["PAN123_REDIS_LOCK_LEASE"] = lease.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };

        // The first worker's token request hangs; it is killed while it holds the lock and renews it.
        Sandbox.Faults.ResponseDelay = TimeSpan.FromMinutes(1);
        using var first = CliProcess.Start(Folder, FleetWorkers.Environment(this, 0, redis.ConnectionString, leaseSetting), "download-info", "30000");
        await Poll.UntilAsync(() => Sandbox.RequestCount(SandboxServer.Api, "/api/v1/access_token") == 1, timeoutSeconds: 30);
        await Task.Delay(lease); // renewed at least once: the lease that delays the next worker is a renewed one
        first.Kill();
        var killed = Stopwatch.StartNew();
        await first.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

        Sandbox.Faults.ResponseDelay = TimeSpan.Zero;
        var second = CliProcess.RunAsync(Folder, FleetWorkers.Environment(this, 1, redis.ConnectionString, leaseSetting), "download-info", "30000");
        await Poll.UntilAsync(() => Sandbox.RequestCount(SandboxServer.Api, "/api/v1/access_token") == 2, timeoutSeconds: 30);
        var waited = killed.Elapsed;
        var run = await second;

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(waited <= lease + TimeSpan.FromSeconds(1), $"the next worker asked for a token {waited} after the holder was killed (lease {lease})");
        Assert.True(waited >= lease - TimeSpan.FromSeconds(1), $"the next worker did not wait for the lease: {waited}");
        Assert.Equal(1, Sandbox.TokensIssued);
    }
}
