using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Cli;

/// <summary>pan123 with client credentials: separate runs share one token through the cache file.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait(CliProcess.Trait, CliProcess.TraitValue)]
public sealed class TokenCacheTests : SandboxTest
{
    private string ConfigHome => PathOf("config");

    private string CacheFile => Path.Combine(ConfigHome, "pan123", "tokens.json");

    private Dictionary<string, string?> Environment => new()
    {
        ["PAN123_BASE_URL"] = Sandbox.ApiBaseAddress.ToString(),
        ["PAN123_CLIENT_ID"] = SandboxPlatform.DemoClientId,
        ["PAN123_CLIENT_SECRET"] = SandboxPlatform.DemoClientSecret,
        ["XDG_CONFIG_HOME"] = ConfigHome,
    };

    private Task<CliProcess.Result> RunAsync() => CliProcess.RunAsync(Folder, Environment, "download-info", "1001");

    [Fact]
    public async Task Two_runs_share_one_token_through_an_owner_only_cache_file()
    {
        var first = await RunAsync();
        var second = await RunAsync();

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(1, Sandbox.TokensIssued);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CacheFile));
        Assert.DoesNotContain(SandboxPlatform.DemoClientSecret, await File.ReadAllTextAsync(CacheFile), StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxPlatform.DemoClientSecret, first.Stdout + first.Stderr + second.Stdout + second.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Six_processes_started_together_with_an_empty_cache_make_one_token_request()
    {
        Sandbox.Faults.ResponseDelay = TimeSpan.FromMilliseconds(200);

        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => RunAsync()));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.ToString()));
        Assert.Equal(1, Sandbox.TokensIssued);
        Assert.Single(ApiRequests("/api/v1/access_token"));
        Assert.Equal(6, ApiRequests("/api/v1/file/download_info").Count());
    }

    [Fact]
    public async Task A_corrupted_cache_file_is_kept_aside_with_a_warning_that_names_it_not_a_crash()
    {
        Assert.Equal(0, (await RunAsync()).ExitCode);
        await File.WriteAllTextAsync(CacheFile, "\0\0{ garbage");

        var result = await RunAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, Sandbox.TokensIssued);
        Assert.StartsWith("{", await File.ReadAllTextAsync(CacheFile), StringComparison.Ordinal);
        var aside = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(CacheFile)!, "tokens.json.untrusted-*"));
        Assert.Equal("\0\0{ garbage", await File.ReadAllTextAsync(aside));
        Assert.Contains($"pan123: warning: The 123pan token cache {CacheFile} is not valid JSON of the cache's format; it was kept as {aside}", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync()).ExitCode);
        Assert.Equal(2, Sandbox.TokensIssued);
    }

    [Fact]
    public async Task A_cached_token_the_platform_revoked_is_refreshed_once()
    {
        Assert.Equal(0, (await RunAsync()).ExitCode);
        Sandbox.RevokeAllTokens();
        Sandbox.ClearRequests();

        var result = await RunAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, Sandbox.TokensIssued);
        Assert.Equal(2, ApiRequests("/api/v1/file/download_info").Count());
    }

    [Fact]
    public async Task The_access_token_wins_over_client_credentials_and_nothing_is_cached()
    {
        var environment = Environment;
        environment["PAN123_ACCESS_TOKEN"] = SandboxPlatform.DemoAccessToken;

        var result = await CliProcess.RunAsync(Folder, environment, "download-info", "1001");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(0, Sandbox.TokensIssued);
        Assert.False(File.Exists(CacheFile));
    }

    [Fact]
    public async Task Wrong_client_credentials_exit_1_without_printing_the_secret()
    {
        var environment = Environment;
        environment["PAN123_CLIENT_SECRET"] = "wrong-secret-value";

        var result = await CliProcess.RunAsync(Folder, environment, "download-info", "1001", "--verbose");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("access_token", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-value", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
