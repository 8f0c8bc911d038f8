using System;
using TypedKafka.Generators.Messages.Model;

namespace TypedKafka.Generators.Messages.Emitters;

/// <summary>Shapes whose column, array and cell reader differ by name only: strings, booleans, numbers, times, Guid, bytes.</summary>
internal sealed class ScalarShapeEmitter : ShapeEmitter
{
    private readonly string _columnType;
    private readonly string _arrayType;
    private readonly string _readMethod;

    private ScalarShapeEmitter(TypeShape shape, string columnType, string arrayType, string readMethod)
        : base(shape)
    {
        _columnType = columnType;
        _arrayType = arrayType;
        _readMethod = readMethod;
    }

    public override string ColumnType => Columns + _columnType;

    public override string ArrayType => Arrow + _arrayType;

    public static ScalarShapeEmitter Create(TypeShape shape) => shape.Kind switch
    {
        ShapeKind.String => new(shape, "StringColumn", "StringArray", "ReadString"),
        ShapeKind.Boolean => new(shape, "BooleanColumn", "BooleanArray", "ReadBoolean"),
        ShapeKind.Number => new(shape, $"NumberColumn<{shape.NumberType}>", NumberArray(shape.NumberType!), "ReadNumber"),
        ShapeKind.Decimal => new(shape, "DecimalColumn", "Decimal128Array", "ReadDecimal"),
        ShapeKind.DateTime => new(shape, "TimestampColumn", "TimestampArray", "ReadDateTime"),
        ShapeKind.DateTimeOffset => new(shape, "TimestampColumn", "TimestampArray", "ReadDateTimeOffset"),
        ShapeKind.Date => new(shape, "DateColumn", "Date32Array", "ReadDate"),
        ShapeKind.Duration => new(shape, "DurationColumn", "DurationArray", "ReadDuration"),
        ShapeKind.Guid => new(shape, "GuidColumn", "GuidArray", "ReadGuid"),
        ShapeKind.Bytes => new(shape, "BinaryColumn", "BinaryArray", "ReadBytes"),
        _ => throw new InvalidOperationException($"{shape.Kind} is not a scalar shape."),
    };

    /// <summary>The Arrow array of a C# number keyword.</summary>
    public static string NumberArray(string keyword) => keyword switch
    {
        "sbyte" => "Int8Array",
        "byte" => "UInt8Array",
        "short" => "Int16Array",
        "ushort" => "UInt16Array",
        "int" => "Int32Array",
        "uint" => "UInt32Array",
        "long" => "Int64Array",
        "ulong" => "UInt64Array",
        "float" => "FloatArray",
        "double" => "DoubleArray",
        _ => throw new InvalidOperationException($"No Arrow array for {keyword}."),
    };

    protected override string ReadValue(ReaderMembers reader, string array, string row) =>
        $"{Columns}ArrowCells.{_readMethod}({array}, {row})";
}
