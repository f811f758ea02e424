using System.Security.Cryptography;

namespace Pan123;

/// <summary>
/// Downloads a file: reads file/detail (size and MD5), asks download_info for a CDN link only once
/// a transfer is certain (each link spends download quota), then streams the bytes from the CDN
/// with a bounded buffer, resuming after drops, and verifies them.
/// A file download writes <c>&lt;destination&gt;.part</c> and renames it only once verified.
/// </summary>
/// <remarks>
/// The CDN client must be a plain <see cref="HttpClient"/> without the platform's handlers and
/// with automatic redirects off (AddPan123Client registers one): the platform token never goes
/// to the CDN because nothing on that path has it.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The connection budget's SemaphoreSlim never creates its wait handle (only WaitAsync and Wait(0) are used), so it holds nothing to dispose.")]
public class Pan123Downloader
{
    private readonly IPan123FilesClient _files;
    private readonly HttpClient _cdn;
    private readonly Pan123DownloadOptions _options;
    private readonly TimeProvider _time;

    // Connections all downloads of this downloader hold together (Pan123DownloadOptions.ConnectionBudget).
    private readonly SemaphoreSlim _budget;

    /// <summary>Creates a downloader.</summary>
    /// <param name="files">The platform client for file/detail and download_info.</param>
    /// <param name="cdn">The client for the CDN: no platform handlers, automatic redirects off.</param>
    /// <param name="options">Download settings; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for retry delays and the rate; the system clock when <see langword="null"/>.</param>
    public Pan123Downloader(IPan123FilesClient files, HttpClient cdn, Pan123DownloadOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(cdn);
        _options = options ?? new Pan123DownloadOptions();
        _options.Validate();
        (_files, _cdn, _time) = (files, cdn, timeProvider ?? TimeProvider.System);
        _budget = new SemaphoreSlim(_options.ConnectionBudget, _options.ConnectionBudget);
    }

    /// <summary>
    /// Downloads file <paramref name="fileId"/> to <paramref name="destinationPath"/> through
    /// <c>&lt;destination&gt;.part</c>, continuing an earlier part file when there is one.
    /// </summary>
    /// <remarks>
    /// A destination that already holds the file (same size and MD5 as file/detail says) is left as it
    /// is, with no <c>download_info</c> call (<see cref="DownloadResult.AlreadyDownloaded"/>). One that
    /// holds anything else is refused (<see cref="DownloadFailure.DestinationExists"/>) unless
    /// <see cref="Pan123DownloadOptions.Overwrite"/> is set; then it is replaced atomically, and only by
    /// verified bytes. A symbolic link at the destination counts as existing and is itself replaced,
    /// never its target; a link at the part file's or note's name is never written through.
    /// </remarks>
    /// <param name="fileId">The platform's file id, positive.</param>
    /// <param name="destinationPath">The file to create; its folder must exist.</param>
    /// <param name="progress">Receives progress, at most about ten times a second.</param>
    /// <param name="cancellationToken">Cancels the download; the <c>.part</c> file is kept for a later run.</param>
    /// <returns>What was written, or found already there.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fileId"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The destination is empty, a directory, or in a folder that does not exist.</exception>
    /// <exception cref="Pan123ApiException">The platform answered file/detail or download_info with an error code.</exception>
    /// <exception cref="Pan123DownloadException">
    /// The destination exists with other content or is in use by another download (nothing was
    /// written), or the bytes could not be fetched or failed verification (nothing is left under the
    /// destination name).
    /// </exception>
    public virtual async Task<DownloadResult> DownloadFileAsync(long fileId, string destinationPath, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fileId);
        var destination = CheckDestination(destinationPath);

        var detail = await GetFileAsync(fileId, cancellationToken).ConfigureAwait(false);
        return await DownloadFileAsync(detail, destination, progress, linkStop: CancellationToken.None, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads a file whose size and MD5 are known already (from a folder listing: no file/detail
    /// call) to a checked destination. <paramref name="linkStop"/> cancels only the link requests (a
    /// batch stops asking for links once the quota is gone), not a transfer under way.
    /// </summary>
    internal async Task<DownloadResult> DownloadFileAsync(RemoteFile detail, string destination, IProgress<DownloadProgress>? progress, CancellationToken linkStop, CancellationToken cancellationToken)
    {
        using var activity = Pan123Telemetry.Source.StartActivity("Pan123 Download");
        activity?.SetTag("pan123.file_id", detail.FileId);
        var started = _time.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await DownloadFileCoreAsync(detail, destination, progress, linkStop, cancellationToken).ConfigureAwait(false);
            outcome = result.AlreadyDownloaded ? "already_present" : "downloaded";
            activity?.SetTag("pan123.bytes", result.Size);
            activity?.SetTag("pan123.resumed_from", result.ResumedFrom);
            activity?.SetTag("pan123.verified", result.Md5 is not null);
            activity?.SetTag("pan123.already_downloaded", result.AlreadyDownloaded);
            return result;
        }
        catch (Exception e)
        {
            outcome = e is OperationCanceledException ? "cancelled" : "error";
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
        finally
        {
            Pan123Telemetry.DownloadFinished(_time.GetElapsedTime(started), outcome);
        }
    }

    private async Task<DownloadResult> DownloadFileCoreAsync(RemoteFile detail, string destination, IProgress<DownloadProgress>? progress, CancellationToken linkStop, CancellationToken cancellationToken)
    {
        var fileId = detail.FileId;
        if (await CheckExistingAsync(fileId, destination, detail, cancellationToken).ConfigureAwait(false) is { } already)
        {
            return already;
        }

        using var md5 = _options.VerifyChecksum ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        var ranged = RangedDownload.Fits(detail.Size, _options);
        var part = await OpenPartAsync(fileId, destination, detail, md5, ranged, cancellationToken).ConfigureAwait(false);
        await using (part.ConfigureAwait(false))
        {
            var resumedFrom = part.ResumedFrom;
            async ValueTask RestartAsync(CancellationToken ct)
            {
                await part.RestartAsync(ct).ConfigureAwait(false);
                md5?.GetHashAndReset();
            }

            var links = new CdnLinks(ct => GetLinkAsync(fileId, ct, linkStop));
            var transfer = NewTransfer(detail, RestartAsync, part.SaveNoteAsync, links);
            var startedOver = false;
            (string? Md5, string? Problem) hash;
            try
            {
                if (!ranged)
                {
                    transfer.ResumeAt(resumedFrom, part.Validator);
                    hash = await TransferAsync(transfer, part.Stream, detail, md5, progress, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    using var download = new RangedDownload(_cdn, _options, _time, detail, links, part, md5, progress, _budget);
                    await download.RunAsync(cancellationToken).ConfigureAwait(false);
                    hash = Verify(detail, detail.Size, md5);
                }
            }
            catch (RangesIgnoredException)
            {
                // The CDN does not serve this file's ranges consistently: fetch it again, in order, from byte 0.
                startedOver = true;
                await RestartAsync(cancellationToken).ConfigureAwait(false);
                transfer.ResumeAt(0, validator: null);
                hash = await TransferAsync(transfer, part.Stream, detail, md5, progress, cancellationToken).ConfigureAwait(false);
                resumedFrom = 0;
            }

            if (hash.Problem is not null && part.ContinuedWithoutNote && !startedOver)
            {
                // Bytes kept without a note did not fit the file: fetch it once more, from byte 0.
                startedOver = true;
                await RestartAsync(cancellationToken).ConfigureAwait(false);
                transfer.ResumeAt(0, validator: null);
                hash = await TransferAsync(transfer, part.Stream, detail, md5, progress, cancellationToken).ConfigureAwait(false);
                resumedFrom = 0;
            }

            if (hash.Problem is not null)
            {
                await part.DiscardAsync().ConfigureAwait(false);
                throw new Pan123DownloadException(fileId, DownloadFailure.IntegrityMismatch, hash.Problem + " The partial file was deleted.");
            }

            if (_options.BeforeCommit is { } hook)
            {
                await hook(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await part.CommitAsync(_options.Overwrite).ConfigureAwait(false);
            }
            catch (IOException) when (!_options.Overwrite && LinkSafeFile.Exists(destination))
            {
                // Something appeared at the destination while we downloaded: it is not ours to replace.
                throw new Pan123DownloadException(fileId, DownloadFailure.DestinationExists, $"'{destination}' appeared while downloading and is not replaced without Overwrite; the verified bytes are kept in '{part.PartPath}'.");
            }

            // Verified: the part file holds exactly the file's size, however it was fetched.
            return new DownloadResult(fileId, detail.Filename, destination, detail.Size, hash.Md5, resumedFrom) { StartedOver = startedOver };
        }
    }

    /// <summary>
    /// Downloads file <paramref name="fileId"/> into <paramref name="destination"/>. A dropped
    /// connection is resumed with a range request; if the CDN then sends the whole file again, a
    /// seekable stream is rewound and any other stream fails the download.
    /// </summary>
    /// <param name="fileId">The platform's file id, positive.</param>
    /// <param name="destination">A writable stream; bytes are written from its current position.</param>
    /// <param name="progress">Receives progress, at most about ten times a second.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="Pan123DownloadException">
    /// The bytes could not be fetched or failed verification. The stream then holds what was
    /// received: verification can only happen at the end.
    /// </exception>
    public virtual async Task<DownloadResult> DownloadAsync(long fileId, Stream destination, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fileId);
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("The destination stream is not writable.", nameof(destination));
        }

        var detail = await GetFileAsync(fileId, cancellationToken).ConfigureAwait(false);
        using var md5 = _options.VerifyChecksum ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        var origin = destination.CanSeek ? destination.Position : 0;
        var transfer = NewTransfer(detail, destination.CanSeek
            ? _ =>
            {
                destination.Position = origin;
                destination.SetLength(origin);
                md5?.GetHashAndReset();
                return ValueTask.CompletedTask;
            }
            : null, validatorChanged: null, new CdnLinks(ct => GetLinkAsync(fileId, ct, CancellationToken.None)));
        var hash = await TransferAsync(transfer, destination, detail, md5, progress, cancellationToken).ConfigureAwait(false);
        if (hash.Problem is not null)
        {
            throw new Pan123DownloadException(fileId, DownloadFailure.IntegrityMismatch, hash.Problem);
        }

        return new DownloadResult(fileId, detail.Filename, null, transfer.Written, hash.Md5, 0);
    }

    private static string CheckDestination(string destinationPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationPath);
        var destination = Path.GetFullPath(destinationPath);
        if (Directory.Exists(destination) || Path.EndsInDirectorySeparator(destinationPath))
        {
            throw new ArgumentException($"The destination '{destinationPath}' is a directory; give the path of a file.", nameof(destinationPath));
        }

        var folder = Path.GetDirectoryName(destination);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new ArgumentException($"The destination folder '{folder}' does not exist.", nameof(destinationPath));
        }

        return destination;
    }

    // Identical: done, with no link asked for. Different: refused unless the caller asked to replace it.
    private async Task<DownloadResult?> CheckExistingAsync(long fileId, string destination, RemoteFile detail, CancellationToken cancellationToken)
    {
        switch (await ExistingDestinations.CompareAsync(destination, detail.Size, detail.Etag, cancellationToken).ConfigureAwait(false))
        {
            case ExistingDestination.Identical:
                return new DownloadResult(fileId, detail.Filename, destination, detail.Size, detail.Etag.ToLowerInvariant(), ResumedFrom: 0) { AlreadyDownloaded = true };
            case ExistingDestination.Different when !_options.Overwrite:
                throw new Pan123DownloadException(fileId, DownloadFailure.DestinationExists, $"'{destination}' already exists with other content; it is replaced only when Overwrite is set.");
            default:
                return null;
        }
    }

    private static async Task<PartFile> OpenPartAsync(long fileId, string destination, RemoteFile detail, IncrementalHash? md5, bool ranged, CancellationToken cancellationToken)
    {
        try
        {
            return await PartFile.OpenAsync(destination, fileId, detail.Size, detail.Etag, md5, cancellationToken, ranged).ConfigureAwait(false);
        }
        catch (FileInUseException e)
        {
            throw new Pan123DownloadException(fileId, DownloadFailure.DestinationInUse, $"'{destination}' is in use: another process is downloading it (its part file is locked); wait for it to finish.", innerException: e);
        }
        catch (LinkRefusedException e)
        {
            throw new Pan123DownloadException(fileId, DownloadFailure.DestinationFailed, e.Message, innerException: e);
        }
    }

    /// <summary>file/detail of a file (a folder is refused), as the downloader needs it.</summary>
    internal async Task<RemoteFile> GetFileAsync(long fileId, CancellationToken cancellationToken)
    {
        var detail = (await _files.GetFileDetailAsync(fileId, cancellationToken: cancellationToken).ConfigureAwait(false)).Data;
        if (detail.Type != 0)
        {
            throw new Pan123DownloadException(fileId, DownloadFailure.NotAFile, $"'{detail.Filename}' is a folder, not a file.");
        }

        return new RemoteFile(detail.FileID, detail.Filename, detail.Size, detail.Etag);
    }

    private async Task<Uri> GetLinkAsync(long fileId, CancellationToken cancellationToken, CancellationToken linkStop)
    {
        string url;
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, linkStop))
        {
            url = (await _files.GetDownloadInfoAsync(fileId, cancellationToken: linked.Token).ConfigureAwait(false)).Data.DownloadUrl;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var link) || (link.Scheme != Uri.UriSchemeHttps && link.Scheme != Uri.UriSchemeHttp))
        {
            throw new Pan123DownloadException(fileId, DownloadFailure.TransferFailed, "download_info returned a link that is not an http(s) URL.");
        }

        // As with redirects: plain http would let anyone on the path change the bytes (and see the signed link).
        if (link.Scheme == Uri.UriSchemeHttp && !Pan123ClientOptionsValidator.IsLoopback(link))
        {
            throw new Pan123DownloadException(fileId, DownloadFailure.RedirectRefused, $"download_info returned a plain http link ({link.Host}); refused, only https is accepted.");
        }

        return link;
    }

    // The one sequence both download methods share: links on demand from download_info, bytes from the
    // CDN (resumed after drops), then the size and MD5 checked against file/detail.
    private CdnTransfer NewTransfer(RemoteFile detail, Func<CancellationToken, ValueTask>? restart, Func<string?, CancellationToken, Task>? validatorChanged, CdnLinks links) =>
        new(_cdn, _options, _time, detail.FileId, detail.Size, links)
        {
            RestartTarget = restart,
            ValidatorChanged = validatorChanged,
        };

    private static async Task<(string? Md5, string? Problem)> TransferAsync(CdnTransfer transfer, Stream target, RemoteFile detail, IncrementalHash? md5, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        await transfer.RunAsync(target, md5, progress, cancellationToken).ConfigureAwait(false);
        return Verify(detail, transfer.Written, md5);
    }

    private static (string? Md5, string? Problem) Verify(RemoteFile detail, long written, IncrementalHash? md5)
    {
        if (written != detail.Size)
        {
            return (null, $"received {written} bytes, file/detail says {detail.Size}.");
        }

        if (md5 is null)
        {
            return (null, null);
        }

        var actual = Convert.ToHexStringLower(md5.GetHashAndReset());
        return string.Equals(actual, detail.Etag, StringComparison.OrdinalIgnoreCase)
            ? (actual, null)
            : (actual, $"the MD5 of the received bytes is {actual}, file/detail's etag is {detail.Etag}.");
    }
}
