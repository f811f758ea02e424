namespace Pan123;

/// <summary>The token store of one provider when no shared store is configured: a lock and a field.</summary>
internal sealed class MemoryTokenStore : IPan123TokenStore, IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, CachedAccessToken> _entries = new(StringComparer.Ordinal);

    public ValueTask<CachedAccessToken?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_entries)
        {
            return ValueTask.FromResult(_entries.GetValueOrDefault(key));
        }
    }

    public async ValueTask<CachedAccessToken> UpdateAsync(string key, Func<CachedAccessToken?, CancellationToken, ValueTask<CachedAccessToken>> update, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
            var next = await update(current, cancellationToken).ConfigureAwait(false);
            lock (_entries)
            {
                _entries[key] = next;
            }

            return next;
        }
        finally
        {
            _lock.Release();
        }
    }

    public ValueTask CheckpointAsync(string key, CachedAccessToken token, CancellationToken cancellationToken = default)
    {
        lock (_entries)
        {
            _entries[key] = token;
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose() => _lock.Dispose();
}
