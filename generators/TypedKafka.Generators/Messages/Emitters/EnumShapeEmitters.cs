using TypedKafka.Generators.Messages.Model;

namespace TypedKafka.Generators.Messages.Emitters;

/// <summary>An enum stored by member name in a utf8 column.</summary>
internal sealed class EnumNameShapeEmitter : ShapeEmitter
{
    public EnumNameShapeEmitter(TypeShape shape)
        : base(shape)
    {
    }

    public override string ColumnType => Columns + "EnumColumn";

    public override string ArrayType => Arrow + "StringArray";

    /// <summary>The columns class's static field that lists the enum's names and values.</summary>
    private string Members => $"{MessageEmitter.ColumnsClass}.{MessageEmitter.EnumField(Shape.EnumIndex)}";

    public override string NewColumn() => $"new {ColumnType}({Members}, nullable: {Nullable})";

    protected override string ReadValue(ReaderMembers reader, string array, string row) =>
        $"({Shape.TypeName}){Columns}ArrowCells.ReadEnumByName({array}, {row}, {Members})";
}

/// <summary>An enum stored as its underlying number.</summary>
internal sealed class EnumValueShapeEmitter : ShapeEmitter
{
    public EnumValueShapeEmitter(TypeShape shape)
        : base(shape)
    {
    }

    public override string ColumnType => $"{Columns}EnumValueColumn<{Shape.NumberType}>";

    public override string ArrayType => Arrow + ScalarShapeEmitter.NumberArray(Shape.NumberType!);

    public override string NewColumn() => $"new {ColumnType}({MessageEmitter.ColumnsClass}.{MessageEmitter.EnumField(Shape.EnumIndex)}, nullable: {Nullable})";

    protected override string ReadValue(ReaderMembers reader, string array, string row) =>
        $"({Shape.TypeName}){Columns}ArrowCells.ReadNumber({array}, {row})";
}
