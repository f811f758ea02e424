namespace Pan123.Tests.Errors;

/// <summary>Each documented platform code says what to do, in the exception's NextStep and in its Message.</summary>
public sealed class NextStepTests
{
    [Theory]
    [InlineData(Pan123ErrorCodes.DownloadQuotaExceeded, "您今日自用下载流量已超出1GB上限", "VIP or the next period lifts it")]
    [InlineData(Pan123ErrorCodes.InvalidAccessToken, "tokens number has exceeded the limit", "more than 3 live tokens")]
    [InlineData(Pan123ErrorCodes.InvalidAccessToken, "access_token无效", "check the credentials")]
    [InlineData(Pan123ErrorCodes.TooManyRequests, "操作频繁", "share the limit")]
    [InlineData(Pan123ErrorCodes.FileNotFound, "文件不存在", "check the id")]
    [InlineData(Pan123ErrorCodes.FileVerifying, "文件正在校验中", "try again in a minute")]
    [InlineData(Pan123ErrorCodes.InternalError, "内部错误", "quote the x-traceID")]
    public void A_documented_code_names_the_next_step_and_keeps_the_platforms_message(int code, string platformMessage, string step)
    {
        var error = new Pan123ApiException("GET /api/v1/file/download_info", 200, code, platformMessage, "trace-1");

        Assert.Contains(step, error.NextStep, StringComparison.Ordinal);
        Assert.Contains(error.NextStep!, error.Message, StringComparison.Ordinal);
        Assert.Contains(platformMessage, error.Message, StringComparison.Ordinal);
        Assert.Equal(platformMessage, error.PlatformMessage);
    }

    [Fact]
    public void An_undocumented_code_has_no_next_step_to_invent()
    {
        Assert.Null(new Pan123ApiException("GET /api/v1/file/detail", 200, 40001, "something").NextStep);
    }
}
