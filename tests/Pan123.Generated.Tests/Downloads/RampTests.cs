using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Pan123.Tests.Support;

namespace Pan123.Tests.Downloads;

/// <summary>
/// The ramp, on a fake clock: a ranged download opens four connections at once and doubles them at the
/// next step (250 ms) while the rate grows, so eight are open within a second where the CDN allows it.
/// </summary>
public sealed class RampTests : IDisposable
{
    private const int Size = 4 << 20;
    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(Size);
    private readonly MockPlatform _platform = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("pan123-ramp-").FullName;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _open;

    [Fact]
    public async Task Four_connections_open_at_once_and_eight_one_step_later()
    {
        _platform.ServeFile(Content, "https://cdn.example/f");
        var clock = new FakeTimeProvider();
        using var cdn = new HttpClient(new HeldCdn(this));
        var options = new Pan123DownloadOptions { MaxConnections = 8, ConnectionBudget = 8, MinRangeSize = 64 << 10 };
        var downloader = new Pan123Downloader(_platform.Files, cdn, options, clock);

        var download = downloader.DownloadFileAsync(7, Path.Combine(_folder, "f.bin"));
        await Poll.UntilAsync(() => Volatile.Read(ref _open) == 4);

        clock.Advance(TimeSpan.FromMilliseconds(250));
        await Poll.UntilAsync(() => Volatile.Read(ref _open) == 8);

        _release.TrySetResult();
        var result = await download.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(Content)), result.Md5);
        Assert.Equal(Content, await File.ReadAllBytesAsync(Path.Combine(_folder, "f.bin")));
    }

    public void Dispose()
    {
        _platform.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A CDN that answers each range with its first kilobyte, then holds the rest until released.</summary>
    private sealed class HeldCdn(RampTests test) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var range = request.Headers.Range!.Ranges.Single();
            var (from, to) = (range.From!.Value, range.To ?? (Size - 1));
            Interlocked.Increment(ref test._open);
            var response = new HttpResponseMessage(HttpStatusCode.PartialContent)
            {
                Content = new StreamContent(new HeldBody(Content.AsMemory((int)from, (int)(to - from + 1)), test._release.Task)),
            };
            response.Content.Headers.ContentRange = new ContentRangeHeaderValue(from, to, Size);
            response.Headers.ETag = new EntityTagHeaderValue("\"v1\"");
            return Task.FromResult(response);
        }
    }

    private sealed class HeldBody(ReadOnlyMemory<byte> bytes, Task release) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = Math.Min(buffer.Length, bytes.Length - _position);
            if (_position < 1024)
            {
                count = Math.Min(count, 1024 - _position);
            }
            else
            {
                await release.WaitAsync(cancellationToken);
            }

            bytes.Slice(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
