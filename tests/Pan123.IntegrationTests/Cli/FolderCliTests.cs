using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Cli;

/// <summary>pan123 ls, folder and id-list downloads, and download-info --from-file, as processes against the sandbox.</summary>
[Trait(CliProcess.Trait, CliProcess.TraitValue)]
public sealed class FolderCliTests : SandboxTest
{
    private const string LinkPath = "/api/v1/file/download_info";

    private Dictionary<string, string?> Environment => new()
    {
        ["PAN123_BASE_URL"] = Sandbox.ApiBaseAddress.ToString(),
        ["PAN123_ACCESS_TOKEN"] = SandboxPlatform.DemoAccessToken,
    };

    private Task<CliProcess.Result> RunAsync(params string[] args) => CliProcess.RunAsync(Folder, Environment, args);

    private int Links => Sandbox.RequestCount(SandboxServer.Api, LinkPath);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Ls_lists_a_folder_by_path_or_id_without_trashed_entries()
    {
        var byPath = await RunAsync("ls", "/demo");
        var json = await RunAsync("ls", "2000", "--json");

        Assert.True(byPath.ExitCode == 0, byPath.ToString());
        Assert.Equal(3, Lines(byPath.Stdout).Length);
        Assert.Contains(Lines(byPath.Stdout), line => line.StartsWith('d') && line.EndsWith("photos/", StringComparison.Ordinal));
        Assert.DoesNotContain("old.txt", byPath.Stdout, StringComparison.Ordinal);
        var entries = Lines(json.Stdout).Select(Newtonsoft.Json.Linq.JObject.Parse).ToList();
        Assert.Equal([2001L, 2002L, 2003L], entries.Select(e => (long)e["fileId"]!));
        Assert.Equal(["fileId", "filename", "type", "size", "etag", "parentFileId", "trashed", "status"], entries[0].Properties().Select(p => p.Name));
    }

    [Fact]
    public async Task The_demo_tree_mirrors_with_no_account()
    {
        var result = await CliProcess.RunAsync(Folder, new Dictionary<string, string?>(), "download", "/demo", "-r", "--sandbox");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(4, Lines(result.Stdout).Length);
        Assert.True(File.Exists(PathOf("demo/photos/a.jpg")));
        Assert.Contains("4 downloaded, 0 already present, 1 skipped, 0 failed", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_needs_r_and_costs_no_link_without_it()
    {
        var result = await RunAsync("download", "/demo");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("add -r", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Links);
        Assert.Empty(Directory.GetFileSystemEntries(Folder));
    }

    [Fact]
    public async Task A_folder_id_with_o_and_without_r_also_costs_no_link()
    {
        var result = await RunAsync("download", "2000", "-o", "x");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("add -r", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Links);
    }

    [Fact]
    public async Task A_recursive_mirror_prints_each_path_and_a_summary_and_its_rerun_asks_for_no_link()
    {
        var first = await RunAsync("download", "/demo", "-r", "--parallel", "2");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(4, Lines(first.Stdout).Length);
        Assert.Contains(PathOf("demo/photos/b.jpg"), Lines(first.Stdout));
        Assert.Contains("4 downloaded, 0 already present, 1 skipped, 0 failed", first.Stderr, StringComparison.Ordinal);
        Assert.Equal(Sandbox.Files[2005].Md5, Md5Of(PathOf("demo/photos/b.jpg")));

        Sandbox.ClearRequests();
        var second = await RunAsync("download", "2000", "-r", "-o", "demo");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("0 downloaded, 4 already present, 1 skipped, 0 failed", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Links);
    }

    [Fact]
    public async Task A_file_path_downloads_like_a_file_id()
    {
        var result = await RunAsync("download", "/demo/photos/a.jpg");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(PathOf("a.jpg"), result.Stdout.Trim());
        Assert.DoesNotContain("downloaded,", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_path_that_does_not_exist_exits_2_naming_it()
    {
        var result = await RunAsync("download", "/demo/nope.bin");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("'/demo/nope.bin' does not exist", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_line_in_the_id_list_exits_2_naming_it_before_any_request()
    {
        await File.WriteAllTextAsync(PathOf("ids.txt"), "1001\n# a comment\n\n12x\n");

        var download = await RunAsync("download", "--from-file", "ids.txt");
        var info = await RunAsync("download-info", "--from-file", "ids.txt");

        Assert.True(download.ExitCode == 2, download.ToString());
        Assert.True(info.ExitCode == 2, info.ToString());
        Assert.Contains("ids.txt, line 4: '12x'", download.Stderr, StringComparison.Ordinal);
        Assert.Empty(Sandbox.Requests);
    }

    [Fact]
    public async Task Download_info_from_a_file_prints_id_tab_url_in_input_order()
    {
        var ids = new[] { 2005L, 1001, 2001, 14749954, 2004, 2002, 1002 };
        await File.WriteAllTextAsync(PathOf("ids.txt"), string.Join("\n", ids) + "\n");

        var result = await RunAsync("download-info", "--from-file", "ids.txt");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = Lines(result.Stdout);
        Assert.Equal(ids, lines.Select(l => long.Parse(l.Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(lines, l => Assert.StartsWith(Sandbox.CdnBaseAddress.ToString(), l.Split('\t')[1], StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_id_list_from_stdin_downloads_into_one_directory()
    {
        using var process = CliProcess.Start(Folder, Environment, "download", "--from-file", "-", "-o", "got");
        await process.StandardInput.WriteAsync("1001\n2004\n");
        process.StandardInput.Close();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(0, process.ExitCode);
        Assert.Equal([PathOf("got/hello.txt"), PathOf("got/a.jpg")], Lines(stdout));
    }

    [Fact]
    public async Task A_quota_that_runs_out_stops_asking_for_links_and_exits_1()
    {
        Sandbox.DownloadQuotaBytes = 400_000;

        var result = await RunAsync("download", "/demo", "-r", "--parallel", "1");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("5113", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("not downloaded", result.Stderr, StringComparison.Ordinal);
        Assert.Matches("[0-9] failed", result.Stderr);
    }

    [Fact]
    public async Task A_different_local_file_in_a_mirror_is_refused_alone_and_the_run_exits_2()
    {
        Directory.CreateDirectory(PathOf("demo"));
        await File.WriteAllTextAsync(PathOf("demo/readme.txt"), "mine");

        var result = await RunAsync("download", "/demo", "-r");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("mine", await File.ReadAllTextAsync(PathOf("demo/readme.txt")));
        Assert.Contains("3 downloaded, 0 already present, 1 skipped, 1 failed", result.Stderr, StringComparison.Ordinal);
    }
}
