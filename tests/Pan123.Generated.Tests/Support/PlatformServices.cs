using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Pan123.Tests.Support;

/// <summary>
/// AddPan123Client as an application would register it, with every HTTP request answered by a
/// scripted platform on a fake clock, and every log record kept.
/// </summary>
internal sealed class PlatformServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly Func<HttpRequestMessage, int, HttpResponseMessage> _respond;
    private readonly TimeProvider _now;
    private int _tokensIssued;
    private int _sent;

    public PlatformServices(
        Func<HttpRequestMessage, int, HttpResponseMessage> respond,
        Action<IServiceCollection>? register = null,
        bool realClock = false)
    {
        _respond = respond;
        _now = realClock ? TimeProvider.System : Clock;
        var services = new ServiceCollection();
        if (!realClock)
        {
            services.AddSingleton<TimeProvider>(Clock);
        }

        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => new Responder(this)));
        (register ?? (s => s.AddPan123Client(o => { o.ClientId = "id-1"; o.ClientSecret = "secret-1"; })))(services);
        _provider = services.BuildServiceProvider();
        _provider.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));

    public FakeLoggerProvider Logs { get; } = new();

    /// <summary>What was sent, captured when it was sent (a resent request object changes later).</summary>
    public ConcurrentQueue<SentRequest> Requests { get; } = new();

    public IServiceProvider Services => _provider;

    public IPan123FilesClient Files(string? name = null) =>
        name is null ? _provider.GetRequiredService<IPan123FilesClient>() : _provider.GetRequiredKeyedService<IPan123FilesClient>(name);

    public IEnumerable<SentRequest> To(string path) => Requests.Where(r => r.Path == path);

    /// <summary>Runs <paramref name="call"/> while advancing the fake clock in small steps until it ends; returns the fake time it took.</summary>
    public async Task<TimeSpan> RunOnClockAsync(Func<Task> call, TimeSpan? step = null, TimeSpan? limit = null)
    {
        var started = Clock.GetUtcNow();
        var task = call();
        while (!task.IsCompleted)
        {
            if (Clock.GetUtcNow() - started > (limit ?? TimeSpan.FromMinutes(10)))
            {
                throw new TimeoutException("the call did not end within the fake-time limit");
            }

            await Task.Delay(1);
            Clock.Advance(step ?? TimeSpan.FromMilliseconds(100));
        }

        await task;
        return Clock.GetUtcNow() - started;
    }

    public static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>A token response: a new token each time, valid 30 days from the fake now.</summary>
    public HttpResponseMessage IssueToken()
    {
        var n = Interlocked.Increment(ref _tokensIssued);
        var expiry = _now.GetUtcNow().AddDays(30).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        return Json(MockPlatform.Envelope(0, "ok", $$"""{"accessToken":"token-{{n}}","expiredAt":"{{expiry}}"}"""));
    }

    public static HttpResponseMessage DownloadInfo() =>
        Json(MockPlatform.Envelope(0, "ok", """{"downloadUrl":"https://cdn.example/f"}"""));

    public static HttpResponseMessage Detail() =>
        Json(MockPlatform.Envelope(0, "ok", Client.RequestShapeTests.DetailJson));

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();

    public sealed record SentRequest(string Method, string Path, string? Token, string? Platform, string? Body, DateTimeOffset At);

    private sealed class Responder(PlatformServices platform) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            platform.Requests.Enqueue(new SentRequest(
                request.Method.Method,
                request.RequestUri!.AbsolutePath,
                request.Headers.Authorization?.Parameter,
                request.Headers.TryGetValues("Platform", out var values) ? string.Join(",", values) : null,
                request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken),
                platform.Clock.GetUtcNow()));
            var response = platform._respond(request, Interlocked.Increment(ref platform._sent));
            response.RequestMessage = request;
            return response;
        }
    }
}
