namespace Pan123;

/// <summary>A finished download.</summary>
/// <param name="FileId">The platform's file id.</param>
/// <param name="FileName">The file's name on the platform (not sanitised: do not use it as a path as it is).</param>
/// <param name="Path">The full path of the written file, or <see langword="null"/> for a stream download.</param>
/// <param name="Size">Bytes written.</param>
/// <param name="Md5">The MD5 of the content as lowercase hex, or <see langword="null"/> when verification was off.</param>
/// <param name="ResumedFrom">Bytes that an earlier run had already written to the <c>.part</c> file.</param>
public sealed record DownloadResult(long FileId, string FileName, string? Path, long Size, string? Md5, long ResumedFrom)
{
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
