using System.Collections.Concurrent;

namespace Pan123.Sandbox;

/// <summary>
/// The account's direct-link spaces (直链空间): folders whose files have permanent, unsigned links of
/// the form <c>&lt;cdn&gt;/&lt;uid&gt;/&lt;folder&gt;/&lt;file&gt;</c>, as direct-link/url hands out. A space with URL
/// authentication on refuses every unsigned request with 403. Bytes served through these links spend
/// the direct-link traffic, not the download quota.
/// </summary>
public sealed class DirectLinkSpaces
{
    private readonly SandboxPlatform _platform;
    private readonly ConcurrentDictionary<long, bool> _spaces = new();
    private readonly ConcurrentDictionary<string, long> _paths = new(StringComparer.Ordinal);
    private long _bytesServed;

    internal DirectLinkSpaces(SandboxPlatform platform) => _platform = platform;

    /// <summary>The direct-link traffic the account starts with, in bytes (user/info's <c>directTraffic</c> counts down from it). Default: 1 GiB.</summary>
    public long TrafficBytes { get; set; } = 1L << 30;

    /// <summary>Body bytes served through direct links so far.</summary>
    public long BytesServed => Interlocked.Read(ref _bytesServed);

    /// <summary>The direct-link traffic left, as user/info reports it.</summary>
    public long TrafficLeft => Math.Max(0, TrafficBytes - BytesServed);

    /// <summary>Switches the direct-link space on for <paramref name="folderId"/> and everything under it.</summary>
    /// <param name="folderId">A folder the sandbox knows.</param>
    /// <param name="signedLinks">URL authentication on: the CDN then refuses unsigned links with 403.</param>
    public void Enable(long folderId, bool signedLinks = false)
    {
        if (!_platform.Files.TryGetValue(folderId, out var folder) || folder.Type != 1)
        {
            throw new ArgumentException($"{folderId} is not a folder of the sandbox.", nameof(folderId));
        }

        _spaces[folderId] = signedLinks;
    }

    /// <summary>The file's direct link, or <see langword="null"/> when no space holds it.</summary>
    internal Uri? LinkOf(SandboxFile file)
    {
        if (Locate(file) is not { } found)
        {
            return null;
        }

        // Kept as the server sees a request's path (decoded); handed out percent-encoded.
        _paths[$"{SandboxPlatform.DemoUid}/{string.Join('/', found.Names)}"] = file.FileId;
        return new Uri(_platform.CdnBaseAddress, $"{SandboxPlatform.DemoUid}/{string.Join('/', found.Names.Select(Uri.EscapeDataString))}");
    }

    /// <summary>The file a direct link's (decoded) path names, and whether its space wants signed links; null for a path never handed out.</summary>
    internal (SandboxFile File, bool Signed)? Resolve(string path) =>
        _paths.TryGetValue(path.TrimStart('/'), out var fileId) && _platform.Files.TryGetValue(fileId, out var file) && Locate(file) is { } found
            ? (file, found.Signed)
            : null;

    // The space that holds the file (its nearest enclosing folder with the space on), and the names from that folder down to the file.
    private (bool Signed, List<string> Names)? Locate(SandboxFile file)
    {
        var names = new List<string> { file.Filename };
        for (var parent = file.ParentFileId; _platform.Files.TryGetValue(parent, out var folder); parent = folder.ParentFileId)
        {
            names.Insert(0, folder.Filename);
            if (_spaces.TryGetValue(folder.FileId, out var signed))
            {
                return (signed, names);
            }
        }

        return null;
    }

    internal void Served(int count) => Interlocked.Add(ref _bytesServed, count);
}
