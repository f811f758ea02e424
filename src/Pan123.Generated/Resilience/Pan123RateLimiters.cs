using System.Collections.Frozen;
using System.Threading.RateLimiting;

namespace Pan123;

/// <summary>
/// Client-side request rates per endpoint for one registered client (one account): at most N
/// requests to a path in each one-second window, the windows moved on by the given
/// <see cref="TimeProvider"/>; waiting callers go first come, first served. Two registrations never
/// share one. (System.Threading.RateLimiting's limiters time their windows with their own
/// Stopwatch even when replenished by hand, so they cannot follow a fake clock in tests.)
/// </summary>
internal sealed class Pan123RateLimiters : IDisposable
{
    private readonly FrozenDictionary<string, Window> _windows;
    private readonly ITimer? _tick;

    public Pan123RateLimiters(IReadOnlyDictionary<string, int> requestsPerSecond, TimeProvider timeProvider)
    {
        _windows = requestsPerSecond
            .Where(limit => limit.Value > 0)
            .ToFrozenDictionary(limit => limit.Key, limit => new Window(limit.Value), StringComparer.Ordinal);
        if (_windows.Count > 0)
        {
            _tick = timeProvider.CreateTimer(_ => NextWindow(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Waits for permission to send a request to <paramref name="path"/>; paths without a limit pass at once.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        if (_windows.TryGetValue(path, out var window))
        {
            await window.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return Granted.Lease;
    }

    public void Dispose() => _tick?.Dispose();

    private void NextWindow()
    {
        foreach (var window in _windows.Values)
        {
            window.Open();
        }
    }

    private sealed class Window(int permits)
    {
        private readonly Lock _gate = new();
        private readonly Queue<TaskCompletionSource> _waiting = new();
        private readonly int _permits = permits;
        private int _available = permits;

        public async Task WaitAsync(CancellationToken cancellationToken)
        {
            TaskCompletionSource waiter;
            lock (_gate)
            {
                if (_available > 0 && _waiting.Count == 0)
                {
                    _available--;
                    return;
                }

                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Enqueue(waiter);
            }

            // A cancelled waiter stays queued but can no longer be granted, so it uses no permit.
            using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
            {
                await waiter.Task.ConfigureAwait(false);
            }
        }

        public void Open()
        {
            lock (_gate)
            {
                _available = _permits;
                while (_available > 0 && _waiting.TryDequeue(out var next))
                {
                    if (next.TrySetResult())
                    {
                        _available--;
                    }
                }
            }
        }
    }

    private sealed class Granted : RateLimitLease
    {
        public static readonly RateLimitLease Lease = new Granted();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
