namespace Pan123.Cli;

/// <summary>
/// Turns the platform's file name into a name that stays in the current folder: no path
/// separators, no <c>..</c>, no control characters. The name comes from the server, so it is
/// treated as untrusted.
/// </summary>
internal static class SafeFileName
{
    public static string From(string? platformName, long fileId)
    {
        var name = new string((platformName ?? string.Empty)
            .Select(c => c is '/' or '\\' || char.IsControl(c) || Path.GetInvalidFileNameChars().Contains(c) ? '_' : c)
            .ToArray()).Trim().TrimEnd('.');
        while (name.Contains("..", StringComparison.Ordinal))
        {
            name = name.Replace("..", "_", StringComparison.Ordinal);
        }

        while (name.StartsWith('.'))
        {
            name = name[1..];
        }

        return name.Length == 0 ? $"file-{fileId}" : name;
    }
}
