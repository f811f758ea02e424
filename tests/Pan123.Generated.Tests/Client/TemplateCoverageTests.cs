using Pan123.TemplateCoverage;
using Pan123.Tests.Support;

namespace Pan123.Tests.Client;

/// <summary>
/// What the product's contract does not use yet, sent right by templates/Client.Class.liquid before the
/// platform needs it: a client generated from tests/Pan123.TemplateCoverage/coverage.yaml.
/// </summary>
public sealed class TemplateCoverageTests : IDisposable
{
    private readonly MockPlatform _platform = new();

    private IPan123CoverageClient Client => new Pan123CoverageClient(new Pan123ClientConfiguration(new StaticTokenProvider(MockPlatform.Token)), _platform.Http);

    public TemplateCoverageTests() => _platform.RespondWith(MockPlatform.Envelope(0, "ok", """{"ok":true}"""));

    private HttpRequestMessage Sent => Assert.Single(_platform.Requests);

    [Fact]
    public async Task Path_parameters_are_put_in_the_path_escaped_and_checked_before_any_request()
    {
        var answer = await Client.GetPartAsync(42, "a b/c?d");

        Assert.True(answer.Data.Ok);
        Assert.Equal("/api/v1/items/42/parts/a%20b%2Fc%3Fd", Sent.RequestUri!.AbsolutePath);
        Assert.Equal(string.Empty, Sent.RequestUri.Query);
        Assert.Equal("open_platform", Sent.Headers.GetValues("Platform").Single());
        Assert.Equal("Bearer " + MockPlatform.Token, Sent.Headers.Authorization!.ToString());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client.GetPartAsync(0, "x"));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Client.GetPartAsync(1, null!));
        Assert.Single(_platform.Requests);
    }

    [Fact]
    public async Task Header_parameters_are_sent_as_headers_and_an_optional_one_only_when_set()
    {
        await Client.SearchAsync("tag-1", pageSize: 50);
        var first = Sent;
        _platform.Requests.Clear();
        await Client.SearchAsync("tag-2");

        Assert.Equal(("tag-1", "50"), (first.Headers.GetValues("X-Request-Tag").Single(), first.Headers.GetValues("X-Page-Size").Single()));
        Assert.Equal("tag-2", Sent.Headers.GetValues("X-Request-Tag").Single());
        Assert.False(Sent.Headers.Contains("X-Page-Size"));
        Assert.Equal(string.Empty, Sent.RequestUri!.Query);
    }

    [Fact]
    public async Task An_array_in_the_query_is_the_parameter_once_per_value_and_an_optional_one_only_when_set()
    {
        await Client.GetBatchAsync([1, 22, 333], ["a b", "ü"]);
        var first = Sent;
        _platform.Requests.Clear();
        await Client.GetBatchAsync([7]);

        Assert.Equal("?fileIds=1&fileIds=22&fileIds=333&names=a%20b&names=%C3%BC", first.RequestUri!.Query);
        Assert.Equal("?fileIds=7", Sent.RequestUri!.Query);
    }

    [Fact]
    public void The_coverage_client_is_listed_with_its_limits_from_the_contract()
    {
        var client = Assert.Single(Pan123.TemplateCoverage.Pan123GeneratedClients.All);

        Assert.Equal(("Coverage", typeof(IPan123CoverageClient), true), (client.Tag, client.Interface, client.SendsAccessToken));
        Assert.Equal([new("GetPart", 0), new("Search", 3), new("GetBatch", 2)], client.RateLimits);
    }

    public void Dispose() => _platform.Dispose();
}
