using Microsoft.OpenApi.Models;
using Pan123.Tests.Support;

namespace Pan123.Tests.Contract;

/// <summary>The platform's own examples, taken from the contract, go through the generated client unchanged.</summary>
public sealed class DocumentedExampleTests
{
    private static string Example(string path, OperationType method, string name) =>
        ContractDocument.ExampleJson(path, method.ToString().ToLowerInvariant(), name);

    [Fact]
    public async Task The_download_info_example_deserializes()
    {
        using var platform = new MockPlatform();
        platform.RespondWith(Example("/api/v1/file/download_info", OperationType.Get, "ok"));

        var response = await platform.Files.GetDownloadInfoAsync(14749954);

        Assert.Equal("https://download-cdn.cjjd19.com/123-61/ab6dd0cf/18...(过长省略)", response.Data.DownloadUrl);
        Assert.Equal("68a2d07c-72d3-4fc6-a0a7-965dfea99dc0_kong-db-5898fdd8c6-wnv6h", response.TraceId);
        Assert.Equal("ok", response.Message);
    }

    [Fact]
    public async Task The_user_info_example_deserializes_with_its_vip_times_in_platform_time()
    {
        using var platform = new MockPlatform();
        platform.RespondWith(Example("/api/v1/user/info", OperationType.Get, "ok"));

        var user = (await new Pan123UserClient(new Pan123ClientConfiguration(new StaticTokenProvider(MockPlatform.Token)), platform.Http).GetUserInfoAsync()).Data;

        Assert.Equal((1814435971L, "demo", 5368709120L, 2199023255552L, "0", true, 1073741824L), (user.Uid, user.Nickname, user.SpaceUsed, user.SpacePermanent, user.SpaceTempExpr, user.Vip, user.DirectTraffic));
        var vip = Assert.Single(user.VipInfo!);
        Assert.Equal((1, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(8))), (vip.VipLevel, vip.EndTime));
    }

    [Fact]
    public void Fields_that_drift_are_read_in_every_shape_they_arrive_in()
    {
        var user = Newtonsoft.Json.JsonConvert.DeserializeObject<UserInfo>("""{"uid":1,"nickname":"n","spaceUsed":0,"spacePermanent":0,"spaceTempExpr":1767196800,"vipInfo":{"vipLevel":2,"vipLabel":"SVIP"}}""")!;

        Assert.Equal("1767196800", user.SpaceTempExpr);
        Assert.Equal(("SVIP", 2), (Assert.Single(user.VipInfo!).VipLabel, user.VipInfo!.Single().VipLevel));
    }

    [Fact]
    public async Task The_access_token_example_deserializes_with_its_offset()
    {
        using var platform = new MockPlatform();
        platform.RespondWith(Example("/api/v1/access_token", OperationType.Post, "ok"));

        var response = await platform.Auth.GetAccessTokenAsync(new AccessTokenRequest { ClientId = "id", ClientSecret = "s" });

        Assert.Equal("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJl...(过长省略)", response.Data.AccessToken);
        Assert.Equal(new DateTimeOffset(2025, 3, 23, 15, 48, 37, TimeSpan.FromHours(8)), response.Data.ExpiredAt);
        Assert.Equal(TimeSpan.FromHours(8), response.Data.ExpiredAt.Offset);
    }

    [Fact]
    public async Task The_file_detail_example_deserializes_and_createAt_is_platform_time()
    {
        using var platform = new MockPlatform();
        platform.RespondWith(Example("/api/v1/file/detail", OperationType.Get, "ok"));

        var detail = (await platform.Files.GetFileDetailAsync(14749954)).Data;

        Assert.Equal(14749954, detail.FileId);
        Assert.Equal("Keyshot_win64_2024.exe", detail.Filename);
        Assert.Equal(Pan123FileType.File, detail.Type);
        Assert.Equal(1163176272, detail.Size);
        Assert.Equal("ab6dd0cfca2da20f84f55d2ed73a8c3d", detail.ETag);
        Assert.Equal(14749926, detail.ParentFileId);
        Assert.False(detail.Trashed);
        Assert.Equal(new DateTimeOffset(2025, 2, 28, 1, 25, 54, TimeSpan.Zero), detail.CreatedAt);
        Assert.Equal(TimeSpan.FromHours(8), detail.CreatedAt!.Value.Offset);
    }

    [Theory]
    [InlineData("/api/v1/file/download_info", "quotaExceeded", 5113, "您今日自用下载流量已超出1GB上限，升级VIP会员可无限流量下载")]
    [InlineData("/api/v1/file/download_info", "fileNotFound", 5066, "文件不存在，检查传入fileId是否正确")]
    [InlineData("/api/v1/file/detail", "fileNotFound", 5066, "文件不存在，检查传入fileId是否正确")]
    public async Task The_documented_error_examples_map_to_their_codes(string path, string example, int code, string message)
    {
        using var platform = new MockPlatform();
        platform.RespondWith(Example(path, OperationType.Get, example));

        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => path.EndsWith("detail", StringComparison.Ordinal)
            ? platform.Files.GetFileDetailAsync(14749954)
            : platform.Files.GetDownloadInfoAsync(14749954));

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(message, error.PlatformMessage);
        Assert.Equal("68a2d07c-72d3-4fc6-a0a7-965dfea99dc0_kong-db-5898fdd8c6-wnv6h", error.TraceId);
    }

    [Theory]
    [InlineData("\"2025/02/28 09:25\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("1740705954")]
    public void A_platform_time_in_a_shape_the_platform_does_not_document_reads_as_null_not_as_a_failure(string createAt)
    {
        var detail = Newtonsoft.Json.JsonConvert.DeserializeObject<FileDetail>($$"""{"fileID":1,"filename":"a","type":0,"size":1,"etag":"x","status":0,"parentFileID":0,"trashed":1,"createAt":{{createAt}}}""")!;

        Assert.Null(detail.CreatedAt);
        Assert.True(detail.Trashed);
    }

    [Fact]
    public void Typed_fields_are_written_back_in_the_platforms_own_shape()
    {
        var json = Newtonsoft.Json.JsonConvert.SerializeObject(new FileDetail { Filename = "a", ETag = "x", Type = Pan123FileType.Folder, Trashed = true, CreatedAt = new DateTimeOffset(2025, 2, 28, 1, 25, 54, TimeSpan.Zero) });

        Assert.Contains("\"type\":1", json, StringComparison.Ordinal);
        Assert.Contains("\"trashed\":1", json, StringComparison.Ordinal);
        Assert.Contains("\"createAt\":\"2025-02-28 09:25:54\"", json, StringComparison.Ordinal);
    }
}
