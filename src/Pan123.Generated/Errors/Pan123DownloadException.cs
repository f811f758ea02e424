namespace Pan123;

/// <summary>Why a download failed after the platform calls succeeded.</summary>
public enum DownloadFailure
{
    /// <summary>The bytes received do not have file/detail's size or MD5. Nothing was left under the destination name.</summary>
    IntegrityMismatch,

    /// <summary>The CDN could not be reached or kept failing (network errors, 5xx, stalls) after the allowed retries.</summary>
    TransferFailed,

    /// <summary>The CDN redirected too often, without a location, or from https to plain http; or download_info handed out a plain http link.</summary>
    RedirectRefused,

    /// <summary>The id names a folder, not a file.</summary>
    NotAFile,

    /// <summary>
    /// The destination could not be written (a full disk, a closed stream); the inner exception says
    /// why. Not retried: asking the CDN again cannot help. A file download keeps its <c>.part</c>.
    /// </summary>
    DestinationFailed,

    /// <summary>
    /// The destination exists with other content (or is a folder or a link to elsewhere) and
    /// <see cref="Pan123DownloadOptions.Overwrite"/> is off. Nothing was written and no link was asked for.
    /// </summary>
    DestinationExists,

    /// <summary>Another download, in this process or another, is writing the same destination (its part file is locked). Nothing was written.</summary>
    DestinationInUse,
}

/// <summary>A download could not be completed. The platform token is never part of the message.</summary>
public sealed class Pan123DownloadException : Exception
{
    internal Pan123DownloadException(long fileId, DownloadFailure failure, string message, int? status = null, Exception? innerException = null)
        : base($"Download of file {fileId} failed: {message}", innerException)
    {
        FileId = fileId;
        Failure = failure;
        Status = status;
    }

    /// <summary>The file id.</summary>
    public long FileId { get; }

    /// <summary>What went wrong.</summary>
    public DownloadFailure Failure { get; }

    /// <summary>The CDN's last HTTP status, when there was one.</summary>
    public int? Status { get; }
}
