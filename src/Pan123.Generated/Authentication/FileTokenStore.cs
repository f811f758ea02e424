namespace Pan123;

/// <summary>
/// A token store in one JSON file readable only by its owner (mode 0600 in a 0700 folder on Unix),
/// by default <c>~/.config/pan123/tokens.json</c>, shared by every process of the user on the
/// machine. Every write, a checkpoint included, holds an exclusive lock on <c>tokens.json.lock</c> beside
/// it and re-reads the file first, so any number of processes that start together make one token
/// request and processes that write different entries never lose each other's. A file that is corrupt,
/// of another format, unreadable or readable by others is not trusted, never a crash, and never
/// overwritten: the next write keeps it aside under a new name (a warning names it; it may hold an OAuth
/// app's single-use refresh tokens) and starts a new file. Writes go to a temporary file that is then
/// renamed, so a reader never sees half a file.
/// </summary>
public sealed class FileTokenStore : IPan123TokenStore
{
    private const string Format = "pan123-token-cache/1";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _path;

    // Whether this flow holds the lock inside UpdateAsync, where a checkpoint must not take it again.
    private readonly AsyncLocal<bool> _holding = new();

    /// <summary>A store in <paramref name="path"/>.</summary>
    /// <param name="path">The store's file; its folder is created when missing.</param>
    public FileTokenStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>How long an update waits for another process's lock before it gives up.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The default file: <c>pan123/tokens.json</c> under the user's configuration folder (<c>$XDG_CONFIG_HOME</c> or <c>~/.config</c>).</summary>
    public static string DefaultPath =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "pan123", "tokens.json");

    /// <summary>The store's file.</summary>
    public string FilePath => _path;

    /// <summary>Receives a warning when a file that cannot be trusted is kept aside.</summary>
    public Microsoft.Extensions.Logging.ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <inheritdoc />
    public async ValueTask<CachedAccessToken?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var file = await ReadEntriesAsync(cancellationToken).ConfigureAwait(false);
        return TokenEntry.FromJson(file.Entries?[key]);
    }

    /// <inheritdoc />
    public async ValueTask<CachedAccessToken> UpdateAsync(string key, Func<CachedAccessToken?, CancellationToken, ValueTask<CachedAccessToken>> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        CreateFolder();
        using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        var current = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        _holding.Value = true;
        var next = await update(current, cancellationToken).ConfigureAwait(false);
        if (!ReferenceEquals(next, current))
        {
            await WriteAsync(key, next, cancellationToken).ConfigureAwait(false);
        }

        return next;
    }

    /// <inheritdoc />
    public async ValueTask CheckpointAsync(string key, CachedAccessToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_holding.Value)
        {
            await WriteAsync(key, token, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Outside an update (a caller that does not hold the lock): a read-modify-write like any other.
        CreateFolder();
        using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync(key, token, cancellationToken).ConfigureAwait(false);
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
        var folder = System.IO.Path.GetDirectoryName(_path)!;
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(folder);
        }
        else
        {
            System.IO.Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private async ValueTask WriteAsync(string key, CachedAccessToken token, CancellationToken cancellationToken)
    {
        var file = await ReadEntriesAsync(cancellationToken).ConfigureAwait(false);
        if (file.Problem is { } problem)
        {
            SetAside(problem);
        }

        var entries = file.Entries ?? [];
        entries[key] = TokenEntry.ToJson(token);
        var document = new Newtonsoft.Json.Linq.JObject { ["format"] = Format, ["entries"] = entries };

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
                    await writer.WriteAsync(document.ToString(Newtonsoft.Json.Formatting.Indented).AsMemory(), cancellationToken).ConfigureAwait(false);
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);

                    // On disk before the rename: an OAuth pair lost to a power cut cannot be fetched again.
                    stream.Flush(flushToDisk: true);
                }
            }

            System.IO.File.Move(temporary, _path, overwrite: true);
        }
        finally
        {
            System.IO.File.Delete(temporary);
        }
    }

    // Keeps a file that cannot be trusted under a new name instead of writing over it: it may be the only
    // copy of a user's authorization. A file that cannot even be moved stops the write.
    private void SetAside(string problem)
    {
        var aside = $"{_path}.untrusted-{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff}";
        try
        {
            System.IO.File.Move(_path, aside, overwrite: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"The token cache '{_path}' {problem}, and it could not be kept aside ({e.Message}); it is not overwritten. Move it away or fix it.", e);
        }

        Pan123Log.TokenCacheSetAside(Logger, _path, problem, aside);
    }

    /// <summary>The entries of the cache file, or why it cannot be trusted (null entries and no problem: there is none).</summary>
    private readonly record struct StoreFile(Newtonsoft.Json.Linq.JObject? Entries, string? Problem);

    private async Task<StoreFile> ReadEntriesAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!System.IO.File.Exists(_path))
            {
                return new(null, null);
            }

            if (!OperatingSystem.IsWindows() && (System.IO.File.GetUnixFileMode(_path) & ~(OwnerOnly | UnixFileMode.UserExecute)) != 0)
            {
                return new(null, "is readable by others than its owner");
            }

            var document = Newtonsoft.Json.Linq.JObject.Parse(await System.IO.File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false));
            return document.Value<string>("format") == Format && document["entries"] is Newtonsoft.Json.Linq.JObject entries
                ? new((Newtonsoft.Json.Linq.JObject)entries.DeepClone(), null)
                : new(null, $"is not a {Format} file");
        }
        catch (Exception e) when (e is Newtonsoft.Json.JsonException or InvalidCastException)
        {
            return new(null, "is not valid JSON of the cache's format");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new(null, $"cannot be read ({e.Message})");
        }
    }
}
