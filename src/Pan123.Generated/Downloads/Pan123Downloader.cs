namespace Pan123;

/// <summary>
/// Downloads a file: reads file/detail (size and MD5), asks download_info for a CDN link only once
/// a transfer is certain (each link spends download quota; direct-link/url instead with
/// <see cref="Pan123DownloadOptions.LinkSource"/>), then streams the bytes from the CDN
/// with a bounded buffer, resuming after drops, and verifies them.
/// A file download writes <c>&lt;destination&gt;.part</c> and renames it only once verified.
/// </summary>
/// <remarks>
/// The CDN client must be a plain <see cref="HttpClient"/> without the platform's handlers and
/// with automatic redirects off (AddPan123Client registers one): the platform token never goes
/// to the CDN because nothing on that path has it.
/// </remarks>
public class Pan123Downloader
{
    private readonly IPan123FilesClient _files;
    private readonly IPan123DirectLinkClient? _directLinks;
    private readonly HttpClient _cdn;
    private readonly Pan123DownloadOptions _options;
    private readonly TimeProvider _time;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;

    /// <summary>The settings this downloader (and a batch over it) works with.</summary>
    internal Pan123DownloadOptions Options => _options;

    // The connections of the account registration (or of this downloader alone), held by every download together.
    private readonly ConnectionBudget _budget;

    /// <summary>Creates a downloader.</summary>
    /// <param name="files">The platform client for file/detail and download_info.</param>
    /// <param name="cdn">The client for the CDN: no platform handlers, automatic redirects off.</param>
    /// <param name="options">Download settings; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for retry delays and the rate; the system clock when <see langword="null"/>.</param>
    /// <remarks>
    /// A downloader made here has its own <see cref="Pan123DownloadOptions.ConnectionBudget"/>; those that
    /// AddPan123Client makes share one per registration.
    /// </remarks>
    /// <exception cref="ArgumentException">The options are invalid, or ask for <see cref="Pan123LinkSource.DirectLink"/> (which needs the constructor that takes an <see cref="IPan123DirectLinkClient"/>).</exception>
    public Pan123Downloader(IPan123FilesClient files, HttpClient cdn, Pan123DownloadOptions? options = null, TimeProvider? timeProvider = null)
        : this(files, directLinks: null, cdn, options, timeProvider, budget: null, logger: null)
    {
    }

    /// <summary>Creates a downloader that can take links from direct-link/url (<see cref="Pan123DownloadOptions.LinkSource"/>).</summary>
    /// <param name="files">The platform client for file/detail and download_info.</param>
    /// <param name="directLinks">The platform client for direct-link/url.</param>
    /// <param name="cdn">The client for the CDN: no platform handlers, automatic redirects off.</param>
    /// <param name="options">Download settings; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for retry delays and the rate; the system clock when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public Pan123Downloader(IPan123FilesClient files, IPan123DirectLinkClient directLinks, HttpClient cdn, Pan123DownloadOptions? options = null, TimeProvider? timeProvider = null)
        : this(files, directLinks ?? throw new ArgumentNullException(nameof(directLinks)), cdn, options, timeProvider, budget: null, logger: null)
    {
    }

    /// <summary>A downloader that shares <paramref name="budget"/> with the other downloaders of its registration.</summary>
    internal Pan123Downloader(IPan123FilesClient files, IPan123DirectLinkClient? directLinks, HttpClient cdn, Pan123DownloadOptions? options, TimeProvider? timeProvider, ConnectionBudget? budget, Microsoft.Extensions.Logging.ILogger? logger)
    {
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(cdn);
        _options = options ?? new Pan123DownloadOptions();
        _options.Validate();
        if (_options.LinkSource == Pan123LinkSource.DirectLink && directLinks is null)
        {
            throw new ArgumentException("Pan123DownloadOptions.LinkSource is DirectLink, which needs an IPan123DirectLinkClient: use the constructor that takes one (AddPan123Client does).", nameof(options));
        }

        (_files, _directLinks, _cdn, _time) = (files, directLinks, cdn, timeProvider ?? TimeProvider.System);
        _budget = budget ?? new ConnectionBudget(_options.ConnectionBudget);
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

        return await TracedAsync(fileId, async trace =>
        {
            var detail = await GetFileAsync(fileId, cancellationToken).ConfigureAwait(false);
            return await DownloadFileCoreAsync(detail, destination, progress, trace, linkStop: CancellationToken.None, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads a file whose size and MD5 are known already (from a folder listing: no file/detail
    /// call) to a checked destination. <paramref name="linkStop"/> cancels only the link requests (a
    /// batch stops asking for links once the quota is gone), not a transfer under way.
    /// </summary>
    internal Task<DownloadResult> DownloadFileAsync(RemoteFile detail, string destination, IProgress<DownloadProgress>? progress, CancellationToken linkStop, CancellationToken cancellationToken) =>
        TracedAsync(detail.FileId, trace => DownloadFileCoreAsync(detail, destination, progress, trace, linkStop, cancellationToken));

    // One span and one set of counts per download, whichever way it came in; its platform calls sit below the span.
    private async Task<DownloadResult> TracedAsync(long fileId, Func<DownloadTrace, Task<DownloadResult>> download)
    {
        using var trace = new DownloadTrace(fileId, _options.LinkSource, _logger, _time);
        try
        {
            var result = await download(trace).ConfigureAwait(false);
            trace.Succeeded(result);
            return result;
        }
        catch (Exception e)
        {
            trace.Failed(e);
            throw;
        }
    }

    private async Task<DownloadResult> DownloadFileCoreAsync(RemoteFile detail, string destination, IProgress<DownloadProgress>? progress, DownloadTrace trace, CancellationToken linkStop, CancellationToken cancellationToken)
    {
        var fileId = detail.FileId;
        if (await CheckExistingAsync(fileId, destination, detail, cancellationToken).ConfigureAwait(false) is { } already)
        {
            return already;
        }

        var connections = detail.Size >= 2 * _options.MinRangeSize ? _options.MaxConnections : 1;
        var part = await OpenPartAsync(destination, detail, inOrder: connections == 1, cancellationToken).ConfigureAwait(false);
        await using (part.ConfigureAwait(false))
        {
            if (detail.Size - part.Missing.Total is var held and > 0)
            {
                trace.Resuming(held, detail.Size);
            }

            var links = Links(fileId, trace, linkStop);
            var hash = await FetchAsync(detail, links, part, connections, progress, trace, cancellationToken).ConfigureAwait(false);
            var startedOver = hash.RangesIgnored;
            if (hash.Problem is not null && part.HasTentative)
            {
                // Bytes kept without a note's proof did not fit the file: fetch those again, and only those.
                part.ForgetTentative();
                startedOver = true;
                hash = await FetchAsync(detail, links, part, connections, progress, trace, cancellationToken).ConfigureAwait(false);
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

            // What an earlier run left and this one kept: the part says, after any restart or fallback.
            return new DownloadResult(fileId, detail.Filename, destination, detail.Size, hash.Md5, part.ResumedFrom) { StartedOver = startedOver };
        }
    }

    // Fetches what the part file lacks and checks it: complete (or a failure), then the MD5. A CDN that does
    // not serve this file's ranges consistently gets it again over one connection from byte 0.
    private async Task<(string? Md5, string? Problem, bool RangesIgnored)> FetchAsync(RemoteFile detail, CdnLinks links, PartFile part, int connections, IProgress<DownloadProgress>? progress, DownloadTrace trace, CancellationToken cancellationToken)
    {
        var rangesIgnored = false;
        try
        {
            var missing = part.Missing;
            await Schedule(detail, links, missing, progress, trace).RunAsync(missing, part, connections, cancellationToken).ConfigureAwait(false);
        }
        catch (RangesIgnoredException)
        {
            rangesIgnored = true;
            await part.RestartAsync(cancellationToken).ConfigureAwait(false);
            var whole = part.Missing;
            await Schedule(detail, links, whole, progress, trace).RunAsync(whole, part, 1, cancellationToken).ConfigureAwait(false);
        }

        var (md5, problem) = await part.FinishAsync(cancellationToken).ConfigureAwait(false);
        return (md5, problem, rangesIgnored);
    }

    // A scheduler for the missing bytes, its progress counted from what the target already holds.
    private RangeScheduler Schedule(RemoteFile detail, CdnLinks links, ByteRanges missing, IProgress<DownloadProgress>? progress, DownloadTrace trace)
    {
        var meter = new ProgressMeter(_time, progress, detail.Size - missing.Total, detail.Size, trace);
        return new RangeScheduler(new CdnTransfer(_cdn, _options, _time, detail, trace), links, _budget, _options, _time, detail, meter, trace);
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

        return await TracedAsync(fileId, trace => DownloadToStreamAsync(fileId, destination, progress, trace, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<DownloadResult> DownloadToStreamAsync(long fileId, Stream destination, IProgress<DownloadProgress>? progress, DownloadTrace trace, CancellationToken cancellationToken)
    {
        var detail = await GetFileAsync(fileId, cancellationToken).ConfigureAwait(false);
        using var hash = _options.VerifyChecksum ? new ContentHash() : null;
        var target = new StreamTarget(fileId, destination, hash);
        var links = Links(fileId, trace, CancellationToken.None);
        var whole = new ByteRanges([(0, detail.Size)]);
        try
        {
            await Schedule(detail, links, whole, progress, trace).RunAsync(whole, target, 1, cancellationToken).ConfigureAwait(false);
        }
        catch (RangesIgnoredException)
        {
            await target.RestartAsync(cancellationToken).ConfigureAwait(false);
            await Schedule(detail, links, whole, progress, trace).RunAsync(whole, target, 1, cancellationToken).ConfigureAwait(false);
        }

        if (target.Written != detail.Size)
        {
            throw new Pan123DownloadException(fileId, DownloadFailure.IntegrityMismatch, $"received {target.Written} bytes, file/detail says {detail.Size}.");
        }

        string? md5 = null;
        if (hash is not null)
        {
            (md5, var problem) = hash.Check(detail.ETag);
            if (problem is not null)
            {
                throw new Pan123DownloadException(fileId, DownloadFailure.IntegrityMismatch, problem);
            }
        }

        return new DownloadResult(fileId, detail.Filename, null, target.Written, md5, 0);
    }

    private static string CheckDestination(string destinationPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationPath);
        var destination = System.IO.Path.GetFullPath(destinationPath);
        if (System.IO.Directory.Exists(destination) || System.IO.Path.EndsInDirectorySeparator(destinationPath))
        {
            throw new ArgumentException($"The destination '{destinationPath}' is a directory; give the path of a file.", nameof(destinationPath));
        }

        var folder = System.IO.Path.GetDirectoryName(destination);
        if (folder is not null && !System.IO.Directory.Exists(folder))
        {
            throw new ArgumentException($"The destination folder '{folder}' does not exist.", nameof(destinationPath));
        }

        return destination;
    }

    // Identical: done, with no link asked for. Different: refused unless the caller asked to replace it.
    private async Task<DownloadResult?> CheckExistingAsync(long fileId, string destination, RemoteFile detail, CancellationToken cancellationToken)
    {
        switch (await ExistingDestinations.CompareAsync(destination, detail.Size, detail.ETag, cancellationToken).ConfigureAwait(false))
        {
            case ExistingDestination.Identical:
                return new DownloadResult(fileId, detail.Filename, destination, detail.Size, detail.ETag.ToLowerInvariant(), resumedFrom: 0) { AlreadyDownloaded = true };
            case ExistingDestination.Different when !_options.Overwrite:
                throw new Pan123DownloadException(fileId, DownloadFailure.DestinationExists, $"'{destination}' already exists with other content; it is replaced only when Overwrite is set.");
            default:
                return null;
        }
    }

    private async Task<PartFile> OpenPartAsync(string destination, RemoteFile detail, bool inOrder, CancellationToken cancellationToken)
    {
        try
        {
            return await PartFile.OpenAsync(destination, detail, inOrder, _options, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (FileInUseException e)
        {
            throw new Pan123DownloadException(detail.FileId, DownloadFailure.DestinationInUse, $"'{destination}' is in use: another process is downloading it (its part file is locked); wait for it to finish.", innerException: e);
        }
        catch (LinkRefusedException e)
        {
            throw new Pan123DownloadException(detail.FileId, DownloadFailure.DestinationFailed, e.Message, innerException: e);
        }
    }

    /// <summary>file/detail of a file (a folder is refused), as the downloader needs it.</summary>
    internal async Task<RemoteFile> GetFileAsync(long fileId, CancellationToken cancellationToken)
    {
        var detail = (await _files.GetFileDetailAsync(fileId, cancellationToken: cancellationToken).ConfigureAwait(false)).Data;
        if (detail.Type != Pan123FileType.File)
        {
            throw new Pan123DownloadException(fileId, DownloadFailure.NotAFile, $"'{detail.Filename}' is a folder, not a file.");
        }

        return new RemoteFile(detail.FileId, detail.Filename, detail.Size, detail.ETag);
    }

    // The links of one download, from the source the options name. A direct link is permanent, so the CDN's
    // 403 for it is the space's URL authentication (or its IP blacklist), which no new link mends.
    private CdnLinks Links(long fileId, DownloadTrace trace, CancellationToken linkStop) => new(
        ct => GetLinkAsync(fileId, ct, linkStop),
        trace.LinkRefreshing,
        _options.LinkSource == Pan123LinkSource.DirectLink ? status => status == 403 ? DirectLinkRefused(fileId) : null : null);

    private static Pan123DownloadException DirectLinkRefused(long fileId) => new(
        fileId,
        DownloadFailure.DirectLinkRefused,
        "the CDN refused the file's direct link (HTTP 403): the direct-link space has URL authentication on, which needs links signed with the account's uid and the space's private key (this client fetches unsigned links only), or this address is on the space's IP blacklist. Turn URL authentication off for the space, or download without direct links (download_info).",
        403);

    private async Task<Uri> GetLinkAsync(long fileId, CancellationToken cancellationToken, CancellationToken linkStop)
    {
        string url;
        var direct = _options.LinkSource == Pan123LinkSource.DirectLink;
        var source = direct ? "direct-link/url" : "download_info";
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, linkStop))
        {
            url = direct
                ? (await _directLinks!.GetDirectLinkUrlAsync(fileId, cancellationToken: linked.Token).ConfigureAwait(false)).Data.Url
                : (await _files.GetDownloadInfoAsync(fileId, cancellationToken: linked.Token).ConfigureAwait(false)).Data.DownloadUrl;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var link) || (link.Scheme != Uri.UriSchemeHttps && link.Scheme != Uri.UriSchemeHttp))
        {
            throw new Pan123DownloadException(fileId, DownloadFailure.TransferFailed, $"{source} returned a link that is not an http(s) URL.");
        }

        // As with redirects: plain http would let anyone on the path change the bytes (and see the signed link).
        if (link.Scheme == Uri.UriSchemeHttp && !Pan123ClientOptionsValidator.IsLoopback(link))
        {
            throw new Pan123DownloadException(fileId, DownloadFailure.RedirectRefused, $"{source} returned a plain http link ({link.Host}); refused, only https is accepted.");
        }

        return link;
    }
}
