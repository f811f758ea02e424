namespace Pan123;

/// <summary>
/// A response body read once into a pooled buffer: the envelope check, the typed read and (on
/// failure) the excerpt all use the same bytes, and nothing is left for the garbage collector.
/// </summary>
internal readonly struct ResponseBody : IDisposable
{
    /// <summary>
    /// The most a platform answer may hold. Envelopes are a few hundred bytes; a body this large is
    /// something else (a misrouted download, a broken proxy) and is not read into memory.
    /// </summary>
    public const int MaxLength = 4 * 1024 * 1024;

    private readonly byte[] _buffer;
    private readonly int _length;

    private ResponseBody(byte[] buffer, int length) => (_buffer, _length) = (buffer, length);

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    /// <exception cref="InvalidDataException">The body is longer than <see cref="MaxLength"/>.</exception>
    public static async ValueTask<ResponseBody> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        // The stream is not disposed here: the response owns it, and disposing the response closes it.
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var expected = content.Headers.ContentLength is { } length and >= 0 ? length : 0;
        if (expected > MaxLength)
        {
            throw TooLong();
        }

        // One byte more than announced, so the read that finds the end needs no larger buffer.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max((int)expected + 1, 1024));
        var used = 0;
        try
        {
            while (true)
            {
                if (used > MaxLength)
                {
                    throw TooLong();
                }

                if (used == buffer.Length)
                {
                    var larger = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxLength + 1));
                    buffer.AsSpan(0, used).CopyTo(larger);
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                // Never more than one byte past the cap is read: that byte is enough to know the body is too long.
                var room = Math.Min(buffer.Length, MaxLength + 1) - used;
                var read = await stream.ReadAsync(buffer.AsMemory(used, room), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new ResponseBody(buffer, used);
                }

                used += read;
            }
        }
        catch
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose() => System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);

    private static InvalidDataException TooLong() =>
        new($"the body is larger than {MaxLength / (1024 * 1024)} MiB, which no platform answer is");
}
