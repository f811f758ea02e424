namespace Pan123;

/// <summary>
/// The platform's file calls (operations tagged <c>Files</c> in the contract). Its requests carry
/// the <c>Platform</c> header and <c>Authorization: Bearer</c> with the configured token; a
/// non-zero envelope code throws <see cref="Pan123ApiException"/>.
/// </summary>
public partial class Pan123FilesClient;

/// <summary>
/// The platform's file calls (<see cref="Pan123FilesClient"/>), as the interface that DI hands out and
/// that a consumer's tests mock; its failures can be simulated with the exceptions' public constructors.
/// </summary>
public partial interface IPan123FilesClient;
