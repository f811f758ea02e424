using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Pan123.IntegrationTests.Support;
using Pan123.Redis;
using Pan123.Sandbox;
using StackExchange.Redis;

namespace Pan123.IntegrationTests.Fleet;

/// <summary>
/// Redis as operators run it: a password, and an ACL user with only the rights docs/fleet.md lists, a
/// key prefix per environment. The rights are read from docs/fleet.md, so the page cannot drift
/// from what the library needs.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class RedisRightsTests : SandboxTest
{
    private const string AdminPassword = "admin-pw-8c1f", UserPassword = "user-pw-51d2e0";

    /// <summary>The ACL rule of docs/fleet.md, with its user name, password and key prefix as the test sets them.</summary>
    private static string[] DocumentedRule(string user, string password, string prefix)
    {
        var line = FleetPage.Split('\n').Single(l => l.StartsWith("ACL SETUSER ", StringComparison.Ordinal)).Trim();
        return [.. line["ACL SETUSER ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(word => word.Replace("pan123-app", user, StringComparison.Ordinal)
                .Replace(">...", ">" + password, StringComparison.Ordinal)
                .Replace("~production:pan123:*", $"~{prefix}:*", StringComparison.Ordinal))];
    }

    private static string FleetPage => File.ReadAllText(Path.Combine(Repository.Root, "docs", "fleet.md"));

    private ServiceProvider Worker(string connectionString, string prefix)
    {
        var services = new ServiceCollection();
        services.AddPan123Client(o =>
        {
            o.BaseAddress = Sandbox.ApiBaseAddress;
            o.ClientId = SandboxPlatform.DemoClientId;
            o.ClientSecret = SandboxPlatform.DemoClientSecret;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
        }).AddPan123Redis(connectionString, o => o.KeyPrefix = prefix);
        return services.BuildServiceProvider();
    }

    [RedisFact]
    public async Task An_acl_user_with_only_the_documented_rights_runs_every_fleet_path_under_its_key_prefix()
    {
        var rule = DocumentedRule("pan123-staging", UserPassword, "staging:pan123");
        await using var redis = await RedisServer.StartAsync(AdminPassword, ["--user", .. rule]);
        await using var worker = Worker($"127.0.0.1:{redis.Port},user=pan123-staging,password={UserPassword}", "staging:pan123");
        var files = worker.GetRequiredService<IPan123FilesClient>();

        await files.GetFileDetailAsync(1001).WaitAsync(TimeSpan.FromSeconds(30));            // token: lock, read, store, release
        Sandbox.Faults.AnswerNextApiCalls(1, 429, path: "/api/v1/file/download_info");
        await files.GetDownloadInfoAsync(1001).WaitAsync(TimeSpan.FromSeconds(30));           // window, then a 429: the fleet's pause

        using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var keys = admin.GetServer(admin.GetEndPoints()[0]).Keys(pattern: "*").Select(k => k.ToString()).ToList();
        Assert.Contains(keys, k => k.StartsWith("staging:pan123:", StringComparison.Ordinal) && k.Contains(":token:", StringComparison.Ordinal));
        Assert.All(keys, k => Assert.StartsWith("staging:pan123:", k, StringComparison.Ordinal));
        Assert.Equal(1, Sandbox.TokensIssued);
    }

    [RedisFact]
    public async Task A_user_without_a_right_fails_at_once_naming_the_refusal()
    {
        var rule = DocumentedRule("pan123-staging", UserPassword, "staging:pan123").Where(r => r != "+evalsha" && r != "+eval").ToArray();
        await using var redis = await RedisServer.StartAsync(AdminPassword, ["--user", .. rule]);
        await using var worker = Worker($"127.0.0.1:{redis.Port},user=pan123-staging,password={UserPassword}", "staging:pan123");

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<Pan123RedisException>(() => worker.GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("Redis refused a command", error.Message, StringComparison.Ordinal);
        Assert.Contains("NOPERM", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [RedisFact]
    public async Task A_wrong_password_fails_at_its_first_refusal_and_the_message_never_holds_a_password()
    {
        await using var redis = await RedisServer.StartAsync(AdminPassword);
        var clock = Stopwatch.StartNew();
        await using var worker = Worker($"127.0.0.1:{redis.Port},password=wrong-pw-77aa31", "pan123");

        var error = await Assert.ThrowsAsync<Pan123RedisException>(() => worker.GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001).WaitAsync(TimeSpan.FromSeconds(30)));

        // At its first refusal: not after the 2.5 s a Redis that never answers is given.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"took {clock.Elapsed}: {error}");
        Assert.DoesNotContain("wrong-pw-77aa31", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(AdminPassword, error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, Sandbox.TokensIssued);
    }

    [RedisFact]
    public async Task A_redis_that_accepts_but_never_answers_fails_within_5_seconds()
    {
        // Frozen before the worker's first call: the kernel accepts the connection, Redis never says a word.
        await using var redis = await RedisServer.StartAsync();
        await redis.FreezeAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            await using var worker = Worker(redis.ConnectionString, "pan123");

            var error = await Assert.ThrowsAsync<Pan123RedisException>(() => worker.GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001).WaitAsync(TimeSpan.FromSeconds(30)));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}: {error}");
            Assert.Contains("Redis is unreachable", error.Message, StringComparison.Ordinal);
            Assert.Equal(0, Sandbox.TokensIssued);
        }
        finally
        {
            await redis.ThawAsync();
        }
    }

    [Fact]
    public void Every_connection_string_of_the_fleet_page_parses_and_the_page_shows_each_form()
    {
        var examples = FleetPage.Split('\n').Where(l => l.StartsWith("PAN123_REDIS=", StringComparison.Ordinal))
            .Select(l => ConfigurationOptions.Parse(l["PAN123_REDIS=".Length..].Trim())).ToList();

        Assert.All(examples, e => Assert.NotEmpty(e.EndPoints));
        Assert.Contains(examples, e => e.Password is not null && e.User is null);
        Assert.Contains(examples, e => e is { User: "pan123-app", Password: not null, ServiceName: null, Ssl: false });
        Assert.Contains(examples, e => e.ServiceName is not null && e.EndPoints.Count >= 2);
        Assert.Contains(examples, e => e is { Ssl: true, SslHost: not null });
    }

    [RedisFact]
    public async Task The_password_works()
    {
        await using var redis = await RedisServer.StartAsync(AdminPassword);
        await using var worker = Worker(redis.ConnectionString, "pan123");

        await worker.GetRequiredService<IPan123FilesClient>().GetDownloadInfoAsync(1001).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, Sandbox.TokensIssued);
    }
}
