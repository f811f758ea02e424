using System.Net;
using RichardSzalay.MockHttp;
using Pan123.Tests.Support;

namespace Pan123.Tests.Errors;

public sealed class ProtocolFailureTests : IDisposable
{
    private const string GatewayPage = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>openresty</center></body></html>";
    private readonly MockPlatform _platform = new();

    public static TheoryData<string, HttpStatusCode, string, string> Failures => new()
    {
        { "html with 200", HttpStatusCode.OK, GatewayPage, "not valid JSON" },
        { "html with 502", HttpStatusCode.BadGateway, GatewayPage, "unexpected HTTP status 502" },
        { "plain 500", HttpStatusCode.InternalServerError, "Internal Server Error", "unexpected HTTP status 500" },
        { "malformed json", HttpStatusCode.OK, """{"code":0,"message":"ok","data":{"downloadUrl":""", "not valid JSON" },
        { "empty body", HttpStatusCode.OK, "", "the body is empty" },
        { "json array", HttpStatusCode.OK, "[1,2,3]", "not a JSON object" },
        { "no code", HttpStatusCode.OK, """{"message":"ok","data":{"downloadUrl":"u"}}""", "no envelope code" },
        { "code 0 without data", HttpStatusCode.OK, """{"code":0,"message":"ok","x-traceID":"t-1"}""", "code 0 without data" },
        { "code 0 with null data", HttpStatusCode.OK, """{"code":0,"message":"ok","data":null,"x-traceID":"t-1"}""", "code 0 without data" },
        { "success envelope with 503", HttpStatusCode.ServiceUnavailable, """{"code":0,"message":"ok","data":{"downloadUrl":"u"}}""", "unexpected HTTP status 503" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Responses_outside_the_protocol_throw_Pan123ProtocolException(string name, HttpStatusCode status, string body, string problem)
    {
        _platform.RespondWith(body, status, body.StartsWith('<') ? "text/html" : "application/json");

        var error = await Assert.ThrowsAsync<Pan123ProtocolException>(() => _platform.Files.GetDownloadInfoAsync(14749954));

        Assert.True(error.Message.Contains(problem, StringComparison.Ordinal), $"{name}: {error.Message}");
        Assert.Equal((int)status, error.Status);
        Assert.Equal("GET /api/v1/file/download_info", error.Operation);
        Assert.StartsWith("GET /api/v1/file/download_info failed", error.Message, StringComparison.Ordinal);
        Assert.Contains($"HTTP {(int)status}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(MockPlatform.Token, error.ToString(), StringComparison.Ordinal);
        if (body.Length > 0)
        {
            Assert.Equal(body, error.BodyExcerpt);
        }
    }

    [Fact]
    public async Task The_trace_id_is_reported_when_the_body_had_one()
    {
        _platform.RespondWith("""{"code":0,"message":"ok","x-traceID":"trace-7"}""");

        var error = await Assert.ThrowsAsync<Pan123ProtocolException>(() => _platform.Files.GetDownloadInfoAsync(1));

        Assert.Equal("trace-7", error.TraceId);
        Assert.Contains("x-traceID: trace-7", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_larger_than_any_platform_answer_is_refused_without_reading_it_all(bool announcesLength)
    {
        var huge = new string(' ', ResponseBody.MaxLength) + """{"code":0,"message":"ok","data":{"downloadUrl":"u"}}""";
        _platform.Handler.When("*").Respond(_ =>
        {
            HttpContent content = announcesLength
                ? new StringContent(huge, System.Text.Encoding.UTF8, "application/json")
                : new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(huge)));
            if (!announcesLength)
            {
                content.Headers.ContentLength = null;
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });

        var error = await Assert.ThrowsAsync<Pan123ProtocolException>(() => _platform.Files.GetDownloadInfoAsync(1));

        Assert.Contains("larger than 4 MiB", error.Message, StringComparison.Ordinal);
        Assert.Equal("GET /api/v1/file/download_info", error.Operation);
    }

    [Fact]
    public async Task A_token_echoed_into_a_field_that_does_not_fit_the_model_stays_out_of_the_exception()
    {
        _platform.RespondWith($$$"""{"code":0,"message":"ok","data":{"fileID":"{{{MockPlatform.Token}}}"}}""");

        var error = await Assert.ThrowsAsync<Pan123ProtocolException>(() => _platform.Files.GetFileDetailAsync(1));

        Assert.Contains("does not match the contract", error.Message, StringComparison.Ordinal);
        Assert.Contains("***", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(MockPlatform.Token, error.ToString(), StringComparison.Ordinal);
        Assert.IsAssignableFrom<Newtonsoft.Json.JsonException>(error.InnerException);
    }

    [Fact]
    public async Task A_long_body_is_cut_to_a_bounded_excerpt()
    {
        var page = "<html>" + new string('x', 100_000) + "</html>";
        _platform.RespondWith(page, HttpStatusCode.BadGateway, "text/html");

        var error = await Assert.ThrowsAsync<Pan123ProtocolException>(() => _platform.Files.GetDownloadInfoAsync(1));

        Assert.Equal(257, error.BodyExcerpt!.Length);
        Assert.StartsWith("<html>xxx", error.BodyExcerpt, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 600, error.Message);
    }

    [Fact]
    public async Task A_body_that_echoes_the_token_has_it_redacted()
    {
        _platform.RespondWith($"<html>Authorization: Bearer {MockPlatform.Token}</html>", HttpStatusCode.BadGateway, "text/html");

        var error = await Assert.ThrowsAsync<Pan123ProtocolException>(() => _platform.Files.GetDownloadInfoAsync(1));

        Assert.DoesNotContain(MockPlatform.Token, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Bearer ***", error.BodyExcerpt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_that_does_not_fit_the_model_is_a_protocol_error_not_a_json_exception()
    {
        _platform.RespondWith("""{"code":0,"message":"ok","data":{"fileID":"not-a-number"}}""");

        var error = await Assert.ThrowsAsync<Pan123ProtocolException>(() => _platform.Files.GetFileDetailAsync(1));

        Assert.Equal("GET /api/v1/file/detail", error.Operation);
        Assert.Contains("does not match the contract", error.Message, StringComparison.Ordinal);
        Assert.Contains("data.fileID", error.Message, StringComparison.Ordinal);
        Assert.Contains("not-a-number", error.BodyExcerpt, StringComparison.Ordinal);
        Assert.IsAssignableFrom<Newtonsoft.Json.JsonException>(error.InnerException);
    }

    public void Dispose() => _platform.Dispose();
}
