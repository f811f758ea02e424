using System.Diagnostics;
using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Cli;

/// <summary>
/// pan123 killed with SIGKILL at 20 points of a 64 MiB download (before the first byte, mid-body,
/// and between the last verified byte and the rename), rerun each time: every run ends with a
/// byte-exact file, nothing stray, and no rerun asks for byte 0 once the part file holds bytes.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait(CliProcess.Trait, CliProcess.TraitValue)]
public sealed class CrashTests : SandboxTest
{
    private const long Size = 64L << 20;

    private Dictionary<string, string?> Environment(string? pauseMarker = null) => new()
    {
        ["PAN123_BASE_URL"] = Sandbox.ApiBaseAddress.ToString(),
        ["PAN123_ACCESS_TOKEN"] = SandboxPlatform.DemoAccessToken,
        ["PAN123_TEST_PAUSE_BEFORE_RENAME"] = pauseMarker,
    };

    private long PartLength => File.Exists(PathOf("big.bin.part")) ? new FileInfo(PathOf("big.bin.part")).Length : 0;

    [Fact]
    public async Task Killed_at_twenty_points_every_rerun_ends_byte_exact_without_refetching_byte_zero()
    {
        var file = Sandbox.AddFile(90, "big.bin", Size);
        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.FromMilliseconds(1);
        var random = new Random(20251201);
        var thresholds = Enumerable.Range(0, 18).Select(_ => (long)(random.NextDouble() * Size * 0.95)).Order().ToList();

        // 1: before the first byte.
        await RunAndKillAsync(Environment(), killWhen: process => Task.Delay(150));

        // 2-19: mid-body, at points spread over the file.
        foreach (var threshold in thresholds)
        {
            await RunAndKillAsync(Environment(), killWhen: async process =>
            {
                while (PartLength < threshold && !process.HasExited)
                {
                    await Task.Delay(2);
                }
            });
        }

        // 20: every byte verified, killed before the rename.
        var marker = PathOf("paused");
        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.Zero;
        await RunAndKillAsync(Environment(marker), killWhen: async process =>
        {
            while (!File.Exists(marker) && !process.HasExited)
            {
                await Task.Delay(5);
            }
        });
        File.Delete(marker);
        Assert.Equal(Size, PartLength);

        // The last rerun ends it: a complete, verified part file needs no link and no CDN request.
        var before = CdnRequests.Count();
        var result = await CliProcess.RunAsync(Folder, Environment(), "download", "90", "-o", "big.bin");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(before, CdnRequests.Count());
        Assert.Equal(file.Md5, Md5Of(PathOf("big.bin")));
        Assert.Equal(["big.bin"], Directory.GetFileSystemEntries(Folder).Select(Path.GetFileName));
    }

    // Starts pan123, waits for killWhen, kills it with SIGKILL, and checks the run did not start over.
    private async Task RunAndKillAsync(Dictionary<string, string?> environment, Func<Process, Task> killWhen)
    {
        var heldBefore = PartLength;
        var requestsBefore = CdnRequests.Count();
        using var process = CliProcess.Start(Folder, environment, "download", "90", "-o", "big.bin");
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await killWhen(process).WaitAsync(patience.Token);
        }

        Assert.False(process.HasExited, $"pan123 ended (exit {(process.HasExited ? process.ExitCode : 0)}) before it could be killed: {(process.HasExited ? process.StandardError.ReadToEnd() : "")}");
        process.Kill();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await process.WaitForExitAsync(timeout.Token);
        }

        Assert.False(File.Exists(PathOf("big.bin")), "a killed run left a destination file");
        Assert.True(PartLength >= heldBefore, $"the part file shrank from {heldBefore} to {PartLength} bytes");
        if (heldBefore > 0)
        {
            Assert.All(CdnRequests.Skip(requestsBefore), request =>
            {
                Assert.True(request.Headers.TryGetValue("Range", out var range), "a rerun asked for the whole file again");
                Assert.NotEqual("bytes=0-", range);
            });
        }
    }
}
