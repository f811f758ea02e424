using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Pan123.Tests.Support;

namespace Pan123.Tests.Client;

/// <summary>The one reader of platform bodies, tested through AddPan123Client as users call it: the cap, truncation, cancellation, disposal.</summary>
public sealed class EnvelopeReaderTests
{
    private const string DetailPath = "/api/v1/file/detail";

    private static PlatformServices Platform(Func<HttpRequestMessage, int, HttpResponseMessage> respond) =>
        new(respond, s => s.AddPan123Client(o => { o.AccessToken = "t"; o.RetryBaseDelay = TimeSpan.Zero; }), realClock: true);

    [Fact]
    public async Task A_body_over_the_cap_is_a_protocol_error_read_no_further_than_the_cap()
    {
        var body = new EndlessContent();
        await using var platform = Platform((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = body });

        var error = await Assert.ThrowsAsync<Pan123ProtocolException>(() => platform.Files().GetFileDetailAsync(1).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("larger than 4 MiB", error.Message, StringComparison.Ordinal);
        Assert.Equal(ResponseBody.MaxLength + 1, body.Served);
        Assert.True(body.Disposed);
        Assert.Single(platform.To(DetailPath));
    }

    [Fact]
    public async Task A_body_cut_short_by_the_connection_is_retried_and_every_response_is_disposed()
    {
        var served = new List<TruncatedContent>();
        await using var platform = Platform((_, count) =>
        {
            if (count < 3)
            {
                var cut = new TruncatedContent();
                served.Add(cut);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = cut };
            }

            return PlatformServices.Detail();
        });

        var detail = await platform.Files().GetFileDetailAsync(1).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(14749954, detail.Data.FileId);
        Assert.Equal(3, platform.To(DetailPath).Count());
        Assert.All(served, c => Assert.True(c.Disposed));
    }

    [Fact]
    public async Task Cancelling_while_the_body_is_read_disposes_the_response()
    {
        var stalled = new StalledContent();
        await using var platform = Platform((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = stalled });
        using var cancel = new CancellationTokenSource();

        var call = platform.Files().GetFileDetailAsync(1, cancel.Token);
        await stalled.Reading.WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(stalled.Disposed);
    }

    /// <summary>Serves spaces forever and counts them.</summary>
    private sealed class EndlessContent : TrackedContent
    {
        public long Served;

        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new Endless(this));

        private sealed class Endless(EndlessContent owner) : Stream
        {
            public override int Read(byte[] buffer, int offset, int count)
            {
                buffer.AsSpan(offset, count).Fill((byte)' ');
                owner.Served += count;
                return count;
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }

    /// <summary>Half an envelope, then the connection drops.</summary>
    private sealed class TruncatedContent : TrackedContent
    {
        protected override Task<Stream> CreateContentReadStreamAsync() =>
            Task.FromResult<Stream>(new Truncated("""{"code":0,"message":"ok","da"""u8.ToArray()));

        private sealed class Truncated(byte[] start) : MemoryStream(start)
        {
            public override int Read(byte[] buffer, int offset, int count)
            {
                var read = base.Read(buffer, offset, count);
                return read > 0 ? read : throw new IOException("The response ended prematurely.");
            }

            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                var read = base.Read(buffer.Span);
                return read > 0 ? ValueTask.FromResult(read) : ValueTask.FromException<int>(new IOException("The response ended prematurely."));
            }
        }
    }

    /// <summary>A body that never sends a byte until the reader gives up.</summary>
    private sealed class StalledContent : TrackedContent
    {
        private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reading => _reading.Task;

        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new Stalled(_reading));

        private sealed class Stalled(TaskCompletionSource reading) : MemoryStream
        {
            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                reading.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return 0;
            }
        }
    }

    private abstract class TrackedContent : HttpContent
    {
        public bool Disposed { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => throw new NotSupportedException();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
