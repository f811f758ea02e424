namespace Pan123.Cli;

using System.Globalization;

/// <summary>
/// The ids of <c>--from-file</c>: one positive file id per line; <c>-</c> reads standard input; blank
/// lines and <c>#</c> comments are ignored. A line that is not a positive id is a usage error naming
/// the line, before any request.
/// </summary>
internal static class IdList
{
    public static async Task<IReadOnlyList<long>> ReadAsync(string source, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = source == "-"
                ? await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)
                : await System.IO.File.ReadAllTextAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the id list '{source}': {e.Message}");
        }

        var ids = new List<long>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var line = (hash >= 0 ? raw[..hash] : raw).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (!long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                throw new UsageException($"{(source == "-" ? "standard input" : source)}, line {number}: '{line}' is not a positive file id.");
            }

            ids.Add(id);
        }

        return ids;
    }
}
