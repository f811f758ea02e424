using Pan123.Tests.Support;

namespace Pan123.Tests.Authentication;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileTokenCacheTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pan123-cache-").FullName;

    private string CachePath => Path.Combine(_folder, "config", "pan123", "tokens.json");

    private static readonly CachedAccessToken Token = new("cached-token-value", new DateTimeOffset(2025, 3, 23, 15, 48, 37, TimeSpan.FromHours(8)));

    [Fact]
    public async Task A_token_written_is_read_back_under_its_key_only()
    {
        var cache = new FileTokenCache(CachePath);

        await cache.WriteAsync("key-a", Token);

        Assert.Equal(Token, await cache.ReadAsync("key-a"));
        Assert.Null(await cache.ReadAsync("key-b"));
        Assert.Equal(Token, await new FileTokenCache(CachePath).ReadAsync("key-a"));
    }

    [Fact]
    public async Task The_file_and_its_folder_are_readable_by_the_owner_only()
    {
        await new FileTokenCache(CachePath).WriteAsync("key", Token);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CachePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(CachePath)!));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(CachePath)!));
    }

    [Theory]
    [InlineData("{ this is not json")]
    [InlineData("")]
    [InlineData("""{"format":"someone-elses-cache","entries":{"key":{"accessToken":"x","expiredAt":"2099-01-01T00:00:00Z"}}}""")]
    [InlineData("""{"format":"pan123-token-cache/1","entries":[1,2,3]}""")]
    [InlineData("""{"format":"pan123-token-cache/1","entries":{"key":{"accessToken":42,"expiredAt":"not a date"}}}""")]
    [InlineData("[]")]
    public async Task A_corrupt_or_foreign_file_is_ignored_and_replaced(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CachePath)!);
        await File.WriteAllTextAsync(CachePath, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(CachePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var cache = new FileTokenCache(CachePath);

        Assert.Null(await cache.ReadAsync("key"));
        await cache.WriteAsync("key", Token);
        Assert.Equal(Token, await cache.ReadAsync("key"));
    }

    [Fact]
    public async Task A_file_others_can_read_is_not_trusted()
    {
        var cache = new FileTokenCache(CachePath);
        await cache.WriteAsync("key", Token);

        File.SetUnixFileMode(CachePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        Assert.Null(await cache.ReadAsync("key"));
        await cache.WriteAsync("key", Token);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CachePath));
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
            new(platform.Auth, "id", "secret") { Cache = new FileTokenCache(CachePath), CacheScope = "https://open-api.123pan.com/" };

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
        var cache = new FileTokenCache(CachePath);
        var provider = new ClientCredentialsTokenProvider(platform.Auth, "id", "secret") { Cache = cache };

        var first = await provider.GetAccessTokenAsync();
        var second = await provider.RefreshAccessTokenAsync(first);

        Assert.Equal(("token-1", "token-2"), (first, second));
        Assert.Equal("token-2", await new ClientCredentialsTokenProvider(platform.Auth, "id", "secret") { Cache = cache }.GetAccessTokenAsync());
    }

    [Fact]
    public void Strings_hide_the_token()
    {
        Assert.DoesNotContain("cached-token-value", Token.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
