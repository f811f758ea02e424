using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Pan123.Benchmarks;

/// <summary>
/// Answers every request with the platform's documented download_info envelope, in memory: the
/// benchmarks then measure the client's own work, not a network. Both the generated client and the
/// hand-written baseline go through this same handler.
/// </summary>
internal sealed class InMemoryPlatform : HttpMessageHandler
{
    public const string Token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3NDI3MTYxMTd9.signature";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"code":0,"message":"ok","data":{"downloadUrl":"https://download-cdn.cjjd19.com/123-61/ab6dd0cf/1811661596-0/ab6dd0cfca2da20f84f55d2ed73a8c3d/c-m6?v=5&t=1742716117&s=17427161176f7d9d3a8c2c0b5e4e1a&r=KXQ5HM&bzc=1&bzs=313831313636313539363a313136333137363237323a313136333137363237323a30&filename=Keyshot_win64_2024.exe&x-mf-biz-cid=0e3c6d4f-3c6e-4c5a-9d4e-8f6d9b5e7a1c-584000&auto_redirect=0&cache_type=1&xmfcid=3f1c5e2b-9a8d-4c7e-b6f5-2d1e0a9c8b7f-1-69b"},"x-traceID":"68a2d07c-72d3-4fc6-a0a7-965dfea99dc0_kong-db-5898fdd8c6-wnv6h"}""");

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public static Uri BaseAddress { get; } = new("https://open-api.123pan.com/");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(Body);
        content.Headers.ContentType = Json;
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }
}
