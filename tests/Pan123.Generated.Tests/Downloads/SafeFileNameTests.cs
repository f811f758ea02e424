using System.Text;

namespace Pan123.Tests.Downloads;

/// <summary>Platform names are untrusted: the local name stays in its folder, is valid on every OS and fits beside the side files.</summary>
public sealed class SafeFileNameTests
{
    private static readonly int LongestSuffix = Encoding.UTF8.GetByteCount(".part.json.tmp");

    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../evil/na:me.bin", "____evil_na_me.bin")]
    [InlineData("a\\b", "a_b")]
    [InlineData(".hidden", "hidden")]
    [InlineData("trailing. . ", "trailing")]
    [InlineData("CON", "_CON")]
    [InlineData("nul.txt", "_nul.txt")]
    [InlineData("com1.tar.gz", "_com1.tar.gz")]
    [InlineData("Lpt9", "_Lpt9")]
    [InlineData("CONSOLE.txt", "CONSOLE.txt")]
    [InlineData("", "file-42")]
    [InlineData("...", "_")]
    [InlineData("tab\there", "tab_here")]
    public void Names_are_made_safe(string platformName, string expected) =>
        Assert.Equal(expected, SafeFileName.From(platformName, 42));

    [Fact]
    public void A_missing_name_falls_back_to_the_id() =>
        Assert.Equal("file-7", SafeFileName.From(null, 7));

    [Fact]
    public void A_long_chinese_name_fits_with_the_longest_side_file_suffix_and_keeps_its_extension()
    {
        var name = string.Concat(Enumerable.Repeat("云盘文件", 30)) + ".mp4";

        var safe = SafeFileName.From(name, 1);

        Assert.True(Encoding.UTF8.GetByteCount(safe) + LongestSuffix <= 255, safe);
        Assert.EndsWith(".mp4", safe, StringComparison.Ordinal);
        Assert.StartsWith("云盘文件", safe, StringComparison.Ordinal);
        Assert.Equal(safe, SafeFileName.From(name, 1));
    }

    [Fact]
    public void Two_long_names_with_the_same_beginning_stay_distinct()
    {
        var prefix = new string('长', 120);

        var first = SafeFileName.From(prefix + "A.bin", 1);
        var second = SafeFileName.From(prefix + "B.bin", 1);

        Assert.NotEqual(first, second);
        Assert.True(Encoding.UTF8.GetByteCount(first) + LongestSuffix <= 255);
    }

    [Fact]
    public void A_name_that_fits_is_not_shortened()
    {
        var name = new string('a', 255 - LongestSuffix);

        Assert.Equal(name, SafeFileName.From(name, 1));
        Assert.NotEqual(name + "a", SafeFileName.From(name + "a", 1));
    }
}
