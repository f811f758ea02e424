using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Pan123;

/// <summary>
/// One file fetched in ranges over several connections into its part file. It starts with one connection
/// and adds one while the total rate grows (up to <see cref="Pan123DownloadOptions.MaxConnections"/>, within
/// the downloader's connection budget), and closes one when the CDN answers 429 or 503 or drops one. Every finished range
/// goes into the note, so a crash loses only ranges in flight and a rerun fetches only the gaps. The MD5
/// follows the finished prefix, reading back what arrived out of order; memory stays two buffers a connection.
/// </summary>
internal sealed class RangedDownload(
    HttpClient cdn, Pan123DownloadOptions options, TimeProvider time, RemoteFile detail, CdnLinks links,
    PartFile part, IncrementalHash? md5, IProgress<DownloadProgress>? progress, SemaphoreSlim budget) : IDisposable
{
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(500);

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly List<(long From, long To)> _finished = [.. part.Kept];
    private readonly Queue<(long From, long To)> _pending = new();
    private string? _validator = part.Validator;
    private readonly ProgressMeter _meter = new(time, progress, part.Kept.Sum(r => r.To - r.From), detail.Size);
    private long _hashedTo = part.ResumedFrom;
    private long _received;
    private int _active;
    private int _target = 1;

    /// <summary>The most connections this file had open at once.</summary>
    public int MostConnections { get; private set; }

    /// <summary>Whether a file of <paramref name="size"/> bytes is worth ranges under <paramref name="options"/>.</summary>
    public static bool Fits(long size, Pan123DownloadOptions options) => options.MaxConnections > 1 && size >= 2 * options.MinRangeSize;

    /// <summary>Fetches every byte the part file lacks, then hashes what is left of the file.</summary>
    /// <exception cref="RangesIgnoredException">The CDN answered a range with the whole file or other content: fetch it in order instead.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Plan();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = new List<Task>();
        await budget.WaitAsync(cancellationToken).ConfigureAwait(false);
        workers.Add(Start(stop));

        var growing = true;
        var (lastBytes, lastRate, lastSample) = (0L, 0.0, time.GetTimestamp());
        while (true)
        {
            var all = Task.WhenAll(workers);
            if (await Task.WhenAny(all, Task.Delay(Sample, time, stop.Token)).ConfigureAwait(false) == all || stop.IsCancellationRequested)
            {
                break;
            }

            // One more connection while the total rate keeps growing by a tenth or more; none after a 429.
            var received = Interlocked.Read(ref _received);
            var rate = (received - lastBytes) / time.GetElapsedTime(lastSample).TotalSeconds;
            (lastBytes, lastSample) = (received, time.GetTimestamp());
            lock (_gate)
            {
                growing &= _target == _active && (lastRate == 0 || rate >= lastRate * 1.1);
                if (!growing || _target >= options.MaxConnections || _pending.Count == 0 || !budget.Wait(0, CancellationToken.None))
                {
                    continue;
                }

                _target++;
                lastRate = rate;
            }

            workers.Add(Start(stop));
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

        await HashFinishedPrefixAsync(cancellationToken).ConfigureAwait(false);
        Report(force: true);
    }

    public void Dispose() => _writing.Dispose();

    // The gaps between what the part file holds, cut into ranges of at least the floor (the last excepted).
    private void Plan()
    {
        var gaps = new List<(long From, long To)>();
        var at = 0L;
        foreach (var (from, to) in _finished)
        {
            if (from > at)
            {
                gaps.Add((at, from));
            }

            at = Math.Max(at, to);
        }

        if (at < detail.Size)
        {
            gaps.Add((at, detail.Size));
        }

        var missing = gaps.Sum(g => g.To - g.From);
        var piece = Math.Max(options.MinRangeSize, missing / (options.MaxConnections * 4));
        foreach (var (from, to) in gaps)
        {
            for (var start = from; start < to; start += piece)
            {
                var end = to - start < piece + options.MinRangeSize ? to : start + piece;
                _pending.Enqueue(Widened(start, end));
                start = end - piece;
            }
        }
    }

    // A range below the floor that does not run to the end starts earlier, over finished bytes (the same
    // content, as If-Range guarantees): CDNs refused small ranges with 403.
    private (long From, long To) Widened(long from, long to) =>
        to - from >= options.MinRangeSize || to == detail.Size ? (from, to) : (Math.Max(0, to - options.MinRangeSize), to);

    private Task Start(CancellationTokenSource stop)
    {
        lock (_gate)
        {
            _active++;
            MostConnections = Math.Max(MostConnections, _active);
        }

        return Task.Run(() => WorkAsync(stop), CancellationToken.None);
    }

    private async Task WorkAsync(CancellationTokenSource stop)
    {
        var throttledInARow = 0;
        try
        {
            while (Take() is { } range)
            {
                var transfer = new CdnTransfer(cdn, options, time, detail.FileId, detail.Size, links)
                {
                    RangeEnd = range.To,
                    StopWhenThrottled = true,
                    ValidatorChanged = (tag, _) =>
                    {
                        _validator ??= tag;
                        return Task.CompletedTask;
                    },
                };
                transfer.ResumeAt(range.From, _validator);
                try
                {
                    await transfer.RunAsync(new RangeWriter(part.Stream.SafeFileHandle, range.From, this), md5: null, progress: null, stop.Token).ConfigureAwait(false);
                }
                catch (CdnThrottledException e) when (!stop.IsCancellationRequested)
                {
                    // Too many connections for this CDN (a 429, a 503, a drop): keep what arrived, give the rest back, and close this one.
                    // The last one waits and tries again, as often as a single stream would.
                    await FinishAsync((range.From, transfer.Written), CancellationToken.None).ConfigureAwait(false);
                    if (GiveBack((transfer.Written, range.To)))
                    {
                        return;
                    }

                    throttledInARow = transfer.Written > range.From ? 1 : throttledInARow + 1;
                    if (throttledInARow > options.MaxRetries)
                    {
                        throw new Pan123DownloadException(detail.FileId, DownloadFailure.TransferFailed, $"{e.Message}, {throttledInARow} times in a row on the only connection left.", e.Status, e.InnerException ?? e);
                    }

                    await Task.Delay(CdnTransfer.Backoff(options, throttledInARow), time, stop.Token).ConfigureAwait(false);
                    continue;
                }
                catch (RangesIgnoredException)
                {
                    throw;
                }
                catch
                {
                    // Cancelled or failed: what arrived of this range is kept for the next run.
                    await FinishAsync((range.From, transfer.Written), CancellationToken.None).ConfigureAwait(false);
                    throw;
                }

                await FinishAsync(range, stop.Token).ConfigureAwait(false);
                throttledInARow = 0;
            }
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            lock (_gate)
            {
                _active--;
            }

            budget.Release();
        }
    }

    // The next range for a connection, or null when none is left or there are more connections than wanted.
    private (long From, long To)? Take()
    {
        lock (_gate)
        {
            return _active > _target || !_pending.TryDequeue(out var range) ? null : range;
        }
    }

    // Returns a range's rest to the queue; true when this connection should close.
    private bool GiveBack((long From, long To) rest)
    {
        lock (_gate)
        {
            if (rest.To > rest.From)
            {
                _pending.Enqueue(Widened(rest.From, rest.To));
            }

            if (_active > 1)
            {
                _target = Math.Min(_target, _active - 1);
                return true;
            }

            return false;
        }
    }

    // Records a finished range in the note (so a crash cannot lose it) and extends the hash over the prefix.
    private async Task FinishAsync((long From, long To) range, CancellationToken cancellationToken)
    {
        if (range.To <= range.From)
        {
            return;
        }

        await _writing.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            List<(long From, long To)> finished;
            lock (_gate)
            {
                _finished.Add(range);
                var merged = PartFile.Note.Merge(_finished, detail.Size);
                _finished.Clear();
                _finished.AddRange(merged);
                finished = [.. merged];
            }

            await part.SaveRangesAsync(_validator, finished, CancellationToken.None).ConfigureAwait(false);
            await HashFinishedPrefixCoreAsync(finished, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task HashFinishedPrefixAsync(CancellationToken cancellationToken)
    {
        List<(long From, long To)> finished;
        lock (_gate)
        {
            finished = [.. _finished];
        }

        await HashFinishedPrefixCoreAsync(finished, cancellationToken).ConfigureAwait(false);
    }

    // The hash must see the bytes in order: it reads back the finished bytes after what it has hashed.
    private async Task HashFinishedPrefixCoreAsync(List<(long From, long To)> finished, CancellationToken cancellationToken)
    {
        var prefix = finished.Count > 0 && finished[0].From == 0 ? finished[0].To : 0;
        if (md5 is null || prefix <= _hashedTo)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            while (_hashedTo < prefix)
            {
                var read = await RandomAccess.ReadAsync(part.Stream.SafeFileHandle, buffer.AsMemory(0, (int)Math.Min(buffer.Length, prefix - _hashedTo)), _hashedTo, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException($"the part file ended at {_hashedTo} bytes while its note says {prefix}.");
                }

                md5.AppendData(buffer, 0, read);
                _hashedTo += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Received(int count)
    {
        Interlocked.Add(ref _received, count);
        Report(force: false);
    }

    private void Report(bool force) =>
        _meter.Report(Math.Min(detail.Size, _meter.StartedWith + Interlocked.Read(ref _received)), force);

    /// <summary>Writes one range's bytes where they belong in the part file, in order from its start.</summary>
    private sealed class RangeWriter(SafeFileHandle handle, long start, RangedDownload owner) : Stream
    {
        private long _position = start;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await RandomAccess.WriteAsync(handle, buffer, _position, cancellationToken).ConfigureAwait(false);
            _position += buffer.Length;
            owner.Received(buffer.Length);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            RandomAccess.Write(handle, buffer.AsSpan(offset, count), _position);
            _position += count;
            owner.Received(count);
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
