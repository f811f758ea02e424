namespace Pan123;

/// <summary>What is already at a download's destination, compared with the file on the platform.</summary>
internal enum ExistingDestination
{
    /// <summary>Nothing is there.</summary>
    None,

    /// <summary>A file with the platform file's size and MD5: nothing to download.</summary>
    Identical,

    /// <summary>Something else (other content, a folder, a link to elsewhere): replaced only when the caller asked for it.</summary>
    Different,
}

/// <summary>Compares a destination with file/detail's size and etag, reading it (through a link, which only reads) when the size matches.</summary>
internal static class ExistingDestinations
{
    public static async Task<ExistingDestination> CompareAsync(string path, long size, string? md5Hex, CancellationToken cancellationToken)
    {
        if (!LinkSafeFile.Exists(path))
        {
            return ExistingDestination.None;
        }

        // System.IO.File.Exists follows a link and is false for a folder or a dangling link: those differ from any file.
        if (!System.IO.File.Exists(path) || string.IsNullOrEmpty(md5Hex))
        {
            return ExistingDestination.Different;
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            if (stream.Length != size)
            {
                return ExistingDestination.Different;
            }

#pragma warning disable CA5351 // MD5 is the platform's etag: a comparison of content, not a security measure.
            var actual = Convert.ToHexStringLower(await System.Security.Cryptography.MD5.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
#pragma warning restore CA5351
            return string.Equals(actual, md5Hex, StringComparison.OrdinalIgnoreCase) ? ExistingDestination.Identical : ExistingDestination.Different;
        }
    }
}
