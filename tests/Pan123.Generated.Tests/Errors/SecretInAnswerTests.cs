using System.Net;
using Pan123.Tests.Support;

namespace Pan123.Tests.Errors;

/// <summary>
/// No secret in an exception, whatever the platform answers: a token answer that does not fit the
/// contract does not show the new token, and a message that echoes the client secret is masked.
/// </summary>
public sealed class SecretInAnswerTests : IDisposable
{
    private const string Secret = "the-client-secret-value";
    private const string NewToken = "eyJhbGciOiJIUzI1NiJ9.a-fresh-valid-token.sig";
    private const string NewRefreshToken = "a-single-use-refresh-token";
    private readonly MockPlatform _platform = new();

    private Task<AccessTokenResponse> RequestTokenAsync() =>
        _platform.Auth.GetAccessTokenAsync(new AccessTokenRequest { ClientId = "client-id", ClientSecret = Secret });

    [Fact]
    public async Task A_token_answer_whose_expiry_arrives_as_a_number_names_the_field_and_shows_neither_body_nor_token()
    {
        _platform.RespondWith($$"""{"code":0,"message":"ok","data":{"accessToken":"{{NewToken}}","expiredAt":1742716117},"x-traceID":"t-1"}""");

        var error = await Assert.ThrowsAsync<Pan123ProtocolException>(RequestTokenAsync);

        Assert.Contains("expiredAt", error.Message, StringComparison.Ordinal);
        foreach (var text in new[] { error.Message, error.ToString(), error.BodyExcerpt ?? "" })
        {
            Assert.DoesNotContain(NewToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        }

        Assert.Null(error.BodyExcerpt);
    }

    [Fact]
    public async Task A_platform_message_that_echoes_the_client_secret_is_masked()
    {
        _platform.RespondWith($$"""{"code":401,"message":"clientID client-id / clientSecret {{Secret}} mismatch","x-traceID":"t-2"}""");

        var error = await Assert.ThrowsAsync<Pan123ApiException>(RequestTokenAsync);

        Assert.Equal(401, error.ErrorCode);
        Assert.Contains("clientSecret *** mismatch", error.PlatformMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message + error.ToString() + error.PlatformMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oauth_answer_that_does_not_fit_does_not_show_its_tokens()
    {
        _platform.RespondWith($$"""{"access_token":"{{NewToken}}","refresh_token":"{{NewRefreshToken}}","expires_in":"soon","token_type":"Bearer"}""");

        var error = await Assert.ThrowsAsync<Pan123ProtocolException>(() =>
            _platform.Auth.GetOAuthTokenAsync("client-id", Secret, "refresh_token", refreshToken: "the-refresh-token-sent"));

        foreach (var secret in new[] { NewToken, NewRefreshToken, Secret, "the-refresh-token-sent" })
        {
            Assert.DoesNotContain(secret, error.Message + error.ToString() + error.BodyExcerpt, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"code":401,"message":"refresh_token the-refresh-token-sent 无效","x-traceID":"t-3"}""")]
    [InlineData("""{"error":"invalid_grant","error_description":"refresh_token the-refresh-token-sent is invalid"}""")]
    public async Task A_platform_message_that_echoes_the_refresh_token_sent_is_masked(string answer)
    {
        _platform.RespondWith(answer);

        var error = await Assert.ThrowsAnyAsync<Pan123Exception>(() =>
            _platform.Auth.GetOAuthTokenAsync("client-id", Secret, "refresh_token", refreshToken: "the-refresh-token-sent"));

        Assert.Contains("refresh_token *** ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("the-refresh-token-sent", error.Message + error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _platform.Dispose();
}
