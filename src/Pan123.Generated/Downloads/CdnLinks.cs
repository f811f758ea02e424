namespace Pan123;

/// <summary>
/// The CDN links of one download. Each <c>download_info</c> call spends the user's download quota,
/// so a link is asked for only once a transfer is certain (never for a folder, an empty file, a
/// complete part file or a destination that already holds the content), and again only after the
/// CDN refused the one in use. <paramref name="refusedForGood"/> names a refusal that a new link cannot
/// mend (a direct link is permanent: its 403 is the space's URL authentication, not an expiry).
/// </summary>
internal sealed class CdnLinks(Func<CancellationToken, Task<Uri>> fetch, Action refreshing, Func<int, Exception?>? refusedForGood = null)
{
    // Several ranges share the links: one fetch serves everyone who asks while it runs.
    private readonly Lock _gate = new();
    private Task<Uri>? _current;

    /// <summary>The link in use, asked for on first need (again after a failed ask).</summary>
    public Task<Uri> CurrentAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _current is { IsFaulted: false, IsCanceled: false } known ? known : _current = fetch(cancellationToken);
        }
    }

    /// <summary>A new link after the CDN refused <paramref name="refused"/> with <paramref name="status"/>; the one another range already asked for, if it did.</summary>
    /// <exception cref="Pan123DownloadException">The refusal is one a new link cannot mend.</exception>
    public Task<Uri> FreshAsync(Uri refused, int status, CancellationToken cancellationToken)
    {
        if (refusedForGood?.Invoke(status) is { } final)
        {
            throw final;
        }

        lock (_gate)
        {
            var newer = _current is { IsCompleted: false } || (_current is { IsCompletedSuccessfully: true } done && done.Result != refused);
            if (newer)
            {
                return _current!;
            }

            refreshing();
            return _current = fetch(cancellationToken);
        }
    }
}
