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
    public static async Task<PartFile> OpenAsync(string destination, long fileId, long size, string md5Hex, IncrementalHash? md5, CancellationToken cancellationToken)
    {
        var (stream, _) = LinkSafeFile.OpenOrCreate(destination + ".part");
        var part = new PartFile(destination, fileId, md5Hex, stream);
        try
        {
            var length = stream.Length;
            var note = part.ReadNote();
            long keep;
            if (note is not null)
            {
                keep = note.FileId == fileId && string.Equals(note.Md5, md5Hex, StringComparison.OrdinalIgnoreCase) && length <= size
                    ? note.ContiguousFromZero(length)
                    : 0;
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
            if (md5 is not null && keep > 0)
            {
                await HashExistingAsync(stream, keep, md5, cancellationToken).ConfigureAwait(false);
            }

            stream.Seek(keep, SeekOrigin.Begin);
            await part.SaveNoteAsync(part.Validator, cancellationToken).ConfigureAwait(false);
            return part;
        }
        catch
        {
            await part.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Writes the note atomically (a temporary file, flushed, then renamed over the old note), so a
    /// crash leaves the old note or the new one, and a link at the note's name is replaced, not followed.
    /// </summary>
    public async Task SaveNoteAsync(string? validator, CancellationToken cancellationToken)
    {
        Validator = validator;
        var temporary = _notePath + ".tmp";
        var note = JsonSerializer.Serialize(new Note(_fileId, _md5, validator, [[0, Stream.Position]]), PartNoteJson.Default.Note);
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
        public long ContiguousFromZero(long partLength)
        {
            if (Ranges is null || Ranges.Length == 0)
            {
                return Ranges is null ? partLength : 0;
            }

            var ordered = Ranges.Where(r => r.Length == 2 && r[0] >= 0 && r[1] >= r[0]).OrderBy(r => r[0]).ToList();
            if (ordered.Count == 0 || ordered[0][0] != 0)
            {
                return 0;
            }

            if (ordered.Count == 1)
            {
                return partLength;
            }

            var end = ordered[0][1];
            foreach (var range in ordered.Skip(1))
            {
                if (range[0] > end)
                {
                    break;
                }

                end = Math.Max(end, range[1]);
            }

            return Math.Min(end, partLength);
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
