namespace Pan123;

/// <summary>
/// A set of byte ranges, each [from, to), kept sorted and merged: what a part file holds, what its note
/// claims, what is still missing. Not thread-safe; its owners lock around it.
/// </summary>
internal sealed class ByteRanges
{
    private readonly List<(long From, long To)> _ranges = [];

    public ByteRanges()
    {
    }

    public ByteRanges(IEnumerable<(long From, long To)> ranges)
    {
        foreach (var range in ranges)
        {
            Add(range.From, range.To);
        }
    }

    /// <summary>The ranges, sorted and merged.</summary>
    public IReadOnlyList<(long From, long To)> Ranges => _ranges;

    /// <summary>Bytes in all ranges together.</summary>
    public long Total => _ranges.Sum(r => r.To - r.From);

    public bool IsEmpty => _ranges.Count == 0;

    /// <summary>Where the range from byte 0 ends; 0 when byte 0 is not in the set.</summary>
    public long PrefixEnd => _ranges.Count > 0 && _ranges[0].From == 0 ? _ranges[0].To : 0;

    /// <summary>Whether the set holds every byte of [0, <paramref name="size"/>).</summary>
    public bool Covers(long size) => size == 0 || (_ranges.Count > 0 && _ranges[0].From == 0 && _ranges[0].To >= size);

    public ByteRanges Clone() => new(_ranges);

    /// <summary>Adds [from, to); an empty or negative range adds nothing.</summary>
    public void Add(long from, long to)
    {
        if (from < 0 || to <= from)
        {
            return;
        }

        // The first range that ends at or after from, and the first that starts after to: those between merge.
        var first = 0;
        while (first < _ranges.Count && _ranges[first].To < from)
        {
            first++;
        }

        var last = first;
        while (last < _ranges.Count && _ranges[last].From <= to)
        {
            (from, to) = (Math.Min(from, _ranges[last].From), Math.Max(to, _ranges[last].To));
            last++;
        }

        _ranges.RemoveRange(first, last - first);
        _ranges.Insert(first, (from, to));
    }

    /// <summary>Removes [from, to) from the set.</summary>
    public void Remove(long from, long to)
    {
        if (to <= from)
        {
            return;
        }

        for (var i = _ranges.Count - 1; i >= 0; i--)
        {
            var (a, b) = _ranges[i];
            if (b <= from || a >= to)
            {
                continue;
            }

            _ranges.RemoveAt(i);
            if (b > to)
            {
                _ranges.Insert(i, (to, b));
            }

            if (a < from)
            {
                _ranges.Insert(i, (a, from));
            }
        }
    }

    /// <summary>What [0, <paramref name="size"/>) has that this set lacks.</summary>
    public ByteRanges Gaps(long size)
    {
        var gaps = new ByteRanges();
        var at = 0L;
        foreach (var (from, to) in _ranges)
        {
            gaps.Add(at, Math.Min(from, size));
            at = Math.Max(at, to);
        }

        gaps.Add(at, size);
        return gaps;
    }

    /// <summary>Bytes of [from, to) that are in the set.</summary>
    public long Overlap(long from, long to) =>
        _ranges.Sum(r => Math.Max(0, Math.Min(r.To, to) - Math.Max(r.From, from)));

    /// <summary>The range that holds byte <paramref name="at"/>, if one does.</summary>
    public (long From, long To)? Containing(long at)
    {
        foreach (var range in _ranges)
        {
            if (range.From <= at && at < range.To)
            {
                return range;
            }
        }

        return null;
    }

    /// <summary>The set cut at <paramref name="limit"/>: nothing at or past it.</summary>
    public ByteRanges CutAt(long limit)
    {
        var cut = Clone();
        cut.Remove(limit, long.MaxValue);
        return cut;
    }

    public override string ToString() => string.Join(' ', _ranges.Select(r => $"[{r.From},{r.To})"));
}
