namespace Pan123;

/// <summary>
/// A caller's stream as a download's target: bytes arrive in order (one connection), are written at once
/// and hashed as they go. A seekable stream can be rewound when the CDN sends the whole file again.
/// </summary>
internal sealed class StreamTarget(long fileId, Stream stream, ContentHash? hash) : IByteTarget
{
    private readonly long _origin = stream.CanSeek ? stream.Position : 0;

    /// <summary>Bytes written so far.</summary>
    public long Written { get; private set; }

    public string? Validator { get; private set; }

    public void AdoptValidator(string tag) => Validator ??= tag;

    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (offset != Written)
        {
            throw new InvalidOperationException($"a stream is written in order: byte {offset} came after {Written}.");
        }

        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        hash?.Append(bytes.Span);
        Written += bytes.Length;
    }

    /// <summary>Rewinds the stream to where the download started; a stream that cannot seek fails the download.</summary>
    public ValueTask RestartAsync(CancellationToken cancellationToken)
    {
        if (!stream.CanSeek)
        {
            throw new Pan123DownloadException(fileId, DownloadFailure.TransferFailed, "the CDN sent the whole file again after a resume and the destination stream cannot be rewound.", 200);
        }

        stream.Position = _origin;
        stream.SetLength(_origin);
        hash?.Reset();
        (Written, Validator) = (0, null);
        return ValueTask.CompletedTask;
    }
}
