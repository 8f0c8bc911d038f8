using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace TypedKafka.Generators.Messages;

/// <summary>
/// Implements IArrowMessage&lt;T&gt; for every [KafkaMessage] type: its Arrow schema, a decoder from
/// UTF-8 JSON straight into Arrow columns, and row materialization. Parse → equatable model →
/// emit; diagnostics travel on their own output so that source is regenerated only when a
/// type's model changes.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class KafkaMessageGenerator : IIncrementalGenerator
{
    public const string AttributeName = "TypedKafka.KafkaMessageAttribute";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeName,
                static (node, _) => node is TypeDeclarationSyntax,
                MessageParser.Parse)
            .WithTrackingName(TrackingNames.Parse);

        var specs = parsed
            .Where(static result => result.Spec is not null)
            .Select(static (result, _) => result.Spec!)
            .WithTrackingName(TrackingNames.Specs);

        var diagnostics = parsed
            .SelectMany(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(specs, static (output, spec) =>
            output.AddSource(spec.HintName, SourceText.From(MessageEmitter.Emit(spec), Encoding.UTF8)));

        context.RegisterSourceOutput(diagnostics, static (output, diagnostic) =>
            output.ReportDiagnostic(diagnostic.ToDiagnostic()));
    }
}
