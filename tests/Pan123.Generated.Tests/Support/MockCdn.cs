using System.Net;
using RichardSzalay.MockHttp;

namespace Pan123.Tests.Support;

/// <summary>A MockHttp handler playing the CDN (the sandbox speaks plain http only; these tests need https).</summary>
internal static class MockCdn
{
    /// <summary>Answers GET <paramref name="url"/> with 200 and <paramref name="content"/>; the returned definition counts the matches.</summary>
    public static MockedRequest Serve(this MockHttpMessageHandler cdn, string url, byte[] content)
    {
        var served = cdn.When(url);
        served.Respond(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(content) });
        return served;
    }
}
