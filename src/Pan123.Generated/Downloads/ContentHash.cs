namespace Pan123;

/// <summary>
/// The MD5 of a file's bytes in order from byte 0, and its check against file/detail's <c>etag</c>: the one
/// place a download computes it. A part file feeds it by reading back its finished prefix, a stream
/// download by the bytes it writes.
/// </summary>
internal sealed class ContentHash : IDisposable
{
    private readonly System.Security.Cryptography.IncrementalHash _md5 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.MD5);

    /// <summary>How many bytes from byte 0 have been hashed.</summary>
    public long Position { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        _md5.AppendData(bytes);
        Position += bytes.Length;
    }

    /// <summary>Starts again from byte 0.</summary>
    public void Reset()
    {
        _md5.GetHashAndReset();
        Position = 0;
    }

    /// <summary>The MD5 as lowercase hex and, when it differs from <paramref name="etag"/>, what is wrong; starts again from byte 0.</summary>
    public (string Md5, string? Problem) Check(string etag)
    {
        var actual = Convert.ToHexStringLower(_md5.GetHashAndReset());
        Position = 0;
        return string.Equals(actual, etag, StringComparison.OrdinalIgnoreCase)
            ? (actual, null)
            : (actual, $"the MD5 of the received bytes is {actual}, file/detail's etag is {etag}.");
    }

    public void Dispose() => _md5.Dispose();
}
