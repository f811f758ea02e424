namespace Pan123;

/// <summary>
/// The platform answers 401 "tokens number has exceeded the limit" when more than 3 tokens of a
/// client id are live. Minting more does not cure it (each new one pushes another offline), so one
/// registration gets at most one fresh token for it per <see cref="Window"/>; after that the 401
/// reaches the caller, and no fetch loop starts.
/// </summary>
internal sealed class TokenLimitGuard(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private DateTimeOffset? _lastRefresh;

    /// <summary>Whether a 401 with this platform message says the client id has too many live tokens.</summary>
    public static bool IsTokenLimit(string? platformMessage) =>
        platformMessage is not null && platformMessage.Contains("exceeded the limit", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for the first refresh in the window; false when one was spent already.</summary>
    public bool TryTakeRefresh()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_lastRefresh is { } last && now - last < Window)
            {
                return false;
            }

            _lastRefresh = now;
            return true;
        }
    }
}
