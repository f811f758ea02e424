namespace Pan123.Cli;

using System.CommandLine;
using System.Globalization;

/// <summary>What a command points at: an id (0 is the root folder) or a path on the drive (<c>/docs/report.pdf</c>).</summary>
internal sealed record Target(long? Id, string? Path)
{
    /// <summary>The <c>&lt;fileId|folderId|/path&gt;</c> argument, checked while parsing (exit code 2).</summary>
    public static Argument<Target?> Argument(string name, string description, bool optional) => new(name)
    {
        Description = description,
        Arity = optional ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }

            var text = result.Tokens[0].Value;
            if (text.StartsWith('/'))
            {
                return new Target(null, text);
            }

            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return new Target(id, null);
            }

            result.AddError($"{name} must be a file or folder id (a non-negative integer) or a path starting with '/', not '{text}'.");
            return null;
        },
    };

    /// <summary>The entry it names: a path is resolved level by level; an id is looked up with file/detail (0 is the root).</summary>
    public async Task<FileItem> ResolveAsync(IPan123FilesClient files, CancellationToken cancellationToken)
    {
        if (Path is not null)
        {
            return await files.ResolvePathAsync(Path, cancellationToken).ConfigureAwait(false);
        }

        if (Id == 0)
        {
            return new FileItem { FileId = 0, Filename = "root", Type = Pan123FileType.Folder };
        }

        var detail = (await files.GetFileDetailAsync(Id!.Value, cancellationToken: cancellationToken).ConfigureAwait(false)).Data;
        return new FileItem
        {
            FileId = detail.FileId,
            Filename = detail.Filename,
            Type = detail.Type,
            Size = detail.Size,
            ETag = detail.ETag,
            Status = detail.Status,
            ParentFileId = detail.ParentFileId,
            Trashed = detail.Trashed,
        };
    }

    public override string ToString() => Path ?? Id!.Value.ToString(CultureInfo.InvariantCulture);
}
