using System.Diagnostics;
using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Cli;

/// <summary>The pan123 process against the sandbox, configured through the environment like any server.</summary>
[Trait(CliProcess.Trait, CliProcess.TraitValue)]
public sealed class CliTests : SandboxTest
{
    private const string Token = "cli-test-token-7f3a";

    private Dictionary<string, string?> Environment => new()
    {
        ["PAN123_BASE_URL"] = Sandbox.ApiBaseAddress.ToString(),
        ["PAN123_ACCESS_TOKEN"] = SandboxPlatform.DemoAccessToken,
    };

    private Task<CliProcess.Result> RunAsync(params string[] args) => CliProcess.RunAsync(Folder, Environment, args);

    [Fact]
    public async Task Download_info_prints_the_url_alone_on_stdout()
    {
        var result = await RunAsync("download-info", "14749954");

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(Sandbox.CdnBaseAddress + "123-61/", line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Download_info_json_prints_the_data_object()
    {
        var result = await RunAsync("download-info", "14749954", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var data = Newtonsoft.Json.Linq.JObject.Parse(result.Stdout);
        Assert.StartsWith(Sandbox.CdnBaseAddress.ToString(), (string)data["downloadUrl"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_writes_the_verified_file_under_the_safe_platform_name_and_prints_its_path()
    {
        var file = Sandbox.AddFile(77, "../../evil/na:me.bin", 2_000_000);

        var result = await RunAsync("download", "77");

        Assert.True(result.ExitCode == 0, result.ToString());
        var path = result.Stdout.Trim();
        Assert.Equal(Folder, Path.GetDirectoryName(path));
        Assert.DoesNotContain("..", Path.GetFileName(path), StringComparison.Ordinal);
        Assert.Equal(file.Md5, Md5Of(path));
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Download_with_output_resumes_a_dropped_connection()
    {
        var file = Sandbox.AddFile(78, "x.bin", 3_000_000);
        Sandbox.Faults.DropCdnConnectionAfter(1_000_000);

        var result = await RunAsync("download", "78", "-o", "out.bin");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(PathOf("out.bin"), result.Stdout.Trim());
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        Assert.Contains(CdnRequests, r => r.Headers.ContainsKey("Range"));
        Assert.All(CdnRequests, r => Assert.False(r.Headers.ContainsKey("Authorization")));
    }

    [Fact]
    public async Task A_destination_with_other_content_exits_2_naming_the_file_and_force_and_is_kept()
    {
        await File.WriteAllTextAsync(PathOf("Keyshot_win64_2024.exe"), "the user's own file");

        var result = await RunAsync("download", "14749954");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Keyshot_win64_2024.exe", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--force", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("the user's own file", await File.ReadAllTextAsync(PathOf("Keyshot_win64_2024.exe")));
        Assert.Empty(ApiRequests("/api/v1/file/download_info"));
    }

    [Fact]
    public async Task Force_replaces_a_destination_with_other_content()
    {
        await File.WriteAllTextAsync(PathOf("out.bin"), "the user's own file");

        var result = await RunAsync("download", "1001", "-o", "out.bin", "--force");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Sandbox.Files[1001].Md5, Md5Of(PathOf("out.bin")));
    }

    [Fact]
    public async Task An_identical_destination_is_already_downloaded_with_no_link_asked_for()
    {
        Assert.Equal(0, (await RunAsync("download", "1001", "-o", "out.bin")).ExitCode);
        Sandbox.ClearRequests();

        var result = await RunAsync("download", "1001", "-o", "out.bin");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(PathOf("out.bin"), result.Stdout.Trim());
        Assert.Contains("already downloaded", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(ApiRequests("/api/v1/file/download_info"));
        Assert.Empty(CdnRequests);
    }

    [Fact]
    public async Task A_link_planted_at_the_part_file_is_not_written_through()
    {
        var victim = PathOf("victim.txt");
        await File.WriteAllTextAsync(victim, "the victim's content");
        File.CreateSymbolicLink(PathOf("out.bin.part"), victim);

        var result = await RunAsync("download", "14749954", "-o", "out.bin");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("the victim's content", await File.ReadAllTextAsync(victim));
        Assert.Null(new FileInfo(PathOf("out.bin")).LinkTarget);
        Assert.Equal(Sandbox.Files[SandboxPlatform.DemoFileId].Md5, Md5Of(PathOf("out.bin")));
    }

    [Fact]
    public async Task A_second_process_on_the_same_destination_exits_2_while_the_first_finishes()
    {
        var file = Sandbox.AddFile(82, "slow.bin", 3_000_000);
        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.FromMilliseconds(30);
        using var first = CliProcess.Start(Folder, Environment, "download", "82", "-o", "slow.bin");
        var firstOut = first.StandardOutput.ReadToEndAsync();
        var firstErr = first.StandardError.ReadToEndAsync();
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (!File.Exists(PathOf("slow.bin.part")) || new FileInfo(PathOf("slow.bin.part")).Length == 0)
            {
                if (first.HasExited)
                {
                    Assert.Fail($"the first pan123 ended early: exit {first.ExitCode}, {await firstErr}");
                }

                await Task.Delay(50, patience.Token);
            }
        }

        var second = await RunAsync("download", "82", "-o", "slow.bin");

        Assert.True(second.ExitCode == 2, second.ToString());
        Assert.Contains("is in use", second.Stderr, StringComparison.Ordinal);
        Assert.Contains("another process", second.Stderr, StringComparison.Ordinal);
        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.Zero;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await first.WaitForExitAsync(timeout.Token);
        Assert.True(first.ExitCode == 0, await firstErr);
        Assert.Equal(PathOf("slow.bin"), (await firstOut).Trim());
        Assert.Equal(file.Md5, Md5Of(PathOf("slow.bin")));
    }

    [Theory]
    [InlineData(401, "access_token无效")]
    [InlineData(429, "请求太频繁")]
    [InlineData(5066, "文件不存在，检查传入fileId是否正确")]
    [InlineData(5113, "您今日自用下载流量已超出1GB上限，升级VIP会员可无限流量下载")]
    [InlineData(20103, "文件正在校验中,请间隔1秒后再试")]
    [InlineData(1, "内部错误")]
    public async Task A_platform_error_code_exits_1_with_code_message_and_trace_id(int code, string message)
    {
        Sandbox.Faults.AnswerNextApiCalls(1000, code);

        var result = await RunAsync("download-info", "14749954");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains($"code {code}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Matches("x-traceID: [0-9a-f-]+_sandbox", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_exits_1_with_code_401_and_never_prints_the_token()
    {
        var environment = Environment;
        environment["PAN123_ACCESS_TOKEN"] = Token;

        var result = await CliProcess.RunAsync(Folder, environment, "download", "14749954", "--verbose");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("code 401", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_http_503_from_the_api_exits_3()
    {
        Sandbox.Faults.FailNextApiCalls(1000, 503);

        var result = await RunAsync("download-info", "14749954");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("HTTP 503", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_md5_exits_3_and_leaves_no_destination_file()
    {
        Sandbox.AddFile(79, "x.bin", 1_000_000);
        Sandbox.Faults.CorruptContent = true;

        var result = await RunAsync("download", "79", "-o", "out.bin");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("MD5", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Folder));
    }

    [Fact]
    public async Task No_verify_skips_the_md5_check()
    {
        Sandbox.AddFile(80, "x.bin", 1_000_000);
        Sandbox.Faults.CorruptContent = true;

        var result = await RunAsync("download", "80", "-o", "out.bin", "--no-verify");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(1_000_000, new FileInfo(PathOf("out.bin")).Length);
    }

    [Theory]
    [InlineData("download-info", "0", "fileId must be a positive integer")]
    [InlineData("download-info", "-1", "fileId must be a positive integer")]
    [InlineData("download-info", "abc", "fileId must be a positive integer")]
    [InlineData("download", "1.5", "target must be a file or folder id")]
    [InlineData("download", "99999999999999999999", "target must be a file or folder id")]
    [InlineData("download", "docs/report.pdf", "or a path starting with '/'")]
    [InlineData("ls", "-3", "folder must be a file or folder id")]
    public async Task A_bad_file_id_exits_2_before_any_request(string command, string fileId, string message)
    {
        var result = await RunAsync(command, "--", fileId);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Sandbox.Requests);
    }

    [Theory]
    [InlineData("download")]
    [InlineData("download", "1001", "--from-file", "ids.txt")]
    [InlineData("download-info")]
    [InlineData("download-info", "1001", "--from-file", "ids.txt")]
    public async Task A_target_and_an_id_list_are_one_or_the_other(params string[] args)
    {
        var result = await RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("not both and not neither", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Sandbox.Requests);
    }

    [Fact]
    public async Task Missing_credentials_exit_2_before_any_request()
    {
        var result = await CliProcess.RunAsync(Folder, new Dictionary<string, string?> { ["PAN123_BASE_URL"] = Sandbox.ApiBaseAddress.ToString() }, "download-info", "1");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("PAN123_ACCESS_TOKEN", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Sandbox.Requests);
    }

    [Fact]
    public async Task A_plain_http_base_url_off_loopback_exits_2()
    {
        var result = await RunAsync("download-info", "1", "--base-url", "http://example.invalid/");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("must use https", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_base_url_option_wins_over_the_environment()
    {
        var environment = Environment;
        environment["PAN123_BASE_URL"] = "https://open-api.123pan.com/";

        var result = await CliProcess.RunAsync(Folder, environment, "download-info", "1001", "--base-url", Sandbox.ApiBaseAddress.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(ApiRequests("/api/v1/file/download_info"));
    }

    [Fact]
    public async Task The_sandbox_demo_runs_with_no_account()
    {
        var result = await CliProcess.RunAsync(Folder, new Dictionary<string, string?>(), "download", "14749954", "--sandbox", "-o", "demo.bin");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(PathOf("demo.bin"), result.Stdout.Trim());
        Assert.Equal(8 * 1024 * 1024, new FileInfo(PathOf("demo.bin")).Length);
        Assert.Equal(Sandbox.Files[SandboxPlatform.DemoFileId].Md5, Md5Of(PathOf("demo.bin")));
    }

    [Fact]
    public void The_tool_needs_the_base_runtime_only_and_carries_the_sandbox_beside_it()
    {
        var folder = CliProcess.ToolFolder;
        if (CliProcess.NativeCli is { } native)
        {
            // The native tool needs no .NET at all: an ELF executable, no managed program beside it.
            Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(native)[..4]);
            Assert.False(File.Exists(Path.Combine(folder, "pan123.dll")), "the native tool carries a managed pan123.dll");
        }
        else
        {
            var config = Newtonsoft.Json.Linq.JObject.Parse(File.ReadAllText(Path.Combine(folder, "pan123.runtimeconfig.json")));
            var frameworks = config["runtimeOptions"]!["frameworks"]?.Select(f => (string?)f["name"]) ?? [(string?)config["runtimeOptions"]!["framework"]!["name"]];
            Assert.Equal(["Microsoft.NETCore.App"], frameworks);
        }

        Assert.False(File.Exists(Path.Combine(folder, "Pan123.Sandbox.dll")), "pan123 must not load the sandbox itself");
        Assert.True(File.Exists(Path.Combine(folder, "sandbox", "pan123-sandbox.dll")));
    }

    [Fact]
    public async Task Pan123_sandbox_serves_other_programs_until_its_input_closes()
    {
        using var sandbox = CliProcess.Start(Folder, new Dictionary<string, string?>(), "sandbox");
        var settings = new Dictionary<string, string?>();
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (await sandbox.StandardOutput.ReadLineAsync(patience.Token) is { } line && !line.StartsWith('#'))
            {
                var pair = line.Split('=', 2);
                settings[pair[0]] = pair[1];
            }
        }

        var info = await CliProcess.RunAsync(Folder, settings, "download-info", "14749954");
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.StartsWith("http://127.0.0.1:", info.Stdout, StringComparison.Ordinal);

        sandbox.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await sandbox.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, sandbox.ExitCode);
        var after = await CliProcess.RunAsync(Folder, settings, "download-info", "14749954");
        Assert.True(after.ExitCode == 3, "the sandbox still answers after pan123 sandbox ended: " + after);
    }

    [Fact]
    public async Task Without_its_sandbox_folder_the_tool_says_how_to_get_one_and_runs_everything_else()
    {
        var copy = PathOf("tool");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(CliProcess.ToolFolder))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var sandbox = await CliProcess.RunFromAsync(copy, Folder, Environment, "download-info", "14749954", "--sandbox");
        var platform = await CliProcess.RunFromAsync(copy, Folder, Environment, "download-info", "14749954");

        Assert.True(sandbox.ExitCode == 2, sandbox.ToString());
        Assert.Contains("no sandbox", sandbox.Stderr, StringComparison.Ordinal);
        Assert.True(platform.ExitCode == 0, platform.ToString());
    }

    [Fact]
    public async Task On_a_terminal_a_progress_bar_goes_to_stderr_and_the_path_keeps_its_own_line()
    {
        // util-linux's script(1) gives the process a pseudo-terminal, as an interactive shell would.
        var environment = Environment;
        var command = string.Join(' ', [.. CliProcess.Command(), "download", "1001", "-o", "bar.bin"]);
        var result = await CliProcess.RunProgramAsync("script", Folder, environment, "-qec", command, "/dev/null");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, line => line.StartsWith("[##############################] 100 %", StringComparison.Ordinal));
        Assert.Equal(PathOf("bar.bin"), lines[^1].Trim());
    }

    [Fact]
    public async Task Help_documents_the_exit_codes()
    {
        var result = await RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var code in new[] { "0 ", "1 ", "2 ", "3 ", "130" })
        {
            Assert.Contains("  " + code, result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Ctrl_C_exits_130_and_keeps_the_part_file()
    {
        Sandbox.AddFile(81, "slow.bin", 5_000_000);
        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.FromMilliseconds(100);
        using var process = CliProcess.Start(Folder, Environment, "download", "81", "-o", "slow.bin");
        var stderr = process.StandardError.ReadToEndAsync();

        while (!File.Exists(PathOf("slow.bin.part")) || new FileInfo(PathOf("slow.bin.part")).Length == 0)
        {
            if (process.HasExited)
            {
                Assert.Fail($"pan123 ended (exit {process.ExitCode}) before the download started: {await stderr}");
            }

            await Task.Delay(50);
        }

        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {await stderr}");
        Assert.True(new FileInfo(PathOf("slow.bin.part")).Length > 0);
        Assert.False(File.Exists(PathOf("slow.bin")));
    }

    [Fact]
    public async Task Connections_1_fetches_a_large_file_in_one_stream_and_the_default_in_ranges()
    {
        var file = Sandbox.AddFile(60, "large.bin", 20 * 1024 * 1024);

        var one = await RunAsync("download", "60", "-o", "one.bin", "--connections", "1");
        var oneRequests = CdnRequests.ToList();
        var ranged = await RunAsync("download", "60", "-o", "ranged.bin");
        var rangedRequests = CdnRequests.Skip(oneRequests.Count).ToList();
        var refused = await RunAsync("download", "60", "-o", "none.bin", "--connections", "0");

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(ranged.ExitCode == 0, ranged.ToString());
        Assert.Equal(file.Md5, Md5Of(PathOf("one.bin")));
        Assert.Equal(file.Md5, Md5Of(PathOf("ranged.bin")));
        Assert.False(Assert.Single(oneRequests).Headers.ContainsKey("Range"));
        Assert.All(rangedRequests, r => Assert.StartsWith("bytes=", r.Headers["Range"], StringComparison.Ordinal));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--connections must be between 1 and 16", refused.Stderr, StringComparison.Ordinal);
    }
}
