namespace Pan123;

/// <summary>Settings of a 123pan client registered with <c>AddPan123Client</c>.</summary>
public sealed class Pan123ClientOptions
{
    /// <summary>The platform's address, <c>https://open-api.123pan.com/</c>.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://open-api.123pan.com/");

    /// <summary>
    /// Where the platform's API is. Must be HTTPS, except on a loopback address (a local sandbox).
    /// Defaults to <see cref="DefaultBaseAddress"/>.
    /// </summary>
    public Uri BaseAddress { get; set; } = DefaultBaseAddress;

    /// <summary>An access token obtained elsewhere, sent as <c>Authorization: Bearer</c>. Never logged.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Describes the options without the token.</summary>
    /// <returns>The base address and whether a token is set.</returns>
    public override string ToString() =>
        $"BaseAddress={BaseAddress}, AccessToken={(AccessToken is null ? "not set" : "set (hidden)")}";
}
