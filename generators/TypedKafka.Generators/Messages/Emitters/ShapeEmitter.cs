using System;
using TypedKafka.Generators.Messages.Model;

namespace TypedKafka.Generators.Messages.Emitters;

/// <summary>
/// What the emitter writes for one member shape: the column that decodes it, the Arrow array it is
/// read back from, and the expression (with the reader fields and methods it needs) that
/// materializes a value. One subclass per shape, so that a shape's parts stay side by side.
/// </summary>
internal abstract class ShapeEmitter
{
    protected const string Columns = "global::TypedKafka.Columns.";
    protected const string Arrow = "global::Apache.Arrow.";

    protected ShapeEmitter(TypeShape shape)
    {
        Shape = shape;
    }

    public TypeShape Shape { get; }

    /// <summary>The column class that values of this shape are decoded into.</summary>
    public abstract string ColumnType { get; }

    /// <summary>The Arrow array class that the column builds.</summary>
    public abstract string ArrayType { get; }

    protected string Nullable => Shape.IsNullable ? "true" : "false";

    public static ShapeEmitter For(TypeShape shape) => shape.Kind switch
    {
        ShapeKind.EnumName => new EnumNameShapeEmitter(shape),
        ShapeKind.EnumValue => new EnumValueShapeEmitter(shape),
        ShapeKind.List => new ListShapeEmitter(shape),
        ShapeKind.Message => new MessageShapeEmitter(shape),
        _ => ScalarShapeEmitter.Create(shape),
    };

    /// <summary>The expression that creates an empty column.</summary>
    public virtual string NewColumn() => $"new {ColumnType}(nullable: {Nullable})";

    /// <summary>
    /// Declares the reader field <paramref name="array"/> (initialized with <paramref name="init"/>)
    /// and whatever reading needs, and returns the expression that reads the value at <paramref name="row"/>.
    /// </summary>
    public string Read(ReaderMembers reader, string array, string init, string row)
    {
        reader.AddField(ArrayType, array, init);
        var value = ReadValue(reader, array, row);
        return Shape.IsNullable ? $"{array}.IsNull({row}) ? null : {value}" : value;
    }

    /// <summary>The expression of a value known not to be null.</summary>
    protected abstract string ReadValue(ReaderMembers reader, string array, string row);
}
