namespace Pan123;

/// <summary>
/// The CDN connections one account registration may hold at once (<see cref="Pan123DownloadOptions.ConnectionBudget"/>),
/// shared by every downloader of the registration, by single streams and ranges alike, and by every file of
/// a batch: a CDN known to answer 429 to too many connections never sees more from this process.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The SemaphoreSlim never creates its wait handle (only WaitAsync and Wait(0) are used), so it holds nothing to dispose.")]
internal sealed class ConnectionBudget(int connections)
{
    private readonly SemaphoreSlim _slots = new(connections, connections);

    /// <summary>Waits for a connection: the first one of a download.</summary>
    public Task TakeAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    /// <summary>Takes a connection if one is free now: the further ones of a download never wait.</summary>
    public bool TryTake() => _slots.Wait(0, CancellationToken.None);

    public void Release() => _slots.Release();
}
