using System.Net;
using System.Text;
using Pan123.Tests.Support;

namespace Pan123.Tests.Errors;

public sealed class EnvelopeErrorTests : IDisposable
{
    private readonly MockPlatform _platform = new();

    public static TheoryData<int, string, bool> DocumentedCodes => new()
    {
        { Pan123ErrorCodes.InternalError, "内部错误", false },
        { Pan123ErrorCodes.InvalidAccessToken, "access_token无效", false },
        { Pan123ErrorCodes.TooManyRequests, "请求太频繁", true },
        { Pan123ErrorCodes.FileNotFound, "文件不存在，检查传入fileId是否正确", false },
        { Pan123ErrorCodes.DownloadQuotaExceeded, "您今日自用下载流量已超出1GB上限，升级VIP会员可无限流量下载", false },
        { Pan123ErrorCodes.FileVerifying, "文件正在校验中,请间隔1秒后再试", true },
    };

    [Fact]
    public async Task A_platform_message_that_echoes_the_token_has_it_redacted()
    {
        _platform.RespondWith(MockPlatform.Envelope(Pan123ErrorCodes.InvalidAccessToken, $"access_token无效: {MockPlatform.Token}"));

        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => _platform.Files.GetDownloadInfoAsync(14749954));

        Assert.Equal("access_token无效: ***", error.PlatformMessage);
        Assert.DoesNotContain(MockPlatform.Token, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DocumentedCodes))]
    public async Task Each_documented_code_throws_Pan123ApiException_with_code_message_and_trace(int code, string message, bool transient)
    {
        _platform.RespondWith(MockPlatform.Envelope(code, message));

        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => _platform.Files.GetDownloadInfoAsync(14749954));

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(message, error.PlatformMessage);
        Assert.Equal(MockPlatform.TraceId, error.TraceId);
        Assert.Equal(200, error.Status);
        Assert.Equal("GET /api/v1/file/download_info", error.Operation);
        Assert.Equal(transient, error.IsTransient);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(MockPlatform.TraceId, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(MockPlatform.Token, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DocumentedCodes))]
    public async Task File_detail_maps_the_same_codes(int code, string message, bool transient)
    {
        _platform.RespondWith(MockPlatform.Envelope(code, message));

        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => _platform.Files.GetFileDetailAsync(14749954));

        Assert.Equal((code, message, transient), (error.ErrorCode, error.PlatformMessage, error.IsTransient));
        Assert.Equal("GET /api/v1/file/detail", error.Operation);
    }

    [Fact]
    public async Task The_token_request_maps_codes_too()
    {
        _platform.RespondWith(MockPlatform.Envelope(429, "操作频繁"));

        var error = await Assert.ThrowsAsync<Pan123ApiException>(
            () => _platform.Auth.GetAccessTokenAsync(new AccessTokenRequest { ClientId = "id", ClientSecret = "very-secret" }));

        Assert.Equal(429, error.ErrorCode);
        Assert.Equal("POST /api/v1/access_token", error.Operation);
        Assert.DoesNotContain("very-secret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_envelope_with_a_non_200_status_keeps_both_the_code_and_the_status()
    {
        _platform.RespondWith(MockPlatform.Envelope(429, "请求太频繁"), HttpStatusCode.TooManyRequests);

        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => _platform.Files.GetDownloadInfoAsync(1));

        Assert.Equal((429, 429), (error.ErrorCode, error.Status));
    }

    [Fact]
    public async Task Chinese_messages_are_kept_byte_exact_whether_sent_raw_or_escaped()
    {
        const string message = "您今日自用下载流量已超出1GB上限，升级VIP会员可无限流量下载";
        var escaped = string.Concat(message.Select(c => c < 128 ? c.ToString() : $"\\u{(int)c:x4}"));
        foreach (var wire in new[] { message, escaped })
        {
            using var platform = new MockPlatform();
            platform.RespondWith(MockPlatform.Envelope(5113, wire));

            var error = await Assert.ThrowsAsync<Pan123ApiException>(() => platform.Files.GetDownloadInfoAsync(1));

            Assert.Equal(Encoding.UTF8.GetBytes(message), Encoding.UTF8.GetBytes(error.PlatformMessage));
        }
    }

    [Fact]
    public async Task A_success_envelope_is_returned_with_its_data_and_trace_id()
    {
        _platform.RespondWith(MockPlatform.Envelope(0, "ok", """{"downloadUrl":"https://download-cdn.cjjd19.com/123-61/ab6dd0cf/x"}"""));

        var response = await _platform.Files.GetDownloadInfoAsync(14749954);

        Assert.Equal(0, response.Code);
        Assert.Equal("https://download-cdn.cjjd19.com/123-61/ab6dd0cf/x", response.Data.DownloadUrl);
        Assert.Equal(MockPlatform.TraceId, response.TraceId);
    }

    public void Dispose() => _platform.Dispose();
}
