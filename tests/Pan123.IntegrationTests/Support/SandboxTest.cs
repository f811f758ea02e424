using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Support;

/// <summary>
/// A fresh sandbox per test, a temporary folder, and the library wired to both through
/// AddPan123Client. After each test, every answer the sandbox gave is checked against the contract.
/// </summary>
public abstract class SandboxTest : IAsyncLifetime
{
    private readonly List<ServiceProvider> _providers = [];

    public SandboxPlatform Sandbox { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("pan123-it-").FullName;

    public async Task InitializeAsync() => Sandbox = await SandboxPlatform.StartAsync();

    public virtual async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        // Every answer the sandbox gave in the test must be one the contract allows.
        var violations = await ContractConformance.ViolationsAsync(Sandbox.Answers);
        await Sandbox.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
        Assert.True(violations.Count == 0, "The sandbox answered outside the contract:\n" + string.Join("\n", violations));
    }

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>The environment of a pan123 process that talks to this sandbox with its demo access token.</summary>
    public Dictionary<string, string?> CliEnvironment => new()
    {
        ["PAN123_BASE_URL"] = Sandbox.ApiBaseAddress.ToString(),
        ["PAN123_ACCESS_TOKEN"] = SandboxPlatform.DemoAccessToken,
    };

    public ServiceProvider Services(Action<Pan123DownloadOptions>? download = null, Action<Pan123ClientOptions>? client = null)
    {
        var services = new ServiceCollection();
        services.AddPan123Client(o =>
        {
            o.BaseAddress = Sandbox.ApiBaseAddress;
            o.AccessToken = SandboxPlatform.DemoAccessToken;
            client?.Invoke(o);
        });
        services.Configure<Pan123DownloadOptions>(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            download?.Invoke(o);
        });
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    public Pan123Downloader Downloader(Action<Pan123DownloadOptions>? download = null) =>
        Services(download).GetRequiredService<Pan123Downloader>();

    /// <summary>
    /// A first run of <paramref name="fileId"/> to <paramref name="name"/> that the CDN cuts off after
    /// <paramref name="dropAfter"/> bytes and that is not retried, so it leaves a part file; its length.
    /// </summary>
    public async Task<long> InterruptedRunAsync(long fileId, string name, long dropAfter = 1_234_567)
    {
        Sandbox.Faults.DropCdnConnectionAfter(dropAfter);
        await Assert.ThrowsAsync<Pan123DownloadException>(() => Downloader(o => o.MaxRetryAttempts = 0).DownloadFileAsync(fileId, PathOf(name)));
        var kept = new FileInfo(PathOf(name + ".part")).Length;
        Assert.InRange(kept, 1, dropAfter);
        return kept;
    }

    public static string Md5Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(file));
    }

    public IEnumerable<SandboxRequest> CdnRequests => Sandbox.Requests.Where(r => r.Server == SandboxServer.Cdn);

    public IEnumerable<SandboxRequest> ApiRequests(string path) =>
        Sandbox.Requests.Where(r => r.Server == SandboxServer.Api && r.Path == path);
}
