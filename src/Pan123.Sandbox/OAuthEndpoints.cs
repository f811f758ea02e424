using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pan123.Sandbox;

/// <summary>
/// The platform's OAuth side, for apps acting for users: an authorize page that consents at once
/// (it redirects back with a code and the state), and <c>POST /api/v1/oauth2/access_token</c> with
/// flat answers, single-use codes and refresh tokens, and the old access token revoked the moment
/// its pair is refreshed, as the platform does.
/// </summary>
internal sealed class OAuthEndpoints(SandboxPlatform platform)
{
    private readonly ConcurrentDictionary<string, string> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new(StringComparer.Ordinal);
    private int _refreshes;

    public int Refreshes => Volatile.Read(ref _refreshes);

    public void Map(WebApplication app)
    {
        app.MapGet("/auth", context =>
        {
            var query = context.Request.Query;
            if (query["client_id"] != SandboxPlatform.DemoOAuthClientId || !Uri.TryCreate(query["redirect_uri"], UriKind.Absolute, out var redirect))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return Task.CompletedTask;
            }

            var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            _codes[code] = redirect.AbsoluteUri;
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = $"{redirect.AbsoluteUri}?code={code}&state={Uri.EscapeDataString(query["state"].ToString())}";
            return Task.CompletedTask;
        });

        app.MapPost("/api/v1/oauth2/access_token", async context =>
        {
            var query = context.Request.Query;
            if (query["client_id"] != SandboxPlatform.DemoOAuthClientId || query["client_secret"] != SandboxPlatform.DemoOAuthClientSecret)
            {
                await RefuseAsync(context, "invalid_client", "unknown client or wrong secret").ConfigureAwait(false);
                return;
            }

            string? revoke = null;
            switch (query["grant_type"].ToString())
            {
                case "authorization_code" when _codes.TryRemove(query["code"].ToString(), out var redirect) && redirect == query["redirect_uri"]:
                    break;
                case "refresh_token" when _refreshTokens.TryRemove(query["refresh_token"].ToString(), out var accessToken):
                    Interlocked.Increment(ref _refreshes);
                    revoke = accessToken;
                    break;
                default:
                    await RefuseAsync(context, "invalid_grant", "the code or refresh token is invalid, expired or used").ConfigureAwait(false);
                    return;
            }

            if (revoke is not null)
            {
                platform.RevokeToken(revoke);
            }

            var access = platform.IssueToken(platform.OAuthAccessTokenLifetime);
            var refresh = "rt." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            _refreshTokens[refresh] = access;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(new JsonObject
            {
                ["token_type"] = "Bearer",
                ["access_token"] = access,
                ["refresh_token"] = refresh,
                ["expires_in"] = (long)platform.OAuthAccessTokenLifetime.TotalSeconds,
                ["scope"] = "user:base,file:all:read,file:all:write",
            }.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
        });
    }

    private static Task RefuseAsync(HttpContext context, string error, string description)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString(), context.RequestAborted);
    }
}
