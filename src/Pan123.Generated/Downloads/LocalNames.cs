namespace Pan123;

/// <summary>
/// Local names for the entries of one folder: each made safe (<see cref="SafeFileName"/>), none
/// ending like a download's side file (a remote <c>x.part</c> beside a remote <c>x</c> would be
/// taken for x's part file), and distinct (case-insensitively, for file systems that are). Entries
/// are named in id order and a name already taken gets <c> (id)</c> before its extension, so the
/// same listing always gives the same names.
/// </summary>
internal static class LocalNames
{
    public static IReadOnlyDictionary<long, string> For(IEnumerable<(long FileId, string Name)> entries)
    {
        var names = new Dictionary<long, string>();
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, remote) in entries.OrderBy(e => e.FileId))
        {
            var name = SafeFileName.From(remote, id);
            if (PartFile.Suffixes.Any(suffix => name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)))
            {
                name += "_";
            }

            var candidate = name;
            for (var attempt = 0; !taken.Add(candidate); attempt++)
            {
                candidate = WithId(name, id, attempt);
            }

            names[id] = candidate;
        }

        return names;
    }

    private static string WithId(string name, long id, int attempt)
    {
        var dot = name.LastIndexOf('.');
        var (stem, extension) = dot > 0 ? (name[..dot], name[dot..]) : (name, string.Empty);
        var mark = attempt == 0 ? $" ({id})" : $" ({id}-{attempt})";
        var result = new System.Text.StringBuilder(stem).Append(mark).Append(extension).ToString();
        return SafeFileName.From(result, id);
    }
}
