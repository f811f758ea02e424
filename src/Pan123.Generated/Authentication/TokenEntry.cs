using System.Globalization;
using Newtonsoft.Json.Linq;

namespace Pan123;

/// <summary>How every token store writes a <see cref="CachedAccessToken"/> as JSON, and reads it back (anything unreadable is no token).</summary>
internal static class TokenEntry
{
    public static JObject ToJson(CachedAccessToken token)
    {
        var entry = new JObject
        {
            ["accessToken"] = token.AccessToken,
            ["expiredAt"] = token.ExpiredAt.ToString("O", CultureInfo.InvariantCulture),
        };
        if (token.ObtainedAt is { } obtainedAt)
        {
            entry["obtainedAt"] = obtainedAt.ToString("O", CultureInfo.InvariantCulture);
        }

        if (token.RefreshToken is { } refreshToken)
        {
            entry["refreshToken"] = refreshToken;
            entry["refreshInFlight"] = token.RefreshInFlight;
        }

        return entry;
    }

    public static CachedAccessToken? FromJson(JToken? json)
    {
        try
        {
            return json is JObject entry
                && entry.Value<string>("accessToken") is { Length: > 0 } token
                && Time(entry.Value<string>("expiredAt")) is { } expiredAt
                ? new CachedAccessToken(token, expiredAt)
                {
                    ObtainedAt = Time(entry.Value<string>("obtainedAt")),
                    RefreshToken = entry.Value<string>("refreshToken"),
                    RefreshInFlight = entry.Value<bool?>("refreshInFlight") ?? false,
                }
                : null;
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or ArgumentException)
        {
            return null;
        }
    }

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value : null;
}
