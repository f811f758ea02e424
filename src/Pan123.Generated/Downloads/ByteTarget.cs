namespace Pan123;

/// <summary>
/// Where a transfer writes the bytes of one file: a part file (any offset, from several connections) or a
/// caller's stream (in order only). It also keeps the CDN's validator, which every range of the file
/// shares.
/// </summary>
internal interface IByteTarget
{
    /// <summary>The CDN's strong ETag for the content, sent as <c>If-Range</c>; null until one is known.</summary>
    string? Validator { get; }

    /// <summary>Records <paramref name="tag"/> as the validator when none is known yet; the first one stays.</summary>
    void AdoptValidator(string tag);

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/> of the file.</summary>
    /// <remarks>The memory is the caller's again once the returned task completes.</remarks>
    ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>Forgets every byte, to receive the file again from byte 0 (the CDN sent the whole file); no other write may be under way.</summary>
    ValueTask RestartAsync(CancellationToken cancellationToken);
}
