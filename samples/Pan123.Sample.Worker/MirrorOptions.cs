namespace Pan123.Sample.Worker;

/// <summary>What to mirror and how often (the <c>Mirror</c> section of appsettings.json).</summary>
public sealed class MirrorOptions
{
    /// <summary>The folder on the drive, as a path (<c>/docs/2025</c>); <c>/</c> is the root.</summary>
    public string RemoteFolder { get; set; } = "/";

    /// <summary>The local folder the files go to; created when missing.</summary>
    public string LocalFolder { get; set; } = "mirror";

    /// <summary>Time between two runs. A file already present with the same MD5 costs no download quota.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}
