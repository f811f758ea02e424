using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Pan123.Tests.Support;

namespace Pan123.Tests.Authentication;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileTokenStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pan123-cache-").FullName;

    private string CachePath => Path.Combine(_folder, "config", "pan123", "tokens.json");

    private static readonly CachedAccessToken Token = new("cached-token-value", new DateTimeOffset(2025, 3, 23, 15, 48, 37, TimeSpan.FromHours(8)))
    {
        ObtainedAt = new DateTimeOffset(2025, 2, 21, 7, 48, 37, TimeSpan.Zero),
    };

    private static ValueTask<CachedAccessToken> Store(FileTokenStore store, string key, CachedAccessToken token) =>
        store.UpdateAsync(key, (_, _) => ValueTask.FromResult(token));

    [Fact]
    public async Task A_token_written_is_read_back_under_its_key_only()
    {
        var cache = new FileTokenStore(CachePath);

        await Store(cache, "key-a", Token);

        Assert.Equal(Token, await cache.ReadAsync("key-a"));
        Assert.Null(await cache.ReadAsync("key-b"));
        Assert.Equal(Token, await new FileTokenStore(CachePath).ReadAsync("key-a"));
    }

    [Fact]
    public async Task The_file_and_its_folder_are_readable_by_the_owner_only()
    {
        await Store(new FileTokenStore(CachePath), "key", Token);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CachePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(CachePath)!));
        Assert.Equal(["tokens.json", "tokens.json.lock"], Directory.GetFiles(Path.GetDirectoryName(CachePath)!).Select(Path.GetFileName).Order());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CachePath + ".lock"));
    }

    [Theory]
    [InlineData("{ this is not json")]
    [InlineData("")]
    [InlineData("""{"format":"someone-elses-cache","entries":{"key":{"accessToken":"x","expiredAt":"2099-01-01T00:00:00Z"}}}""")]
    [InlineData("""{"format":"pan123-token-cache/1","entries":[1,2,3]}""")]
    [InlineData("[]")]
    public async Task A_corrupt_or_foreign_file_is_kept_aside_under_a_name_a_warning_gives_never_overwritten(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CachePath)!);
        await File.WriteAllTextAsync(CachePath, content);
        File.SetUnixFileMode(CachePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var logger = new FakeLogger();
        var cache = new FileTokenStore(CachePath) { Logger = logger };

        Assert.Null(await cache.ReadAsync("key"));
        await Store(cache, "key", Token);

        Assert.Equal(Token, await cache.ReadAsync("key"));
        var aside = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(CachePath)!, "tokens.json.untrusted-*"));
        Assert.Equal(content, await File.ReadAllTextAsync(aside));
        var warning = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains(aside, warning.Message, StringComparison.Ordinal);
        Assert.Contains(CachePath, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entry_of_the_right_format_that_does_not_parse_is_replaced_and_the_others_kept()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CachePath)!);
        await File.WriteAllTextAsync(CachePath, """{"format":"pan123-token-cache/1","entries":{"key":{"accessToken":42,"expiredAt":"not a date"}}}""");
        File.SetUnixFileMode(CachePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var cache = new FileTokenStore(CachePath);

        Assert.Null(await cache.ReadAsync("key"));
        await Store(cache, "key", Token);

        Assert.Equal(Token, await cache.ReadAsync("key"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(CachePath)!, "tokens.json.untrusted-*"));
    }

    [Fact]
    public async Task A_file_others_can_read_is_not_trusted_and_kept_aside()
    {
        var cache = new FileTokenStore(CachePath);
        await Store(cache, "other-app", Token with { RefreshToken = "single-use-refresh" });
        File.SetUnixFileMode(CachePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var before = await File.ReadAllTextAsync(CachePath);

        Assert.Null(await cache.ReadAsync("key"));
        await Store(cache, "key", Token);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CachePath));
        var aside = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(CachePath)!, "tokens.json.untrusted-*"));
        Assert.Equal(before, await File.ReadAllTextAsync(aside));
    }

    [Fact]
    public async Task Checkpoints_from_separate_stores_outside_an_update_never_lose_each_others_entries()
    {
        // Two stores on one file stand for two processes; each checkpoints its own entries at the same time.
        var stores = new[] { new FileTokenStore(CachePath), new FileTokenStore(CachePath) };

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
            await stores[i % 2].CheckpointAsync($"key-{i}", Token).AsTask().WaitAsync(TimeSpan.FromSeconds(30)))));

        var reader = new FileTokenStore(CachePath);
        foreach (var i in Enumerable.Range(0, 40))
        {
            Assert.Equal(Token, await reader.ReadAsync($"key-{i}"));
        }
    }

    [Fact]
    public async Task A_checkpoint_inside_an_update_does_not_wait_for_the_lock_its_caller_holds()
    {
        var store = new FileTokenStore(CachePath) { LockTimeout = TimeSpan.FromSeconds(2) };
        var pair = Token with { RefreshToken = "single-use-refresh" };

        var result = await store.UpdateAsync("key", async (_, ct) =>
        {
            await store.CheckpointAsync("key", pair with { RefreshInFlight = true }, ct);
            Assert.True((await new FileTokenStore(CachePath).ReadAsync("key"))!.RefreshInFlight);
            return pair;
        }).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(pair, result);
        Assert.False((await store.ReadAsync("key"))!.RefreshInFlight);
    }

    [Fact]
    public async Task A_second_provider_with_the_same_cache_reuses_the_token_like_a_second_process()
    {
        using var platform = new MockPlatform();
        var tokenRequests = 0;
        platform.Handler.Fallback.Respond((HttpRequestMessage _) =>
        {
            Interlocked.Increment(ref tokenRequests);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new StringContent(MockPlatform.Envelope(0, "ok", """{"accessToken":"shared-token","expiredAt":"2099-01-01T00:00:00+08:00"}""")),
            });
        });
        ClientCredentialsTokenProvider Provider() =>
            new(platform.Auth, "id", "secret") { Store = new FileTokenStore(CachePath), CacheScope = "https://open-api.123pan.com/" };

        Assert.Equal("shared-token", await Provider().GetAccessTokenAsync());
        Assert.Equal("shared-token", await Provider().GetAccessTokenAsync());

        Assert.Equal(1, tokenRequests);
        Assert.DoesNotContain("secret", await File.ReadAllTextAsync(CachePath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cached_token_the_platform_rejected_is_not_taken_from_the_cache_again()
    {
        using var platform = new MockPlatform();
        var issued = 0;
        platform.Handler.Fallback.Respond((HttpRequestMessage _) => Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            Content = new StringContent(MockPlatform.Envelope(0, "ok", $$"""{"accessToken":"token-{{Interlocked.Increment(ref issued)}}","expiredAt":"2099-01-01T00:00:00+08:00"}""")),
        }));
        var cache = new FileTokenStore(CachePath);
        var provider = new ClientCredentialsTokenProvider(platform.Auth, "id", "secret") { Store = cache };

        var first = await provider.GetAccessTokenAsync();
        var second = await provider.RefreshAccessTokenAsync(first);

        Assert.Equal(("token-1", "token-2"), (first, second));
        Assert.Equal("token-2", await new ClientCredentialsTokenProvider(platform.Auth, "id", "secret") { Store = cache }.GetAccessTokenAsync());
    }

    [Fact]
    public async Task Updates_from_separate_stores_on_one_file_never_overlap_and_each_sees_the_last_one()
    {
        var inside = 0;
        var overlapped = false;
        var seen = new System.Collections.Concurrent.ConcurrentBag<string?>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            await new FileTokenStore(CachePath).UpdateAsync("key", async (current, ct) =>
            {
                overlapped |= Interlocked.Increment(ref inside) > 1;
                seen.Add(current?.AccessToken);
                await Task.Delay(20, ct);
                Interlocked.Decrement(ref inside);
                return new CachedAccessToken("token-" + i, Token.ExpiredAt);
            }).AsTask().WaitAsync(TimeSpan.FromSeconds(30)))));

        Assert.False(overlapped);
        Assert.Single(seen, s => s is null);
        Assert.Equal(8, seen.Distinct().Count());
    }

    [Fact]
    public async Task A_store_keeps_an_entry_it_was_handed_back_without_writing()
    {
        var store = new FileTokenStore(CachePath);
        await Store(store, "key", Token);
        var written = File.GetLastWriteTimeUtc(CachePath);
        await Task.Delay(20);

        var kept = await store.UpdateAsync("key", (current, _) => ValueTask.FromResult(current!));

        Assert.Equal(Token, kept);
        Assert.Equal(written, File.GetLastWriteTimeUtc(CachePath));
    }

    [Fact]
    public void Strings_hide_the_token()
    {
        Assert.DoesNotContain("cached-token-value", Token.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
