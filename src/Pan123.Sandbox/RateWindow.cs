namespace Pan123.Sandbox;

/// <summary>
/// A per-second request limit as the platform enforces it: a fixed one-second window on the
/// sandbox's clock, with the calls beyond the limit refused (and counted).
/// </summary>
internal sealed class RateWindow(TimeProvider time)
{
    private readonly Lock _gate = new();
    private long _second;
    private int _count;

    /// <summary>Whether one more call fits <paramref name="perSecond"/>; true when there is no limit.</summary>
    public bool TryTake(int? perSecond)
    {
        if (perSecond is not { } limit)
        {
            return true;
        }

        var second = time.GetUtcNow().ToUnixTimeSeconds();
        lock (_gate)
        {
            if (second != _second)
            {
                (_second, _count) = (second, 0);
            }

            return ++_count <= limit;
        }
    }
}
