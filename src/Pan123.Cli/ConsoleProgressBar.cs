namespace Pan123.Cli;

using System.Globalization;

/// <summary>A one-line progress bar on stderr, redrawn in place. Synchronous on purpose: reports arrive in order.</summary>
internal sealed class ConsoleProgressBar(TextWriter error) : IProgress<DownloadProgress>
{
    private const int Width = 30;

    public void Report(DownloadProgress value)
    {
        var filled = (int)Math.Round(value.Fraction * Width);
        error.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string(' ', Width - filled)}] {value.Fraction,4:P0} {Mib(value.BytesDownloaded)}/{Mib(value.TotalBytes)} MiB {Mib((long)value.BytesPerSecond)} MiB/s   "));
    }

    public void Finish() => error.WriteLine();

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}
