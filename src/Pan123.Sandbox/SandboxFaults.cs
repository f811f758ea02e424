namespace Pan123.Sandbox;

/// <summary>
/// Switches that make the sandbox misbehave the way the real platform and CDN do, for tests.
/// Counted faults apply to the next N matching requests and then switch themselves off.
/// </summary>
public sealed class SandboxFaults
{
    private readonly Lock _gate = new();
    private int _apiHttpFailures;
    private int _apiHttpStatus = 503;
    private int _apiCodeAnswers;
    private int _apiCode;
    private string? _apiCodeMessage;
    private string? _apiCodePath;
    private int _cdnHttpFailures;
    private int _cdnHttpStatus = 503;
    private int _cdnDrops;
    private int _misshapedAnswers;
    private long _cdnDropAfterBytes;
    private TaskCompletionSource? _cdnTogether;
    private int _cdnTogetherLeft;

    /// <summary>Extra 302 hops the CDN makes before serving bytes (0 by default).</summary>
    public int CdnRedirectHops { get; set; }

    /// <summary>When set, the CDN serves one byte changed, so the MD5 does not match file/detail.</summary>
    public bool CorruptContent { get; set; }

    /// <summary>A delay before every API answer and every CDN body.</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>When set, the CDN sends bodies in 64 KiB pieces with this pause between them: a slow link.</summary>
    public TimeSpan CdnBodyChunkDelay { get; set; }

    /// <summary>Answers the next <paramref name="count"/> API calls with HTTP <paramref name="status"/> and an HTML page.</summary>
    /// <param name="count">How many calls.</param>
    /// <param name="status">The HTTP status, 503 by default.</param>
    public void FailNextApiCalls(int count, int status = 503)
    {
        lock (_gate)
        {
            (_apiHttpFailures, _apiHttpStatus) = (count, status);
        }
    }

    /// <summary>Answers the next <paramref name="count"/> API calls (to <paramref name="path"/> only, when given) with envelope code <paramref name="code"/>.</summary>
    /// <param name="count">How many calls.</param>
    /// <param name="code">The platform error code, e.g. 429, 20103, 401, 5066 or 5113.</param>
    /// <param name="message">The message; the platform's usual one for the code when omitted.</param>
    /// <param name="path">Only calls to this path, e.g. <c>/api/v1/file/download_info</c>; all when null.</param>
    public void AnswerNextApiCalls(int count, int code, string? message = null, string? path = null)
    {
        lock (_gate)
        {
            (_apiCodeAnswers, _apiCode, _apiCodeMessage, _apiCodePath) = (count, code, message, path);
        }
    }

    /// <summary>Answers the next <paramref name="count"/> CDN requests with HTTP <paramref name="status"/>.</summary>
    /// <param name="count">How many requests.</param>
    /// <param name="status">The HTTP status, 503 by default.</param>
    /// <param name="together">
    /// Hold each of those answers until all <paramref name="count"/> requests have come (at most 10 s), so
    /// that they arrive at the same instant: several connections refused at once.
    /// </param>
    public void FailNextCdnRequests(int count, int status = 503, bool together = false)
    {
        lock (_gate)
        {
            (_cdnHttpFailures, _cdnHttpStatus) = (count, status);
            (_cdnTogether, _cdnTogetherLeft) = (together ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null, count);
        }
    }

    /// <summary>The next <paramref name="times"/> CDN bodies break off after <paramref name="bytes"/> bytes, as a dropped connection.</summary>
    /// <param name="bytes">How many body bytes are sent before the connection is aborted.</param>
    /// <param name="times">How many responses break off.</param>
    public void DropCdnConnectionAfter(long bytes, int times = 1)
    {
        lock (_gate)
        {
            (_cdnDrops, _cdnDropAfterBytes) = (times, bytes);
        }
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> successful API calls with data of the wrong shape
    /// (its first field an object): an answer the contract does not allow, for the conformance
    /// check's own test. Not marked as a fault, so the check must catch it.
    /// </summary>
    /// <param name="count">How many answers.</param>
    public void MisshapeNextApiAnswers(int count = 1)
    {
        lock (_gate)
        {
            _misshapedAnswers = count;
        }
    }

    internal bool TakeMisshapedAnswer()
    {
        lock (_gate)
        {
            return Take(ref _misshapedAnswers);
        }
    }

    internal int? TakeApiHttpFailure()
    {
        lock (_gate)
        {
            return Take(ref _apiHttpFailures) ? _apiHttpStatus : null;
        }
    }

    internal (int Code, string? Message)? TakeApiCodeAnswer(string path)
    {
        lock (_gate)
        {
            if (_apiCodePath is not null && !string.Equals(_apiCodePath, path, StringComparison.Ordinal))
            {
                return null;
            }

            return Take(ref _apiCodeAnswers) ? (_apiCode, _apiCodeMessage) : null;
        }
    }

    /// <summary>The status to fail this CDN request with, and when to answer it; null to serve it.</summary>
    internal (int Status, Task Answer)? TakeCdnHttpFailure()
    {
        lock (_gate)
        {
            if (!Take(ref _cdnHttpFailures))
            {
                return null;
            }

            var together = _cdnTogether;
            if (together is not null && --_cdnTogetherLeft == 0)
            {
                together.TrySetResult();
            }

            return (_cdnHttpStatus, together is null ? Task.CompletedTask : together.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    internal long? TakeCdnDrop()
    {
        lock (_gate)
        {
            return Take(ref _cdnDrops) ? _cdnDropAfterBytes : null;
        }
    }

    private static bool Take(ref int remaining)
    {
        if (remaining <= 0)
        {
            return false;
        }

        remaining--;
        return true;
    }
}
