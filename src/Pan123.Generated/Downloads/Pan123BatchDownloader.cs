namespace Pan123;

/// <summary>
/// Downloads a folder recursively, or a list of file ids, into a local directory, within the
/// platform's limits: link requests go through the <c>GetDownloadInfo</c> rate limit while earlier
/// files still transfer, at most <see cref="Pan123DownloadOptions.MaxParallelFiles"/> files at once (so no link is asked for far ahead
/// of its transfer: links cost quota and expire), a file already present with the same size and
/// MD5 costs no link, and after a 5113 (quota exhausted) no further link is asked for.
/// </summary>
/// <remarks>
/// In a folder, sizes and MD5s come from the listing: no file/detail call per file. Trashed
/// entries and entries blocked by review are skipped and reported. One failing file does not stop
/// the others. Cancelling keeps every <c>.part</c> file for the next run.
/// </remarks>
public class Pan123BatchDownloader
{
    private readonly IPan123FilesClient _files;
    private readonly Pan123Downloader _downloader;

    /// <summary>Creates a batch downloader.</summary>
    /// <param name="files">The platform client, for listings and file/detail.</param>
    /// <param name="downloader">Downloads each file; its options (verification, overwrite) apply to every file.</param>
    public Pan123BatchDownloader(IPan123FilesClient files, Pan123Downloader downloader)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(downloader);
        (_files, _downloader) = (files, downloader);
    }

    /// <summary>Downloads folder <paramref name="folderId"/> and its subfolders into <paramref name="directory"/> (created when missing).</summary>
    /// <param name="folderId">The folder's id; 0 is the root of the drive.</param>
    /// <param name="directory">The local directory that receives the folder's contents.</param>
    /// <param name="progress">Receives files and bytes done and in all.</param>
    /// <param name="cancellationToken">Cancels the download; part files are kept.</param>
    /// <returns>Every file's outcome.</returns>
    public virtual async Task<BatchResult> DownloadFolderAsync(long folderId, string directory, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(folderId);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);

        var plan = new List<Planned>();
        var skipped = new List<BatchFileResult>();
        await PlanFolderAsync(folderId, System.IO.Path.GetFullPath(directory), string.Empty, plan, skipped, cancellationToken).ConfigureAwait(false);
        return await RunAsync(plan, skipped, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Downloads the files <paramref name="fileIds"/> into <paramref name="directory"/> (created when missing) under their safe platform names.</summary>
    /// <param name="fileIds">The files' ids; each is looked up with file/detail.</param>
    /// <param name="directory">The local directory.</param>
    /// <param name="progress">Receives files and bytes done and in all.</param>
    /// <param name="cancellationToken">Cancels the download; part files are kept.</param>
    /// <returns>Every file's outcome, in the order of the ids.</returns>
    public virtual async Task<BatchResult> DownloadFilesAsync(IEnumerable<long> fileIds, string directory, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileIds);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var ids = fileIds.ToList();
        if (ids.Any(id => id <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(fileIds), ids.First(id => id <= 0), "Every file id must be positive.");
        }

        var details = await DescribeAsync(ids, cancellationToken).ConfigureAwait(false);

        var folder = System.IO.Path.GetFullPath(directory);
        var known = details.Where(d => d.File is not null).Select(d => d.File!).DistinctBy(f => f.FileId).ToList();
        var names = LocalNames.For(known.Select(f => (f.FileId, f.Filename)));
        var plan = new List<Planned>();
        var planned = new HashSet<long>();
        var failed = new List<BatchFileResult>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (details[i] is { File: { } file })
            {
                if (planned.Add(file.FileId))
                {
                    plan.Add(new Planned(file, file.Filename, System.IO.Path.Combine(folder, names[file.FileId])));
                }
            }
            else
            {
                failed.Add(new BatchFileResult(ids[i], ids[i].ToString(System.Globalization.CultureInfo.InvariantCulture), null, 0, BatchFileOutcome.Failed, details[i].Error!.Message, details[i].Error));
            }
        }

        return await RunAsync(plan, failed, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The most ids one file/infos call names (the platform documents no limit).</summary>
    internal const int IdsPerCall = 100;

    // An id list has no listing: file/infos describes the ids a hundred at a time (500 ids, 5 calls). An id it
    // leaves out is asked about alone with file/detail, whose answer says why (5066: no such file).
    private async Task<(RemoteFile? File, Exception? Error)[]> DescribeAsync(List<long> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<long, (RemoteFile? File, Exception? Error)>();
        foreach (var chunk in ids.Distinct().Chunk(IdsPerCall))
        {
            try
            {
                var answer = await _files.GetFileInfosAsync(new FileInfosRequest { FileIds = chunk }, cancellationToken).ConfigureAwait(false);
                foreach (var file in answer.Data.FileList)
                {
                    found[file.FileId] = file.Type == Pan123FileType.File
                        ? (new RemoteFile(file.FileId, file.Filename, file.Size, file.ETag), null)
                        : (null, new Pan123DownloadException(file.FileId, DownloadFailure.NotAFile, $"'{file.Filename}' is a folder, not a file."));
                }
            }
            catch (Pan123Exception e)
            {
                foreach (var id in chunk)
                {
                    found[id] = (null, e);
                }
            }
        }

        foreach (var id in ids.Distinct().Where(id => !found.ContainsKey(id)))
        {
            try
            {
                found[id] = (await _downloader.GetFileAsync(id, cancellationToken).ConfigureAwait(false), null);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                found[id] = (null, e);
            }
        }

        return [.. ids.Select(id => found[id])];
    }

    // Lists the folder (and, depth first, its subfolders), names every entry, and plans the files.
    private async Task PlanFolderAsync(long folderId, string directory, string remotePrefix, List<Planned> plan, List<BatchFileResult> skipped, CancellationToken cancellationToken)
    {
        var entries = new List<FileItem>();
        await foreach (var entry in _files.ListFilesAsync(folderId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            entries.Add(entry);
        }

        var live = entries.Where(e => !e.Trashed && !e.IsBlockedByReview).ToList();
        var names = LocalNames.For(live.Select(e => (e.FileId, e.Filename)));
        foreach (var entry in entries.OrderBy(e => e.FileId))
        {
            var remote = remotePrefix + entry.Filename;
            if (entry.Trashed || entry.IsBlockedByReview)
            {
                skipped.Add(new BatchFileResult(entry.FileId, remote, null, entry.Size, BatchFileOutcome.Skipped, entry.Trashed ? "in the trash" : "blocked by review"));
                continue;
            }

            var local = System.IO.Path.Combine(directory, names[entry.FileId]);
            if (entry.Type == Pan123FileType.Folder)
            {
                await PlanFolderAsync(entry.FileId, local, remote + "/", plan, skipped, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                plan.Add(new Planned(RemoteFile.From(entry), remote, local));
            }
        }
    }

    private async Task<BatchResult> RunAsync(List<Planned> plan, List<BatchFileResult> settled, IProgress<BatchProgress>? progress, CancellationToken cancellationToken)
    {
        var results = new BatchFileResult?[plan.Count];
        var meter = new BatchMeter(progress, plan.Count, plan.Sum(p => p.File.Size));
        using var quotaGone = new CancellationTokenSource();
        await Parallel.ForAsync(0, plan.Count, new ParallelOptions { MaxDegreeOfParallelism = _downloader.Options.MaxParallelFiles, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            results[i] = await DownloadOneAsync(plan[i], meter, quotaGone, ct).ConfigureAwait(false);
            meter.Finished(plan[i].File.FileId, plan[i].File.Size);
        }).ConfigureAwait(false);

        return new BatchResult([.. results.Select(r => r!), .. settled]);
    }

    private async Task<BatchFileResult> DownloadOneAsync(Planned item, BatchMeter meter, CancellationTokenSource quotaGone, CancellationToken cancellationToken)
    {
        var file = item.File;
        BatchFileResult Result(BatchFileOutcome outcome, string? reason = null, Exception? error = null) =>
            new(file.FileId, item.RemotePath, item.LocalPath, file.Size, outcome, reason, error);

        if (quotaGone.IsCancellationRequested)
        {
            return Result(BatchFileOutcome.NotAttempted, "the download quota is exhausted (code 5113)");
        }

        try
        {
            System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(item.LocalPath)!);
            var result = await _downloader.DownloadFileAsync(file, item.LocalPath, meter.For(file.FileId), quotaGone.Token, cancellationToken).ConfigureAwait(false);
            return Result(result.AlreadyDownloaded ? BatchFileOutcome.AlreadyPresent : BatchFileOutcome.Downloaded);
        }
        catch (OperationCanceledException) when (quotaGone.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Result(BatchFileOutcome.NotAttempted, "the download quota is exhausted (code 5113)");
        }
        catch (Pan123ApiException e) when (e.ErrorCode == Pan123ErrorCodes.DownloadQuotaExceeded)
        {
            // The quota is gone, or smaller than what is left to fetch: a clear stop beats a stream of refusals.
            await quotaGone.CancelAsync().ConfigureAwait(false);
            return Result(BatchFileOutcome.Failed, $"code {e.ErrorCode}: {e.PlatformMessage}", e);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Result(BatchFileOutcome.Failed, e.Message, e);
        }
    }

    private sealed record Planned(RemoteFile File, string RemotePath, string LocalPath);

    /// <summary>Adds up the files' progress into one report, at most about ten times a second.</summary>
    private sealed class BatchMeter(IProgress<BatchProgress>? progress, int filesTotal, long bytesTotal)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<long, long> _underWay = [];
        private int _filesDone;
        private long _bytesDone;
        private long _lastReport;

        public IProgress<DownloadProgress>? For(long fileId) => progress is null ? null : new FileProgress(this, fileId);

        public void Finished(long fileId, long size)
        {
            lock (_gate)
            {
                _underWay.Remove(fileId);
                _filesDone++;
                _bytesDone += size;
                Report(force: true);
            }
        }

        private void Update(long fileId, long bytes)
        {
            lock (_gate)
            {
                _underWay[fileId] = bytes;
                Report(force: false);
            }
        }

        private void Report(bool force)
        {
            var now = Environment.TickCount64;
            if (progress is null || (!force && now - _lastReport < 100))
            {
                return;
            }

            _lastReport = now;
            progress.Report(new BatchProgress(_filesDone, filesTotal, _bytesDone + _underWay.Values.Sum(), bytesTotal));
        }

        private sealed class FileProgress(BatchMeter meter, long fileId) : IProgress<DownloadProgress>
        {
            public void Report(DownloadProgress value) => meter.Update(fileId, value.BytesDownloaded);
        }
    }
}
