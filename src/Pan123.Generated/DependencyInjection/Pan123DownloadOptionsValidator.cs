namespace Pan123;

/// <summary>Checks <see cref="Pan123DownloadOptions"/> at start-up, like the client options, instead of at the first download.</summary>
internal sealed class Pan123DownloadOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<Pan123DownloadOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, Pan123DownloadOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);
    }
}
