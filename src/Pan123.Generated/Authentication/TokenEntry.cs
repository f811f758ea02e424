namespace Pan123;

/// <summary>How every token store writes a <see cref="CachedAccessToken"/> as JSON, and reads it back (anything unreadable is no token).</summary>
internal static class TokenEntry
{
    public static Newtonsoft.Json.Linq.JObject ToJson(CachedAccessToken token)
    {
        var entry = new Newtonsoft.Json.Linq.JObject
        {
            ["accessToken"] = token.AccessToken,
            ["expiredAt"] = token.ExpiredAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (token.ObtainedAt is { } obtainedAt)
        {
            entry["obtainedAt"] = obtainedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (token.RefreshToken is { } refreshToken)
        {
            entry["refreshToken"] = refreshToken;
            entry["refreshInFlight"] = token.RefreshInFlight;
        }

        return entry;
    }

    public static CachedAccessToken? FromJson(Newtonsoft.Json.Linq.JToken? json)
    {
        try
        {
            return json is Newtonsoft.Json.Linq.JObject entry
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
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var value) ? value : null;
}
