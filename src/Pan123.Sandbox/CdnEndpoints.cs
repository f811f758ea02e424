using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Pan123.Sandbox;

/// <summary>
/// The CDN: serves a file's bytes for a signed link (download_info's) or a direct link, with a strong ETag, single-range requests
/// (206), If-Range, optional 302 hops, the CDN faults and <see cref="CdnLimits"/>. It needs and checks
/// no credentials.
/// </summary>
internal static class CdnEndpoints
{
    private const int ChunkSize = 1 << 20;
    private const int SlowChunkSize = 1 << 16;

    public static void Map(WebApplication app, SandboxPlatform platform)
    {
        app.MapGet("/hop/{hops:int}/{**rest}", (HttpContext context, int hops, string rest) =>
        {
            var next = hops > 1 ? $"/hop/{hops - 1}/{rest}" : "/" + rest;
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = next + context.Request.QueryString;
            return Task.CompletedTask;
        });

        app.MapGet("/123-61/{prefix}/{fileId:long}/{name}", (HttpContext context, long fileId) =>
        {
            var valid = platform.Links.IsValid(fileId, context.Request.Query["t"], context.Request.Query["sign"]);
            return ServeAsync(context, platform, valid && platform.Files.TryGetValue(fileId, out var file) ? file : null, "link expired or invalid", direct: false);
        });

        // Direct links: permanent and unsigned, unless the space has URL authentication on (then an auth_key is required).
        app.MapGet($"/{SandboxPlatform.DemoUid}/{{**path}}", (HttpContext context) =>
        {
            var found = platform.DirectLinks.Resolve(context.Request.Path.Value ?? string.Empty);
            return found is { Signed: true } && string.IsNullOrEmpty(context.Request.Query["auth_key"])
                ? ServeAsync(context, platform, null, "URL authentication is on for this direct-link space (auth_key missing)", direct: true)
                : ServeAsync(context, platform, found?.File, "no such direct link", direct: true);
        });
    }

    private static async Task ServeAsync(HttpContext context, SandboxPlatform platform, SandboxFile? file, string refusal, bool direct)
    {
        var response = context.Response;
        if (platform.Faults.TakeCdnHttpFailure() is { } failure)
        {
            await failure.Answer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            response.StatusCode = failure.Status;
            return;
        }

        if (file is null)
        {
            response.StatusCode = StatusCodes.Status403Forbidden;
            await response.WriteAsync($"<html><body>403 Forbidden: {refusal}</body></html>").ConfigureAwait(false);
            return;
        }

        var fileId = file.FileId;

        var (start, end) = (0L, file.Size - 1);
        var partial = false;
        var range = context.Request.GetTypedHeaders().Range;
        var ifRange = context.Request.Headers.IfRange.ToString();
        if (range is { Ranges.Count: 1 } && (ifRange.Length == 0 || ifRange == file.CdnETag))
        {
            var requested = range.Ranges.Single();
            var from = requested.From ?? Math.Max(0, file.Size - (requested.To ?? 0));
            if (from >= file.Size)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{file.Size}";
                return;
            }

            (start, end, partial) = (from, requested.From is null ? file.Size - 1 : Math.Min(requested.To ?? file.Size - 1, file.Size - 1), true);
            if (platform.CdnLimits.TooSmall(end - start + 1, end, file.Size))
            {
                response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
        }

        if (!platform.CdnLimits.TryEnter(fileId))
        {
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            return;
        }

        try
        {
            await ServeBodyAsync(context, platform, file, start, end, partial, direct).ConfigureAwait(false);
        }
        finally
        {
            platform.CdnLimits.Leave(fileId);
        }
    }

    private static async Task ServeBodyAsync(HttpContext context, SandboxPlatform platform, SandboxFile file, long start, long end, bool partial, bool direct)
    {
        var response = context.Response;
        response.StatusCode = partial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.ContentLength = end - start + 1;
        response.Headers.ETag = file.CdnETag;
        response.Headers.AcceptRanges = "bytes";
        if (partial)
        {
            response.Headers.ContentRange = new ContentRangeHeaderValue(start, end, file.Size).ToString();
        }

        if (platform.Faults.ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(platform.Faults.ResponseDelay, context.RequestAborted).ConfigureAwait(false);
        }

        await WriteBodyAsync(context, platform, file, start, end - start + 1, direct).ConfigureAwait(false);
    }

    private static async Task WriteBodyAsync(HttpContext context, SandboxPlatform platform, SandboxFile file, long start, long length, bool direct)
    {
        var dropAfter = platform.Faults.TakeCdnDrop();
        var pause = platform.Faults.CdnBodyChunkDelay;
        var chunkSize = pause > TimeSpan.Zero ? SlowChunkSize : ChunkSize;
        var corruptAt = platform.Faults.CorruptContent ? file.Size / 2 : -1;
        var rate = platform.CdnLimits.BytesPerSecondPerConnection;
        if (rate is not null)
        {
            chunkSize = SlowChunkSize;
        }

        var started = platform.TimeProvider.GetTimestamp();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long sent = 0;
            while (sent < length)
            {
                if (pause > TimeSpan.Zero && sent > 0)
                {
                    await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                    await Task.Delay(pause, context.RequestAborted).ConfigureAwait(false);
                }

                var count = (int)Math.Min(chunkSize, length - sent);
                if (dropAfter is { } limit)
                {
                    count = (int)Math.Min(count, limit - sent);
                    if (count <= 0)
                    {
                        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                        context.Abort();
                        return;
                    }
                }

                var offset = start + sent;
                file.Content.Fill(offset, buffer.AsSpan(0, count));
                if (corruptAt >= offset && corruptAt < offset + count)
                {
                    buffer[corruptAt - offset] ^= 0xFF;
                }

                await context.Response.Body.WriteAsync(buffer.AsMemory(0, count), context.RequestAborted).ConfigureAwait(false);
                platform.CdnLimits.Sent(count);
                if (direct)
                {
                    platform.DirectLinks.Served(count);
                }

                sent += count;
                if (rate is { } perSecond)
                {
                    // Paced against the response's start, so the cap holds on average whatever the chunk timing.
                    var due = TimeSpan.FromSeconds((double)sent / perSecond) - platform.TimeProvider.GetElapsedTime(started);
                    if (due > TimeSpan.Zero)
                    {
                        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                        await Task.Delay(due, platform.TimeProvider, context.RequestAborted).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
