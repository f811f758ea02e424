namespace Pan123;

/// <summary>
/// The in-process side of every stored-token provider: the token in hand while it is fresh, and one
/// fetch at a time otherwise; every caller that needs a token meanwhile awaits the same task. The
/// fetch runs without any caller's cancellation token, so one caller giving up fails no other.
/// </summary>
internal sealed class TokenSingleFlight(Func<CachedAccessToken, bool> isFresh, Func<string?, Task<CachedAccessToken>> fetch)
{
    private readonly Lock _gate = new();
    private CachedAccessToken? _current;
    private Task<CachedAccessToken>? _fetch;

    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && isFresh(current))
        {
            return current.AccessToken;
        }

        return (await Shared(rejected: null).WaitAsync(cancellationToken).ConfigureAwait(false)).AccessToken;
    }

    /// <summary>A token other than <paramref name="rejectedToken"/>, or null when the fetch gave the same one back.</summary>
    public async ValueTask<string?> RefreshAccessTokenAsync(string rejectedToken, CancellationToken cancellationToken)
    {
        var token = await Shared(rejectedToken).WaitAsync(cancellationToken).ConfigureAwait(false);
        return token.AccessToken == rejectedToken ? null : token.AccessToken;
    }

    private Task<CachedAccessToken> Shared(string? rejected)
    {
        lock (_gate)
        {
            if (_current is { } current && isFresh(current) && current.AccessToken != rejected)
            {
                return Task.FromResult(current);
            }

            if (_fetch is not { IsCompleted: false })
            {
                _fetch = Task.Run(async () =>
                {
                    var token = await fetch(rejected).ConfigureAwait(false);
                    Volatile.Write(ref _current, token);
                    return token;
                });
            }

            return _fetch;
        }
    }
}
