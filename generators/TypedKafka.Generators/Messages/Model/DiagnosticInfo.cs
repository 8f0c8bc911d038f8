using System.Linq;
using Microsoft.CodeAnalysis;

namespace TypedKafka.Generators.Messages.Model;

/// <summary>A diagnostic to report, without the compilation objects a <see cref="Diagnostic"/> would hold.</summary>
internal sealed record DiagnosticInfo
{
    public DiagnosticInfo(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] messageArgs)
    {
        Descriptor = descriptor;
        Location = location;
        MessageArgs = messageArgs.ToEquatableArray();
    }

    public DiagnosticDescriptor Descriptor { get; }

    public LocationInfo? Location { get; }

    public EquatableArray<string> MessageArgs { get; }

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(), MessageArgs.Select(a => (object?)a).ToArray());
}
