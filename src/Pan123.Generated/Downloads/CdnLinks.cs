namespace Pan123;

/// <summary>
/// The CDN links of one download. The first is asked for as soon as the download starts, beside
/// file/detail (download_info does not need its answer), so the first byte arrives one platform
/// round trip sooner. Every later link, after the CDN refused one, is asked for when needed.
/// </summary>
internal sealed class CdnLinks : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<Uri>> _fetch;
    private readonly CancellationTokenSource _firstCancellation;
    private readonly Task<Uri> _first;
    private bool _firstTaken;

    public CdnLinks(Func<CancellationToken, Task<Uri>> fetch, CancellationToken cancellationToken)
    {
        _fetch = fetch;
        _firstCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _first = fetch(_firstCancellation.Token);
    }

    /// <summary>The link asked for at the start the first time, a freshly asked-for one after that.</summary>
    public Task<Uri> NextAsync(CancellationToken cancellationToken)
    {
        if (_firstTaken)
        {
            return _fetch(cancellationToken);
        }

        _firstTaken = true;
        return _first.WaitAsync(cancellationToken);
    }

    /// <summary>Stops and waits for a first link that was not used (a folder, an empty file, a failed file/detail).</summary>
    public async ValueTask DisposeAsync()
    {
        await _firstCancellation.CancelAsync().ConfigureAwait(false);
        // Its failure, if any, is not this download's: whoever used the link has seen it already.
        await ((Task)_first).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _firstCancellation.Dispose();
    }
}
