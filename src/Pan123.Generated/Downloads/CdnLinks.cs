namespace Pan123;

/// <summary>
/// The CDN links of one download. Each <c>download_info</c> call spends the user's download quota,
/// so a link is asked for only once a transfer is certain (never for a folder, an empty file, a
/// complete part file or a destination that already holds the content), and again only after the
/// CDN refused the one in use.
/// </summary>
internal sealed class CdnLinks(Func<CancellationToken, Task<Uri>> fetch)
{
    private Uri? _current;

    /// <summary>The link in use, asked for on first need.</summary>
    public async Task<Uri> CurrentAsync(CancellationToken cancellationToken) =>
        _current ??= await fetch(cancellationToken).ConfigureAwait(false);

    /// <summary>A new link, after the CDN refused the one in use.</summary>
    public async Task<Uri> FreshAsync(CancellationToken cancellationToken) =>
        _current = await fetch(cancellationToken).ConfigureAwait(false);
}
