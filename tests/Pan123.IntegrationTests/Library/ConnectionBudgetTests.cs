using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pan123.IntegrationTests.Support;

namespace Pan123.IntegrationTests.Library;

/// <summary>
/// The connection budget belongs to the account registration, not to a downloader object: every downloader
/// resolved from it, single streams and ranges alike, draws on one budget. Download options are per
/// registration, like the client options.
/// </summary>
// Concurrency is measured at the sandbox CDN: run alone.
[Collection(AloneCollection.Name)]
public sealed class ConnectionBudgetTests : SandboxTest
{
    private const int Big = 24 * 1024 * 1024;
    private const int Small = 3 * 1024 * 1024;

    [Fact]
    public async Task Downloaders_resolved_separately_share_the_registrations_budget()
    {
        var first = Sandbox.AddFile(60, "a.bin", Big);
        var second = Sandbox.AddFile(61, "b.bin", Big);
        Sandbox.CdnLimits.BytesPerSecondPerConnection = 16 * 1024 * 1024;
        var services = Services(o => (o.MaxConnections, o.ConnectionBudget, o.MinRangeSize) = (4, 3, 2 * 1024 * 1024));

        // Transient: two objects, as two requests of a web app or two jobs of a worker get.
        var one = services.GetRequiredService<Pan123Downloader>();
        var other = services.GetRequiredService<Pan123Downloader>();
        Assert.NotSame(one, other);
        await Task.WhenAll(
            one.DownloadFileAsync(first.FileId, PathOf("a.bin")),
            other.DownloadFileAsync(second.FileId, PathOf("b.bin")));

        Assert.Equal(first.Md5, Md5Of(PathOf("a.bin")));
        Assert.Equal(second.Md5, Md5Of(PathOf("b.bin")));
        Assert.InRange(Sandbox.CdnLimits.MostConcurrentInAll, 2, 3);
    }

    [Fact]
    public async Task Single_streams_count_against_the_budget_too()
    {
        var files = new[] { Sandbox.AddFile(62, "a.bin", Small), Sandbox.AddFile(63, "b.bin", Small), Sandbox.AddFile(64, "c.bin", Small) };
        Sandbox.CdnLimits.BytesPerSecondPerConnection = 8 * 1024 * 1024;
        var services = Services(o => o.ConnectionBudget = 1);

        await Task.WhenAll(files.Select(f => services.GetRequiredService<Pan123Downloader>().DownloadFileAsync(f.FileId, PathOf(f.Filename))));

        Assert.All(files, f => Assert.Equal(f.Md5, Md5Of(PathOf(f.Filename))));
        Assert.Equal(1, Sandbox.CdnLimits.MostConcurrentInAll);
    }

    [Fact]
    public async Task Each_named_registration_has_its_own_download_options()
    {
        var file = Sandbox.AddFile(65, "f.bin", Small);
        Sandbox.Faults.CorruptContent = true;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Trusting:BaseAddress"] = Sandbox.ApiBaseAddress.ToString(),
            ["Trusting:AccessToken"] = Pan123.Sandbox.SandboxPlatform.DemoAccessToken,
            ["Trusting:Download:VerifyChecksum"] = "false",
            ["Checking:BaseAddress"] = Sandbox.ApiBaseAddress.ToString(),
            ["Checking:AccessToken"] = Pan123.Sandbox.SandboxPlatform.DemoAccessToken,
            ["Checking:Download:VerifyChecksum"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddPan123Client("trusting", configuration.GetSection("Trusting"));
        services.AddPan123Client("checking", configuration.GetSection("Checking"));
        await using var provider = services.BuildServiceProvider();

        var unverified = await provider.GetRequiredKeyedService<Pan123Downloader>("trusting").DownloadFileAsync(file.FileId, PathOf("trusting.bin"));
        var failure = await Assert.ThrowsAsync<Pan123DownloadException>(() =>
            provider.GetRequiredKeyedService<Pan123Downloader>("checking").DownloadFileAsync(file.FileId, PathOf("checking.bin")));

        Assert.Null(unverified.Md5);
        Assert.Equal(DownloadFailure.IntegrityMismatch, failure.Failure);
    }
}
