namespace Pan123;

using System.Collections.Frozen;

/// <summary>
/// Client-side request rates per operation for one registered client (one account): at most N
/// requests of an operation (by its contract operation id) in any sliding <see cref="Window"/>, on the given <see cref="TimeProvider"/>;
/// waiting callers go first come, first served. Two registrations never share one.
/// </summary>
/// <remarks>
/// A sliding window, not fixed one-second windows: the platform counts in its own seconds, and two
/// fixed windows back to back can let 2N requests through within one of the platform's seconds.
/// The window is a little longer than a second so that network jitter cannot push an (N+1)th request
/// into the platform's second either. (System.Threading.RateLimiting's limiters time themselves with
/// their own Stopwatch, so they could not follow a fake clock in tests.)
/// </remarks>
internal sealed class Pan123RateLimiters : IPan123RateLimiter, IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(1025);

    private readonly System.Collections.Frozen.FrozenDictionary<string, SlidingWindow> _windows;
    private readonly TimeProvider _time;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _pausedUntil = new(StringComparer.Ordinal);

    public Pan123RateLimiters(IReadOnlyDictionary<string, int> requestsPerSecond, TimeProvider timeProvider)
    {
        _time = timeProvider;
        _windows = requestsPerSecond
            .Where(limit => limit.Value > 0)
            .ToFrozenDictionary(limit => limit.Key, limit => new SlidingWindow(limit.Value, timeProvider), StringComparer.Ordinal);
    }

    /// <summary>Waits out a pause of <paramref name="operationId"/>, then for a permit; operations without a limit pass at once.</summary>
    public async ValueTask WaitAsync(string operationId, CancellationToken cancellationToken)
    {
        while (_pausedUntil.TryGetValue(operationId, out var until) && until - _time.GetUtcNow() is var left && left > TimeSpan.Zero)
        {
            await Task.Delay(left, _time, cancellationToken).ConfigureAwait(false);
        }

        if (_windows.TryGetValue(operationId, out var window))
        {
            await window.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask PauseAsync(string operationId, TimeSpan delay, CancellationToken cancellationToken)
    {
        var until = _time.GetUtcNow() + delay;
        _pausedUntil.AddOrUpdate(operationId, until, (_, current) => current > until ? current : until);
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var window in _windows.Values)
        {
            window.Dispose();
        }
    }

    private sealed class SlidingWindow : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly Queue<DateTimeOffset> _granted = new();
        private readonly Queue<TaskCompletionSource> _waiting = new();
        private readonly int _permits;
        private readonly TimeProvider _time;
        private readonly ITimer _wake;

        public SlidingWindow(int permits, TimeProvider time)
        {
            (_permits, _time) = (permits, time);
            _wake = time.CreateTimer(_ => GrantWaiting(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public async Task WaitAsync(CancellationToken cancellationToken)
        {
            TaskCompletionSource waiter;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                Forget(now);
                if (_waiting.Count == 0 && _granted.Count < _permits)
                {
                    _granted.Enqueue(now);
                    return;
                }

                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Enqueue(waiter);
                ScheduleWake(now);
            }

            // A cancelled waiter stays queued but can no longer be granted, so it uses no permit.
            using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
            {
                await waiter.Task.ConfigureAwait(false);
            }
        }

        public void Dispose() => _wake.Dispose();

        private void GrantWaiting()
        {
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                Forget(now);
                while (_granted.Count < _permits && _waiting.TryDequeue(out var next))
                {
                    if (next.TrySetResult())
                    {
                        _granted.Enqueue(now);
                    }
                }

                if (_waiting.Count > 0)
                {
                    ScheduleWake(now);
                }
            }
        }

        private void Forget(DateTimeOffset now)
        {
            while (_granted.TryPeek(out var oldest) && now - oldest >= Window)
            {
                _granted.Dequeue();
            }
        }

        // Wakes when the oldest grant leaves the window, so the next waiter can go.
        private void ScheduleWake(DateTimeOffset now)
        {
            var due = _granted.TryPeek(out var oldest) ? oldest + Window - now : TimeSpan.Zero;
            _wake.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The lease Polly's rate-limiter strategy gets once <see cref="WaitAsync"/> let a request go.</summary>
    internal sealed class Granted : System.Threading.RateLimiting.RateLimitLease
    {
        public static readonly System.Threading.RateLimiting.RateLimitLease Lease = new Granted();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
