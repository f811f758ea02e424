using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Pan123;

/// <summary>
/// A token cache in one JSON file readable only by its owner (mode 0600 in a 0700 folder on Unix),
/// by default <c>~/.config/pan123/tokens.json</c>. A file that is corrupt, of another format, or
/// readable by others is ignored and replaced on the next write, never a crash. Writes go to a
/// temporary file that is then renamed, so a reader never sees half a file.
/// </summary>
public sealed class FileTokenCache : IPan123TokenCache
{
    private const string Format = "pan123-token-cache/1";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _path;

    /// <summary>A cache in <paramref name="path"/>.</summary>
    /// <param name="path">The cache file; its folder is created when missing.</param>
    public FileTokenCache(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
    }

    /// <summary>The default cache file: <c>pan123/tokens.json</c> under the user's configuration folder (<c>$XDG_CONFIG_HOME</c> or <c>~/.config</c>).</summary>
    public static string DefaultPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "pan123", "tokens.json");

    /// <summary>The cache file.</summary>
    public string FilePath => _path;

    /// <inheritdoc />
    public async ValueTask<CachedAccessToken?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var entries = await ReadEntriesAsync(cancellationToken).ConfigureAwait(false);
        return entries?[key] is JObject entry
            && entry.Value<string>("accessToken") is { Length: > 0 } token
            && DateTimeOffset.TryParse(entry.Value<string>("expiredAt"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var expiredAt)
            ? new CachedAccessToken(token, expiredAt)
            : null;
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(string key, CachedAccessToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var entries = await ReadEntriesAsync(cancellationToken).ConfigureAwait(false) ?? [];
        entries[key] = new JObject
        {
            ["accessToken"] = token.AccessToken,
            ["expiredAt"] = token.ExpiredAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        var document = new JObject { ["format"] = Format, ["entries"] = entries };

        var folder = Path.GetDirectoryName(_path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temporary = _path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                var writer = new StreamWriter(stream);
                await using (writer.ConfigureAwait(false))
                {
                    await writer.WriteAsync(document.ToString(Formatting.Indented).AsMemory(), cancellationToken).ConfigureAwait(false);
                }
            }

            File.Move(temporary, _path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    // The entries of a trustworthy cache file; null when there is none or it cannot be trusted.
    private async Task<JObject?> ReadEntriesAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!File.Exists(_path) || (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(_path) & ~(OwnerOnly | UnixFileMode.UserExecute)) != 0))
            {
                return null;
            }

            var document = JObject.Parse(await File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false));
            return document.Value<string>("format") == Format && document["entries"] is JObject entries
                ? (JObject)entries.DeepClone()
                : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidCastException)
        {
            return null;
        }
    }
}
