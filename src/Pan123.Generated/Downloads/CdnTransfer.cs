namespace Pan123;

/// <summary>
/// One HTTP request for one claimed range of a file, its bytes written into the target as they arrive:
/// follows redirects by hand (to enforce the limit and the https rule), sends <c>Range</c> + <c>If-Range</c>,
/// and says how the attempt ended. Retrying is the scheduler's. Requests carry no platform header and no
/// token: the CDN client never sees either.
/// </summary>
internal sealed class CdnTransfer(HttpClient cdn, Pan123DownloadOptions options, TimeProvider time, RemoteFile file, DownloadTrace trace)
{
    /// <summary>Fetches what <paramref name="claim"/> lacks, moving its position as bytes reach the target.</summary>
    /// <exception cref="RangesIgnoredException">The CDN answered with the whole file or other content where a range was asked for.</exception>
    /// <exception cref="Pan123DownloadException">A failure that retrying cannot mend (a refused redirect, too many bytes, a destination that cannot be written).</exception>
    public async Task<TransferAttempt> FetchAsync(Uri link, RangeClaim claim, IByteTarget target, ProgressMeter meter, CancellationToken cancellationToken)
    {
        // The stall timer runs on the same clock as the backoff, so tests can drive both.
        using var stall = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
        int? status = null;
        try
        {
            stall.CancelAfter(options.StallTimeout);
            using var response = await SendFollowingRedirectsAsync(link, claim, target, attempt.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            switch (await AcceptAsync(response, claim, target, cancellationToken).ConfigureAwait(false))
            {
                case true:
                    var body = await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false);
                    await using (body.ConfigureAwait(false))
                    {
                        return await CopyBodyAsync(body, claim, target, meter, stall, attempt.Token, cancellationToken).ConfigureAwait(false);
                    }

                case false when status is 403 or 404 or 410:
                    // The link expired or was refused: download_info hands out a new one.
                    return new(TransferEnd.LinkRefused, status.Value, null);
                case false when status is 429 or 503:
                    return new(TransferEnd.Throttled, status.Value, null);
                default:
                    return new(TransferEnd.Failed, status.Value, null);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or IOException or OperationCanceledException
            && e is not RangesIgnoredException)
        {
            // A dropped connection or a stalled response: what reached the target stays.
            return new(TransferEnd.Dropped, status ?? 0, e);
        }
    }

    // Each read is written at once, while still in the CPU cache (filling the buffer first cost 9x curl's
    // copy; docs/benchmarks.md). The claim moves only by bytes that reached the target, so a retry starts
    // exactly there; it stops early when the scheduler gave the claim's tail to another connection.
    private async Task<TransferAttempt> CopyBodyAsync(Stream body, RangeClaim claim, IByteTarget target, ProgressMeter meter, CancellationTokenSource stall, CancellationToken attempt, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(options.BufferSize);
        try
        {
            while (claim.Position < claim.End)
            {
                stall.CancelAfter(options.StallTimeout);
                var read = await body.ReadAsync(buffer.AsMemory(0, options.BufferSize), attempt).ConfigureAwait(false);
                if (read == 0)
                {
                    return claim.Position >= claim.End ? TransferAttempt.Completed : new(TransferEnd.Dropped, 206, new IOException("the body ended early"));
                }

                var position = claim.Position;
                if (position + read > file.Size)
                {
                    throw new Pan123DownloadException(file.FileId, DownloadFailure.IntegrityMismatch, $"the CDN sent more than the {file.Size} bytes file/detail reports.");
                }

                var count = (int)Math.Min(read, claim.End - position);
                try
                {
                    await target.WriteAsync(position, buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException and not Pan123DownloadException)
                {
                    // Not a transfer failure: a retry would refetch bytes with nowhere to put them.
                    throw new Pan123DownloadException(file.FileId, DownloadFailure.DestinationFailed, $"the destination could not be written: {e.Message}", innerException: e);
                }

                claim.Advance(count);
                meter.Add(count);
            }

            return TransferAttempt.Completed;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Decides what a response means; true when its body continues the claim at its position.
    private async Task<bool> AcceptAsync(HttpResponseMessage response, RangeClaim claim, IByteTarget target, CancellationToken cancellationToken)
    {
        // Only a strong ETag may guard a range (RFC 9110, If-Range); every range of the file shares it.
        var tag = response.Headers.ETag is { IsWeak: false } etag ? etag.Tag : null;
        switch (response.StatusCode)
        {
            case System.Net.HttpStatusCode.PartialContent when response.Content.Headers.ContentRange?.From == claim.Position:
                if (target.Validator is { } known && tag is not null && tag != known)
                {
                    throw new RangesIgnoredException();
                }

                break;
            case System.Net.HttpStatusCode.OK when claim.Position == 0 && claim.End == file.Size:
                // The whole file was asked for (no Range header).
                break;
            case System.Net.HttpStatusCode.OK when claim.Sole:
                // The CDN ignored the range, or If-Range found different content: start again from byte 0.
                await target.RestartAsync(cancellationToken).ConfigureAwait(false);
                claim.RestartAtZero(file.Size);
                break;
            case System.Net.HttpStatusCode.OK:
                throw new RangesIgnoredException();
            case System.Net.HttpStatusCode.PartialContent:
                throw new Pan123DownloadException(file.FileId, DownloadFailure.TransferFailed, $"the CDN answered a range from byte {claim.Position} with {response.Content.Headers.ContentRange}.", 206);
            case System.Net.HttpStatusCode.RequestedRangeNotSatisfiable:
                // What the part holds does not fit the file any more.
                throw new RangesIgnoredException();
            default:
                return false;
        }

        if (tag is not null)
        {
            target.AdoptValidator(tag);
        }

        return true;
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(Uri link, RangeClaim claim, IByteTarget target, CancellationToken cancellationToken)
    {
        var uri = link;
        for (var hops = 0; ; hops++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            var (from, end) = (claim.Position, claim.End);
            if (from > 0 || end < file.Size)
            {
                // A range that runs to the end is asked for open-ended, as a single stream always was.
                request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(from, end < file.Size ? end - 1 : null);
                if (target.Validator is { } validator)
                {
                    request.Headers.IfRange = new System.Net.Http.Headers.RangeConditionHeaderValue(new System.Net.Http.Headers.EntityTagHeaderValue(validator));
                }
            }

            var response = await cdn.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
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
                throw new Pan123DownloadException(file.FileId, DownloadFailure.RedirectRefused, problem, status);
            }

            trace.Redirected(status, next!);
            uri = next!;
        }
    }

    private string? RedirectProblem(Uri from, Uri? to, int hopsSoFar) =>
        to is null ? "the CDN redirected without a Location."
        : hopsSoFar >= options.MaxRedirects ? $"the CDN redirected more than {options.MaxRedirects} times."
        : to.Scheme != Uri.UriSchemeHttps && to.Scheme != Uri.UriSchemeHttp ? $"the CDN redirected to a {to.Scheme} address."
        : from.Scheme == Uri.UriSchemeHttps && to.Scheme == Uri.UriSchemeHttp && !Pan123ClientOptionsValidator.IsLoopback(to)
            ? $"the CDN redirected from https to plain http ({to.Host}); refused."
        : null;
}

/// <summary>How one attempt at a claim ended.</summary>
internal enum TransferEnd
{
    /// <summary>The claim has every byte.</summary>
    Completed,

    /// <summary>The CDN refused the link (403, 404, 410): ask download_info for a new one.</summary>
    LinkRefused,

    /// <summary>The CDN answered 429 or 503: too many connections, or too busy.</summary>
    Throttled,

    /// <summary>The connection dropped or stalled; the bytes that arrived are kept.</summary>
    Dropped,

    /// <summary>Another status.</summary>
    Failed,
}

/// <summary>How one attempt ended, with the status and the exception where there was one.</summary>
internal readonly record struct TransferAttempt(TransferEnd End, int Status, Exception? Failure)
{
    public static TransferAttempt Completed => new(TransferEnd.Completed, 0, null);

    /// <summary>A sentence for an error message.</summary>
    public string Describe() => Failure?.Message ?? (Status > 0 ? $"HTTP {Status}" : "the body ended early");
}

/// <summary>The CDN answered a range with the whole file, or with content of another validator: ranges cannot be used.</summary>
internal sealed class RangesIgnoredException() : IOException("the CDN does not serve ranges of this file consistently");
