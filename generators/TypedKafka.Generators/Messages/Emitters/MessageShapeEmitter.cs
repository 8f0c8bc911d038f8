using TypedKafka.Generators.Messages.Model;

namespace TypedKafka.Generators.Messages.Emitters;

/// <summary>A [KafkaMessage] member: a struct column of that type's own columns, read back by that type's own reader.</summary>
internal sealed class MessageShapeEmitter : ShapeEmitter
{
    public MessageShapeEmitter(TypeShape shape)
        : base(shape)
    {
    }

    public override string ColumnType => Columns + "StructColumn";

    public override string ArrayType => Arrow + "StructArray";

    public override string NewColumn() => $"new {ColumnType}({Columns}ArrowMessage.CreateColumns<{Shape.TypeName}>(), nullable: {Nullable})";

    protected override string ReadValue(ReaderMembers reader, string array, string row)
    {
        var messageReader = reader.Names.New(array + "_reader");
        reader.AddField($"{Columns}MessageReader<{Shape.TypeName}>", messageReader, $"{Columns}ArrowMessage.CreateReader<{Shape.TypeName}>({array}.Fields)");
        return $"{messageReader}.Read({row})";
    }
}
