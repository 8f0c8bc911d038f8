namespace TypedKafka.Generators.Messages.Model;

// The generator's model: immutable, with structural equality, holding names and never symbols or
// syntax, so that an edit that leaves a type's shape alone leaves its model equal and its
// generated source cached.

/// <summary>What the parser made of one [KafkaMessage] type: a spec to emit (none when an error stops it) and the diagnostics.</summary>
internal sealed record ParseResult
{
    public ParseResult(MessageSpec? spec, EquatableArray<DiagnosticInfo> diagnostics)
    {
        Spec = spec;
        Diagnostics = diagnostics;
    }

    public MessageSpec? Spec { get; }

    public EquatableArray<DiagnosticInfo> Diagnostics { get; }
}

/// <summary>A [KafkaMessage] type and how its members map to JSON and Arrow.</summary>
internal sealed record MessageSpec
{
    public MessageSpec(
        string hintName,
        string @namespace,
        EquatableArray<ContainingTypeSpec> containingTypes,
        string declarationKeyword,
        string name,
        string fullyQualifiedName,
        bool hasConstructorArguments,
        EquatableArray<MemberSpec> members,
        EquatableArray<EnumSpec> enums,
        EventTimeSpec? eventTime = null,
        int format = 0)
    {
        Format = format;
        HintName = hintName;
        Namespace = @namespace;
        ContainingTypes = containingTypes;
        DeclarationKeyword = declarationKeyword;
        Name = name;
        FullyQualifiedName = fullyQualifiedName;
        HasConstructorArguments = hasConstructorArguments;
        Members = members;
        Enums = enums;
        EventTime = eventTime;
    }

    /// <summary>The generated file's name, unique per type.</summary>
    public string HintName { get; }

    /// <summary>Empty for the global namespace.</summary>
    public string Namespace { get; }

    /// <summary>Outermost first.</summary>
    public EquatableArray<ContainingTypeSpec> ContainingTypes { get; }

    /// <summary>class, struct, record or record struct.</summary>
    public string DeclarationKeyword { get; }

    public string Name { get; }

    public string FullyQualifiedName { get; }

    /// <summary>Whether materialization calls a constructor with arguments (those of members with <see cref="MemberSpec.ConstructorPosition"/>).</summary>
    public bool HasConstructorArguments { get; }

    /// <summary>In declaration order, base type members first: the order of the columns.</summary>
    public EquatableArray<MemberSpec> Members { get; }

    /// <summary>Every enum type the members use, once each, in order of first use.</summary>
    public EquatableArray<EnumSpec> Enums { get; }

    /// <summary>The member marked [EventTime], or null.</summary>
    public EventTimeSpec? EventTime { get; }

    /// <summary>How values are encoded: a <see cref="KafkaFormat"/> value.</summary>
    public int Format { get; }
}

/// <summary>The member marked [EventTime]: which one, and whether it holds Unix ms or an ISO 8601 time.</summary>
internal sealed record EventTimeSpec
{
    public EventTimeSpec(int memberIndex, bool isUnixMilliseconds)
    {
        MemberIndex = memberIndex;
        IsUnixMilliseconds = isUnixMilliseconds;
    }

    /// <summary>Its index in <see cref="MessageSpec.Members"/>, which is also its column's.</summary>
    public int MemberIndex { get; }

    public bool IsUnixMilliseconds { get; }
}

/// <summary>A type the message type is nested in.</summary>
internal sealed record ContainingTypeSpec
{
    public ContainingTypeSpec(string declarationKeyword, string name)
    {
        DeclarationKeyword = declarationKeyword;
        Name = name;
    }

    public string DeclarationKeyword { get; }

    public string Name { get; }
}

/// <summary>One member: a column, and a JSON member or a Kafka header.</summary>
internal sealed record MemberSpec
{
    public MemberSpec(string propertyName, string jsonName, string columnName, TypeShape shape, int constructorPosition, string? headerName = null)
    {
        HeaderName = headerName;
        PropertyName = propertyName;
        JsonName = jsonName;
        ColumnName = columnName;
        Shape = shape;
        ConstructorPosition = constructorPosition;
    }

    public string PropertyName { get; }

    public string JsonName { get; }

    public string ColumnName { get; }

    public TypeShape Shape { get; }

    /// <summary>The Kafka header the member is read from ([KafkaHeader]), or null when it is read from the value.</summary>
    public string? HeaderName { get; }

    /// <summary>The member's parameter position in the constructor used for materialization, or -1 when it is set by an initializer.</summary>
    public int ConstructorPosition { get; }
}

/// <summary>The kinds of member type, each with one column type and one Arrow type.</summary>
internal enum ShapeKind
{
    String,
    Boolean,
    Number,
    Decimal,
    DateTime,
    DateTimeOffset,
    Date,
    Duration,
    Guid,
    Bytes,
    EnumName,
    EnumValue,
    List,
    Message,
}

/// <summary>How lists are materialized.</summary>
internal enum CollectionKind
{
    None,
    Array,
    List,
}

/// <summary>A member type, recursively for lists.</summary>
internal sealed record TypeShape
{
    public TypeShape(ShapeKind kind, string typeName, bool isNullable, string? numberType = null, TypeShape? element = null, CollectionKind collection = CollectionKind.None, int enumIndex = -1)
    {
        Kind = kind;
        TypeName = typeName;
        IsNullable = isNullable;
        NumberType = numberType;
        Element = element;
        Collection = collection;
        EnumIndex = enumIndex;
    }

    public ShapeKind Kind { get; }

    /// <summary>The C# type, fully qualified, without a trailing '?' for nullable value types.</summary>
    public string TypeName { get; }

    /// <summary>Whether null is a value of the member (nullable value type or nullable reference type).</summary>
    public bool IsNullable { get; }

    /// <summary>For numbers and enum values: the C# keyword of the (underlying) number type.</summary>
    public string? NumberType { get; }

    /// <summary>For lists: the item shape.</summary>
    public TypeShape? Element { get; }

    public CollectionKind Collection { get; }

    /// <summary>For enums: the index in <see cref="MessageSpec.Enums"/>.</summary>
    public int EnumIndex { get; }
}

/// <summary>An enum's members as the column stores them.</summary>
internal sealed record EnumSpec
{
    public EnumSpec(string typeName, string displayName, EquatableArray<string> names, EquatableArray<long> values)
    {
        TypeName = typeName;
        DisplayName = displayName;
        Names = names;
        Values = values;
    }

    public string TypeName { get; }

    public string DisplayName { get; }

    public EquatableArray<string> Names { get; }

    public EquatableArray<long> Values { get; }
}
