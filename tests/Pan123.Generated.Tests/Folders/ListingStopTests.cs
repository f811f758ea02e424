using System.Net;
using Pan123.Tests.Support;

namespace Pan123.Tests.Folders;

/// <summary>Paging stops at -1, and defensively at an empty page or a cursor that did not move, whatever the platform does.</summary>
public sealed class ListingStopTests
{
    private static string Page(long lastFileId, params long[] ids) => MockPlatform.Envelope(0, "ok", $$"""
        {"lastFileId":{{lastFileId}},"fileList":[{{string.Join(",", ids.Select(id => $$"""{"fileId":{{id}},"filename":"f{{id}}","type":0,"size":1,"etag":"","status":2,"parentFileId":9,"trashed":0}"""))}}]}
        """);

    private static async Task<(List<long> Ids, List<string> Queries)> ListAsync(Func<int, string> pageFor)
    {
        using var platform = new MockPlatform();
        var queries = new List<string>();
        platform.Handler.Fallback.Respond((HttpRequestMessage request) =>
        {
            queries.Add(request.RequestUri!.Query);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(pageFor(queries.Count)) });
        });

        var ids = new List<long>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var entry in platform.Files.ListFilesAsync(9, pageSize: 2, cancellationToken: timeout.Token))
        {
            ids.Add(entry.FileId);
        }

        return (ids, queries);
    }

    [Fact]
    public async Task The_cursor_is_followed_until_minus_one()
    {
        var (ids, queries) = await ListAsync(n => n switch { 1 => Page(11, 10, 11), 2 => Page(13, 12, 13), _ => Page(-1, 14) });

        Assert.Equal([10L, 11, 12, 13, 14], ids);
        Assert.Equal(["?parentFileId=9&limit=2", "?parentFileId=9&limit=2&lastFileId=11", "?parentFileId=9&limit=2&lastFileId=13"], queries);
    }

    [Fact]
    public async Task A_cursor_that_does_not_move_ends_the_listing()
    {
        var (ids, queries) = await ListAsync(n => n == 1 ? Page(11, 10, 11) : Page(11, 10, 11));

        Assert.Equal([10L, 11, 10, 11], ids);
        Assert.Equal(2, queries.Count);
    }

    [Fact]
    public async Task An_empty_page_ends_the_listing_whatever_its_cursor()
    {
        var (ids, queries) = await ListAsync(n => n == 1 ? Page(11, 10, 11) : Page(99));

        Assert.Equal([10L, 11], ids);
        Assert.Equal(2, queries.Count);
    }
}
