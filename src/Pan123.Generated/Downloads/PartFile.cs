using System.Security.Cryptography;
using Newtonsoft.Json;

namespace Pan123;

/// <summary>
/// The <c>&lt;destination&gt;.part</c> file a download writes to, and its <c>.part.json</c> note
/// (file id, MD5, CDN validator) that lets a later run continue it safely. The destination name
/// is only ever written by a rename of a verified file.
/// </summary>
internal sealed class PartFile : IAsyncDisposable
{
    private readonly string _statePath;
    private readonly long _fileId;
    private readonly string _md5;

    private PartFile(string destination, long fileId, string md5, FileStream stream)
    {
        Destination = destination;
        PartPath = destination + ".part";
        _statePath = destination + ".part.json";
        (_fileId, _md5, Stream) = (fileId, md5, stream);
    }

    public string Destination { get; }

    public string PartPath { get; }

    public FileStream Stream { get; }

    /// <summary>
    /// Opens the part file; continues it when its note names the same file and content, otherwise
    /// starts it empty. Existing bytes are fed to <paramref name="md5"/>.
    /// </summary>
    public static async Task<(PartFile Part, string? Validator)> OpenAsync(string destination, long fileId, long size, string md5Hex, IncrementalHash? md5, CancellationToken cancellationToken)
    {
        var part = new PartFile(destination, fileId, md5Hex, new FileStream(destination + ".part", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous));
        try
        {
            var state = await part.ReadStateAsync(cancellationToken).ConfigureAwait(false);
            var resumable = state is not null && state.FileId == fileId && string.Equals(state.Md5, md5Hex, StringComparison.OrdinalIgnoreCase)
                && part.Stream.Length <= size;
            if (!resumable)
            {
                // Only a file with stale bytes is truncated: ext4 flushes a file truncated to zero when it
                // is closed (auto_da_alloc), which cost 0.7 s per GiB at the end of every download.
                if (part.Stream.Length > 0)
                {
                    part.Stream.SetLength(0);
                }

                await part.SaveStateAsync(validator: null, cancellationToken).ConfigureAwait(false);
                return (part, null);
            }

            if (md5 is not null && part.Stream.Length > 0)
            {
                await HashExistingAsync(part.Stream, md5, cancellationToken).ConfigureAwait(false);
            }

            part.Stream.Seek(0, SeekOrigin.End);
            return (part, state!.Validator);
        }
        catch
        {
            await part.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task SaveStateAsync(string? validator, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(_statePath, JsonConvert.SerializeObject(new State(_fileId, _md5, validator)), cancellationToken);

    public async ValueTask RestartAsync(CancellationToken cancellationToken)
    {
        await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        Stream.SetLength(0);
        Stream.Position = 0;
    }

    /// <summary>Closes the part file and renames it to the destination.</summary>
    public async Task CommitAsync()
    {
        await Stream.FlushAsync().ConfigureAwait(false);
        await Stream.DisposeAsync().ConfigureAwait(false);
        File.Move(PartPath, Destination, overwrite: true);
        File.Delete(_statePath);
    }

    /// <summary>Deletes the part file and its note: what they hold is known to be wrong.</summary>
    public async Task DiscardAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        File.Delete(PartPath);
        File.Delete(_statePath);
    }

    public async ValueTask DisposeAsync() => await Stream.DisposeAsync().ConfigureAwait(false);

    private async Task<State?> ReadStateAsync(CancellationToken cancellationToken)
    {
        try
        {
            return File.Exists(_statePath)
                ? JsonConvert.DeserializeObject<State>(await File.ReadAllTextAsync(_statePath, cancellationToken).ConfigureAwait(false))
                : null;
        }
        catch (JsonException)
        {
            // A damaged note only costs the resume: the download starts over.
            return null;
        }
    }

    private static async Task HashExistingAsync(FileStream stream, IncrementalHash md5, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            stream.Position = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, 1 << 20), cancellationToken).ConfigureAwait(false)) > 0)
            {
                md5.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed record State(long FileId, string Md5, string? Validator);
}
