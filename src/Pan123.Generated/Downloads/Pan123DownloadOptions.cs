namespace Pan123;

/// <summary>Settings of <see cref="Pan123Downloader"/>.</summary>
public sealed class Pan123DownloadOptions
{
    /// <summary>Check the MD5 of what was written against file/detail's <c>etag</c> (the size is always checked). Default: on.</summary>
    public bool VerifyChecksum { get; set; } = true;

    /// <summary>How many redirects (the CDN answers 302 to edge hosts) one request may follow. Default: 5.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>How many failed attempts in a row (no byte received) end the download. Default: 5.</summary>
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>The first delay between attempts; it doubles with each failure in a row, up to 10 s. Default: 250 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How many files a folder or id-list download (<see cref="Pan123BatchDownloader"/>) transfers at once, at least 1. Default: 4.</summary>
    public int MaxParallelFiles { get; set; } = 4;

    /// <summary>How long a response may send nothing before the attempt counts as failed. Default: 60 s.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The size of each of the two copy buffers (one is read while the other is hashed and written); memory use does not grow with the file. Default: 256 KiB.</summary>
    public int BufferSize { get; set; } = 256 * 1024;

    /// <summary>
    /// Replace a destination that exists with other content (a symbolic link there is replaced, never
    /// its target). The old file is replaced atomically, only once the new bytes are verified. Default:
    /// off, and such a destination is refused with <see cref="DownloadFailure.DestinationExists"/>.
    /// </summary>
    public bool Overwrite { get; set; }

    /// <summary>
    /// The most connections one file is fetched over, each a range of the file. A download starts with four (or this many, when lower)
    /// and doubles them every quarter second while the total rate grows; it closes one when the CDN answers
    /// 429 (for good), 503 or drops one (until the trouble passes). 1 turns ranges off. Default: 4.
    /// </summary>
    public int MaxConnections { get; set; } = 4;

    /// <summary>
    /// The most CDN connections all downloads of one account registration hold together: every downloader
    /// AddPan123Client makes for it, single streams and ranges alike, every file of a batch. A CDN known to
    /// answer 429 to too many connections never sees more from this process. Default: 8.
    /// </summary>
    public int ConnectionBudget { get; set; } = 8;

    /// <summary>
    /// The smallest range asked for (the last one excepted): CDNs refused very small ranges with 403.
    /// A file smaller than two of these is fetched over one connection. Default: 8 MiB.
    /// </summary>
    public long MinRangeSize { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// The most bytes of one connection that a crash (a SIGKILL, an OOM kill, a power cut) can cost: a
    /// connection's progress is made durable and recorded in the part file's note before it fetches more
    /// than this past the last record. One stream in order loses nothing to a SIGKILL (its bytes past the
    /// note are kept where the MD5 vouches for them). Default: 4 MiB.
    /// </summary>
    public long CheckpointSize { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// The longest a byte written to the part file waits before it is made durable and recorded in the
    /// note, whatever the rate. Default: 2 s.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Where file links come from: <see cref="Pan123LinkSource.DownloadInfo"/> (the download quota, every
    /// file) or <see cref="Pan123LinkSource.DirectLink"/> (the direct-link traffic, files in a direct-link
    /// space of a VIP account). Verification, resume and the part file work the same either way. Default:
    /// <see cref="Pan123LinkSource.DownloadInfo"/>.
    /// </summary>
    public Pan123LinkSource LinkSource { get; set; } = Pan123LinkSource.DownloadInfo;

    /// <summary>Called between the last verified byte and the rename; for the crash tests only.</summary>
    internal Func<CancellationToken, Task>? BeforeCommit { get; set; }

    /// <summary>What is wrong with these settings, one sentence each; empty when nothing is.</summary>
    internal IEnumerable<string> Problems()
    {
        if (MaxRedirects < 0)
        {
            yield return $"Pan123DownloadOptions.MaxRedirects must not be negative ({MaxRedirects}).";
        }

        if (MaxParallelFiles < 1)
        {
            yield return $"Pan123DownloadOptions.MaxParallelFiles must be at least 1 ({MaxParallelFiles}).";
        }

        if (MaxRetryAttempts < 0)
        {
            yield return $"Pan123DownloadOptions.MaxRetryAttempts must not be negative ({MaxRetryAttempts}).";
        }

        if (BufferSize < 4096)
        {
            yield return $"Pan123DownloadOptions.BufferSize must be at least 4096 bytes ({BufferSize}).";
        }

        if (StallTimeout < TimeSpan.FromMilliseconds(1))
        {
            yield return $"Pan123DownloadOptions.StallTimeout must be at least 1 ms ({StallTimeout}).";
        }

        if (MaxConnections < 1 || ConnectionBudget < 1)
        {
            yield return $"Pan123DownloadOptions.MaxConnections and ConnectionBudget must be at least 1 ({MaxConnections}, {ConnectionBudget}).";
        }

        if (MinRangeSize < 64 * 1024)
        {
            yield return $"Pan123DownloadOptions.MinRangeSize must be at least 64 KiB ({MinRangeSize}).";
        }

        if (CheckpointSize < 64 * 1024 || CheckpointInterval < TimeSpan.FromMilliseconds(100))
        {
            yield return $"Pan123DownloadOptions.CheckpointSize must be at least 64 KiB and CheckpointInterval at least 100 ms ({CheckpointSize}, {CheckpointInterval}).";
        }

        if (!Enum.IsDefined(LinkSource))
        {
            yield return $"Pan123DownloadOptions.LinkSource must be DownloadInfo or DirectLink ({LinkSource}).";
        }

        if (RetryBaseDelay < TimeSpan.Zero)
        {
            yield return $"Pan123DownloadOptions.RetryBaseDelay must not be negative ({RetryBaseDelay}).";
        }
    }

    internal void Validate()
    {
        if (Problems().FirstOrDefault() is { } problem)
        {
            throw new ArgumentException(problem);
        }
    }
}
