using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Cli;

/// <summary>
/// Every exit path of pan123 says what happened and what to do next, quoting the platform's own
/// message where there is one: the text on stderr, not only the exit code.
/// </summary>
[Trait(CliProcess.Trait, CliProcess.TraitValue)]
public sealed class ExitMessageTests : SandboxTest
{
    private Task<CliProcess.Result> RunAsync(params string[] args) => CliProcess.RunAsync(Folder, CliEnvironment, args);

    private static void AssertSays(CliProcess.Result run, int exitCode, params string[] phrases)
    {
        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.StartsWith("pan123: error: ", run.Stderr, StringComparison.Ordinal);
        Assert.All(phrases, phrase => Assert.Contains(phrase, run.Stderr, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Quota_exhausted_quotes_the_platform_and_says_vip_or_the_next_period_lifts_it()
    {
        Sandbox.DownloadQuotaBytes = 0;

        var run = await RunAsync("download-info", "1001");

        AssertSays(run, 1, "code 5113: ", "x-traceID", "VIP or the next period lifts it");
    }

    [Fact]
    public async Task The_token_limit_says_that_other_tokens_of_the_client_id_are_live()
    {
        Sandbox.Faults.AnswerNextApiCalls(5, 401, "tokens number has exceeded the limit", path: "/api/v1/file/download_info");

        var run = await RunAsync("download-info", "1001");

        AssertSays(run, 1, "code 401: tokens number has exceeded the limit", "more than 3 live tokens", "share one token");
    }

    [Fact]
    public async Task An_unknown_id_quotes_the_platform_and_says_to_check_the_id()
    {
        var run = await RunAsync("download-info", "987654321");

        AssertSays(run, 1, "code 5066: 文件不存在", "No file has this id", "check the id");
    }

    [Fact]
    public async Task A_path_that_does_not_resolve_names_the_missing_segment_and_where_it_was_looked_for()
    {
        var run = await RunAsync("ls", "/demo/nope");

        AssertSays(run, 2, "'/demo/nope' does not exist: 'nope' is not in '/demo'");
    }

    [Fact]
    public async Task A_transfer_that_fails_says_to_check_the_network_and_that_a_rerun_resumes()
    {
        Sandbox.AddFile(9100, "f.bin", 100_000);
        Sandbox.Faults.FailNextCdnRequests(50, 500);

        var run = await RunAsync("download", "9100", "-o", "f.bin");

        AssertSays(run, 3, "the CDN failed", "run the same command again", "resumes from its .part file");
    }

    [Fact]
    public async Task A_destination_with_other_content_says_to_use_force()
    {
        Sandbox.AddFile(9101, "g.bin", 1000);
        await File.WriteAllTextAsync(PathOf("g.bin"), "something else");

        var run = await RunAsync("download", "9101", "-o", "g.bin");

        AssertSays(run, 2, "already exists with other content", "--force");
    }
}
