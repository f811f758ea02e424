using Newtonsoft.Json.Linq;
using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Cli;

/// <summary>pan123 whoami against the sandbox's demo account: for people, and --json for scripts.</summary>
[Trait(CliProcess.Trait, CliProcess.TraitValue)]
public sealed class WhoamiTests : SandboxTest
{
    [Fact]
    public async Task Whoami_prints_the_uid_the_vip_level_and_expiry_the_space_and_the_direct_link_traffic()
    {
        var run = await CliProcess.RunAsync(Folder, CliEnvironment, "whoami");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"uid          {SandboxPlatform.DemoUid}", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("vip          VIP (level 1), until 2027-01-01 00:00 (UTC+8)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("used of 2048 GiB", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("direct-link  1 GiB of traffic left", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, Sandbox.RequestCount(SandboxServer.Api, "/api/v1/user/info"));
    }

    [Fact]
    public async Task Whoami_json_is_the_platforms_data_for_scripts()
    {
        var run = await CliProcess.RunAsync(Folder, CliEnvironment, "whoami", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var data = JObject.Parse(run.Stdout);
        Assert.Equal(SandboxPlatform.DemoUid, (long)data["uid"]!);
        Assert.Equal("2027-01-01 00:00:00", (string?)data["vipInfo"]![0]!["endTime"]);
        Assert.Equal(1L << 30, (long)data["directTraffic"]!);
    }
}
