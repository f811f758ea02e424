namespace Pan123;

/// <summary>How far a download is, reported through <see cref="IProgress{T}"/>.</summary>
public readonly record struct DownloadProgress
{
    internal DownloadProgress(long bytesDownloaded, long totalBytes, double bytesPerSecond) =>
        (BytesDownloaded, TotalBytes, BytesPerSecond) = (bytesDownloaded, totalBytes, bytesPerSecond);

    /// <summary>Bytes of the file on disk (or written to the stream) so far, resumed bytes included.</summary>
    public long BytesDownloaded { get; init; }

    /// <summary>The file's size from file/detail.</summary>
    public long TotalBytes { get; init; }

    /// <summary>The average transfer rate of this run.</summary>
    public double BytesPerSecond { get; init; }

    /// <summary>The fraction done, from 0 to 1 (1 for an empty file).</summary>
    public double Fraction => TotalBytes == 0 ? 1 : (double)BytesDownloaded / TotalBytes;
}
