using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Cli;

/// <summary>pan123 download --direct as a process: direct links instead of download_info, and its refusals in words.</summary>
[Trait(CliProcess.Trait, CliProcess.TraitValue)]
public sealed class DirectDownloadCliTests : SandboxTest
{
    private const string DownloadInfo = "/api/v1/file/download_info";

    [Fact]
    public async Task Download_direct_fetches_a_folder_of_the_demo_space_with_no_download_quota()
    {
        // No quota at all: a single download_info call would fail the run with 5113.
        Sandbox.DownloadQuotaBytes = 0;

        var run = await CliProcess.RunAsync(Folder, CliEnvironment, "download", "/demo", "-r", "--direct", "-o", "demo");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Sandbox.Files[2002].Md5, SandboxTest.Md5Of(Path.Combine(Folder, "demo", "data.bin")));
        Assert.Equal(0, Sandbox.RequestCount(SandboxServer.Api, DownloadInfo));
        Assert.Equal(4, Sandbox.RequestCount(SandboxServer.Api, "/api/v1/direct-link/url"));
        Assert.Equal(1_200 + (3 * 1024 * 1024 + 7) + 150_000 + 170_000, Sandbox.DirectLinks.BytesServed);
    }

    [Fact]
    public async Task A_space_that_wants_signed_links_exits_2_saying_why_and_what_to_do()
    {
        Sandbox.AddFolder(7000, "signed");
        Sandbox.AddFile(7001, "a.bin", 100_000, parentFileId: 7000);
        Sandbox.DirectLinks.Enable(7000, signedLinks: true);

        var run = await CliProcess.RunAsync(Folder, CliEnvironment, "download", "7001", "--direct");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("pan123: error: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("URL authentication on", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Without --direct, pan123 uses download_info", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Sandbox.RequestCount(SandboxServer.Api, DownloadInfo));
        Assert.False(File.Exists(Path.Combine(Folder, "a.bin")));
    }

    [Fact]
    public async Task A_folder_in_a_space_that_wants_signed_links_exits_2_with_a_line_per_file()
    {
        Sandbox.AddFolder(7000, "signed");
        Sandbox.AddFile(7001, "a.bin", 100_000, parentFileId: 7000);
        Sandbox.AddFile(7002, "b.bin", 100_000, parentFileId: 7000);
        Sandbox.DirectLinks.Enable(7000, signedLinks: true);

        var run = await CliProcess.RunAsync(Folder, CliEnvironment, "download", "7000", "-r", "--direct", "-o", "signed");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(2, run.Stderr.Split('\n').Count(line => line.StartsWith("pan123: failed: ", StringComparison.Ordinal) && line.Contains("URL authentication on", StringComparison.Ordinal)));
        Assert.Contains("0 downloaded, 0 already present, 0 skipped, 2 failed", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Sandbox.RequestCount(SandboxServer.Api, DownloadInfo));
    }

    [Fact]
    public async Task Download_info_direct_prints_the_permanent_links_and_spends_no_quota()
    {
        Sandbox.DownloadQuotaBytes = 0;
        var list = Path.Combine(Folder, "ids.txt");
        await File.WriteAllTextAsync(list, "2001\n2004\n");

        var one = await CliProcess.RunAsync(Folder, CliEnvironment, "download-info", "2001", "--direct");
        var json = await CliProcess.RunAsync(Folder, CliEnvironment, "download-info", "2001", "--direct", "--json");
        var many = await CliProcess.RunAsync(Folder, CliEnvironment, "download-info", "--from-file", list, "--direct");

        Assert.True(one.ExitCode == 0, one.ToString());
        var link = one.Stdout.Trim();
        Assert.Equal(new Uri(Sandbox.CdnBaseAddress, $"{SandboxPlatform.DemoUid}/demo/readme.txt").AbsoluteUri, link);
        Assert.Equal($$"""{"url":"{{link}}"}""", json.Stdout.Trim());
        Assert.True(many.ExitCode == 0, many.ToString());
        Assert.Equal([$"2001\t{link}", $"2004\t{new Uri(Sandbox.CdnBaseAddress, $"{SandboxPlatform.DemoUid}/demo/photos/a.jpg").AbsoluteUri}"], many.Stdout.Trim().Split('\n'));
        Assert.Equal(0, Sandbox.RequestCount(SandboxServer.Api, DownloadInfo));
        Assert.Equal(4, Sandbox.RequestCount(SandboxServer.Api, "/api/v1/direct-link/url"));
    }

    [Fact]
    public async Task A_file_outside_every_space_exits_1_quoting_the_platform()
    {
        var run = await CliProcess.RunAsync(Folder, CliEnvironment, "download", "1001", "--direct");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("direct-link space", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("x-traceID", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Sandbox.RequestCount(SandboxServer.Api, DownloadInfo));
    }
}
