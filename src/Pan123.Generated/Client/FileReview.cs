namespace Pan123;

// The platform documents one meaning of the review status, in prose only: above 100 the entry was
// blocked by review and cannot be downloaded. Status stays the platform's number; this names the meaning.
public partial class FileDetail
{
    /// <summary>Whether review blocked the file (<see cref="Status"/> above 100): it cannot be downloaded.</summary>
    [Newtonsoft.Json.JsonIgnore]
    public bool IsBlockedByReview => Status > 100;
}

public partial class FileItem
{
    /// <summary>Whether review blocked the entry (<see cref="Status"/> above 100): it cannot be downloaded.</summary>
    [Newtonsoft.Json.JsonIgnore]
    public bool IsBlockedByReview => Status > 100;
}
