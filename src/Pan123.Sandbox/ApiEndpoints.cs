using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pan123.Sandbox;

/// <summary>The platform API: its endpoints (access_token, download_info, file/detail, file/infos, file/list v2, user/info, direct-link/url), the envelope, header checks and the API faults.</summary>
internal static class ApiEndpoints
{
    private static readonly JsonSerializerOptions Json = new()
    {
        // The platform sends its Chinese messages as raw UTF-8, not \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly Dictionary<int, string> Messages = new()
    {
        [1] = "内部错误",
        [401] = "access_token无效",
        [429] = "请求太频繁",
        [5066] = "文件不存在，检查传入fileId是否正确",
        [5113] = "您今日自用下载流量已超出1GB上限，升级VIP会员可无限流量下载",
        [20103] = "文件正在校验中,请间隔1秒后再试",
    };

    public static void Map(WebApplication app, SandboxPlatform platform)
    {
        app.Use(async (context, next) =>
        {
            context.Items[typeof(SandboxPlatform)] = platform;
            if (platform.Faults.ResponseDelay > TimeSpan.Zero)
            {
                await Task.Delay(platform.Faults.ResponseDelay, context.RequestAborted).ConfigureAwait(false);
            }

            if (platform.Faults.TakeApiHttpFailure() is { } status)
            {
                SandboxPlatform.MarkFault(context);
                context.Response.StatusCode = status;
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync($"<html><body><h1>{status} Service Unavailable</h1>openresty</body></html>").ConfigureAwait(false);
                return;
            }

            // The authorize page is a browser page, not an API call: no Platform header there.
            if (context.Request.Headers["Platform"] != "open_platform" && context.Request.Path != "/auth")
            {
                await WriteErrorAsync(context, 1, "缺少或错误的Platform请求头 (Platform: open_platform required)").ConfigureAwait(false);
                return;
            }

            if (platform.Faults.TakeApiCodeAnswer(context.Request.Path.Value ?? string.Empty) is { } answer)
            {
                await WriteErrorAsync(context, answer.Code, answer.Message).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });

        platform.OAuth.Map(app);

        app.MapPost("/api/v1/access_token", async context =>
        {
            JsonNode? body = null;
            try
            {
                body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException)
            {
            }

            if ((string?)body?["clientID"] != SandboxPlatform.DemoClientId || (string?)body?["clientSecret"] != SandboxPlatform.DemoClientSecret)
            {
                await WriteErrorAsync(context, 1, "clientID或clientSecret错误").ConfigureAwait(false);
                return;
            }

            var token = platform.IssueToken();
            var expiredAt = (platform.TimeProvider.GetUtcNow() + platform.TokenLifetime).ToOffset(TimeSpan.FromHours(8));
            await WriteAsync(context, 0, "ok", new JsonObject
            {
                ["accessToken"] = token,
                ["expiredAt"] = expiredAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            }).ConfigureAwait(false);
        });

        app.MapGet("/api/v1/file/download_info", async context =>
        {
            if (!platform.TryTakeDownloadInfoPermit())
            {
                await WriteErrorAsync(context, 429, null).ConfigureAwait(false);
            }
            else if (await FindFileAsync(context, platform, "fileId").ConfigureAwait(false) is { } file)
            {
                if (file.Status > 100)
                {
                    await WriteErrorAsync(context, 1, "文件已被审核屏蔽，无法下载").ConfigureAwait(false);
                }
                else if (!platform.TrySpendQuota(file))
                {
                    await WriteErrorAsync(context, 5113, "本月免费流量不足，请开通会员").ConfigureAwait(false);
                }
                else
                {
                    await WriteAsync(context, 0, "ok", new JsonObject { ["downloadUrl"] = platform.Links.Create(file).AbsoluteUri }).ConfigureAwait(false);
                }
            }
        });

        // A file's permanent direct link, when a direct-link space holds it; the platform documents no
        // code for a file outside one, so the sandbox answers code 1 with a message that says so.
        app.MapGet("/api/v1/direct-link/url", async context =>
        {
            if (await FindFileAsync(context, platform, "fileID").ConfigureAwait(false) is { } file)
            {
                if (file.Type == 0 && platform.DirectLinks.LinkOf(file) is { } link)
                {
                    await WriteAsync(context, 0, "ok", new JsonObject { ["url"] = link.AbsoluteUri }).ConfigureAwait(false);
                }
                else
                {
                    await WriteErrorAsync(context, 1, "文件不在直链空间内 (the file is not in a direct-link space)").ConfigureAwait(false);
                }
            }
        });

        app.MapGet("/api/v1/file/detail", async context =>
        {
            if (await FindFileAsync(context, platform, "fileID").ConfigureAwait(false) is { } file)
            {
                await WriteAsync(context, 0, "ok", FileDetail(file)).ConfigureAwait(false);
            }
        });

        // Several files' details: the ids it knows, in the order asked, the others left out.
        app.MapPost("/api/v1/file/infos", async context =>
        {
            if (!await AuthorizedAsync(context, platform).ConfigureAwait(false))
            {
                return;
            }

            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            var list = new JsonArray();
            foreach (var id in body?["fileIds"]?.AsArray() ?? [])
            {
                if (id?.GetValue<long>() is { } fileId && platform.Files.TryGetValue(fileId, out var file))
                {
                    list.Add(FileDetail(file));
                }
            }

            await WriteAsync(context, 0, "ok", new JsonObject { ["fileList"] = list }).ConfigureAwait(false);
        });

        // The demo account, as user/info documents it (vipInfo as an array, spaceTempExpr as a string).
        app.MapGet("/api/v1/user/info", async context =>
        {
            if (await AuthorizedAsync(context, platform).ConfigureAwait(false))
            {
                await WriteAsync(context, 0, "ok", new JsonObject
                {
                    ["uid"] = SandboxPlatform.DemoUid,
                    ["nickname"] = "sandbox",
                    ["headImage"] = string.Empty,
                    ["passport"] = "1381234****",
                    ["mail"] = string.Empty,
                    ["spaceUsed"] = platform.Files.Values.Where(f => f.Type == 0).Sum(f => f.Size),
                    ["spacePermanent"] = 2L << 40,
                    ["spaceTemp"] = 0,
                    ["spaceTempExpr"] = "0",
                    ["vip"] = true,
                    ["directTraffic"] = platform.DirectLinks.TrafficLeft,
                    ["isHideUID"] = false,
                    ["vipInfo"] = new JsonArray(new JsonObject
                    {
                        ["vipLevel"] = 1,
                        ["vipLabel"] = "VIP",
                        ["startTime"] = "2026-01-01 00:00:00",
                        ["endTime"] = "2027-01-01 00:00:00",
                    }),
                }).ConfigureAwait(false);
            }
        });

        // Paged by id: a page holds the entries after lastFileId, at most limit of them; the answer's
        // lastFileId is the cursor of the next page, or -1 after the last one.
        app.MapGet("/api/v2/file/list", async context =>
        {
            var query = context.Request.Query;
            if (!platform.TryTakeFileListPermit())
            {
                await WriteErrorAsync(context, 429, null).ConfigureAwait(false);
            }
            else if (!await AuthorizedAsync(context, platform).ConfigureAwait(false))
            {
                return;
            }
            else if (!long.TryParse(query["parentFileId"], NumberStyles.None, CultureInfo.InvariantCulture, out var parent)
                || !int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > 100)
            {
                await WriteErrorAsync(context, 1, "参数错误 (parentFileId and limit 1-100 are required)").ConfigureAwait(false);
            }
            else
            {
                var after = long.TryParse(query["lastFileId"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var cursor) ? cursor : 0;
                var search = query["searchData"].ToString();
                var entries = platform.Children(parent, search.Length == 0 ? null : search, query["searchMode"] == "1")
                    .Where(f => f.FileId > after)
                    .Take(limit + 1)
                    .ToList();
                var page = entries.Take(limit).ToList();
                var list = new JsonArray();
                foreach (var file in page)
                {
                    list.Add(new JsonObject
                    {
                        ["fileId"] = file.FileId,
                        ["filename"] = file.Filename,
                        ["parentFileId"] = file.ParentFileId,
                        ["type"] = file.Type,
                        ["etag"] = file.Type == 0 ? file.Md5 : string.Empty,
                        ["size"] = file.Size,
                        ["category"] = 0,
                        ["status"] = file.Status,
                        ["punishFlag"] = 0,
                        ["s3KeyFlag"] = $"{file.FileId}-0",
                        ["storageNode"] = "m0",
                        ["trashed"] = file.Trashed ? 1 : 0,
                        ["createAt"] = "2025-02-28 09:25:54",
                        ["updateAt"] = "2025-02-28 09:26:10",
                    });
                }

                await WriteAsync(context, 0, "ok", new JsonObject
                {
                    ["lastFileId"] = entries.Count > limit ? page[^1].FileId : -1,
                    ["fileList"] = list,
                }).ConfigureAwait(false);
            }
        });
    }

    // A file as file/detail and file/infos describe it.
    private static JsonObject FileDetail(SandboxFile file) => new()
    {
        ["fileID"] = file.FileId,
        ["filename"] = file.Filename,
        ["type"] = file.Type,
        ["size"] = file.Size,
        ["etag"] = file.Type == 0 ? file.Md5 : string.Empty,
        ["status"] = file.Status,
        ["parentFileID"] = file.ParentFileId,
        ["createAt"] = new DateTime(2025, 2, 28, 9, 25, 54, DateTimeKind.Unspecified).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        ["trashed"] = file.Trashed ? 1 : 0,
    };

    // Answers 401 for a missing or bad token, as the platform does.
    private static async Task<bool> AuthorizedAsync(HttpContext context, SandboxPlatform platform)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal) && platform.IsValidToken(authorization["Bearer ".Length..]))
        {
            return true;
        }

        await WriteErrorAsync(context, 401, null).ConfigureAwait(false);
        return false;
    }

    // Authorisation and the file lookup, answered as the platform does: 401 for a bad token, 5066 for an unknown id.
    private static async Task<SandboxFile?> FindFileAsync(HttpContext context, SandboxPlatform platform, string queryName)
    {
        if (!await AuthorizedAsync(context, platform).ConfigureAwait(false))
        {
            return null;
        }

        if (!long.TryParse(context.Request.Query[queryName], NumberStyles.None, CultureInfo.InvariantCulture, out var fileId)
            || !platform.Files.TryGetValue(fileId, out var file))
        {
            await WriteErrorAsync(context, 5066, null).ConfigureAwait(false);
            return null;
        }

        return file;
    }

    private static Task WriteErrorAsync(HttpContext context, int code, string? message) =>
        WriteAsync(context, code, message ?? Messages.GetValueOrDefault(code, "error"), data: null);

    private static async Task WriteAsync(HttpContext context, int code, string message, JsonNode? data)
    {
        // A success answer of the wrong shape, on purpose: the first field of data becomes an object.
        if (code == 0 && data is JsonObject fields && fields.Count > 0
            && context.Items[typeof(SandboxPlatform)] is SandboxPlatform platform && platform.Faults.TakeMisshapedAnswer())
        {
            fields[fields.First().Key] = new JsonObject { ["unexpected"] = true };
        }

        var envelope = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["data"] = data,
            ["x-traceID"] = Guid.NewGuid().ToString() + "_sandbox",
        };
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(envelope.ToJsonString(Json), context.RequestAborted).ConfigureAwait(false);
    }
}
