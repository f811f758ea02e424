namespace Pan123.Redis;

using StackExchange.Redis;

/// <summary>
/// Redis, which holds the fleet's tokens and limits, could not be reached (never since the process
/// started, or not within <see cref="Pan123RedisOptions.OutageTolerance"/>), or refused a command
/// (missing rights). The call failed rather than run unshared; <see cref="Pan123RedisOptions.FallBackToLocal"/>
/// allows running alone instead.
/// </summary>
public sealed class Pan123RedisException : Pan123Exception
{
    /// <summary>Creates the exception; for the library and for tests that simulate Redis being down.</summary>
    /// <param name="what">What the fleet was doing, e.g. "waiting for the rate limit".</param>
    /// <param name="innerException">Redis's own exception.</param>
    public Pan123RedisException(string what, Exception innerException)
        : base(Describe(what, innerException ?? throw new ArgumentNullException(nameof(innerException))), innerException: innerException)
    {
    }

    // A refusal names the rights, anything else the address: each says what to check first.
    private static string Describe(string what, Exception inner) => inner is RedisServerException refusal && !FleetRedis.IsOutage(refusal)
        ? $"Redis refused a command ({inner.Message}) while {what}; the user of the connection string needs the rights listed in docs/fleet.md (The rights the library needs)."
        : $"Redis is unreachable ({inner.Message}) while {what}; the fleet's tokens and rate limits live there, so the call was not made. Check PAN123_REDIS / the connection string, or set Pan123RedisOptions.FallBackToLocal to run unshared.";
}
