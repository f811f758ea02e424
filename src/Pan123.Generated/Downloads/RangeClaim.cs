namespace Pan123;

/// <summary>
/// The bytes [<see cref="Position"/>, <see cref="End"/>) one connection is fetching. The transfer moves
/// <see cref="Position"/>; the scheduler may lower <see cref="End"/> to hand the tail to an idle connection.
/// </summary>
internal sealed class RangeClaim(long from, long end, bool sole)
{
    private long _position = from;
    private long _end = end;

    /// <summary>The next byte to fetch.</summary>
    public long Position => Volatile.Read(ref _position);

    /// <summary>Where this claim stops (exclusive).</summary>
    public long End
    {
        get => Volatile.Read(ref _end);
        set => Volatile.Write(ref _end, value);
    }

    /// <summary>
    /// Whether this connection alone fetches everything the file still lacks, up to its end: a CDN that
    /// answers with the whole file can then be followed from byte 0 instead of refused.
    /// </summary>
    public bool Sole { get; } = sole;

    public void Advance(int count) => Interlocked.Add(ref _position, count);

    /// <summary>Starts the claim again at byte 0 of a file of <paramref name="size"/> bytes (the target was emptied).</summary>
    public void RestartAtZero(long size) => (_position, End) = (0, size);

    public override string ToString() => $"[{Position},{End})";
}
