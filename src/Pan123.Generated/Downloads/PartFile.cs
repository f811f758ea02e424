using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pan123;

/// <summary>
/// The <c>&lt;destination&gt;.part</c> file a download writes to, and its <c>.part.json</c> note
/// (file id, MD5, CDN validator, completed byte ranges) that lets a later run continue it safely.
/// The part file is held open with an exclusive lock for the whole download, so a second download
/// to the same destination is refused at once; neither file is ever written through a link. The
/// destination name is only ever written by renaming a verified part file.
/// </summary>
internal sealed class PartFile : IAsyncDisposable
{
    /// <summary>The suffixes of the side files next to a destination; the longest decides how long a safe name may be.</summary>
    public static readonly string[] Suffixes = [".part", ".part.json", ".part.json.tmp"];

    private readonly string _notePath;
    private readonly long _fileId;
    private readonly string _md5;
    private bool _closed;

    private PartFile(string destination, long fileId, string md5, FileStream stream)
    {
        Destination = destination;
        PartPath = destination + ".part";
        _notePath = PartPath + ".json";
        (_fileId, _md5, Stream) = (fileId, md5, stream);
    }

    public string Destination { get; }

    public string PartPath { get; }

    public FileStream Stream { get; }

    /// <summary>
    /// The byte ranges [from, to) the part file holds for sure, in order and merged: one from byte 0 for a
    /// download in order, possibly several for one fetched in ranges (<see cref="OpenAsync"/> with ranged).
    /// </summary>
    public IReadOnlyList<(long From, long To)> Kept { get; private set; } = [];

    /// <summary>The CDN validator the note recorded, for <c>If-Range</c>; null when unknown.</summary>
    public string? Validator { get; private set; }

    /// <summary>Bytes kept from an earlier run.</summary>
    public long ResumedFrom { get; private set; }

    /// <summary>
    /// Whether the kept bytes came without a note saying what they are (another tool's partial file,
    /// or a crash between writing the part and its note): only the final MD5 can vouch for them.
    /// </summary>
    public bool ContinuedWithoutNote { get; private set; }

    /// <summary>
    /// Opens and locks the part file. Continues it when its note names the same file and content,
    /// or, when <paramref name="md5"/> will check the result, when it has no note at all; otherwise
    /// starts it empty. Kept bytes are fed to <paramref name="md5"/>.
    /// </summary>
    /// <exception cref="FileInUseException">Another download holds the part file.</exception>
    /// <remarks>
    /// With <paramref name="ranged"/>, ranges recorded by an earlier ranged run are kept where they lie
    /// (the next run fetches only the gaps); without it, only the bytes from 0 up to the first gap.
    /// </remarks>
    public static async Task<PartFile> OpenAsync(string destination, long fileId, long size, string md5Hex, IncrementalHash? md5, CancellationToken cancellationToken, bool ranged = false)
    {
        var (stream, _) = LinkSafeFile.OpenOrCreate(destination + ".part");
        var part = new PartFile(destination, fileId, md5Hex, stream);
        try
        {
            var length = stream.Length;
            var note = part.ReadNote();
            long keep;
            var sameFile = note is not null && note.FileId == fileId && string.Equals(note.Md5, md5Hex, StringComparison.OrdinalIgnoreCase) && length <= size;
            if (ranged && sameFile && note!.InOrder == false && note.Merged(length) is { Count: > 0 } ranges)
            {
                // Bytes of finished ranges stay where they are; the file may have gaps between them.
                part.Kept = ranges;
                part.Validator = note.Validator;
                part.ResumedFrom = ranges[0].From == 0 ? ranges[0].To : 0;
                await part.HashAndSaveAsync(md5, ranged, cancellationToken).ConfigureAwait(false);
                return part;
            }

            if (note is not null)
            {
                keep = sameFile ? note.ContiguousFromZero(length) : 0;
                part.Validator = keep > 0 ? note.Validator : null;
            }
            else
            {
                // Bytes the user already paid quota for are kept when the MD5 can catch a splice.
                keep = md5 is not null && length <= size ? length : 0;
                part.ContinuedWithoutNote = keep > 0;
            }

            // Only a file with stale bytes is truncated: ext4 flushes a file truncated to zero when it
            // is closed (auto_da_alloc), which cost 0.7 s per GiB at the end of every download.
            if (keep < length)
            {
                stream.SetLength(keep);
            }

            part.ResumedFrom = keep;
            part.Kept = keep > 0 ? [(0, keep)] : [];
            await part.HashAndSaveAsync(md5, ranged, cancellationToken).ConfigureAwait(false);
            return part;
        }
        catch
        {
            await part.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // The kept bytes from 0 go into the hash (the rest is hashed as the gaps before it fill); the stream
    // continues after them; the note says what is kept, in the form the coming run keeps it up to date.
    private async Task HashAndSaveAsync(IncrementalHash? md5, bool ranged, CancellationToken cancellationToken)
    {
        if (md5 is not null && ResumedFrom > 0)
        {
            await HashExistingAsync(Stream, ResumedFrom, md5, cancellationToken).ConfigureAwait(false);
        }

        Stream.Seek(ResumedFrom, SeekOrigin.Begin);

        // A ranged run writes beyond its finished ranges at once: its note must never claim appended bytes.
        if (ranged)
        {
            await SaveRangesAsync(Validator, Kept, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await SaveNoteAsync(Validator, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the note atomically (a temporary file, flushed, then renamed over the old note), so a
    /// crash leaves the old note or the new one, and a link at the note's name is replaced, not followed.
    /// The note of a download in order says "everything from byte 0", whatever was appended since.
    /// </summary>
    public Task SaveNoteAsync(string? validator, CancellationToken cancellationToken) =>
        WriteNoteAsync(new Note(_fileId, _md5, validator, [[0, Stream.Position]]), cancellationToken);

    /// <summary>The note of a download in ranges: only the finished ranges count, never bytes in flight.</summary>
    public Task SaveRangesAsync(string? validator, IReadOnlyList<(long From, long To)> finished, CancellationToken cancellationToken) =>
        WriteNoteAsync(new Note(_fileId, _md5, validator, [.. finished.Select(r => new[] { r.From, r.To })]) { InOrder = false }, cancellationToken);

    private async Task WriteNoteAsync(Note content, CancellationToken cancellationToken)
    {
        Validator = content.Validator;
        var temporary = _notePath + ".tmp";
        var note = JsonSerializer.Serialize(content, PartNoteJson.Default.Note);
        File.Delete(temporary);
        var stream = LinkSafeFile.TryCreateNew(temporary) ?? throw new IOException($"'{temporary}' was created by someone else while this download held its part file.");
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(note), cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, _notePath, overwrite: true);
    }

    /// <summary>Empties the part file, to fetch the content again from byte 0.</summary>
    public async ValueTask RestartAsync(CancellationToken cancellationToken)
    {
        await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        Stream.SetLength(0);
        Stream.Position = 0;
        (ResumedFrom, ContinuedWithoutNote) = (0, false);
    }

    /// <summary>
    /// Flushes the part file to disk and renames it to the destination, then flushes the folder, so a
    /// crash or power loss leaves either the part file or the complete destination. Without
    /// <paramref name="overwrite"/> an existing destination is never replaced.
    /// </summary>
    /// <exception cref="IOException">The destination appeared meanwhile and <paramref name="overwrite"/> is off.</exception>
    public async Task CommitAsync(bool overwrite)
    {
        await Stream.FlushAsync().ConfigureAwait(false);
        Stream.Flush(flushToDisk: true);

        // The note goes first: a crash before the rename leaves a complete part file without a note,
        // which the next run verifies by its MD5 and renames.
        File.Delete(_notePath);
        if (OperatingSystem.IsWindows())
        {
            // Windows cannot rename a file this process holds without sharing.
            await CloseAsync().ConfigureAwait(false);
        }

        // Renamed while still locked on Unix: nobody can take the part file between the rename and the close.
        File.Move(PartPath, Destination, overwrite);
        LinkSafeFile.FlushFolder(Path.GetDirectoryName(Destination)!);
        await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>Deletes the part file and its note: what they hold is known to be wrong.</summary>
    public async Task DiscardAsync()
    {
        File.Delete(PartPath);
        File.Delete(_notePath);
        await CloseAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => CloseAsync();

    private async ValueTask CloseAsync()
    {
        if (!_closed)
        {
            _closed = true;
            await Stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Note? ReadNote()
    {
        try
        {
            // A link at the note's name is not read: whoever planted it does not get to say what the part holds.
            return File.Exists(_notePath) && !LinkSafeFile.IsLink(_notePath)
                ? JsonSerializer.Deserialize(File.ReadAllText(_notePath), PartNoteJson.Default.Note)
                : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            // A damaged note counts as none: the kept bytes are then vouched for by the MD5 only.
            return null;
        }
    }

    private static async Task HashExistingAsync(FileStream stream, long length, IncrementalHash md5, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            stream.Position = 0;
            var left = length;
            while (left > 0)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(left, 1 << 20)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                md5.AppendData(buffer, 0, read);
                left -= read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// What the note says. <see cref="Ranges"/> are the completed byte ranges, each [from, to), so
    /// several ranges in flight fit without a new format; a note from 0.1.0 has none and means
    /// "everything in the part file, from byte 0". A download writes in order from the first range's
    /// start, so bytes appended after the note was saved belong to that range.
    /// </summary>
    internal sealed record Note(long FileId, string Md5, string? Validator, long[][]? Ranges)
    {
        /// <summary>
        /// False for a download in ranges, whose note lists exactly what is finished; absent (0.1.0, 0.2.0
        /// in order) for one whose single range also owns the bytes appended after the note was saved.
        /// </summary>
        public bool? InOrder { get; init; }

        public long ContiguousFromZero(long partLength)
        {
            if (Ranges is null || Ranges.Length == 0)
            {
                return Ranges is null ? partLength : 0;
            }

            // A download in order appends to its one range after the note: those bytes are its too.
            if (InOrder != false && Ranges.Length == 1)
            {
                return Ranges[0] is [0, var to] && to >= 0 ? partLength : 0;
            }

            var merged = Merged(partLength);
            return merged.Count > 0 && merged[0].From == 0 ? merged[0].To : 0;
        }

        /// <summary>The recorded ranges, well-formed ones only, sorted, merged and cut at the part file's length.</summary>
        public List<(long From, long To)> Merged(long partLength) =>
            Merge((Ranges ?? []).Where(r => r.Length == 2).Select(r => (r[0], r[1])), partLength);

        /// <summary>Ranges [from, to) sorted and merged where they touch or overlap, empty or negative ones dropped, cut at <paramref name="limit"/>.</summary>
        public static List<(long From, long To)> Merge(IEnumerable<(long From, long To)> ranges, long limit)
        {
            var merged = new List<(long From, long To)>();
            foreach (var range in ranges.Where(r => r.From >= 0 && r.To > r.From).OrderBy(r => r.From))
            {
                var (from, to) = (range.From, Math.Min(range.To, limit));
                if (from >= to)
                {
                    continue;
                }

                if (merged.Count > 0 && from <= merged[^1].To)
                {
                    merged[^1] = (merged[^1].From, Math.Max(merged[^1].To, to));
                }
                else
                {
                    merged.Add((from, to));
                }
            }

            return merged;
        }
    }
}

/// <summary>
/// The note's JSON, generated at compile time (System.Text.Json source generation): no reflection, so
/// a trimmed, native pan123 reads and writes notes as the framework-dependent one does. Property
/// names as written since 0.1.0 (FileId, Md5, Validator, Ranges).
/// </summary>
[JsonSerializable(typeof(PartFile.Note))]
internal sealed partial class PartNoteJson : JsonSerializerContext;
