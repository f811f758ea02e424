namespace Pan123;

using System.Text.Json;

/// <summary>
/// The <c>.part.json</c> note beside a part file: which file and content the part holds (file id, MD5),
/// the CDN validator, and the byte ranges, each [from, to), that are on disk for sure. It never claims a
/// byte before that byte was flushed to disk. Property names as written since 0.1.0.
/// </summary>
internal sealed record PartNote(long FileId, string Md5, string? Validator, long[][]? Ranges)
{
    /// <summary>
    /// False for a download in ranges, whose note lists exactly what it holds; absent for one in order,
    /// whose bytes past the note (written after it was saved) may be kept where the final MD5 vouches for
    /// them. A 0.1.0 note has no ranges: everything in the part file is of that kind.
    /// </summary>
    public bool? InOrder { get; init; }

    /// <summary>The ranges the note claims, cut at the part file's length.</summary>
    public ByteRanges Claimed(long partLength) =>
        Ranges is null
            ? new ByteRanges()
            : new ByteRanges(Ranges.Where(r => r.Length == 2).Select(r => (r[0], r[1]))).CutAt(partLength);

    public static PartNote For(long fileId, string md5, string? validator, ByteRanges ranges, bool inOrder) =>
        new(fileId, md5, validator, [.. ranges.Ranges.Select(r => new[] { r.From, r.To })]) { InOrder = inOrder ? null : false };

    /// <summary>Reads a note; a damaged one counts as none.</summary>
    public static PartNote? Parse(string json)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(json, PartNoteJson.Default.PartNote);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, PartNoteJson.Default.PartNote);
}

/// <summary>
/// The note's JSON, generated at compile time (System.Text.Json source generation): no reflection, so
/// a trimmed, native pan123 reads and writes notes as the framework-dependent one does.
/// </summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(PartNote))]
internal sealed partial class PartNoteJson : System.Text.Json.Serialization.JsonSerializerContext;
