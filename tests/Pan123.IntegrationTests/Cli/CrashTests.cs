using System.Diagnostics;
using System.Text.Json;
using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Cli;

/// <summary>
/// pan123 killed with SIGKILL at random points of a 64 MiB download and run again each time, as a worker is
/// by an OOM kill or an eviction. What a kill costs is counted, not guessed: before each rerun the test
/// reads which 4 KiB pages of the part file already hold the file's bytes, and sums the bytes the rerun
/// asks the CDN for again out of those pages. Over several connections that is at most CheckpointSize
/// (4 MiB) per connection, apart from the widening of a gap smaller than MinRangeSize over bytes the note
/// records; over one stream it is nothing. Every run ends with a byte-exact file and nothing stray.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait(CliProcess.Trait, CliProcess.TraitValue)]
// The CDN paces each connection: run alone, so the kill points fall where the test means them to.
[Collection(AloneCollection.Name)]
public sealed class CrashTests(Xunit.Abstractions.ITestOutputHelper output) : SandboxTest
{
    private const long Size = 64L << 20;
    private const long CheckpointSize = 4L << 20;
    private const long MinRangeSize = 8L << 20;
    private const int Page = 4096;

    private Dictionary<string, string?> Environment(string? pauseMarker = null) => new()
    {
        ["PAN123_BASE_URL"] = Sandbox.ApiBaseAddress.ToString(),
        ["PAN123_ACCESS_TOKEN"] = SandboxPlatform.DemoAccessToken,
        ["PAN123_TEST_PAUSE_BEFORE_RENAME"] = pauseMarker,
    };

    [Fact]
    public async Task Killed_at_random_points_over_four_connections_each_rerun_refetches_at_most_a_checkpoint_per_connection()
    {
        var file = Sandbox.AddFile(90, "big.bin", Size);
        Sandbox.CdnLimits.BytesPerSecondPerConnection = 6L << 20;
        var random = new Random(20261207);
        const int connections = 4;

        var totals = new List<string>();
        for (var kill = 0; kill < 5; kill++)
        {
            // Somewhere between 3 and 13 MiB into each run: past the ramp, before the end.
            var after = (long)((3 + (random.NextDouble() * 10)) * (1 << 20));
            var cost = await RunAsync(file, ["--connections", $"{connections}"], killAfterBytes: after);
            totals.Add(cost.ToString());
            output.WriteLine($"kill {kill + 1} after {after} bytes: the rerun before it {cost}");
            Assert.True(cost.Lost <= connections * CheckpointSize, $"a rerun fetched {cost.Lost} bytes again that a killed run had on disk ({string.Join("; ", totals)})");
            Assert.True(cost.Widened <= cost.Requests * MinRangeSize, $"a rerun widened its gaps by {cost.Widened} bytes over {cost.Requests} requests");
        }

        await FinishAsync(file, ["--connections", $"{connections}"]);
        Assert.InRange(Sandbox.CdnLimits.MostConcurrent, 2, connections);
    }

    [Fact]
    public async Task Killed_at_random_points_over_one_stream_no_rerun_fetches_a_byte_again_and_a_kill_before_the_rename_costs_nothing()
    {
        var file = Sandbox.AddFile(91, "big.bin", Size);
        Sandbox.CdnLimits.BytesPerSecondPerConnection = 24L << 20;
        var random = new Random(20261208);

        for (var kill = 0; kill < 4; kill++)
        {
            var after = (long)((2 + (random.NextDouble() * 10)) * (1 << 20));
            var cost = await RunAsync(file, ["--connections", "1"], killAfterBytes: after);
            output.WriteLine($"kill {kill + 1} after {after} bytes: the rerun before it {cost}");
            Assert.True(cost.Lost == 0 && cost.Widened == 0, $"one stream fetched bytes again after a kill: {cost}");
        }

        // Every byte verified, killed between the MD5 and the rename.
        Sandbox.CdnLimits.BytesPerSecondPerConnection = null;
        var marker = PathOf("paused");
        using (var process = CliProcess.Start(Folder, Environment(marker), "download", "91", "-o", "big.bin", "--connections", "1"))
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!File.Exists(marker) && !process.HasExited)
            {
                await Task.Delay(5, patience.Token);
            }

            await KillAsync(process);
        }

        File.Delete(marker);
        Assert.Equal(Size, new FileInfo(PathOf("big.bin.part")).Length);
        var before = CdnRequests.Count();
        await FinishAsync(file, ["--connections", "1"]);
        Assert.Equal(before, CdnRequests.Count());
    }

    /// <summary>What a rerun asked for again: bytes a killed run had on disk but not in its note, and bytes the note records (widening).</summary>
    private readonly record struct Cost(long Lost, long Widened, int Requests)
    {
        public override string ToString() => $"lost {Lost}, widened {Widened}, {Requests} requests";
    }

    // Measures what is on disk and recorded, runs pan123 until the CDN sent killAfterBytes more, kills it, and
    // counts what that run asked for again.
    private async Task<Cost> RunAsync(SandboxFile file, string[] options, long killAfterBytes)
    {
        var onDisk = PagesOnDisk(file);
        var noted = NotedRanges();
        var (requestsBefore, sentBefore) = (CdnRequests.Count(), Sandbox.CdnLimits.BytesSent);
        using (var process = CliProcess.Start(Folder, Environment(), ["download", $"{file.FileId}", "-o", "big.bin", .. options]))
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (Sandbox.CdnLimits.BytesSent - sentBefore < killAfterBytes && !process.HasExited)
            {
                await Task.Delay(2, patience.Token);
            }

            Assert.False(process.HasExited, $"pan123 ended (exit {(process.HasExited ? process.ExitCode : 0)}) before it could be killed");
            await KillAsync(process);
        }

        Assert.False(File.Exists(PathOf("big.bin")), "a killed run left a destination file");
        return Measure(CdnRequests.Skip(requestsBefore).ToList(), onDisk, noted);
    }

    private async Task FinishAsync(SandboxFile file, string[] options)
    {
        var onDisk = PagesOnDisk(file);
        var noted = NotedRanges();
        var requestsBefore = CdnRequests.Count();
        var result = await CliProcess.RunAsync(Folder, Environment(), ["download", $"{file.FileId}", "-o", "big.bin", .. options]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(file.Md5, Md5Of(PathOf("big.bin")));
        Assert.Equal(["big.bin"], Directory.GetFileSystemEntries(Folder).Select(Path.GetFileName));
        var cost = Measure(CdnRequests.Skip(requestsBefore).ToList(), onDisk, noted);
        output.WriteLine($"last run: {cost}; the CDN sent {Sandbox.CdnLimits.BytesSent} bytes for a {Size}-byte file");
        Assert.True(cost.Lost <= 4 * CheckpointSize, $"the last rerun fetched again: {cost}");
    }

    private static async Task KillAsync(Process process)
    {
        process.Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
    }

    private static Cost Measure(List<SandboxRequest> requests, bool[] onDisk, List<(long From, long To)> noted)
    {
        var (lost, widened) = (0L, 0L);
        foreach (var request in requests)
        {
            var (from, to) = Requested(request);
            for (var page = from / Page; page * Page < to; page++)
            {
                var (start, end) = (Math.Max(from, page * Page), Math.Min(to, (page + 1) * Page));
                if (noted.Any(r => r.From <= start && end <= r.To))
                {
                    widened += end - start;
                }
                else if (onDisk[page])
                {
                    lost += end - start;
                }
            }
        }

        return new Cost(lost, widened, requests.Count);
    }

    // A request's bytes [from, to): its Range header, or the whole file without one.
    private static (long From, long To) Requested(SandboxRequest request)
    {
        if (!request.Headers.TryGetValue("Range", out var header))
        {
            return (0, Size);
        }

        var bounds = header["bytes=".Length..].Split('-');
        return (long.Parse(bounds[0]), bounds[1].Length == 0 ? Size : long.Parse(bounds[1]) + 1);
    }

    // Which 4 KiB pages of the part file hold the file's bytes (the content is random: a page of zeros or of
    // other bytes never matches).
    private bool[] PagesOnDisk(SandboxFile file)
    {
        var pages = new bool[Size / Page];
        var part = PathOf("big.bin.part");
        if (!File.Exists(part))
        {
            return pages;
        }

        var held = File.ReadAllBytes(part);
        var content = file.ReadContent(0, (int)Size);
        for (var page = 0; page < pages.Length && (page + 1) * Page <= held.Length; page++)
        {
            pages[page] = held.AsSpan(page * Page, Page).SequenceEqual(content.AsSpan(page * Page, Page));
        }

        return pages;
    }

    private List<(long From, long To)> NotedRanges()
    {
        var note = PathOf("big.bin.part.json");
        if (!File.Exists(note))
        {
            return [];
        }

        using var json = JsonDocument.Parse(File.ReadAllText(note));
        return json.RootElement.TryGetProperty("Ranges", out var ranges) && ranges.ValueKind == JsonValueKind.Array
            ? [.. ranges.EnumerateArray().Select(r => (r[0].GetInt64(), r[1].GetInt64()))]
            : [];
    }
}
