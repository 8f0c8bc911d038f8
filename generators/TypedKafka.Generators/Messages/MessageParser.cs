using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedKafka.Generators.Messages.Model;

namespace TypedKafka.Generators.Messages;

/// <summary>
/// Reads a [KafkaMessage] type's symbol into a <see cref="MessageSpec"/>: which constructor builds
/// it, which members become columns, under which JSON and column names, with which shapes; and
/// every reason it cannot be generated, as diagnostics on the syntax at fault.
/// </summary>
internal static class MessageParser
{
    private static readonly SymbolDisplayFormat TypeNameFormat = SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(
        SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers
        | SymbolDisplayMiscellaneousOptions.UseSpecialTypes
        | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat MessageFormat = SymbolDisplayFormat.CSharpShortErrorMessageFormat;

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (TypeDeclarationSyntax)context.TargetNode;
        var known = KnownTypeSymbols.For(context.SemanticModel.Compilation);
        var parser = new Parsing(type, syntax, known, cancellationToken);
        var spec = parser.Run(context.Attributes[0]);
        return new ParseResult(spec, parser.Diagnostics.ToEquatableArray());
    }

    /// <summary>Whether <paramref name="type"/> is marked [KafkaMessage].</summary>
    private static bool IsMessageType(ITypeSymbol type, KnownTypeSymbols known) =>
        type.GetAttributes().Any(a => KnownTypeSymbols.Is(a.AttributeClass, known.KafkaMessageAttribute));

    private static string Display(ISymbol symbol) => symbol.ToDisplayString(MessageFormat);

    private sealed class Parsing
    {
        private readonly INamedTypeSymbol _type;
        private readonly TypeDeclarationSyntax _syntax;
        private readonly KnownTypeSymbols _known;
        private readonly CancellationToken _cancellationToken;
        private readonly List<EnumSpec> _enums = new();
        private int _namingPolicy;
        private int _enumFormat;
        private int _format;
        private EventTimeSpec? _eventTime;
        private string? _eventTimeMember;

        public Parsing(INamedTypeSymbol type, TypeDeclarationSyntax syntax, KnownTypeSymbols known, CancellationToken cancellationToken)
        {
            _type = type;
            _syntax = syntax;
            _known = known;
            _cancellationToken = cancellationToken;
        }

        public List<DiagnosticInfo> Diagnostics { get; } = new();

        public MessageSpec? Run(AttributeData attribute)
        {
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == "NamingPolicy" && argument.Value.Value is int policy)
                {
                    _namingPolicy = policy;
                }
                else if (argument.Key == "EnumFormat" && argument.Value.Value is int format)
                {
                    _enumFormat = format;
                }
                else if (argument.Key == "Format" && argument.Value.Value is int valueFormat)
                {
                    _format = valueFormat;
                }
            }

            if (!CheckTypeKind())
            {
                return null;
            }

            var containingTypes = CheckPartial();
            var constructor = ChooseConstructor();
            var members = ReadMembers(constructor);
            CheckNames(members);
            CheckFormat(members);
            if (Diagnostics.Count > 0)
            {
                return null;
            }

            return new MessageSpec(
                HintName(),
                _type.ContainingNamespace.IsGlobalNamespace ? string.Empty : _type.ContainingNamespace.ToDisplayString(),
                containingTypes.ToEquatableArray(),
                Keyword(_syntax),
                _type.Name,
                _type.ToDisplayString(TypeNameFormat),
                constructor is { Parameters.Length: > 0 },
                members.Select(m => m.Spec).ToEquatableArray(),
                _enums.ToEquatableArray(),
                _eventTime,
                _format);
        }

        /// <summary>Whether the type can be a message type at all; when not, its members are not looked at.</summary>
        private bool CheckTypeKind()
        {
            string? reason = null;
            if (_type.IsGenericType)
            {
                reason = "generic types are not supported, since each message type has one fixed Arrow schema";
            }
            else if (_type.IsStatic)
            {
                reason = "static classes have no instances";
            }
            else if (_type.IsRefLikeType)
            {
                reason = "ref structs cannot be materialized into rows";
            }
            else
            {
                for (var outer = _type.ContainingType; outer is not null; outer = outer.ContainingType)
                {
                    if (outer.IsGenericType)
                    {
                        reason = $"it is nested in the generic type '{Display(outer)}'";
                        break;
                    }
                }
            }

            if (reason is not null)
            {
                Report(MessageDiagnostics.UnsupportedType, LocationInfo.From(_syntax.Identifier), Display(_type), reason);
            }

            return reason is null;
        }

        /// <summary>Checks that the type and every type it is nested in are partial; returns the nesting, outermost first.</summary>
        private List<ContainingTypeSpec> CheckPartial()
        {
            var containing = new List<ContainingTypeSpec>();
            if (!_syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                Report(MessageDiagnostics.NotPartial, LocationInfo.From(_syntax.Identifier), Display(_type), Display(_type));
            }

            for (var parent = _syntax.Parent as TypeDeclarationSyntax; parent is not null; parent = parent.Parent as TypeDeclarationSyntax)
            {
                if (!parent.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    Report(MessageDiagnostics.NotPartial, LocationInfo.From(parent.Identifier), parent.Identifier.ValueText, Display(_type));
                }

                containing.Insert(0, new ContainingTypeSpec(Keyword(parent), parent.Identifier.ValueText));
            }

            return containing;
        }

        /// <summary>
        /// The constructor materialization calls: the one marked [JsonConstructor], else the primary
        /// constructor, else the parameterless one, else the only one.
        /// </summary>
        private IMethodSymbol? ChooseConstructor()
        {
            if (_type.IsAbstract)
            {
                Report(MessageDiagnostics.NotConstructible, LocationInfo.From(_syntax.Identifier), Display(_type), "it is abstract");
                return null;
            }

            var constructors = _type.InstanceConstructors.Where(c => !IsCopyConstructor(c)).ToList();
            var marked = constructors.Where(c => HasAttribute(c, _known.JsonConstructorAttribute)).ToList();
            if (marked.Count > 1)
            {
                Report(MessageDiagnostics.NotConstructible, LocationInfo.From(_syntax.Identifier), Display(_type), "more than one constructor is marked [JsonConstructor]");
                return null;
            }

            if (marked.Count == 1)
            {
                return marked[0];
            }

            var primary = constructors.FirstOrDefault(c => c.DeclaringSyntaxReferences.Any(r => r.GetSyntax(_cancellationToken) is TypeDeclarationSyntax));
            if (primary is not null)
            {
                return primary;
            }

            var parameterless = constructors.FirstOrDefault(c => c.Parameters.Length == 0);
            if (parameterless is not null)
            {
                return parameterless;
            }

            if (constructors.Count == 1)
            {
                return constructors[0];
            }

            Report(
                MessageDiagnostics.NotConstructible,
                LocationInfo.From(_syntax.Identifier),
                Display(_type),
                "it has several constructors and none is parameterless; mark the one to use with [JsonConstructor]");
            return null;
        }

        private bool IsCopyConstructor(IMethodSymbol constructor) =>
            _type.IsRecord && constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, _type);

        private List<ParsedMember> ReadMembers(IMethodSymbol? constructor)
        {
            var members = new List<ParsedMember>();
            var usedParameters = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
            foreach (var property in DataProperties())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var parameter = constructor?.Parameters.FirstOrDefault(p => string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase));
                if (parameter is not null && !SymbolEqualityComparer.Default.Equals(parameter.Type.WithNullableAnnotation(NullableAnnotation.None), property.Type.WithNullableAnnotation(NullableAnnotation.None)))
                {
                    Report(
                        MessageDiagnostics.NotConstructible,
                        LocationInfo.From(parameter.Locations.FirstOrDefault()),
                        Display(_type),
                        $"constructor parameter '{parameter.Name}' has type '{Display(parameter.Type)}' but member '{property.Name}' has type '{Display(property.Type)}'");
                    usedParameters.Add(parameter);
                    continue;
                }

                if (parameter is null && !IsSettable(property))
                {
                    // Without a usable constructor that was reported already; members need not repeat it.
                    if (constructor is not null && IsAutoProperty(property))
                    {
                        Report(
                            MessageDiagnostics.NotConstructible,
                            LocationInfo.From(property.Locations.FirstOrDefault()),
                            Display(_type),
                            $"member '{property.Name}' has no setter, no init accessor and no constructor parameter");
                    }

                    // A computed property is not data: it is left out.
                    continue;
                }

                if (parameter is not null)
                {
                    usedParameters.Add(parameter);
                }

                if (!TryShape(property.Type, out var shape, out var reason))
                {
                    Report(
                        MessageDiagnostics.UnsupportedMemberType,
                        TypeLocation(property),
                        property.Name,
                        Display(_type),
                        Display(property.Type),
                        reason);
                    continue;
                }

                CheckEventTime(property, parameter, shape, members.Count);
                members.Add(Name(property, parameter, shape));
            }

            foreach (var parameter in constructor?.Parameters ?? Enumerable.Empty<IParameterSymbol>())
            {
                if (!usedParameters.Contains(parameter))
                {
                    Report(
                        MessageDiagnostics.NotConstructible,
                        LocationInfo.From(parameter.Locations.FirstOrDefault()),
                        Display(_type),
                        $"constructor parameter '{parameter.Name}' matches no public property");
                }
            }

            return members;
        }

        /// <summary>Public instance properties with a getter, base types' first, each name once (the most derived wins).</summary>
        private List<IPropertySymbol> DataProperties()
        {
            var chain = new List<INamedTypeSymbol>();
            for (var t = _type; t is not null && t.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); t = t.BaseType)
            {
                chain.Insert(0, t);
            }

            var properties = new List<IPropertySymbol>();
            foreach (var declaring in chain)
            {
                foreach (var property in declaring.GetMembers().OfType<IPropertySymbol>())
                {
                    if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public || property.GetMethod is null)
                    {
                        continue;
                    }

                    if (HasAttribute(property, _known.JsonIgnoreAttribute))
                    {
                        // A required member must be set when the row is built, and an ignored one has no column to come from.
                        if (property.IsRequired)
                        {
                            Report(
                                MessageDiagnostics.NotConstructible,
                                LocationInfo.From(property.Locations.FirstOrDefault()),
                                Display(_type),
                                $"member '{property.Name}' is required but [JsonIgnore] leaves it without a column");
                        }

                        continue;
                    }

                    var existing = properties.FindIndex(p => p.Name == property.Name);
                    if (existing >= 0)
                    {
                        properties[existing] = property;
                    }
                    else
                    {
                        properties.Add(property);
                    }
                }
            }

            return properties;
        }

        private bool IsSettable(IPropertySymbol property) =>
            property.SetMethod is { } setter
            && (setter.DeclaredAccessibility != Accessibility.Private || SymbolEqualityComparer.Default.Equals(property.ContainingType, _type));

        private static bool IsAutoProperty(IPropertySymbol property) =>
            property.ContainingType.GetMembers().OfType<IFieldSymbol>().Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property));

        private ParsedMember Name(IPropertySymbol property, IParameterSymbol? parameter, TypeShape shape)
        {
            var attributes = property.GetAttributes().AddRange(parameter?.GetAttributes() ?? Enumerable.Empty<AttributeData>());
            var kafkaField = attributes.FirstOrDefault(a => KnownTypeSymbols.Is(a.AttributeClass, _known.KafkaFieldAttribute));
            var jsonProperty = attributes.FirstOrDefault(a => KnownTypeSymbols.Is(a.AttributeClass, _known.JsonPropertyNameAttribute));
            var jsonName = kafkaField?.ConstructorArguments.FirstOrDefault().Value as string
                ?? jsonProperty?.ConstructorArguments.FirstOrDefault().Value as string
                ?? NamingPolicy.Apply(_namingPolicy, property.Name);
            var columnName = kafkaField?.NamedArguments.FirstOrDefault(a => a.Key == "Column").Value.Value as string ?? jsonName;
            var nameSyntax = kafkaField?.ApplicationSyntaxReference ?? jsonProperty?.ApplicationSyntaxReference;
            var location = nameSyntax is not null
                ? LocationInfo.From(nameSyntax.GetSyntax(_cancellationToken))
                : LocationInfo.From(property.Locations.FirstOrDefault());
            var headerName = HeaderName(property, attributes, kafkaField, shape);
            return new ParsedMember(
                new MemberSpec(property.Name, jsonName, columnName, shape, parameter?.Ordinal ?? -1, headerName),
                location);
        }

        /// <summary>The header a [KafkaHeader] member is read from, or null; reports why it cannot be.</summary>
        private string? HeaderName(IPropertySymbol property, System.Collections.Immutable.ImmutableArray<AttributeData> attributes, AttributeData? kafkaField, TypeShape shape)
        {
            var header = attributes.FirstOrDefault(a => KnownTypeSymbols.Is(a.AttributeClass, _known.KafkaHeaderAttribute));
            if (header is null)
            {
                return null;
            }

            var name = header.ConstructorArguments.FirstOrDefault().Value as string ?? string.Empty;
            string? reason = null;
            if (name.Length == 0)
            {
                reason = "the header name is empty";
            }
            else if (shape.Kind is ShapeKind.List or ShapeKind.Message)
            {
                reason = $"its type '{Display(property.Type)}' is a {(shape.Kind == ShapeKind.List ? "list" : "[KafkaMessage] type")}, and a header holds one value; use string, byte[] or a scalar type";
            }
            else if (attributes.Any(a => KnownTypeSymbols.Is(a.AttributeClass, _known.EventTimeAttribute)))
            {
                reason = "an [EventTime] member is read from the value, before the message is ordered; mark a value member [EventTime] instead";
            }
            else if (kafkaField is not null)
            {
                reason = "[KafkaField] names a JSON member, and a header member has none; remove one of the two";
            }

            if (reason is not null)
            {
                var location = header.ApplicationSyntaxReference is { } reference
                    ? LocationInfo.From(reference.GetSyntax(_cancellationToken))
                    : LocationInfo.From(property.Locations.FirstOrDefault());
                Report(MessageDiagnostics.UnsupportedHeaderMember, location, property.Name, Display(_type), name, reason);
            }

            return name;
        }

        /// <summary>Notes the member as the event time when it is marked [EventTime], or reports why it cannot be.</summary>
        private void CheckEventTime(IPropertySymbol property, IParameterSymbol? parameter, TypeShape shape, int index)
        {
            var attribute = property.GetAttributes().AddRange(parameter?.GetAttributes() ?? Enumerable.Empty<AttributeData>())
                .FirstOrDefault(a => KnownTypeSymbols.Is(a.AttributeClass, _known.EventTimeAttribute));
            if (attribute is null)
            {
                return;
            }

            var location = attribute.ApplicationSyntaxReference is { } reference
                ? LocationInfo.From(reference.GetSyntax(_cancellationToken))
                : LocationInfo.From(property.Locations.FirstOrDefault());
            var isUnixMilliseconds = shape is { Kind: ShapeKind.Number, NumberType: "long" };
            if (!isUnixMilliseconds && shape.Kind is not (ShapeKind.DateTimeOffset or ShapeKind.DateTime))
            {
                Report(MessageDiagnostics.UnsupportedEventTimeType, location, property.Name, Display(_type), Display(property.Type));
                return;
            }

            if (_eventTimeMember is not null)
            {
                Report(MessageDiagnostics.SeveralEventTimes, location, property.Name, Display(_type), _eventTimeMember);
                return;
            }

            _eventTimeMember = property.Name;
            _eventTime = new EventTimeSpec(index, isUnixMilliseconds);
        }

        /// <summary>Reports the members a registry format cannot carry into their columns (TK1009).</summary>
        private void CheckFormat(List<ParsedMember> members)
        {
            if (_format == KafkaFormat.Json)
            {
                return;
            }

            var formatName = KafkaFormat.Name(_format);
            foreach (var (spec, location) in members)
            {
                var reason = spec.HeaderName is not null
                    ? "header members are read only with JSON values so far"
                    : _eventTime is not null && _eventTimeMember == spec.PropertyName
                    ? "an [EventTime] member is read from JSON values only so far; order by the broker timestamp or ConsumerOptions.Timestamp"
                    : _format == KafkaFormat.Avro ? AvroReason(spec.Shape) : ProtobufReason(spec.Shape);
                if (reason is not null)
                {
                    Report(MessageDiagnostics.UnsupportedFormatMember, location, $"Member '{spec.PropertyName}' of '{Display(_type)}'", formatName, reason);
                }
            }
        }

        /// <summary>Why Avro cannot fill a column of <paramref name="shape"/>, or null when it can.</summary>
        private static string? AvroReason(TypeShape shape) => shape.Kind switch
        {
            ShapeKind.Number when shape.NumberType is not ("int" or "long" or "float" or "double") =>
                $"Avro's numbers are int, long, float and double, and {shape.NumberType} is none of them",
            ShapeKind.Decimal => "an Avro decimal carries its own precision and scale, which a decimal member's column does not take yet; use double, or a string",
            ShapeKind.Duration => "Avro has no type for a TimeSpan; use a long of the unit the writer uses",
            ShapeKind.EnumValue when shape.NumberType is not ("int" or "long") =>
                $"the enum's values are stored as {shape.NumberType}, which is no Avro number; use KafkaEnumFormat.Name",
            ShapeKind.List => AvroReason(shape.Element!) is { } item ? "its items: " + item : null,
            _ => null,
        };

        /// <summary>
        /// Why Protobuf cannot fill a column of <paramref name="shape"/>, or null when it can. Times,
        /// dates and uuids would need well-known types (google.protobuf.Timestamp), which are imports,
        /// and the runtime does not resolve a schema's imports yet.
        /// </summary>
        private static string? ProtobufReason(TypeShape shape) => shape.Kind switch
        {
            ShapeKind.Number when shape.NumberType is not ("int" or "long" or "uint" or "ulong" or "float" or "double") =>
                $"Protobuf's numbers are 32- and 64-bit integers, float and double, and {shape.NumberType} is none of them",
            ShapeKind.Decimal => "Protobuf has no decimal type; use double, or a string",
            ShapeKind.Duration => "google.protobuf.Duration is a well-known type (an import), which is not resolved yet; use a long of the unit the writer uses",
            ShapeKind.DateTime or ShapeKind.DateTimeOffset =>
                "google.protobuf.Timestamp is a well-known type (an import), which is not resolved yet; use a long of Unix time in the writer's unit",
            ShapeKind.Date => "Protobuf has no date type (google.type.Date is an import, not resolved yet); use a string or an int",
            ShapeKind.Guid => "Protobuf has no uuid type; use a string or byte[]",
            ShapeKind.EnumValue => "Protobuf enums are matched by name; use KafkaEnumFormat.Name",
            ShapeKind.List => ProtobufReason(shape.Element!) is { } item ? "its items: " + item : null,
            _ => null,
        };

        private void CheckNames(List<ParsedMember> members)
        {
            var columns = new Dictionary<string, string>(StringComparer.Ordinal);
            var jsonNames = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (spec, location) in members)
            {
                string? reason = null;
                var name = spec.ColumnName;
                if (spec.JsonName.Length == 0 || spec.ColumnName.Length == 0)
                {
                    reason = "a JSON member or column name cannot be empty";
                }
                else if (MetadataColumns.Always.Contains(spec.ColumnName))
                {
                    reason = "typed batches have a metadata column of that name; give the member's column another name with [KafkaField(Column = \"...\")]";
                }
                else if (_eventTime is not null && spec.ColumnName == MetadataColumns.EventTime)
                {
                    reason = "typed batches of a type with an [EventTime] member have an event_time metadata column; give the member's column another name with [KafkaField(Column = \"...\")]";
                }
                else if (columns.TryGetValue(spec.ColumnName, out var other))
                {
                    reason = $"member '{other}' already uses it as its column name";
                }
                else if (spec.HeaderName is null && jsonNames.TryGetValue(spec.JsonName, out other))
                {
                    name = spec.JsonName;
                    reason = $"member '{other}' already reads it from JSON";
                }

                if (reason is not null)
                {
                    Report(MessageDiagnostics.DuplicateName, location, spec.PropertyName, Display(_type), name, reason);
                    continue;
                }

                columns[spec.ColumnName] = spec.PropertyName;
                if (spec.HeaderName is null)
                {
                    jsonNames[spec.JsonName] = spec.PropertyName;
                }
            }
        }

        private bool TryShape(ITypeSymbol type, out TypeShape shape, out string reason)
        {
            shape = null!;
            reason = string.Empty;
            var nullable = false;
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullableValue)
            {
                type = nullableValue.TypeArguments[0];
                nullable = true;
            }
            else if (type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.NotAnnotated)
            {
                // Annotated, or written where nullable reference types are off: null is a value.
                nullable = true;
            }

            type = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            var typeName = type.ToDisplayString(TypeNameFormat);
            var kind = SimpleKind(type);
            if (kind is { } simple)
            {
                shape = new TypeShape(simple, typeName, nullable, simple == ShapeKind.Number ? typeName : null);
                return true;
            }

            switch (type)
            {
                case INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType:
                    var index = EnumIndex(enumType);
                    var underlying = enumType.EnumUnderlyingType!.ToDisplayString(TypeNameFormat);
                    shape = new TypeShape(_enumFormat == EnumFormat.Value ? ShapeKind.EnumValue : ShapeKind.EnumName, typeName, nullable, underlying, enumIndex: index);
                    return true;

                case IArrayTypeSymbol array:
                    if (array.Rank != 1)
                    {
                        reason = "multi-dimensional arrays are not supported; use an array of arrays";
                        return false;
                    }

                    if (array.ElementType.SpecialType == SpecialType.System_Byte)
                    {
                        shape = new TypeShape(ShapeKind.Bytes, typeName, nullable);
                        return true;
                    }

                    return TryList(array.ElementType, CollectionKind.Array, typeName, nullable, out shape, out reason);

                case INamedTypeSymbol { IsGenericType: true } generic when CollectionOf(generic) is { } collection:
                    return TryList(generic.TypeArguments[0], collection, typeName, nullable, out shape, out reason);

                case INamedTypeSymbol generic when generic.IsGenericType && _known.Dictionaries.Any(d => KnownTypeSymbols.Is(generic.OriginalDefinition, d)):
                    reason = "dictionaries have no fixed columns; use a list of a [KafkaMessage] type";
                    return false;

                case INamedTypeSymbol named when IsMessageType(named, _known):
                    if (named.IsGenericType)
                    {
                        reason = "generic [KafkaMessage] types are not supported";
                        return false;
                    }

                    if (SymbolEqualityComparer.Default.Equals(named, _type) || Reaches(named, _type, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default)))
                    {
                        reason = $"'{Display(named)}' contains '{Display(_type)}' again, and a recursive type has no fixed Arrow schema";
                        return false;
                    }

                    shape = new TypeShape(ShapeKind.Message, typeName, nullable);
                    return true;
            }

            reason = type.SpecialType switch
            {
                SpecialType.System_Char => "char has no Arrow type; use string",
                SpecialType.System_Object => "object has no fixed Arrow type",
                _ when type.TypeKind == TypeKind.Dynamic => "dynamic has no fixed Arrow type",
                _ when type.TypeKind is TypeKind.Class or TypeKind.Struct => $"'{Display(type)}' is not a [KafkaMessage] type; mark it [KafkaMessage] and partial to store it as an Arrow struct",
                _ => "TypedKafka supports string, bool, integers, float, double, decimal, DateTime, DateTimeOffset, DateOnly, TimeSpan, Guid, enums, byte[], arrays and lists, and [KafkaMessage] types",
            };
            return false;
        }

        private bool TryList(ITypeSymbol element, CollectionKind collection, string typeName, bool nullable, out TypeShape shape, out string reason)
        {
            if (!TryShape(element, out var item, out reason))
            {
                reason = $"its items have type '{Display(element)}', which has no Arrow mapping: {reason}";
                shape = null!;
                return false;
            }

            shape = new TypeShape(ShapeKind.List, typeName, nullable, element: item, collection: collection);
            return true;
        }

        private ShapeKind? SimpleKind(ITypeSymbol type)
        {
            switch (type.SpecialType)
            {
                case SpecialType.System_String:
                    return ShapeKind.String;
                case SpecialType.System_Boolean:
                    return ShapeKind.Boolean;
                case SpecialType.System_SByte:
                case SpecialType.System_Byte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_Single:
                case SpecialType.System_Double:
                    return ShapeKind.Number;
                case SpecialType.System_Decimal:
                    return ShapeKind.Decimal;
                case SpecialType.System_DateTime:
                    return ShapeKind.DateTime;
            }

            return KnownTypeSymbols.Is(type, _known.DateTimeOffset) ? ShapeKind.DateTimeOffset
                : KnownTypeSymbols.Is(type, _known.DateOnly) ? ShapeKind.Date
                : KnownTypeSymbols.Is(type, _known.TimeSpan) ? ShapeKind.Duration
                : KnownTypeSymbols.Is(type, _known.Guid) ? ShapeKind.Guid
                : null;
        }

        private CollectionKind? CollectionOf(INamedTypeSymbol generic)
        {
            var definition = generic.OriginalDefinition;
            if (KnownTypeSymbols.Is(definition, _known.List) || _known.ListInterfaces.Any(i => KnownTypeSymbols.Is(definition, i)))
            {
                return CollectionKind.List;
            }

            return _known.ArrayInterfaces.Any(i => KnownTypeSymbols.Is(definition, i)) ? CollectionKind.Array : null;
        }

        private int EnumIndex(INamedTypeSymbol enumType)
        {
            var typeName = enumType.ToDisplayString(TypeNameFormat);
            var index = _enums.FindIndex(e => e.TypeName == typeName);
            if (index >= 0)
            {
                return index;
            }

            var names = new List<string>();
            var values = new List<long>();
            foreach (var field in enumType.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue))
            {
                var renamed = field.GetAttributes().FirstOrDefault(a => KnownTypeSymbols.Is(a.AttributeClass, _known.JsonStringEnumMemberNameAttribute));
                names.Add(renamed?.ConstructorArguments.FirstOrDefault().Value as string ?? field.Name);
                values.Add(field.ConstantValue switch
                {
                    ulong u => unchecked((long)u),
                    var v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture),
                });
            }

            _enums.Add(new EnumSpec(typeName, enumType.Name, names.ToEquatableArray(), values.ToEquatableArray()));
            return _enums.Count - 1;
        }

        /// <summary>Whether a [KafkaMessage] type reaches <paramref name="target"/> through its members.</summary>
        private bool Reaches(ITypeSymbol from, ITypeSymbol target, HashSet<ITypeSymbol> visited)
        {
            if (!visited.Add(from))
            {
                return false;
            }

            foreach (var property in from.GetMembers().OfType<IPropertySymbol>().Where(p => !p.IsStatic && p.DeclaredAccessibility == Accessibility.Public))
            {
                foreach (var reached in MessageTypesIn(property.Type))
                {
                    if (SymbolEqualityComparer.Default.Equals(reached, target) || Reaches(reached, target, visited))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private IEnumerable<ITypeSymbol> MessageTypesIn(ITypeSymbol type)
        {
            switch (type)
            {
                case IArrayTypeSymbol array:
                    return MessageTypesIn(array.ElementType);
                case INamedTypeSymbol { IsGenericType: true } generic:
                    return generic.TypeArguments.SelectMany(MessageTypesIn);
                case INamedTypeSymbol named when IsMessageType(named, _known):
                    return new[] { named };
                default:
                    return Enumerable.Empty<ITypeSymbol>();
            }
        }

        private LocationInfo? TypeLocation(IPropertySymbol property)
        {
            foreach (var reference in property.DeclaringSyntaxReferences)
            {
                switch (reference.GetSyntax(_cancellationToken))
                {
                    case PropertyDeclarationSyntax declaration:
                        return LocationInfo.From(declaration.Type);
                    case ParameterSyntax { Type: { } parameterType }:
                        return LocationInfo.From(parameterType);
                }
            }

            return LocationInfo.From(property.Locations.FirstOrDefault()) ?? LocationInfo.From(_syntax.Identifier);
        }

        private string HintName()
        {
            var name = _type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", string.Empty);
            return name + ".KafkaMessage.g.cs";
        }

        private static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute) =>
            attribute is not null && symbol.GetAttributes().Any(a => KnownTypeSymbols.Is(a.AttributeClass, attribute));

        private static string Keyword(TypeDeclarationSyntax declaration) => declaration switch
        {
            RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
            RecordDeclarationSyntax => "record",
            StructDeclarationSyntax => "struct",
            InterfaceDeclarationSyntax => "interface",
            _ => "class",
        };

        private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] args) =>
            Diagnostics.Add(new DiagnosticInfo(descriptor, location ?? LocationInfo.From(_syntax.Identifier), args));
    }

    private readonly struct ParsedMember
    {
        public ParsedMember(MemberSpec spec, LocationInfo? location)
        {
            Spec = spec;
            Location = location;
        }

        public MemberSpec Spec { get; }

        public LocationInfo? Location { get; }

        public void Deconstruct(out MemberSpec spec, out LocationInfo? location)
        {
            spec = Spec;
            location = Location;
        }
    }
}
