namespace Pan123;

/// <summary>A finished download. Tests of consuming code make one with <see cref="Pan123ModelFactory.DownloadResult"/>.</summary>
public sealed record DownloadResult
{
    internal DownloadResult(long fileId, string fileName, string? path, long size, string? md5, long resumedFrom) =>
        (FileId, FileName, Path, Size, Md5, ResumedFrom) = (fileId, fileName, path, size, md5, resumedFrom);

    /// <summary>The platform's file id.</summary>
    public long FileId { get; init; }

    /// <summary>The file's name on the platform (not sanitised: do not use it as a path as it is).</summary>
    public string FileName { get; init; }

    /// <summary>The full path of the written file, or <see langword="null"/> for a stream download.</summary>
    public string? Path { get; init; }

    /// <summary>Bytes written.</summary>
    public long Size { get; init; }

    /// <summary>The MD5 of the content as lowercase hex, or <see langword="null"/> when verification was off.</summary>
    public string? Md5 { get; init; }

    /// <summary>Bytes that an earlier run had already written to the <c>.part</c> file.</summary>
    public long ResumedFrom { get; init; }

    /// <summary>The destination already held the file (same size and MD5): nothing was downloaded and no link was asked for.</summary>
    public bool AlreadyDownloaded { get; init; }

    /// <summary>
    /// Bytes kept from an earlier run without a note's proof (past an in-order note, or in a part file
    /// without one) did not verify, and only those were fetched again (<see cref="ResumedFrom"/> then
    /// counts what the note proved); or the CDN did not serve the file's ranges consistently and it was
    /// fetched again from byte 0 (<see cref="ResumedFrom"/> is then 0).
    /// </summary>
    public bool StartedOver { get; init; }
}
