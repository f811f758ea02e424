using System.Security.Cryptography;

namespace Pan123;

/// <summary>
/// Downloads a file: reads file/detail (size and MD5) and download_info (the CDN link) side by
/// side, then streams the bytes from the CDN with a bounded buffer, resuming after drops, and
/// verifies them.
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
    private readonly HttpClient _cdn;
    private readonly Pan123DownloadOptions _options;
    private readonly TimeProvider _time;

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
    }

    /// <summary>
    /// Downloads file <paramref name="fileId"/> to <paramref name="destinationPath"/>, continuing
    /// an earlier <c>.part</c> file of the same content when there is one.
    /// </summary>
    /// <param name="fileId">The platform's file id, positive.</param>
    /// <param name="destinationPath">The file to create or replace; its folder must exist.</param>
    /// <param name="progress">Receives progress, at most about ten times a second.</param>
    /// <param name="cancellationToken">Cancels the download; the <c>.part</c> file is kept for a later run.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fileId"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The destination is empty, a directory, or in a folder that does not exist.</exception>
    /// <exception cref="Pan123ApiException">The platform answered file/detail or download_info with an error code.</exception>
    /// <exception cref="Pan123DownloadException">The bytes could not be fetched or failed verification; nothing is left under the destination name.</exception>
    public virtual async Task<DownloadResult> DownloadFileAsync(long fileId, string destinationPath, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fileId);
        var destination = CheckDestination(destinationPath);

        var links = new CdnLinks(ct => GetLinkAsync(fileId, ct), cancellationToken);
        await using var _ = links.ConfigureAwait(false);
        var detail = await GetFileAsync(fileId, cancellationToken).ConfigureAwait(false);
        using var md5 = _options.VerifyChecksum ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        var (part, validator) = await PartFile.OpenAsync(destination, fileId, detail.Size, detail.Etag, md5, cancellationToken).ConfigureAwait(false);
        await using (part.ConfigureAwait(false))
        {
            var resumedFrom = part.Stream.Length;
            var transfer = new CdnTransfer(_cdn, _options, _time, fileId, detail.Size, links.NextAsync)
            {
                ValidatorChanged = part.SaveStateAsync,
                RestartTarget = async ct =>
                {
                    await part.RestartAsync(ct).ConfigureAwait(false);
                    md5?.GetHashAndReset();
                },
            };
            transfer.ResumeAt(resumedFrom, validator);
            await transfer.RunAsync(part.Stream, md5, progress, cancellationToken).ConfigureAwait(false);

            var hash = Verify(detail, transfer.Written, md5);
            if (hash.Problem is not null)
            {
                await part.DiscardAsync().ConfigureAwait(false);
                throw new Pan123DownloadException(fileId, DownloadFailure.IntegrityMismatch, hash.Problem + " The partial file was deleted.");
            }

            await part.CommitAsync().ConfigureAwait(false);
            return new DownloadResult(fileId, detail.Filename, destination, transfer.Written, hash.Md5, resumedFrom);
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

        var links = new CdnLinks(ct => GetLinkAsync(fileId, ct), cancellationToken);
        await using var _ = links.ConfigureAwait(false);
        var detail = await GetFileAsync(fileId, cancellationToken).ConfigureAwait(false);
        using var md5 = _options.VerifyChecksum ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        var origin = destination.CanSeek ? destination.Position : 0;
        var transfer = new CdnTransfer(_cdn, _options, _time, fileId, detail.Size, links.NextAsync)
        {
            RestartTarget = destination.CanSeek
                ? _ =>
                {
                    destination.Position = origin;
                    destination.SetLength(origin);
                    md5?.GetHashAndReset();
                    return ValueTask.CompletedTask;
                }
                : null,
        };
        await transfer.RunAsync(destination, md5, progress, cancellationToken).ConfigureAwait(false);

        var hash = Verify(detail, transfer.Written, md5);
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

    private async Task<FileDetail> GetFileAsync(long fileId, CancellationToken cancellationToken)
    {
        var detail = (await _files.GetFileDetailAsync(fileId, cancellationToken).ConfigureAwait(false)).Data;
        if (detail.Type != 0)
        {
            throw new Pan123DownloadException(fileId, DownloadFailure.NotAFile, $"'{detail.Filename}' is a folder, not a file.");
        }

        return detail;
    }

    private async Task<Uri> GetLinkAsync(long fileId, CancellationToken cancellationToken)
    {
        var url = (await _files.GetDownloadInfoAsync(fileId, cancellationToken).ConfigureAwait(false)).Data.DownloadUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var link) || (link.Scheme != Uri.UriSchemeHttps && link.Scheme != Uri.UriSchemeHttp))
        {
            throw new Pan123DownloadException(fileId, DownloadFailure.TransferFailed, "download_info returned a link that is not an http(s) URL.");
        }

        return link;
    }

    private static (string? Md5, string? Problem) Verify(FileDetail detail, long written, IncrementalHash? md5)
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
