namespace Pan123;

/// <summary>Where <see cref="Pan123Downloader"/> gets a file's CDN link from, and so which allowance the bytes spend.</summary>
public enum Pan123LinkSource
{
    /// <summary>
    /// <c>GET /api/v1/file/download_info</c>: a signed link that expires and is bound to the caller's
    /// location; each one spends the account's download quota (code 5113 when it is gone). Works for
    /// every file. The default.
    /// </summary>
    DownloadInfo,

    /// <summary>
    /// <c>GET /api/v1/direct-link/url</c>: the file's permanent, unsigned direct link; the bytes spend the
    /// account's direct-link traffic instead of the download quota, and no <c>download_info</c> call is made.
    /// Needs VIP and a folder with the direct-link space switched on; a space with URL authentication
    /// (signed links) on is refused with <see cref="DownloadFailure.DirectLinkRefused"/>.
    /// </summary>
    DirectLink,
}
