namespace Pan123;

/// <summary>
/// The error codes the 123pan open platform puts in the envelope's <c>code</c> field,
/// as documented in <c>openapi/pan123.yaml</c>.
/// </summary>
public static class Pan123ErrorCodes
{
    /// <summary>0: success.</summary>
    public const int Ok = 0;

    /// <summary>1: internal error or generic failure (also "already exists" on some endpoints). Not transient.</summary>
    public const int InternalError = 1;

    /// <summary>401: the access token is invalid or expired (access_token无效). Refresh the token once.</summary>
    public const int InvalidAccessToken = 401;

    /// <summary>429: too many requests (请求太频繁). Transient: back off and retry.</summary>
    public const int TooManyRequests = 429;

    /// <summary>5066: the file does not exist (文件不存在). Ids change when a file is overwritten. Not transient.</summary>
    public const int FileNotFound = 5066;

    /// <summary>5113: the self-download traffic quota is exhausted (自用下载流量不足). Not transient until the quota resets.</summary>
    public const int DownloadQuotaExceeded = 5113;

    /// <summary>20103: the file is still being verified (文件正在校验中). Transient: retry after about one second.</summary>
    public const int FileVerifying = 20103;

    /// <summary>
    /// Whether a call that failed with <paramref name="code"/> may succeed when retried unchanged
    /// (429 and 20103). 401 is not: it needs a new token first.
    /// </summary>
    /// <param name="code">A platform error code.</param>
    /// <returns><see langword="true"/> for codes that are worth retrying after a delay.</returns>
    public static bool IsTransient(int code) => code is TooManyRequests or FileVerifying;
}
