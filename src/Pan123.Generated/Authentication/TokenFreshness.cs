namespace Pan123;

/// <summary>
/// When a stored token is still good to send: until <c>expiredAt</c> minus the margin, the margin being
/// at most half the token's own lifetime (30 days for client credentials, about 2 hours for OAuth), so
/// no setting makes every token look stale. A token that looked expired the moment it arrived (a clock
/// far ahead of the platform's) is used until the platform refuses it: renewing it would only fetch
/// another that looks the same, on every call.
/// </summary>
internal static class TokenFreshness
{
    public static bool IsFresh(CachedAccessToken token, TimeSpan margin, TimeProvider time)
    {
        var lifetime = token.ObtainedAt is { } obtainedAt ? token.ExpiredAt - obtainedAt : (TimeSpan?)null;
        if (lifetime <= TimeSpan.Zero)
        {
            return true;
        }

        var effective = lifetime is { } known && margin > known / 2 ? known / 2 : margin;
        return token.ExpiredAt - effective > time.GetUtcNow();
    }
}
