using System.Net;
using System.Text;
using RichardSzalay.MockHttp;

namespace Pan123.Tests.Support;

/// <summary>A MockHttp stand-in for the platform, with clients wired the way AddPan123Client wires them.</summary>
internal sealed class MockPlatform : IDisposable
{
    public const string Token = "eyJhbGciOiJIUzI1NiJ9.test-token.signature";
    public const string TraceId = "68a2d07c-72d3-4fc6-a0a7-965dfea99dc0_kong-db-5898fdd8c6-wnv6h";
    public static readonly Uri BaseAddress = new("https://open-api.123pan.com/");

    public MockPlatform()
    {
        Http = Handler.ToHttpClient();
        Http.BaseAddress = BaseAddress;
    }

    public MockHttpMessageHandler Handler { get; } = new();

    public HttpClient Http { get; }

    public List<HttpRequestMessage> Requests { get; } = [];

    public IPan123FilesClient Files => new Pan123FilesClient(new Pan123ClientConfiguration(new StaticTokenProvider(Token)), Http);

    public IPan123AuthClient Auth => new Pan123AuthClient(new Pan123ClientConfiguration(), Http);

    /// <summary>Answers every request with <paramref name="body"/> and records what was sent.</summary>
    public void RespondWith(string body, HttpStatusCode status = HttpStatusCode.OK, string mediaType = "application/json")
    {
        Handler.Fallback.Respond(request =>
        {
            Requests.Add(request);
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
        });
    }

    /// <summary>file/detail's envelope for file 7, "f.bin", with <paramref name="content"/>'s size and MD5.</summary>
    public static string FileDetail(byte[] content, int type = 0) => Envelope(0, "ok", $$"""
        {"fileID":7,"filename":"f.bin","type":{{type}},"size":{{content.Length}},"etag":"{{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(content))}}",
         "status":2,"parentFileID":0,"createAt":"2025-02-28 09:25:54","trashed":0}
        """);

    /// <summary>Answers file/detail with file 7 of <paramref name="content"/> and download_info with <paramref name="link"/>.</summary>
    public void ServeFile(byte[] content, string link)
    {
        Handler.When("*/api/v1/file/detail").Respond("application/json", FileDetail(content));
        Handler.When("*/api/v1/file/download_info").Respond("application/json", Envelope(0, "ok", $$"""{"downloadUrl":"{{link}}"}"""));
    }

    public static string Envelope(int code, string message, string data = "null", string traceId = TraceId) =>
        $$"""{"code":{{code}},"message":"{{message}}","data":{{data}},"x-traceID":"{{traceId}}"}""";

    public void Dispose()
    {
        Http.Dispose();
        Handler.Dispose();
    }
}
