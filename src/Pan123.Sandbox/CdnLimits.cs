namespace Pan123.Sandbox;

/// <summary>
/// What real CDNs impose on a client that opens several connections, so multi-connection downloads can
/// be tested on loopback: a rate cap per connection, a cap on concurrent connections per link (429
/// beyond it, as peers of this platform saw) and a smallest range served (403 below it). All off by default.
/// </summary>
public sealed class CdnLimits
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, int> _open = [];
    private long _bytesSent;

    /// <summary>Bytes a second one response may carry; null for no cap.</summary>
    public long? BytesPerSecondPerConnection { get; set; }

    /// <summary>Responses one file's links may have in flight at once; null for no cap. Beyond it: HTTP 429.</summary>
    public int? MaxConnectionsPerLink { get; set; }

    /// <summary>The smallest range served, except a range that runs to the end of the file; null for none. Below it: HTTP 403.</summary>
    public long? MinRangeBytes { get; set; }

    /// <summary>How many requests were refused with 429 for too many connections.</summary>
    public int RefusedForConnections { get; private set; }

    /// <summary>Body bytes the CDN has handed to its connections, all files together: what an account's traffic counts.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    internal void Sent(int count) => Interlocked.Add(ref _bytesSent, count);

    /// <summary>The most responses that were in flight at once for one file.</summary>
    public int MostConcurrent { get; private set; }

    /// <summary>The most responses that were in flight at once, all files together.</summary>
    public int MostConcurrentInAll { get; private set; }

    /// <summary>Counts a response in for <paramref name="fileId"/>; false (and counted as refused) when the cap is reached.</summary>
    internal bool TryEnter(long fileId)
    {
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(fileId);
            if (MaxConnectionsPerLink is { } cap && open >= cap)
            {
                RefusedForConnections++;
                return false;
            }

            _open[fileId] = open + 1;
            MostConcurrent = Math.Max(MostConcurrent, open + 1);
            MostConcurrentInAll = Math.Max(MostConcurrentInAll, _open.Values.Sum());
            return true;
        }
    }

    /// <summary>Counts a response out.</summary>
    internal void Leave(long fileId)
    {
        lock (_gate)
        {
            _open[fileId]--;
        }
    }

    /// <summary>Whether a range of <paramref name="length"/> bytes that ends at <paramref name="end"/> is too small to serve.</summary>
    internal bool TooSmall(long length, long end, long fileSize) => MinRangeBytes is { } floor && length < floor && end < fileSize - 1;
}
