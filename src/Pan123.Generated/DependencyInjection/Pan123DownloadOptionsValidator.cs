using Microsoft.Extensions.Options;

namespace Pan123;

/// <summary>Checks <see cref="Pan123DownloadOptions"/> at start-up, like the client options, instead of at the first download.</summary>
internal sealed class Pan123DownloadOptionsValidator : IValidateOptions<Pan123DownloadOptions>
{
    public ValidateOptionsResult Validate(string? name, Pan123DownloadOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
