namespace Pan123;

/// <summary>
/// The OAuth app holds no usable refresh token for the user any more (never authorized, refused as
/// invalid or expired, or possibly spent by a refresh whose answer was lost): the user must authorize
/// the app again (<c>pan123 login</c>, or <see cref="Pan123OAuth.ExchangeCodeAsync"/>). Never retried.
/// </summary>
public sealed class Pan123AuthorizationRequiredException : Pan123Exception
{
    /// <summary>Creates the exception; for the library and for tests that simulate a lost authorization.</summary>
    /// <param name="reason">Why the pair cannot be used, for people.</param>
    /// <param name="innerException">The refusal behind it, when there was one.</param>
    public Pan123AuthorizationRequiredException(string reason, Exception? innerException = null)
        : base($"The user must authorize this app again (pan123 login): {reason}", innerException: innerException)
    {
    }
}
