using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Pan123;

/// <summary>
/// One file's bytes from the CDN into a stream: follows redirects by hand (to enforce the limit
/// and the https rule), resumes with <c>Range</c> + <c>If-Range</c> after a drop, asks for a fresh
/// link when the CDN refuses the old one, and hashes while it writes. Requests carry no
/// platform header and no token: the CDN client never sees either.
/// </summary>
internal sealed class CdnTransfer
{
    private readonly HttpClient _cdn;
    private readonly Pan123DownloadOptions _options;
    private readonly TimeProvider _time;
    private readonly CdnLinks _links;
    private readonly long _fileId;
    private readonly long _size;

    public CdnTransfer(HttpClient cdn, Pan123DownloadOptions options, TimeProvider time, long fileId, long size, CdnLinks links)
    {
        (_cdn, _options, _time, _fileId, _size, _links) = (cdn, options, time, fileId, size, links);
    }

    /// <summary>Bytes in the target so far.</summary>
    public long Written { get; private set; }

    /// <summary>The CDN's strong ETag for the content, used as the If-Range validator.</summary>
    public string? Validator { get; private set; }

    /// <summary>Called when <see cref="Validator"/> changes, so it can be saved for a later run.</summary>
    public Func<string?, CancellationToken, Task>? ValidatorChanged { get; init; }

    /// <summary>Whether the target can be rewound when the CDN ignores a range and sends the whole file.</summary>
    public Func<CancellationToken, ValueTask>? RestartTarget { get; init; }

    /// <summary>
    /// Where a range download stops (exclusive); null to fetch to the end of the file. A range download
    /// asks for <c>bytes=Written-(RangeEnd-1)</c> from the first request on, and treats a 200 as the CDN
    /// ignoring ranges (<see cref="RangesIgnoredException"/>).
    /// </summary>
    public long? RangeEnd { get; init; }

    /// <summary>
    /// Stop with <see cref="CdnThrottledException"/> when the CDN answers 429 or 503 or drops the
    /// connection, instead of retrying: a ranged download then uses one connection fewer.
    /// </summary>
    public bool StopWhenThrottled { get; init; }

    private long End => RangeEnd ?? _size;

    public void ResumeAt(long written, string? validator) => (Written, Validator) = (written, validator);

    public async Task RunAsync(Stream target, IncrementalHash? md5, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var meter = new ProgressMeter(_time, progress, Written, _size);
        var failures = 0;
        // No link is asked for when nothing is missing: each one spends the user's download quota.
        var link = Written < End ? await _links.CurrentAsync(cancellationToken).ConfigureAwait(false) : null;
        while (Written < End)
        {
            var before = Written;
            int? status = null;
            Exception? failure = null;
            // The stall timer runs on the same clock as the backoff, so tests can drive both.
            using (var stall = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time))
            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token))
            {
                try
                {
                    stall.CancelAfter(_options.StallTimeout);
                    using var response = await SendFollowingRedirectsAsync(link!, attempt.Token).ConfigureAwait(false);
                    status = (int)response.StatusCode;
                    if (await AcceptAsync(response, cancellationToken).ConfigureAwait(false))
                    {
                        var body = await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false);
                        await using (body.ConfigureAwait(false))
                        {
                            await CopyBodyAsync(body, target, md5, meter, stall, attempt.Token, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    else if (status is 403 or 404 or 410)
                    {
                        // The link expired or was refused: download_info hands out a new one.
                        link = await _links.FreshAsync(link!, cancellationToken).ConfigureAwait(false);
                    }
                    else if (status is 429 or 503 && StopWhenThrottled)
                    {
                        throw new CdnThrottledException(status.Value);
                    }
                }
                catch (Exception e) when (IsTransferFailure(e, cancellationToken))
                {
                    failure = e;
                }
            }

            if (Written >= End)
            {
                break;
            }

            if (StopWhenThrottled && failure is not null)
            {
                throw new CdnThrottledException(0, failure);
            }

            // Count failures in a row: a flaky link that keeps delivering bytes is not given up on.
            failures = Written > before ? 1 : failures + 1;
            if (failures > _options.MaxRetries)
            {
                var what = failure?.Message ?? (status is { } s ? $"HTTP {s}" : "the body ended early");
                throw new Pan123DownloadException(_fileId, DownloadFailure.TransferFailed, $"the CDN failed {failures} times in a row, last with {what}.", status ?? 0, failure);
            }

            await Task.Delay(Backoff(_options, failures), _time, cancellationToken).ConfigureAwait(false);
        }

        meter.Report(Written, force: true);
    }

    // Each read is written at once, while still in the CPU cache (filling the buffer first cost 9x
    // curl's copy; docs/benchmarks.md); the MD5 of a chunk runs beside the next read on two alternating
    // buffers. Written counts only bytes that reached the target, so a resume starts exactly there.
    private async Task CopyBodyAsync(Stream body, Stream target, IncrementalHash? md5, ProgressMeter meter, CancellationTokenSource stall, CancellationToken attempt, CancellationToken cancellationToken)
    {
        var chunk = _options.BufferSize;
        var filling = ArrayPool<byte>.Shared.Rent(chunk);
        var spare = ArrayPool<byte>.Shared.Rent(chunk);
        var hashing = Task.CompletedTask;
        try
        {
            while (true)
            {
                stall.CancelAfter(_options.StallTimeout);
                var read = await body.ReadAsync(filling.AsMemory(0, chunk), attempt).ConfigureAwait(false);
                // The hash must follow the bytes in order, and the buffer about to be refilled must be hashed.
                await hashing.ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                if (Written + read > End)
                {
                    throw new Pan123DownloadException(_fileId, DownloadFailure.IntegrityMismatch, $"the CDN sent more than the {_size} bytes file/detail reports.");
                }

                var full = filling;
                hashing = md5 is null ? Task.CompletedTask : Task.Run(() => md5.AppendData(full, 0, read), cancellationToken);
                try
                {
                    await target.WriteAsync(full.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Not a transfer failure: a retry would refetch bytes with nowhere to put them.
                    throw new Pan123DownloadException(_fileId, DownloadFailure.DestinationFailed, $"the destination could not be written: {e.Message}", innerException: e);
                }

                Written += read;
                Pan123Telemetry.Downloaded(read);
                meter.Report(Written, force: false);
                (filling, spare) = (spare, filling);
            }
        }
        finally
        {
            // The hash must have every written byte (a resume continues it), and a buffer must not
            // go back to the pool while it is still being hashed.
            await hashing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ArrayPool<byte>.Shared.Return(filling);
            ArrayPool<byte>.Shared.Return(spare);
        }
    }

    // Decides what a response means for the transfer; true when its body continues the target at Written.
    private async Task<bool> AcceptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange?.From == Written:
                if (RangeEnd is not null)
                {
                    // Ranges of one file share the validator: a different one means the content changed.
                    var tag = response.Headers.ETag is { IsWeak: false } etag ? etag.Tag : null;
                    if (Validator is not null && tag is not null && tag != Validator)
                    {
                        throw new RangesIgnoredException();
                    }

                    if (Validator is null && tag is not null)
                    {
                        await SetValidatorAsync(response, cancellationToken).ConfigureAwait(false);
                    }
                }

                return true;
            case HttpStatusCode.OK when RangeEnd is not null:
                throw new RangesIgnoredException();
            case HttpStatusCode.OK:
                if (Written > 0)
                {
                    // The CDN ignored the range, or If-Range found different content: start again from byte 0.
                    if (RestartTarget is null)
                    {
                        throw new Pan123DownloadException(_fileId, DownloadFailure.TransferFailed, "the CDN sent the whole file again after a resume and the destination stream cannot be rewound.", 200);
                    }

                    await RestartTarget(cancellationToken).ConfigureAwait(false);
                    Written = 0;
                }

                await SetValidatorAsync(response, cancellationToken).ConfigureAwait(false);
                return true;
            case HttpStatusCode.PartialContent:
                throw new Pan123DownloadException(_fileId, DownloadFailure.TransferFailed, $"the CDN answered a range from byte {Written} with {response.Content.Headers.ContentRange}.", 206);
            case HttpStatusCode.RequestedRangeNotSatisfiable when RestartTarget is not null:
                // What the .part holds does not fit the file any more: start over.
                await RestartTarget(cancellationToken).ConfigureAwait(false);
                Written = 0;
                await SetValidatorAsync(null, cancellationToken).ConfigureAwait(false);
                return false;
            default:
                return false;
        }
    }

    private async Task SetValidatorAsync(HttpResponseMessage? response, CancellationToken cancellationToken)
    {
        // Only a strong ETag may guard a range (RFC 9110, If-Range).
        var tag = response?.Headers.ETag is { IsWeak: false } etag ? etag.Tag : null;
        if (tag != Validator)
        {
            Validator = tag;
            if (ValidatorChanged is not null)
            {
                await ValidatorChanged(tag, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(Uri link, CancellationToken cancellationToken)
    {
        var uri = link;
        for (var hops = 0; ; hops++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (Written > 0 || RangeEnd is not null)
            {
                request.Headers.Range = new RangeHeaderValue(Written, RangeEnd - 1);
                if (Validator is not null)
                {
                    request.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue(Validator));
                }
            }

            var response = await _cdn.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308))
            {
                return response;
            }

            var location = response.Headers.Location;
            var status = (int)response.StatusCode;
            response.Dispose();
            var next = location is null ? null : location.IsAbsoluteUri ? location : new Uri(uri, location);
            if (RedirectProblem(uri, next, hops) is { } problem)
            {
                throw new Pan123DownloadException(_fileId, DownloadFailure.RedirectRefused, problem, status);
            }

            uri = next!;
        }
    }

    private string? RedirectProblem(Uri from, Uri? to, int hopsSoFar) =>
        to is null ? "the CDN redirected without a Location."
        : hopsSoFar >= _options.MaxRedirects ? $"the CDN redirected more than {_options.MaxRedirects} times."
        : to.Scheme != Uri.UriSchemeHttps && to.Scheme != Uri.UriSchemeHttp ? $"the CDN redirected to a {to.Scheme} address."
        : from.Scheme == Uri.UriSchemeHttps && to.Scheme == Uri.UriSchemeHttp && !Pan123ClientOptionsValidator.IsLoopback(to)
            ? $"the CDN redirected from https to plain http ({to.Host}); refused."
        : null;

    private static bool IsTransferFailure(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e is HttpRequestException or IOException or OperationCanceledException
        && e is not Pan123DownloadException and not RangesIgnoredException and not CdnThrottledException;

    /// <summary>The wait after <paramref name="failures"/> failures in a row: RetryDelay, doubling, at most 10 s.</summary>
    internal static TimeSpan Backoff(Pan123DownloadOptions options, int failures) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, options.RetryDelay.Ticks << Math.Min(failures - 1, 16)));
}

/// <summary>The CDN answered a range with the whole file, or with content of another validator: ranges cannot be used.</summary>
internal sealed class RangesIgnoredException() : IOException("the CDN does not serve ranges of this file consistently");

/// <summary>The CDN answered 429 or 503 to one more connection: a ranged download gives the range back and closes one.</summary>
internal sealed class CdnThrottledException(int status, Exception? drop = null)
    : IOException(drop is null ? $"the CDN answered {status}" : $"the CDN dropped the connection ({drop.Message})", drop)
{
    public int Status { get; } = status;
}
