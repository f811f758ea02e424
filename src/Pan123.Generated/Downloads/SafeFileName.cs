namespace Pan123;

/// <summary>
/// Turns a platform file name (untrusted: it comes from the server) into a name that is safe to
/// create in a local folder on Linux, macOS and Windows alike: no path separators, no <c>..</c>, no
/// control characters, no Windows reserved name (<c>CON</c>, <c>nul.txt</c>, <c>COM1</c>), no
/// trailing dot or space, and short enough that the name plus the longest side-file suffix of a
/// download (<c>.part.json.tmp</c>) fits the usual 255-byte limit in UTF-8.
/// </summary>
/// <remarks>
/// The result is stable (the same input always gives the same name). A name that had to be
/// shortened ends with <c>~</c> and 8 hex digits of a hash of the whole original name before its
/// extension, so two long names that share a beginning stay distinct.
/// </remarks>
public static class SafeFileName
{
    /// <summary>The most UTF-8 bytes a file name may have on common file systems (ext4, NTFS in UTF-16 units, APFS).</summary>
    public const int MaxBytes = 255;

    private static readonly System.Buffers.SearchValues<char> Invalid = System.Buffers.SearchValues.Create(['/', '\\', ':', '*', '?', '"', '<', '>', '|']);

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
        "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³",
    };

    /// <summary>The safe local name for a platform file.</summary>
    /// <param name="platformName">The name the platform reports; may be anything.</param>
    /// <param name="fileId">The file's id, which names the file when nothing of its name is usable.</param>
    /// <returns>A non-empty name without any folder part.</returns>
    public static string From(string? platformName, long fileId)
    {
        var name = string.Create((platformName ?? string.Empty).Length, platformName ?? string.Empty, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsControl(c) || Invalid.Contains(c) ? '_' : c;
            }
        });

        while (name.Contains("..", StringComparison.Ordinal))
        {
            name = name.Replace("..", "_", StringComparison.Ordinal);
        }

        // Leading dots hide a file on Unix; trailing dots and spaces are dropped by Windows.
        name = name.Trim().TrimStart('.').TrimEnd('.', ' ');
        if (name.Length == 0)
        {
            return $"file-{fileId}";
        }

        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var stem = dot < 0 ? name : name[..dot];
        if (Reserved.Contains(stem.TrimEnd(' ')))
        {
            name = "_" + name;
        }

        return Shorten(name, MaxBytes - PartFile.Suffixes.Max(s => System.Text.Encoding.UTF8.GetByteCount(s)));
    }

    // Cuts the name before its extension at a character boundary and marks the cut with a hash of the whole name.
    private static string Shorten(string name, int maxBytes)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(name) <= maxBytes)
        {
            return name;
        }

        var dot = name.LastIndexOf('.');
        var extension = dot > 0 && name.Length - dot <= 16 ? name[dot..] : string.Empty;
        var mark = "~" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..8];
        var budget = maxBytes - System.Text.Encoding.UTF8.GetByteCount(extension) - mark.Length;
        var stem = name[..(name.Length - extension.Length)];
        var cut = new System.Text.StringBuilder();
        var used = 0;
        foreach (var rune in stem.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > budget)
            {
                break;
            }

            cut.Append(rune.ToString());
            used += rune.Utf8SequenceLength;
        }

        return cut.ToString().TrimEnd('.', ' ') + mark + extension;
    }
}
