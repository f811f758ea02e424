using System.Buffers;
using System.Security.Cryptography;

namespace Pan123.Sandbox;

/// <summary>A file (or folder) the sandbox platform knows, with deterministic content.</summary>
public sealed class SandboxFile
{
    private readonly Lazy<string> _md5;

    internal SandboxFile(long fileId, string filename, long size, int type, long parentFileId)
    {
        FileId = fileId;
        Filename = filename;
        Size = size;
        Type = type;
        ParentFileId = parentFileId;
        Content = new SandboxContent(unchecked((int)fileId ^ (int)(fileId >> 32) ^ 0x5A17));
        _md5 = new Lazy<string>(ComputeMd5, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The file id.</summary>
    public long FileId { get; }

    /// <summary>The name file/detail reports.</summary>
    public string Filename { get; }

    /// <summary>Size in bytes.</summary>
    public long Size { get; }

    /// <summary>0 for a file, 1 for a folder.</summary>
    public int Type { get; }

    /// <summary>The id of the folder that holds it.</summary>
    public long ParentFileId { get; }

    /// <summary>Whether it is in the trash (the list still reports it, with <c>trashed</c> 1).</summary>
    public bool Trashed { get; set; }

    /// <summary>The review status; above 100 means blocked by review (its links are refused). Default 2.</summary>
    public int Status { get; set; } = 2;

    /// <summary>MD5 of the content as lowercase hex, computed on first use (file/detail's <c>etag</c>).</summary>
    public string Md5 => _md5.Value;

    /// <summary>The CDN's strong validator: deliberately not the MD5, as on a real CDN.</summary>
    public string CdnETag => $"\"{Md5[..8]}-{Size:x}\"";

    /// <summary>
    /// The path of its CDN links, e.g. <c>123-61/6be27073/900001/bench.bin</c> (after optional
    /// redirect hops): a server that serves the bytes under this path can stand in for the CDN.
    /// </summary>
    public string CdnPath => $"123-61/{Md5[..8]}/{FileId}/{Uri.EscapeDataString(Filename)}";

    internal SandboxContent Content { get; }

    /// <summary>Returns the file's bytes from <paramref name="offset"/>; for tests that compare what was downloaded.</summary>
    /// <param name="offset">The first byte.</param>
    /// <param name="count">How many bytes.</param>
    /// <returns>The content.</returns>
    public byte[] ReadContent(long offset, int count)
    {
        var bytes = new byte[count];
        Content.Fill(offset, bytes);
        return bytes;
    }

    private string ComputeMd5()
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            for (long offset = 0; offset < Size; offset += buffer.Length)
            {
                var count = (int)Math.Min(buffer.Length, Size - offset);
                Content.Fill(offset, buffer.AsSpan(0, count));
                md5.AppendData(buffer, 0, count);
            }

            return Convert.ToHexStringLower(md5.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
