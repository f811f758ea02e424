using System.Net;
using System.Security.Cryptography;
using Pan123.Tests.Support;
using RichardSzalay.MockHttp;

namespace Pan123.Tests.Downloads;

/// <summary>
/// How the downloader moves bytes: what a read returns is written at once, not gathered into a
/// full buffer first (the gathered buffer is out of the CPU cache by the time it is written, which
/// cost 9x curl's CPU in the kernel's copy; docs/benchmarks.md).
/// </summary>
public sealed class CopyLoopTests : IDisposable
{
    private const int ReadSize = 1000;
    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(64 * ReadSize + 123);
    private readonly MockPlatform _platform = new();
    private readonly MockHttpMessageHandler _cdn = new();

    public CopyLoopTests()
    {
        _platform.ServeFile(Content, "https://cdn.example/f");
        _cdn.When("https://cdn.example/f").Respond(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new TricklingStream(Content, ReadSize)),
        });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Each_read_is_written_as_it_arrives_and_the_bytes_and_md5_are_right(bool verify)
    {
        var downloader = new Pan123Downloader(_platform.Files, _cdn.ToHttpClient(), new Pan123DownloadOptions { VerifyChecksum = verify });
        using var target = new WriteRecordingStream();

        var result = await downloader.DownloadAsync(7, target);

        Assert.Equal(Content, target.ToArray());
        Assert.All(target.Writes, size => Assert.InRange(size, 1, ReadSize));
        Assert.Equal((Content.Length + ReadSize - 1) / ReadSize, target.Writes.Count);
        Assert.Equal(verify ? Convert.ToHexStringLower(MD5.HashData(Content)) : null, result.Md5);
    }

    public void Dispose()
    {
        _platform.Dispose();
        _cdn.Dispose();
    }

    /// <summary>A body that hands out at most <c>readSize</c> bytes per read, as a socket does.</summary>
    private sealed class TricklingStream(byte[] content, int readSize) : MemoryStream(content, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, readSize));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, readSize)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, readSize), cancellationToken);
    }

    private sealed class WriteRecordingStream : MemoryStream
    {
        public List<int> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
