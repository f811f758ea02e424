namespace Pan123;

/// <summary>
/// The platform's authentication calls (operations tagged <c>Auth</c> in the contract). Its
/// requests carry the <c>Platform</c> header and never an access token.
/// </summary>
public partial class Pan123AuthClient
{
    // The token request is the one call made before there is a token: it must never carry one,
    // whatever configuration it was built with (and a refresh can then never recurse into itself).
    private protected override bool SendsAccessToken => false;
}

/// <summary>
/// The platform's token calls (<see cref="Pan123AuthClient"/>), as the interface that DI hands out and
/// that a consumer's tests mock.
/// </summary>
public partial interface IPan123AuthClient;
