using Microsoft.Extensions.Options;

namespace Pan123.Sample.Worker;

/// <summary>Mirrors <see cref="MirrorOptions.RemoteFolder"/> into <see cref="MirrorOptions.LocalFolder"/> now and then every <see cref="MirrorOptions.Interval"/>.</summary>
public sealed partial class FolderMirrorWorker(IPan123FilesClient files, Pan123BatchDownloader batch, IOptions<MirrorOptions> options, ILogger<FolderMirrorWorker> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var mirror = options.Value;
        using var timer = new PeriodicTimer(mirror.Interval);
        do
        {
            try
            {
                var folder = await files.ResolvePathAsync(mirror.RemoteFolder, stoppingToken);
                Directory.CreateDirectory(mirror.LocalFolder);
                var result = await batch.DownloadFolderAsync(folder.FileId, mirror.LocalFolder, cancellationToken: stoppingToken);
                LogRun(mirror.RemoteFolder, result.Count(BatchFileOutcome.Downloaded), result.Count(BatchFileOutcome.AlreadyPresent), result.Count(BatchFileOutcome.Failed));
            }
            catch (Pan123Exception e)
            {
                // The platform, a download or Redis failed: log it (with the platform's trace id) and try again next time.
                LogFailed(e, mirror.RemoteFolder, e.TraceId ?? "none");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mirrored {Folder}: {Downloaded} downloaded, {Present} already present, {Failed} failed")]
    private partial void LogRun(string folder, int downloaded, int present, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mirroring {Folder} failed (x-traceID {TraceId}); next run at the next interval")]
    private partial void LogFailed(Exception exception, string folder, string traceId);
}
