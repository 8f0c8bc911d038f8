using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace TypedKafka.Generators.Messages.Model;

/// <summary>Where a diagnostic points, kept as file path and spans: a <see cref="Location"/> holds its syntax tree alive and never compares equal across compilations.</summary>
internal sealed record LocationInfo
{
    public LocationInfo(string filePath, TextSpan textSpan, LinePositionSpan lineSpan)
    {
        FilePath = filePath;
        TextSpan = textSpan;
        LineSpan = lineSpan;
    }

    public string FilePath { get; }

    public TextSpan TextSpan { get; }

    public LinePositionSpan LineSpan { get; }

    public static LocationInfo? From(Location? location) =>
        location?.SourceTree is null ? null : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public static LocationInfo? From(SyntaxNode? node) => From(node?.GetLocation());

    public static LocationInfo? From(SyntaxToken token) => From(token.GetLocation());

    public Location ToLocation() => Location.Create(FilePath, TextSpan, LineSpan);
}
