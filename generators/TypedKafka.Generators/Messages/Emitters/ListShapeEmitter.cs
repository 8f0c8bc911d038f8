using System;
using TypedKafka.Generators.Messages.Model;

namespace TypedKafka.Generators.Messages.Emitters;

/// <summary>An array or list: a list column of the item shape's column, read back by a method per list.</summary>
internal sealed class ListShapeEmitter : ShapeEmitter
{
    private readonly ShapeEmitter _item;

    public ListShapeEmitter(TypeShape shape)
        : base(shape)
    {
        _item = For(shape.Element!);
    }

    public override string ColumnType => $"{Columns}ListColumn<{_item.ColumnType}>";

    public override string ArrayType => Arrow + "ListArray";

    public override string NewColumn() => $"new {ColumnType}({_item.NewColumn()}, nullable: {Nullable})";

    protected override string ReadValue(ReaderMembers reader, string array, string row)
    {
        var item = _item.Shape;
        var items = reader.Names.New(array + "_items");
        var itemExpression = _item.Read(reader, items, $"({_item.ArrayType}){array}.Values", "i");
        var itemType = item.TypeName + (item.IsNullable && !item.TypeName.EndsWith("?", StringComparison.Ordinal) ? "?" : string.Empty);
        var isList = Shape.Collection == CollectionKind.List;
        var collection = isList ? $"global::System.Collections.Generic.List<{itemType}>" : $"{itemType}[]";
        var method = reader.Names.New("Read" + array);
        reader.Methods.Add(w =>
        {
            using (w.Block($"private {collection} {method}(int row)"))
            {
                w.Line($"var (start, end) = {Columns}ArrowCells.ListRange({array}, row);");
                w.Line(isList ? $"var items = new {collection}(end - start);" : $"var items = {Columns}ArrowCells.NewArray<{itemType}>(end - start);");
                using (w.Block("for (var i = start; i < end; i++)"))
                {
                    w.Line(isList ? $"items.Add({itemExpression});" : $"items[i - start] = {itemExpression};");
                }

                w.Line();
                w.Line("return items;");
            }
        });
        return $"{method}({row})";
    }
}
