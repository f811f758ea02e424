namespace Pan123;

/// <summary>
/// The <c>&lt;destination&gt;.part</c> file a download writes to, with its <see cref="PartNote"/>: it owns the
/// bytes (written at any offset, by any number of connections), what is on disk for sure, the order in
/// which that is made durable, and the MD5 of the finished prefix. The part file is held open with an
/// exclusive lock for the whole download, so a second download to the same destination is refused at
/// once; neither file is ever written through a link. The destination name is only ever written by
/// renaming a complete, verified part file.
/// </summary>
/// <remarks>
/// Checkpoints: a background loop flushes the data to disk and then replaces the note (temporary file,
/// flushed, renamed, folder flushed), so the note never claims a byte that is not durable. One starts once
/// a run of bytes holds half of <see cref="Pan123DownloadOptions.CheckpointSize"/> not yet in the note, or
/// half of <see cref="Pan123DownloadOptions.CheckpointInterval"/> after the first such byte; a connection
/// waits only when its run reaches the whole size while a sync is still under way. So a crash loses at most
/// that much per connection, and the syncs stay off the copy path.
/// </remarks>
internal sealed class PartFile : IByteTarget, IAsyncDisposable
{
    /// <summary>The suffixes of the side files next to a destination; the longest decides how long a safe name may be.</summary>
    public static readonly string[] Suffixes = [".part", ".part.json", ".part.json.tmp"];

    private const int ReadBackChunk = 1 << 20;

    private readonly string _notePath;
    private readonly long _fileId;
    private readonly string _md5;
    private readonly long _size;
    private readonly bool _inOrder;
    private readonly FileStream _stream;
    private readonly Pan123DownloadOptions _options;
    private readonly TimeProvider _time;
    private readonly ContentHash? _hash;

    private readonly Lock _gate = new();
    // Bytes written by this run or proven by the note; what the next note may claim.
    private ByteRanges _held = new();
    // Bytes kept from an earlier run that only the final MD5 can vouch for (past an in-order note, or without one).
    private ByteRanges _tentative = new();
    // What the note on disk claims.
    private ByteRanges _durable = new();
    private long? _oldestUnsaved;
    private TaskCompletionSource _saved = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly SemaphoreSlim _checkpointing = new(1, 1);
    private readonly System.Threading.Channels.Channel<bool> _checkpointDue = System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
    private readonly System.Threading.Channels.Channel<bool> _hashDue = System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
    private CancellationTokenSource? _background;
    private Task _checkpoints = Task.CompletedTask;
    private Task _hashing = Task.CompletedTask;
    private ITimer? _timer;
    private bool _closed;

    private PartFile(string destination, long fileId, string md5, long size, bool inOrder, FileStream stream, Pan123DownloadOptions options, TimeProvider time)
    {
        Destination = destination;
        PartPath = destination + ".part";
        _notePath = PartPath + ".json";
        (_fileId, _md5, _size, _inOrder, _stream, _options, _time) = (fileId, md5, size, inOrder, stream, options, time);
        _hash = options.VerifyChecksum ? new ContentHash() : null;
    }

    public string Destination { get; }

    public string PartPath { get; }

    /// <summary>The CDN validator for <c>If-Range</c>; null when unknown.</summary>
    public string? Validator { get; private set; }

    /// <summary>Bytes kept from an earlier run.</summary>
    public long ResumedFrom { get; private set; }

    /// <summary>Whether bytes kept from an earlier run are not proven by a note; only the final MD5 vouches for them.</summary>
    public bool HasTentative
    {
        get
        {
            lock (_gate)
            {
                return !_tentative.IsEmpty;
            }
        }
    }

    /// <summary>The bytes of the file the part does not hold yet.</summary>
    public ByteRanges Missing
    {
        get
        {
            lock (_gate)
            {
                return Holding().Gaps(_size);
            }
        }
    }

    /// <summary>Whether the part holds every byte of the file.</summary>
    public bool IsComplete
    {
        get
        {
            lock (_gate)
            {
                return Holding().Covers(_size);
            }
        }
    }

    /// <summary>A seam for the durability tests: each write, checkpoint snapshot, data flush, note and commit, in order.</summary>
    internal Action<string>? Trace { get; init; }

    /// <summary>
    /// Opens and locks the part file. Keeps what its note proves when the note names the same file and
    /// content; keeps bytes past an in-order note, or in a part file without a note, as tentative when the
    /// MD5 will check the result; starts empty otherwise. Then starts the checkpoints and the hashing.
    /// </summary>
    /// <remarks><paramref name="inOrder"/>: this run writes from one connection in order (its note says so).</remarks>
    /// <exception cref="FileInUseException">Another download holds the part file.</exception>
    public static async Task<PartFile> OpenAsync(string destination, RemoteFile file, bool inOrder, Pan123DownloadOptions options, TimeProvider time, CancellationToken cancellationToken, Action<string>? trace = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (stream, _) = LinkSafeFile.OpenOrCreate(destination + ".part");
        var part = new PartFile(destination, file.FileId, file.ETag, file.Size, inOrder, stream, options, time) { Trace = trace };
        try
        {
            var length = stream.Length;
            var note = part.ReadNote();
            var fits = length <= file.Size;
            if (note is not null && note.FileId == file.FileId && string.Equals(note.Md5, file.ETag, StringComparison.OrdinalIgnoreCase) && fits)
            {
                part._held = note.Claimed(length);
                if (note.Ranges is null || note.InOrder != false)
                {
                    // An in-order writer appends past its note: those bytes are kept where the MD5 will check them.
                    part._tentative = part._hash is null ? new ByteRanges() : part._held.Gaps(length);
                }

                part.Validator = part.Holding().IsEmpty ? null : note.Validator;
            }
            else if (note is null && part._hash is not null && fits)
            {
                part._tentative = new ByteRanges([(0, length)]);
            }

            part._durable = part._held.Clone();
            part.ResumedFrom = part.Holding().Total;
            if (part.ResumedFrom == 0 && length > 0)
            {
                // Only a file with stale bytes is truncated: ext4 flushes a file truncated to zero when it
                // is closed (auto_da_alloc), which cost 0.7 s per GiB at the end of every download.
                stream.SetLength(0);
            }

            await part.SaveNoteAsync(part._held).ConfigureAwait(false);
            part.StartBackground();
            return part;
        }
        catch
        {
            await part.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public void AdoptValidator(string tag)
    {
        lock (_gate)
        {
            Validator ??= tag;
        }
    }

    /// <summary>
    /// Writes bytes at their place in the file and records them. Waits only when this run of bytes holds a
    /// whole <see cref="Pan123DownloadOptions.CheckpointSize"/> not yet in the note (a disk slower than the network).
    /// </summary>
    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await RandomAccess.WriteAsync(_stream.SafeFileHandle, bytes, offset, cancellationToken).ConfigureAwait(false);
        Trace?.Invoke($"write {offset} {offset + bytes.Length}");
        lock (_gate)
        {
            _held.Add(offset, offset + bytes.Length);
            _oldestUnsaved ??= _time.GetTimestamp();
        }

        _hashDue.Writer.TryWrite(true);
        while (UnsavedRun(offset, out var saved) is var unsaved && unsaved * 2 >= _options.CheckpointSize)
        {
            _checkpointDue.Writer.TryWrite(true);
            if (unsaved < _options.CheckpointSize)
            {
                return;
            }

            await saved.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Bytes of the run that holds offset that the note does not claim yet, and the task of the next checkpoint.
    private long UnsavedRun(long offset, out Task saved)
    {
        lock (_gate)
        {
            saved = _saved.Task;
            var run = _held.Containing(offset)!.Value;
            return run.To - run.From - _durable.Overlap(run.From, run.To);
        }
    }

    /// <summary>
    /// Makes everything written so far durable and claims it in the note: data flushed first, then the note
    /// replaced atomically. Runs one at a time; the background loop calls it, and so do the end of a run and
    /// the tests.
    /// </summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        await _checkpointing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ByteRanges snapshot;
            lock (_gate)
            {
                _oldestUnsaved = null;
                if (_held.Total == _durable.Total)
                {
                    return;
                }

                // Every byte in the snapshot was written before it was taken: the flush below covers it.
                snapshot = _held.Clone();
            }

            Trace?.Invoke("snapshot");

            FlushData();
            await SaveNoteAsync(snapshot).ConfigureAwait(false);
            TaskCompletionSource saved;
            lock (_gate)
            {
                _durable = snapshot;
                (saved, _saved) = (_saved, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            saved.TrySetResult();
        }
        finally
        {
            _checkpointing.Release();
        }
    }

    /// <summary>Empties the part file, to fetch the content again from byte 0 (the CDN sent other content); no write may be under way.</summary>
    public async ValueTask RestartAsync(CancellationToken cancellationToken)
    {
        await StopBackgroundAsync().ConfigureAwait(false);
        _stream.SetLength(0);
        lock (_gate)
        {
            (_held, _tentative, _durable, Validator, ResumedFrom) = (new(), new(), new(), null, 0);
            _hash?.Reset();
        }

        await SaveNoteAsync(_held).ConfigureAwait(false);
        StartBackground();
    }

    /// <summary>
    /// Gives up the tentative bytes after <see cref="FinishAsync"/> found that the MD5 does not match: they
    /// are fetched again, and only they (what the note proves stays). The hash starts again from byte 0.
    /// </summary>
    public void ForgetTentative()
    {
        lock (_gate)
        {
            ResumedFrom -= _tentative.Total;
            _tentative = new ByteRanges();
            _hash?.Reset();
        }

        StartBackground();
    }

    /// <summary>
    /// Ends the run's fetching: the checkpoints stop, the hash reads what is left of the file, and the part
    /// must hold every byte; a gap fails the download rather than reach the destination name.
    /// </summary>
    /// <returns>The MD5 and, when it does not match, what is wrong; (null, null) without verification.</returns>
    public async Task<(string? Md5, string? Problem)> FinishAsync(CancellationToken cancellationToken)
    {
        await StopBackgroundAsync().ConfigureAwait(false);
        if (!IsComplete)
        {
            throw new Pan123DownloadException(_fileId, DownloadFailure.TransferFailed, $"the part file lacks bytes {Missing} of the file; they are fetched on the next run.");
        }

        // Everything is claimed before the MD5 is read: a crash from here on costs no byte.
        await CheckpointAsync(cancellationToken).ConfigureAwait(false);

        if (_hash is null)
        {
            return (null, null);
        }

        await HashPrefixAsync(cancellationToken).ConfigureAwait(false);
        return _hash.Check(_md5);
    }

    /// <summary>
    /// Flushes the part file to disk and renames it to the destination, then flushes the folder, so a
    /// crash or power loss leaves either the part file or the complete destination. Without
    /// <paramref name="overwrite"/> an existing destination is never replaced.
    /// </summary>
    /// <exception cref="IOException">The destination appeared meanwhile and <paramref name="overwrite"/> is off.</exception>
    public async Task CommitAsync(bool overwrite)
    {
        await StopBackgroundAsync().ConfigureAwait(false);
        FlushData();

        // The note goes first: a crash before the rename leaves a complete part file without a note,
        // which the next run verifies by its MD5 and renames.
        System.IO.File.Delete(_notePath);
        if (OperatingSystem.IsWindows())
        {
            // Windows cannot rename a file this process holds without sharing.
            await CloseAsync(checkpoint: false).ConfigureAwait(false);
        }

        // Renamed while still locked on Unix: nobody can take the part file between the rename and the close.
        System.IO.File.Move(PartPath, Destination, overwrite);
        LinkSafeFile.FlushFolder(System.IO.Path.GetDirectoryName(Destination)!);
        Trace?.Invoke("commit");
        await CloseAsync(checkpoint: false).ConfigureAwait(false);
    }

    /// <summary>Deletes the part file and its note: what they hold is known to be wrong.</summary>
    public async Task DiscardAsync()
    {
        await StopBackgroundAsync().ConfigureAwait(false);
        System.IO.File.Delete(PartPath);
        System.IO.File.Delete(_notePath);
        await CloseAsync(checkpoint: false).ConfigureAwait(false);
    }

    /// <summary>Stops, keeping for the next run everything written so far (a last checkpoint).</summary>
    public ValueTask DisposeAsync() => CloseAsync(checkpoint: true);

    private ByteRanges Holding()
    {
        var all = _held.Clone();
        foreach (var (from, to) in _tentative.Ranges)
        {
            all.Add(from, to);
        }

        return all;
    }

    private void StartBackground()
    {
        _background = new CancellationTokenSource();
        var stop = _background.Token;
        // The timer runs on the download's clock, so tests step it; a quarter of the interval keeps the bound.
        var tick = _options.CheckpointInterval / 4;
        _timer = _time.CreateTimer(_ => CheckAge(), null, tick, tick);
        _checkpoints = Task.Run(() => CheckpointLoopAsync(stop), CancellationToken.None);
        _hashing = _hash is null ? Task.CompletedTask : Task.Run(() => HashLoopAsync(stop), CancellationToken.None);
    }

    private void CheckAge()
    {
        lock (_gate)
        {
            if (_oldestUnsaved is not { } oldest || _time.GetElapsedTime(oldest) * 2 < _options.CheckpointInterval)
            {
                return;
            }
        }

        _checkpointDue.Writer.TryWrite(true);
    }

    private async Task StopBackgroundAsync()
    {
        if (_background is null)
        {
            return;
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        await _background.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_checkpoints, _hashing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _background.Dispose();
        (_background, _timer) = (null, null);
        // A failed checkpoint or read-back surfaces here, not as a silent loss.
        await Task.WhenAll(_checkpoints, _hashing).ConfigureAwait(false);
    }

    private async Task CheckpointLoopAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var _ in _checkpointDue.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                await CheckpointAsync(stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task HashLoopAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var _ in _hashDue.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                await HashPrefixAsync(stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    // The hash must see the bytes in order: it reads back (from the page cache) the prefix it has not seen.
    private async Task HashPrefixAsync(CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ReadBackChunk);
        try
        {
            while (true)
            {
                long prefix;
                lock (_gate)
                {
                    prefix = Holding().PrefixEnd;
                }

                if (_hash!.Position >= prefix)
                {
                    return;
                }

                var wanted = (int)Math.Min(ReadBackChunk, prefix - _hash.Position);
                var read = await RandomAccess.ReadAsync(_stream.SafeFileHandle, buffer.AsMemory(0, wanted), _hash.Position, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException($"the part file ended at {_hash.Position} bytes while {prefix} were written.");
                }

                _hash.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void FlushData()
    {
        _stream.Flush(flushToDisk: true);
        Trace?.Invoke("flush");
    }

    // Replaces the note atomically (a temporary file, flushed, then renamed over the old note, then the
    // folder flushed), so a crash leaves the old note or the new one, and a link at the note's name is
    // replaced, not followed.
    private async Task SaveNoteAsync(ByteRanges claimed)
    {
        string? validator;
        lock (_gate)
        {
            validator = Validator;
        }

        var temporary = _notePath + ".tmp";
        var json = PartNote.For(_fileId, _md5, validator, claimed, _inOrder).ToJson();
        System.IO.File.Delete(temporary);
        var stream = LinkSafeFile.TryCreateNew(temporary) ?? throw new IOException($"'{temporary}' was created by someone else while this download held its part file.");
        await using (stream.ConfigureAwait(false))
        {
            // Not cancelled half-way: a note is small, and a half-written temporary file would be left behind.
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(json), CancellationToken.None).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        System.IO.File.Move(temporary, _notePath, overwrite: true);
        LinkSafeFile.FlushFolder(System.IO.Path.GetDirectoryName(_notePath)!);
        Trace?.Invoke($"note {claimed}");
    }

    private async ValueTask CloseAsync(bool checkpoint)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        try
        {
            await StopBackgroundAsync().ConfigureAwait(false);
            if (checkpoint)
            {
                await CheckpointAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Closing must not hide the failure that ended the download; the note keeps its last claim.
        }
        finally
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
            _hash?.Dispose();
            _checkpointing.Dispose();
        }
    }

    private PartNote? ReadNote()
    {
        try
        {
            // A link at the note's name is not read: whoever planted it does not get to say what the part holds.
            return System.IO.File.Exists(_notePath) && !LinkSafeFile.IsLink(_notePath) ? PartNote.Parse(System.IO.File.ReadAllText(_notePath)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A note that cannot be read counts as none: the kept bytes are then vouched for by the MD5 only.
            return null;
        }
    }
}
