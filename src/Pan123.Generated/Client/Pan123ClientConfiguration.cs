namespace Pan123;

/// <summary>
/// What a generated 123pan client needs besides its <see cref="HttpClient"/>: where its access
/// token comes from. NSwag passes it to <see cref="Pan123ClientBase"/> (settings: configurationClass).
/// </summary>
public sealed class Pan123ClientConfiguration
{
    /// <summary>A configuration without an access token, for <see cref="Pan123AuthClient"/>, whose calls carry none.</summary>
    public Pan123ClientConfiguration()
    {
    }

    /// <summary>A configuration whose calls carry the token that <paramref name="tokenProvider"/> gives.</summary>
    /// <param name="tokenProvider">Supplies the access token for the <c>Authorization</c> header.</param>
    public Pan123ClientConfiguration(IPan123TokenProvider tokenProvider)
    {
        ArgumentNullException.ThrowIfNull(tokenProvider);
        TokenProvider = tokenProvider;
    }

    /// <summary>Supplies the access token, or <see langword="null"/> for a client that sends none.</summary>
    public IPan123TokenProvider? TokenProvider { get; }
}
