using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Pan123.IntegrationTests.Support;
using Pan123.Redis;
using Pan123.Sandbox;
using Pan123.Tests.Support;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;

namespace Pan123.IntegrationTests.Fleet;

/// <summary>
/// Tokens, limits and 429 pauses shared through a real Redis: separate service providers stand for
/// separate processes (the CLI tests run real ones).
/// </summary>
// Timing-sensitive (the account's limit is measured by the sandbox to the second): run alone, not beside the rest of the suite.
[Collection(AloneCollection.Name)]
public sealed class RedisFleetTests : SandboxTest
{
    private const string LinkPath = "/api/v1/file/download_info";
    private RedisServer? _redis;

    private RedisServer Redis => _redis!;

    private async Task<RedisServer> StartRedisAsync() => _redis = await RedisServer.StartAsync();

    private ServiceProvider Worker(string? redis = null, Action<Pan123RedisOptions>? redisOptions = null, FakeLogCollector? logs = null, Action<Pan123DownloadOptions>? download = null)
    {
        var services = new ServiceCollection();
        services.Configure(download ?? (_ => { }));
        if (logs is not null)
        {
            services.AddLogging(l => l.AddProvider(new FakeLoggerProvider(logs)));
        }

        services.AddPan123Client(o =>
        {
            o.BaseAddress = Sandbox.ApiBaseAddress;
            o.ClientId = SandboxPlatform.DemoClientId;
            o.ClientSecret = SandboxPlatform.DemoClientSecret;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(200);
        }).AddPan123Redis(redis ?? Redis.ConnectionString, redisOptions);
        return services.BuildServiceProvider();
    }

    [RedisFact]
    public async Task Four_workers_with_an_empty_store_make_one_token_request()
    {
        await StartRedisAsync();
        Sandbox.Faults.ResponseDelay = TimeSpan.FromMilliseconds(100);
        var workers = Enumerable.Range(0, 4).Select(_ => Worker()).ToList();

        await Task.WhenAll(workers.SelectMany(w => Enumerable.Range(0, 5).Select(_ => w.GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001))))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, Sandbox.TokensIssued);
        foreach (var worker in workers)
        {
            await worker.DisposeAsync();
        }
    }

    [RedisFact]
    public async Task A_token_request_slower_than_the_lock_lease_keeps_its_lease_and_the_fleet_makes_one_token()
    {
        await StartRedisAsync();
        // The token request takes 2.5 s; the lease is 1 s: only renewal keeps the second worker waiting.
        Sandbox.Faults.ResponseDelay = TimeSpan.FromSeconds(2.5);
        await using var a = Worker(redisOptions: o => o.TokenLockLease = TimeSpan.FromSeconds(1));
        await using var b = Worker(redisOptions: o => o.TokenLockLease = TimeSpan.FromSeconds(1));

        var first = a.GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001);
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (Sandbox.RequestCount(SandboxServer.Api, "/api/v1/access_token") == 0)
            {
                await Task.Delay(10, patience.Token);
            }
        }

        var second = b.GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001);
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, Sandbox.TokensIssued);
    }

    [RedisFact]
    public async Task Two_workers_share_the_accounts_limit_and_the_platform_sees_no_429()
    {
        await StartRedisAsync();
        Sandbox.DownloadInfoRequestsPerSecond = 5;
        await using var a = Worker();
        await using var b = Worker();

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(new[] { a, b }.SelectMany(w => Enumerable.Range(0, 8).Select(_ => w.GetRequiredService<IPan123FilesClient>().GetDownloadInfoAsync(1001))))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, Sandbox.RateLimitedCalls);
        Assert.Equal(16, Sandbox.RequestCount(SandboxServer.Api, LinkPath));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"16 links at 5/s took {clock.Elapsed}");
    }

    [RedisFact]
    public async Task A_429_seen_by_one_worker_pauses_the_operation_for_all()
    {
        await StartRedisAsync();
        await using var a = Worker();
        await using var b = Worker();
        await a.GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001); // the token, first
        Sandbox.Faults.AnswerNextApiCalls(1, 429, path: LinkPath);

        var first = a.GetRequiredService<IPan123FilesClient>().GetDownloadInfoAsync(1001);
        using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        TimeSpan? pause = null;
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (pause is null)
            {
                var key = server.Keys(pattern: "pan123:*:pause:GetDownloadInfo").Select(k => (RedisKey?)k).FirstOrDefault();
                pause = key is { } found ? await redis.GetDatabase().KeyTimeToLiveAsync(found) : null;
                await Task.Delay(5, patience.Token);
            }
        }

        var clock = Stopwatch.StartNew();
        await b.GetRequiredService<IPan123FilesClient>().GetDownloadInfoAsync(1001).WaitAsync(TimeSpan.FromSeconds(30));
        await first.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(pause > TimeSpan.Zero);
        Assert.True(clock.Elapsed >= pause.Value - TimeSpan.FromMilliseconds(150), $"the other worker went after {clock.Elapsed}, the pause was {pause}");
    }

    [RedisFact]
    public async Task A_redis_never_reached_fails_within_5_seconds_naming_redis_even_with_the_fallback()
    {
        _redis = await RedisServer.StartAsync();
        var address = Redis.ConnectionString;
        await Redis.StopAsync();

        foreach (var fallback in new[] { false, true })
        {
            var clock = Stopwatch.StartNew();
            await using var worker = Worker(address, o => o.FallBackToLocal = fallback);
            var error = await Assert.ThrowsAsync<Pan123RedisException>(() => worker.GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001).WaitAsync(TimeSpan.FromSeconds(30)));

            Assert.Contains("Redis is unreachable", error.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        }

        Assert.Equal(0, Sandbox.TokensIssued);
    }

    [RedisFact]
    public async Task Calls_made_while_redis_restarts_wait_for_it_and_succeed_with_one_warning_and_one_outage_counted()
    {
        await StartRedisAsync();
        var logs = new FakeLogCollector();
        await using var worker = Worker(logs: logs);
        var files = worker.GetRequiredService<IPan123FilesClient>();
        await files.GetDownloadInfoAsync(1001);
        using var outages = new MetricCollector<long>(null, "Pan123", "pan123.redis.outages");
        using var waits = new MetricCollector<double>(null, "Pan123", "pan123.redis.wait");

        await Redis.StopAsync();
        var calls = Enumerable.Range(0, 3).Select(_ => files.GetDownloadInfoAsync(1001)).ToList();
        await Poll.UntilAsync(() => logs.GetSnapshot().Any(r => r.Message.Contains("wait for it", StringComparison.Ordinal)), timeoutSeconds: 10);
        Assert.All(calls, call => Assert.False(call.IsCompleted, "a call went on without the fleet's Redis"));
        await Redis.StartAgainAsync();
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("Redis is unreachable", StringComparison.Ordinal));
        Assert.Single(logs.GetSnapshot(), r => r.Message.StartsWith("Redis is back after", StringComparison.Ordinal));
        Assert.Equal(1, outages.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(3, waits.GetMeasurementSnapshot().Count);
        Assert.All(waits.GetMeasurementSnapshot(), wait => Assert.True(wait.Value > 0));
        Assert.Equal(0, Sandbox.RateLimitedCalls);
    }

    [RedisFact]
    public async Task Redis_lost_for_longer_than_the_tolerance_fails_the_call_clearly_within_a_few_seconds_of_it()
    {
        await StartRedisAsync();
        await using var worker = Worker(redisOptions: o => o.OutageTolerance = TimeSpan.FromSeconds(2));
        var files = worker.GetRequiredService<IPan123FilesClient>();
        await files.GetDownloadInfoAsync(1001);

        await Redis.StopAsync();
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<Pan123RedisException>(() => files.GetDownloadInfoAsync(1001).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("for longer than the outage tolerance (2 s)", error.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(2 + 3));
    }

    [RedisFact]
    public async Task A_transfer_under_way_goes_on_while_redis_is_lost_for_longer_than_the_tolerance()
    {
        await StartRedisAsync();
        var file = Sandbox.AddFile(90, "big.bin", 4 * 1024 * 1024);
        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.FromMilliseconds(50); // 64 KiB every 50 ms: about 3 s
        await using var worker = Worker(redisOptions: o => o.OutageTolerance = TimeSpan.FromSeconds(1), download: o => o.MaxConnections = 1);
        var destination = PathOf("big.bin");

        var download = worker.GetRequiredService<Pan123Downloader>().DownloadFileAsync(90, destination);
        await Poll.UntilAsync(() => File.Exists(destination + ".part") && new FileInfo(destination + ".part").Length > 0, timeoutSeconds: 30);
        await Redis.StopAsync();
        var clock = Stopwatch.StartNew();
        await download.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(1), $"the transfer ended {clock.Elapsed} after Redis was lost: not past the tolerance");
        Assert.Equal(file.Md5, Md5Of(destination));
    }

    [RedisFact]
    public async Task With_the_fallback_a_lost_redis_costs_one_warning_per_outage_and_the_fleet_rejoins_when_it_returns()
    {
        await StartRedisAsync();
        var logs = new FakeLogCollector();
        await using var worker = Worker(redisOptions: o => o.FallBackToLocal = true, logs: logs);
        var files = worker.GetRequiredService<IPan123FilesClient>();
        await files.GetDownloadInfoAsync(1001);
        int Warnings() => logs.GetSnapshot().Count(r => r.Level == LogLevel.Warning && r.Message.Contains("falls back", StringComparison.Ordinal));

        for (var outage = 1; outage <= 2; outage++)
        {
            await Redis.StopAsync();
            for (var call = 0; call < 3; call++)
            {
                await files.GetDownloadInfoAsync(1001).WaitAsync(TimeSpan.FromSeconds(30));
            }

            Assert.Equal(outage, Warnings());
            await Redis.StartAgainAsync();

            // Back in the fleet: a call takes its permit from Redis again (the restart emptied it).
            using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
            var server = redis.GetServer(redis.GetEndPoints()[0]);
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!server.Keys(pattern: "pan123:*:limit:GetDownloadInfo").Any())
            {
                await files.GetDownloadInfoAsync(1001).WaitAsync(patience.Token);
                await Task.Delay(50, patience.Token);
            }
        }

        Assert.Equal(2, logs.GetSnapshot().Count(r => r.Message.StartsWith("Redis is back after", StringComparison.Ordinal)));
    }

    [RedisFact]
    public async Task Keys_name_the_account_by_a_hash_and_never_hold_the_secret()
    {
        await StartRedisAsync();
        await using var worker = Worker();
        await worker.GetRequiredService<IPan123FilesClient>().GetDownloadInfoAsync(1001);

        using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var keys = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "*").Select(k => k.ToString()).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Matches("^pan123:[0-9a-f]{32}:(token|limit|pause):", key));
        foreach (var key in keys.Where(k => k.Contains(":token:", StringComparison.Ordinal)))
        {
            var value = (string?)await redis.GetDatabase().StringGetAsync(key);
            Assert.DoesNotContain(SandboxPlatform.DemoClientSecret, value ?? string.Empty, StringComparison.Ordinal);
            Assert.True(await redis.GetDatabase().KeyTimeToLiveAsync(key) > TimeSpan.FromDays(29), "the token is stored with its expiry");
        }

        Assert.DoesNotContain(keys, k => k.Contains(SandboxPlatform.DemoClientId, StringComparison.Ordinal));
    }

    public override async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
