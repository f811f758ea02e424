namespace Pan123.Tests.Downloads;

/// <summary>The set of byte ranges that part files, notes and the scheduler keep.</summary>
public sealed class ByteRangesTests
{
    [Fact]
    public void Ranges_that_touch_or_overlap_merge_and_gaps_are_what_is_left()
    {
        var set = new ByteRanges([(10, 20), (30, 40), (20, 25), (35, 50), (60, 60)]);

        Assert.Equal("[10,25) [30,50)", set.ToString());
        Assert.Equal(35, set.Total);
        Assert.Equal("[0,10) [25,30) [50,70)", set.Gaps(70).ToString());
        Assert.False(set.Covers(50));
    }

    [Fact]
    public void Removing_a_middle_splits_a_range_and_the_prefix_is_what_starts_at_zero()
    {
        var set = new ByteRanges([(0, 100)]);

        set.Remove(40, 60);

        Assert.Equal("[0,40) [60,100)", set.ToString());
        Assert.Equal(40, set.PrefixEnd);
        Assert.Equal(20, set.Overlap(30, 70));
        Assert.Equal((60L, 100L), set.Containing(75));
        Assert.Null(set.Containing(50));
        set.Add(40, 60);
        Assert.True(set.Covers(100));
    }
}
