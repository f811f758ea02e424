namespace Pan123;

/// <summary>Why a path on the drive could not be resolved.</summary>
public enum PathProblem
{
    /// <summary>A segment names no (live) entry.</summary>
    NotFound,

    /// <summary>A segment before the last names a file, not a folder.</summary>
    NotAFolder,

    /// <summary>A segment names two or more live entries; the message lists their ids.</summary>
    Ambiguous,
}

/// <summary>A path on the drive (<c>/docs/2025/report.pdf</c>) could not be resolved to one entry.</summary>
public sealed class Pan123PathException : Pan123Exception
{
    /// <summary>Creates the exception; for the library and for tests that simulate a path that does not resolve.</summary>
    /// <param name="path">The path that was asked for.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="message">Why, for people.</param>
    public Pan123PathException(string path, PathProblem problem, string message)
        : base(message)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The path that was asked for.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it.</summary>
    public PathProblem Problem { get; }
}
