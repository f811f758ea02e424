namespace Pan123;

/// <summary>
/// Makes the library's results for tests of code that consumes it (a fake <see cref="Pan123Downloader"/>
/// or <see cref="Pan123BatchDownloader"/> returns them), as the Azure SDK's model factories do: the
/// results have no public constructors, so a field added later breaks no one. The generated models
/// (<see cref="FileDetail"/>, <see cref="FileItem"/>, ...) have settable properties and need none.
/// </summary>
public static class Pan123ModelFactory
{
    /// <summary>A finished download.</summary>
    /// <param name="fileId">The platform's file id.</param>
    /// <param name="fileName">The file's name on the platform.</param>
    /// <param name="path">The written file, or <see langword="null"/> for a stream download.</param>
    /// <param name="size">Bytes written.</param>
    /// <param name="md5">The content's MD5 as lowercase hex, or <see langword="null"/> when verification was off.</param>
    /// <param name="resumedFrom">Bytes an earlier run had written.</param>
    /// <param name="alreadyDownloaded">Whether the destination already held the file.</param>
    /// <param name="startedOver">Whether bytes kept from an earlier run had to be fetched again.</param>
    /// <returns>The result.</returns>
    public static DownloadResult DownloadResult(long fileId, string fileName, string? path = null, long size = 0, string? md5 = null, long resumedFrom = 0, bool alreadyDownloaded = false, bool startedOver = false) =>
        new(fileId, fileName, path, size, md5, resumedFrom) { AlreadyDownloaded = alreadyDownloaded, StartedOver = startedOver };

    /// <summary>One file of a folder or id-list download.</summary>
    /// <param name="fileId">The platform's file id.</param>
    /// <param name="remotePath">Its path below the downloaded folder, or its name for an id.</param>
    /// <param name="outcome">What became of it.</param>
    /// <param name="localPath">Where it is (or would have been) written.</param>
    /// <param name="size">Its size in bytes.</param>
    /// <param name="reason">Why it was skipped, failed or not tried.</param>
    /// <param name="error">The failure, for <see cref="BatchFileOutcome.Failed"/>.</param>
    /// <returns>The entry.</returns>
    public static BatchFileResult BatchFileResult(long fileId, string remotePath, BatchFileOutcome outcome, string? localPath = null, long size = 0, string? reason = null, Exception? error = null) =>
        new(fileId, remotePath, localPath, size, outcome, reason, error);

    /// <summary>The files of a folder or id-list download.</summary>
    /// <param name="files">One entry per file.</param>
    /// <returns>The result.</returns>
    public static BatchResult BatchResult(IEnumerable<BatchFileResult> files) => new([.. files ?? throw new ArgumentNullException(nameof(files))]);
}
