namespace Pan123;

/// <summary>What <see cref="Pan123OAuth.ExchangeCodeAsync"/> needs to exchange one user's code: the app, the redirect, the state.</summary>
public sealed class OAuthCodeExchange
{
    /// <summary>The OAuth app's client id.</summary>
    public required string ClientId { get; init; }

    /// <summary>The OAuth app's client secret; never part of <see cref="ToString"/>.</summary>
    public required string ClientSecret { get; init; }

    /// <summary>The redirect URI the code was issued for (registered with the app).</summary>
    public required Uri RedirectUri { get; init; }

    /// <summary>The address the user was redirected to, with <c>code</c> and <c>state</c>.</summary>
    public required Uri Callback { get; init; }

    /// <summary>The state the authorize address was built with (<see cref="Pan123OAuth.CreateState"/>).</summary>
    public required string ExpectedState { get; init; }

    /// <summary>The platform's base address, as the provider's <see cref="OAuthTokenProvider.CacheScope"/>: the pair is stored under it.</summary>
    public required string CacheScope { get; init; }

    /// <summary>The clock for the access token's expiry; the system clock when <see langword="null"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Names the app only.</summary>
    /// <returns>A description without the secret, the code or the state.</returns>
    public override string ToString() => $"{nameof(OAuthCodeExchange)} (client id {ClientId})";
}
