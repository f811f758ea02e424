namespace Pan123;

/// <summary>How far a download is, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="BytesDownloaded">Bytes of the file on disk (or written to the stream) so far, resumed bytes included.</param>
/// <param name="TotalBytes">The file's size from file/detail.</param>
/// <param name="BytesPerSecond">The average transfer rate of this run.</param>
public readonly record struct DownloadProgress(long BytesDownloaded, long TotalBytes, double BytesPerSecond)
{
    /// <summary>The fraction done, from 0 to 1 (1 for an empty file).</summary>
    public double Fraction => TotalBytes == 0 ? 1 : (double)BytesDownloaded / TotalBytes;
}
