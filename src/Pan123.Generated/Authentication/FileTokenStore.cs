using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Pan123;

/// <summary>
/// A token store in one JSON file readable only by its owner (mode 0600 in a 0700 folder on Unix),
/// by default <c>~/.config/pan123/tokens.json</c>, shared by every process of the user on the
/// machine. Updates hold an exclusive lock on <c>tokens.json.lock</c> beside it and re-read the file
/// first, so any number of processes that start together make one token request. A file that is
/// corrupt, of another format, or readable by others is ignored and replaced on the next write,
/// never a crash. Writes go to a temporary file that is then renamed, so a reader never sees half a file.
/// </summary>
public sealed class FileTokenStore : IPan123TokenStore
{
    private const string Format = "pan123-token-cache/1";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _path;

    /// <summary>A store in <paramref name="path"/>.</summary>
    /// <param name="path">The store's file; its folder is created when missing.</param>
    public FileTokenStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
    }

    /// <summary>How long an update waits for another process's lock before it gives up.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The default file: <c>pan123/tokens.json</c> under the user's configuration folder (<c>$XDG_CONFIG_HOME</c> or <c>~/.config</c>).</summary>
    public static string DefaultPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "pan123", "tokens.json");

    /// <summary>The store's file.</summary>
    public string FilePath => _path;

    /// <inheritdoc />
    public async ValueTask<CachedAccessToken?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var entries = await ReadEntriesAsync(cancellationToken).ConfigureAwait(false);
        return TokenEntry.FromJson(entries?[key]);
    }

    /// <inheritdoc />
    public async ValueTask<CachedAccessToken> UpdateAsync(string key, Func<CachedAccessToken?, CancellationToken, ValueTask<CachedAccessToken>> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        CreateFolder();
        using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        var current = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        var next = await update(current, cancellationToken).ConfigureAwait(false);
        if (!ReferenceEquals(next, current))
        {
            await WriteAsync(key, next, cancellationToken).ConfigureAwait(false);
        }

        return next;
    }

    /// <inheritdoc />
    public ValueTask CheckpointAsync(string key, CachedAccessToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return WriteAsync(key, token, cancellationToken);
    }

    // An exclusive lock on a file beside the store (flock on Unix, a sharing lock on Windows), waited for
    // in short steps: the holder is one token request away from letting go.
    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var lockPath = _path + ".lock";
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        var started = Environment.TickCount64;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, options);
            }
            catch (IOException) when (Environment.TickCount64 - started < LockTimeout.TotalMilliseconds)
            {
                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void CreateFolder()
    {
        var folder = Path.GetDirectoryName(_path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private async ValueTask WriteAsync(string key, CachedAccessToken token, CancellationToken cancellationToken)
    {
        var entries = await ReadEntriesAsync(cancellationToken).ConfigureAwait(false) ?? [];
        entries[key] = TokenEntry.ToJson(token);
        var document = new JObject { ["format"] = Format, ["entries"] = entries };

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
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);

                    // On disk before the rename: an OAuth pair lost to a power cut cannot be fetched again.
                    stream.Flush(flushToDisk: true);
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
