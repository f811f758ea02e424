using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Pan123.Tests.Support;

namespace Pan123.Tests.Downloads;

/// <summary>
/// The part file's checkpoints: when they happen (by bytes, or by time on a fake clock), and the order that
/// makes a note trustworthy after a power cut (data flushed before the note that claims it, the note
/// replaced whole), shown by the calls it records.
/// </summary>
public sealed partial class PartFileTests : IDisposable
{
    private const int Size = 8 << 20;
    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(Size);
    private static readonly string Md5 = Convert.ToHexStringLower(MD5.HashData(Content));
    private readonly string _folder = Directory.CreateTempSubdirectory("pan123-part-").FullName;
    private readonly FakeTimeProvider _clock = new();
    private readonly ConcurrentQueue<string> _trace = new();

    private string Destination => Path.Combine(_folder, "f.bin");

    private Task<PartFile> OpenAsync(long checkpointSize = 1 << 20) =>
        PartFile.OpenAsync(Destination, new RemoteFile(7, "f.bin", Size, Md5), inOrder: false,
            new Pan123DownloadOptions { CheckpointSize = checkpointSize, CheckpointInterval = TimeSpan.FromSeconds(2) }, _clock, CancellationToken.None, _trace.Enqueue);

    [Fact]
    public async Task Half_the_checkpoint_size_in_one_run_is_made_durable_without_the_clock_moving()
    {
        await using var part = await OpenAsync(checkpointSize: 1 << 20);

        await part.WriteAsync(0, Content.AsMemory(0, 512 << 10), CancellationToken.None);

        await Poll.UntilAsync(() => NoteClaims() == "[0,524288)");
    }

    [Fact]
    public async Task A_few_bytes_are_made_durable_once_the_interval_passes_on_the_fake_clock()
    {
        await using var part = await OpenAsync(checkpointSize: 4 << 20);

        await part.WriteAsync(1000, Content.AsMemory(1000, 3000), CancellationToken.None);
        Assert.Equal("", NoteClaims());

        _clock.Advance(TimeSpan.FromSeconds(2));

        await Poll.UntilAsync(() => NoteClaims() == "[1000,4000)");
    }

    [Fact]
    public async Task Every_note_claims_only_bytes_flushed_before_it_and_the_commit_flushes_before_the_rename()
    {
        var part = await OpenAsync(checkpointSize: 256 << 10);
        await using (part)
        {
            // Four connections, each writing its quarter in 64 KiB pieces, as a ranged download does.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
            {
                var quarter = Size / 4;
                for (var at = i * quarter; at < (i + 1) * quarter; at += 64 << 10)
                {
                    await part.WriteAsync(at, Content.AsMemory(at, 64 << 10), CancellationToken.None);
                }
            })));

            var (md5, problem) = await part.FinishAsync(CancellationToken.None);
            Assert.Null(problem);
            Assert.Equal(Md5, md5);
            await part.CommitAsync(overwrite: false);
        }

        var events = _trace.ToList();
        var written = new ByteRanges();
        ByteRanges? snapshot = null;
        var flushedSinceSnapshot = false;
        var notes = 0;
        foreach (var step in events)
        {
            if (step.StartsWith("write ", StringComparison.Ordinal))
            {
                var bounds = step.Split(' ');
                written.Add(long.Parse(bounds[1]), long.Parse(bounds[2]));
            }
            else if (step == "snapshot")
            {
                (snapshot, flushedSinceSnapshot) = (written.Clone(), false);
            }
            else if (step == "flush")
            {
                flushedSinceSnapshot = snapshot is not null;
            }
            else if (step.StartsWith("note ", StringComparison.Ordinal) && notes++ > 0)
            {
                // Every note after the first (the empty one at open) follows a snapshot and a data flush, and
                // claims no byte that was not written before the snapshot.
                Assert.True(flushedSinceSnapshot, $"a note was written without a data flush after its snapshot: {step}");
                foreach (var (from, to) in ParseRanges(step["note ".Length..]))
                {
                    Assert.Equal(to - from, snapshot!.Overlap(from, to));
                }

                snapshot = null;
            }
        }

        Assert.True(notes > 4, $"expected several checkpoints, saw {notes} notes");
        Assert.Equal(["flush", "commit"], events.TakeLast(2));
        Assert.Equal(Content, await File.ReadAllBytesAsync(Destination));
        Assert.False(File.Exists(Destination + ".part.json"));
    }

    [Fact]
    public async Task A_part_that_lacks_bytes_is_not_finished_and_keeps_what_it_holds()
    {
        var part = await OpenAsync();
        await using (part)
        {
            await part.WriteAsync(0, Content.AsMemory(0, 1 << 20), CancellationToken.None);
            await part.WriteAsync(2 << 20, Content.AsMemory(2 << 20, Size - (2 << 20)), CancellationToken.None);

            var error = await Assert.ThrowsAsync<Pan123DownloadException>(() => part.FinishAsync(CancellationToken.None));

            Assert.Equal(DownloadFailure.TransferFailed, error.Failure);
            Assert.Contains("[1048576,2097152)", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal($"[0,1048576) [2097152,{Size})", NoteClaims());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string NoteClaims()
    {
        var note = Destination + ".part.json";
        if (!File.Exists(note))
        {
            return "";
        }

        using var json = JsonDocument.Parse(File.ReadAllText(note));
        return string.Join(' ', json.RootElement.GetProperty("Ranges").EnumerateArray().Select(r => $"[{r[0].GetInt64()},{r[1].GetInt64()})"));
    }

    private static IEnumerable<(long From, long To)> ParseRanges(string text) =>
        RangePattern().Matches(text).Select(m => (long.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value)));

    [GeneratedRegex(@"\[(\d+),(\d+)\)")]
    private static partial Regex RangePattern();
}
