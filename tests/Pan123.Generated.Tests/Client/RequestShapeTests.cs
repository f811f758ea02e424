using Newtonsoft.Json.Linq;
using Pan123.Tests.Support;

namespace Pan123.Tests.Client;

public sealed class RequestShapeTests : IDisposable
{
    private readonly MockPlatform _platform = new();

    [Fact]
    public async Task GetDownloadInfo_sends_fileId_with_the_platform_and_bearer_headers()
    {
        _platform.RespondWith(MockPlatform.Envelope(0, "ok", """{"downloadUrl":"https://cdn.example/f"}"""));

        await _platform.Files.GetDownloadInfoAsync(14749954);

        var request = Assert.Single(_platform.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("https://open-api.123pan.com/api/v1/file/download_info?fileId=14749954", request.RequestUri!.AbsoluteUri);
        Assert.Equal(["open_platform"], request.Headers.GetValues("Platform"));
        Assert.Equal("Bearer", request.Headers.Authorization!.Scheme);
        Assert.Equal(MockPlatform.Token, request.Headers.Authorization.Parameter);
        Assert.Equal($"Bearer {MockPlatform.Token}", request.Headers.GetValues("Authorization").Single());
    }

    [Fact]
    public async Task GetFileDetail_spells_the_query_fileID_with_capital_ID()
    {
        _platform.RespondWith(MockPlatform.Envelope(0, "ok", DetailJson));

        await _platform.Files.GetFileDetailAsync(14749954);

        var request = Assert.Single(_platform.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("/api/v1/file/detail", request.RequestUri!.AbsolutePath);
        Assert.Equal("?fileID=14749954", request.RequestUri.Query);
        Assert.Equal(["open_platform"], request.Headers.GetValues("Platform"));
        Assert.Equal(MockPlatform.Token, request.Headers.Authorization!.Parameter);
    }

    [Fact]
    public async Task GetAccessToken_posts_json_credentials_and_sends_no_Authorization()
    {
        string? sentBody = null;
        _platform.Handler.Fallback.Respond(async request =>
        {
            _platform.Requests.Add(request);
            sentBody = await request.Content!.ReadAsStringAsync();
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new StringContent(MockPlatform.Envelope(0, "ok", """{"accessToken":"t","expiredAt":"2025-03-23T15:48:37+08:00"}""")),
            };
        });

        await _platform.Auth.GetAccessTokenAsync(new AccessTokenRequest { ClientId = "id-1", ClientSecret = "secret-1" });

        var request = Assert.Single(_platform.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/api/v1/access_token", request.RequestUri!.AbsolutePath);
        Assert.Equal(["open_platform"], request.Headers.GetValues("Platform"));
        Assert.Null(request.Headers.Authorization);
        Assert.False(request.Headers.Contains("Authorization"));
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
        var body = JObject.Parse(sentBody!);
        Assert.Equal("id-1", (string?)body["clientID"]);
        Assert.Equal("secret-1", (string?)body["clientSecret"]);
    }

    [Fact]
    public async Task Auth_client_sends_no_token_even_when_built_with_a_token_provider()
    {
        _platform.RespondWith(MockPlatform.Envelope(0, "ok", """{"accessToken":"t","expiredAt":"2025-03-23T15:48:37+08:00"}"""));
        var auth = new Pan123AuthClient(new Pan123ClientConfiguration(new StaticTokenProvider(MockPlatform.Token)), _platform.Http);

        await auth.GetAccessTokenAsync(new AccessTokenRequest { ClientId = "id", ClientSecret = "s" });

        Assert.Null(Assert.Single(_platform.Requests).Headers.Authorization);
    }

    [Fact]
    public async Task Headers_go_on_the_request_not_on_the_shared_HttpClient()
    {
        _platform.RespondWith(MockPlatform.Envelope(0, "ok", """{"downloadUrl":"https://cdn.example/f"}"""));

        await _platform.Files.GetDownloadInfoAsync(1);

        Assert.Null(_platform.Http.DefaultRequestHeaders.Authorization);
        Assert.False(_platform.Http.DefaultRequestHeaders.Contains("Platform"));
    }

    [Fact]
    public async Task Files_client_without_a_token_provider_fails_before_sending()
    {
        _platform.RespondWith(MockPlatform.Envelope(0, "ok", """{"downloadUrl":"https://cdn.example/f"}"""));
        var files = new Pan123FilesClient(new Pan123ClientConfiguration(), _platform.Http);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => files.GetDownloadInfoAsync(1));

        Assert.Contains("token provider", error.Message, StringComparison.Ordinal);
        Assert.Empty(_platform.Requests);
    }

    [Fact]
    public async Task Optional_query_parameters_are_sent_when_set_and_absent_when_not()
    {
        _platform.RespondWith(MockPlatform.Envelope(0, "ok", """{"lastFileId":-1,"fileList":[]}"""));

        await _platform.Files.GetFileListAsync(0, 100);
        await _platform.Files.GetFileListAsync(14749926, 50, lastFileId: 14749954, searchData: "年报 2025&x", searchMode: 1);

        Assert.Equal("?parentFileId=0&limit=100", _platform.Requests[0].RequestUri!.Query);
        Assert.Equal("?parentFileId=14749926&limit=50&lastFileId=14749954&searchData=%E5%B9%B4%E6%8A%A5%202025%26x&searchMode=1", _platform.Requests[1].RequestUri!.Query);
    }

    [Theory]
    [InlineData(-1, 100, 0)]
    [InlineData(0, 0, 0)]
    [InlineData(0, 101, 0)]
    [InlineData(0, 100, 2)]
    public async Task File_list_arguments_outside_the_contract_are_refused_before_any_request(long parentFileId, int limit, int searchMode)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _platform.Files.GetFileListAsync(parentFileId, limit, searchMode: searchMode));

        Assert.Empty(_platform.Requests);
    }

    internal const string DetailJson = """
        {"fileID":14749954,"filename":"Keyshot_win64_2024.exe","type":0,"size":1163176272,
         "etag":"ab6dd0cfca2da20f84f55d2ed73a8c3d","status":2,"parentFileID":14749926,
         "createAt":"2025-02-28 09:25:54","trashed":0}
        """;

    public void Dispose() => _platform.Dispose();
}
