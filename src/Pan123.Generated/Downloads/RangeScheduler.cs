namespace Pan123;

/// <summary>
/// Fetches the bytes a target lacks over one or more connections, within the account's connection budget:
/// it owns the ranges, the connections, the ramp and the one retry loop. It starts four connections and
/// doubles them every <see cref="Step"/> while the total rate grows, up to the download's limit; a 429 closes
/// one for good, a 503 or a drop closes one until the next step finds no more trouble. The last connection
/// never closes: it retries with backoff. An idle connection takes half of the largest claim in flight, so
/// every connection works until the end. It returns only once no byte is missing.
/// </summary>
internal sealed class RangeScheduler(
    CdnTransfer transfer, CdnLinks links, ConnectionBudget budget, Pan123DownloadOptions options, TimeProvider time, RemoteFile file, ProgressMeter meter, DownloadTrace trace)
{
    /// <summary>How often the connections are reconsidered.</summary>
    internal static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);

    // As many as the default MaxConnections: a CDN that takes fewer answers 429 at once, and the ceiling follows.
    private const int InitialConnections = 4;

    private readonly Lock _gate = new();
    private readonly List<RangeClaim> _claims = [];
    private ByteRanges _unassigned = new();
    private long _piece;
    private int _limit;
    private int _active;
    private int _target;
    // After a 429 the CDN has said how many connections it takes: never more than that again.
    private int _ceiling = int.MaxValue;
    private bool _troubled;

    /// <summary>Fetches <paramref name="missing"/> into <paramref name="target"/> over at most <paramref name="connections"/> connections.</summary>
    /// <exception cref="RangesIgnoredException">The CDN answered a range with the whole file or other content.</exception>
    /// <exception cref="Pan123DownloadException">The CDN failed too often in a row, or a failure retrying cannot mend.</exception>
    public async Task RunAsync(ByteRanges missing, IByteTarget target, int connections, CancellationToken cancellationToken)
    {
        if (missing.IsEmpty)
        {
            // No link is asked for when nothing is missing: each one spends the user's download quota.
            meter.Finish();
            return;
        }

        lock (_gate)
        {
            (_unassigned, _limit, _target) = (missing.Clone(), connections, 0);
            // One connection fetches each gap whole; several cut the gaps so that each has a few pieces.
            _piece = connections == 1 ? long.MaxValue : Math.Max(options.MinRangeSize, missing.Total / (connections * 4));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = new List<Task>();
        await budget.TakeAsync(cancellationToken).ConfigureAwait(false);
        workers.Add(Start(target, stop));
        Grow(target, stop, workers, Math.Min(InitialConnections, connections) - 1);

        var (lastBytes, lastRate, lastSample) = (meter.Received, 0.0, time.GetTimestamp());
        while (true)
        {
            var all = Task.WhenAll(workers);
            if (await Task.WhenAny(all, Task.Delay(Step, time, stop.Token)).ConfigureAwait(false) == all || stop.IsCancellationRequested)
            {
                if (all.IsCompletedSuccessfully && HasWork() && !stop.IsCancellationRequested)
                {
                    // Cannot happen while the last connection keeps its claim; if it did, the bytes are still fetched.
                    await budget.TakeAsync(cancellationToken).ConfigureAwait(false);
                    workers.Add(Start(target, stop));
                    continue;
                }

                break;
            }

            var received = meter.Received;
            var rate = (received - lastBytes) / time.GetElapsedTime(lastSample).TotalSeconds;
            (lastBytes, lastSample) = (received, time.GetTimestamp());
            int more;
            lock (_gate)
            {
                if (_troubled)
                {
                    // A 503 or a drop: no growth this step, and the rate is measured afresh after it.
                    (_troubled, lastRate) = (false, 0);
                    continue;
                }

                var grows = lastRate == 0 || rate >= lastRate * 1.1;
                more = grows && _target == _active ? Math.Min(_active, Math.Min(_limit, _ceiling) - _active) : 0;
            }

            if (more > 0)
            {
                lastRate = rate;
                Grow(target, stop, workers, more);
            }
        }

        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested
            && workers.Where(w => w.IsFaulted).SelectMany(w => w.Exception!.InnerExceptions).FirstOrDefault(e => e is not OperationCanceledException) is { } cause)
        {
            // One connection failed and stopped the others: its failure is the download's.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
        }

        meter.Finish();
    }

    // Opens up to count more connections, each only if the budget has one free now and there is work for it.
    private void Grow(IByteTarget target, CancellationTokenSource stop, List<Task> workers, int count)
    {
        for (var i = 0; i < count && HasWork() && budget.TryTake(); i++)
        {
            workers.Add(Start(target, stop));
        }
    }

    private Task Start(IByteTarget target, CancellationTokenSource stop)
    {
        lock (_gate)
        {
            _active++;
            _target++;
        }

        return Task.Run(() => WorkAsync(target, stop), CancellationToken.None);
    }

    private bool HasWork()
    {
        lock (_gate)
        {
            return !_unassigned.IsEmpty || _claims.Any(c => c.End - c.Position >= 2 * options.MinRangeSize);
        }
    }

    private async Task WorkAsync(IByteTarget target, CancellationTokenSource stop)
    {
        try
        {
            while (Take() is { } claim)
            {
                if (!await FetchAsync(claim, target, stop.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            budget.Release();
        }
    }

    // The one retry loop: fetches the claim, or gives its rest back and returns false when this connection closes.
    private async Task<bool> FetchAsync(RangeClaim claim, IByteTarget target, CancellationToken cancellationToken)
    {
        var failures = 0;
        var link = await links.CurrentAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var before = claim.Position;
            var attempt = await transfer.FetchAsync(link, claim, target, meter, cancellationToken).ConfigureAwait(false);
            if (attempt.End == TransferEnd.Completed || claim.Position >= claim.End)
            {
                Finished(claim);
                return true;
            }

            if (attempt.End == TransferEnd.LinkRefused)
            {
                link = await links.FreshAsync(link, attempt.Status, cancellationToken).ConfigureAwait(false);
            }
            else if (attempt.End is TransferEnd.Throttled or TransferEnd.Dropped && Close(claim, forGood: attempt.Status == 429))
            {
                return false;
            }

            // Count failures in a row: a flaky link that keeps delivering bytes is not given up on.
            failures = claim.Position > before ? 1 : failures + 1;
            if (failures > options.MaxRetryAttempts)
            {
                var what = attempt.End == TransferEnd.Throttled ? $"the CDN answered {attempt.Status}" : attempt.Describe();
                throw new Pan123DownloadException(file.FileId, DownloadFailure.TransferFailed, $"the CDN failed {failures} times in a row, last with {what}.", attempt.Status, attempt.Failure);
            }

            var delay = Backoff(options, failures);
            trace.CdnRetrying(attempt, failures, delay);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    // The next claim for a connection: unassigned bytes first, then half of the largest claim in flight;
    // null (and the connection counted closed, in the same step) when there is none or too many connections.
    private RangeClaim? Take()
    {
        lock (_gate)
        {
            RangeClaim? claim = null;
            if (_active <= _target)
            {
                claim = !_unassigned.IsEmpty ? Carve() : Split();
            }

            if (claim is null)
            {
                _active--;
                _target = Math.Min(_target, _active);
                return null;
            }

            _claims.Add(claim);
            return claim;
        }
    }

    private RangeClaim Carve()
    {
        var (from, to) = _unassigned.Ranges[0];
        if (to - from < options.MinRangeSize && to < file.Size)
        {
            (from, to) = Widened(from, to);
        }
        else if (to - from - options.MinRangeSize >= _piece)
        {
            to = from + _piece;
        }

        _unassigned.Remove(from, to);
        var sole = _limit == 1 && _unassigned.IsEmpty && _claims.Count == 0 && to == file.Size;
        return new RangeClaim(from, to, sole);
    }

    // A gap below the floor that does not run to the end is asked for as a range of the floor's size (CDNs
    // refused small ranges with 403): widened over bytes still missing where it can, over finished ones
    // (the same content, as If-Range guarantees) where it must.
    private (long From, long To) Widened(long from, long to)
    {
        var forward = (From: from, To: Math.Min(file.Size, from + options.MinRangeSize));
        var backward = (From: Math.Max(0, to - options.MinRangeSize), To: to);
        var missing = _unassigned.Clone();
        foreach (var claim in _claims)
        {
            missing.Add(claim.Position, claim.End);
        }

        return missing.Overlap(forward.From, forward.To) >= missing.Overlap(backward.From, backward.To) ? forward : backward;
    }

    // Hands the second half of the claim with the most left to an idle connection, when each half is worth a range.
    private RangeClaim? Split()
    {
        var largest = _claims.MaxBy(c => c.End - c.Position);
        if (largest is null || largest.End - largest.Position < 2 * options.MinRangeSize)
        {
            return null;
        }

        var end = largest.End;
        var middle = largest.Position + ((end - largest.Position) / 2);
        largest.End = middle;
        return new RangeClaim(middle, end, sole: false);
    }

    private void Finished(RangeClaim claim)
    {
        lock (_gate)
        {
            _claims.Remove(claim);
        }
    }

    // Closes this connection after a 429, a 503 or a drop, giving its claim's rest back; never the last one.
    private bool Close(RangeClaim claim, bool forGood)
    {
        lock (_gate)
        {
            _troubled = true;
            if (_active <= 1)
            {
                return false;
            }

            _claims.Remove(claim);
            _unassigned.Add(claim.Position, claim.End);
            _active--;
            _target = Math.Min(_target, _active);
            if (forGood)
            {
                _ceiling = Math.Min(_ceiling, _active);
            }

            return true;
        }
    }

    /// <summary>The wait after <paramref name="failures"/> failures in a row: RetryBaseDelay, doubling, at most 10 s.</summary>
    internal static TimeSpan Backoff(Pan123DownloadOptions options, int failures) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, options.RetryBaseDelay.Ticks << Math.Min(failures - 1, 16)));
}
