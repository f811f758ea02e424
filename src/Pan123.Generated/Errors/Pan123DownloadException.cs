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

    /// <summary>
    /// With <see cref="Pan123LinkSource.DirectLink"/>: the CDN refused the file's direct link (HTTP 403).
    /// The direct-link space has URL authentication on (signed links, made with the account's uid and the
    /// space's private key, which this client does not make) or the caller's address is on its IP
    /// blacklist. Asking again cannot help; the <c>.part</c> file, if any, is kept.
    /// </summary>
    DirectLinkRefused,
}

/// <summary>
/// A download could not be completed; <see cref="Pan123Exception.Status"/> is the CDN's last HTTP
/// status, or 0. The platform token is never part of the message.
/// </summary>
public sealed class Pan123DownloadException : Pan123Exception
{
    /// <summary>Creates the exception; for the library and for tests that simulate a failed download.</summary>
    /// <param name="fileId">The file id.</param>
    /// <param name="failure">What went wrong.</param>
    /// <param name="message">Why, for people; it follows "Download of file N failed: ".</param>
    /// <param name="status">The CDN's last HTTP status, or 0 when there was none.</param>
    /// <param name="innerException">The cause, when there is one.</param>
    public Pan123DownloadException(long fileId, DownloadFailure failure, string message, int status = 0, Exception? innerException = null)
        : base($"Download of file {fileId} failed: {message}", status: status, innerException: innerException)
    {
        FileId = fileId;
        Failure = failure;
    }

    /// <summary>The file id.</summary>
    public long FileId { get; }

    /// <summary>What went wrong.</summary>
    public DownloadFailure Failure { get; }
}
