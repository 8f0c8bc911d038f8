using Apache.Arrow;
using Apache.Arrow.Types;
using static TypedKafka.Generators.Tests.Decoding.DecodeTradeTests;

namespace TypedKafka.Generators.Tests.Decoding;

/// <summary>Every supported member type, decoded into its Arrow type and read back.</summary>
public class DecodeEveryTypeTests
{
    private const string Full = """
        {
          "Text": "plain", "MaybeText": "maybe",
          "Flag": true, "MaybeFlag": false,
          "I8": -128, "U8": 255, "I16": -32768, "U16": 65535, "I32": -2147483648, "U32": 4294967295,
          "I64": -9223372036854775808, "U64": 18446744073709551615, "MaybeI32": 2147483647,
          "F32": 3.4028235E+38, "F64": -1.7976931348623157E+308, "MaybeF64": 5E-324,
          "Money": 99999999999999999999.99999999, "MaybeMoney": -0.000000000000000001,
          "When": "0001-01-01T00:00:00Z", "WhenOffset": "9999-12-31T23:59:59.999999+00:00", "MaybeWhen": "1970-01-01T01:00:00+01:00",
          "Day": "0001-01-01", "MaybeDay": "9999-12-31",
          "Elapsed": "-10675199.02:48:05.477580", "MaybeElapsed": "1.02:03:04.5",
          "Id": "00112233-4455-6677-8899-aabbccddeeff", "MaybeId": "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
          "Side": "Sell", "MaybeSide": "short-sell",
          "Blob": "AAEC/w==", "MaybeBlob": "",
          "Numbers": [1, -2, 3],
          "Tags": ["a", null, "c"],
          "Addresses": [{"street": "Main 1", "city": "Oslo", "post_code": 150}, {"street": "Side 2", "city": null}],
          "Home": {"street": "Home 3", "city": "Bergen", "post_code": null},
          "Work": null,
          "Matrix": [[1, 2], [], [3]]
        }
        """;

    private const string Minimal = """
        {"Text":"t","Flag":false,"I8":0,"U8":0,"I16":0,"U16":0,"I32":0,"U32":0,"I64":0,"U64":0,"F32":0,"F64":0,"Money":0,
         "When":"2026-01-01T00:00:00Z","WhenOffset":"2026-01-01T00:00:00Z","Day":"2026-01-01","Elapsed":"00:00:00",
         "Id":"00000000-0000-0000-0000-000000000000","Side":0,"Blob":"","Numbers":[],"Tags":[],"Home":{"street":"s"},"Matrix":[]}
        """;

    [Fact]
    public void Each_member_type_has_its_arrow_type()
    {
        var fields = Columns.ArrowMessage.SchemaOf<Everything>().FieldsList.ToDictionary(f => f.Name);

        Assert.IsType<StringType>(fields["Text"].DataType);
        Assert.IsType<BooleanType>(fields["Flag"].DataType);
        Assert.Equal(
            [ArrowTypeId.Int8, ArrowTypeId.UInt8, ArrowTypeId.Int16, ArrowTypeId.UInt16, ArrowTypeId.Int32, ArrowTypeId.UInt32, ArrowTypeId.Int64, ArrowTypeId.UInt64, ArrowTypeId.Float, ArrowTypeId.Double],
            new[] { "I8", "U8", "I16", "U16", "I32", "U32", "I64", "U64", "F32", "F64" }.Select(n => fields[n].DataType.TypeId));
        var money = Assert.IsType<Decimal128Type>(fields["Money"].DataType);
        Assert.Equal((38, 18), (money.Precision, money.Scale));
        Assert.All(new[] { "When", "WhenOffset" }, n => Assert.Equal("UTC", Assert.IsType<TimestampType>(fields[n].DataType).Timezone));
        Assert.IsType<Date32Type>(fields["Day"].DataType);
        Assert.Equal(TimeUnit.Microsecond, Assert.IsType<DurationType>(fields["Elapsed"].DataType).Unit);
        Assert.IsType<GuidType>(fields["Id"].DataType);
        Assert.IsType<StringType>(fields["Side"].DataType);
        Assert.IsType<BinaryType>(fields["Blob"].DataType);
        var numbers = Assert.IsType<ListType>(fields["Numbers"].DataType);
        Assert.Equal((ArrowTypeId.Int32, false), (numbers.ValueDataType.TypeId, numbers.ValueField.IsNullable));
        Assert.True(Assert.IsType<ListType>(fields["Tags"].DataType).ValueField.IsNullable);
        var address = Assert.IsType<StructType>(Assert.IsType<ListType>(fields["Addresses"].DataType).ValueDataType);
        Assert.Equal(["street", "city", "post_code"], address.Fields.Select(f => f.Name));
        Assert.IsType<StructType>(fields["Home"].DataType);
        Assert.IsType<ListType>(Assert.IsType<ListType>(fields["Matrix"].DataType).ValueDataType);
        Assert.DoesNotContain("Computed", fields.Keys);
        Assert.Equal([false, true], new[] { "Home", "Work" }.Select(n => fields[n].IsNullable));
    }

    [Fact]
    public void A_window_file_of_every_member_type_is_the_same_bytes_whatever_batches_its_rows_came_in()
    {
        // The same three rows decoded as one batch, and as three; the window assembler owns each released batch.
        Payload[] rows = [new(Full, Offset: 0), new(Minimal, Offset: 1), new(Full, Offset: 2)];
        var together = Payloads.Decode<Everything>(BadPayloadPolicy.Skip, rows).RecordBatch;
        var apart = rows.Select(r => Payloads.Decode<Everything>(BadPayloadPolicy.Skip, r).RecordBatch).ToList();
        var directory = Path.Combine(Path.GetTempPath(), "typedkafka-every-type-" + Guid.NewGuid().ToString("N"));
        try
        {
            var first = File.ReadAllBytes(WriteWindow([together], Path.Combine(directory, "together")));
            var second = File.ReadAllBytes(WriteWindow(apart, Path.Combine(directory, "apart")));
            Assert.Equal(first, second);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        static string WriteWindow(IEnumerable<RecordBatch> released, string directory)
        {
            using var assembler = new TypedKafka.Windows.WindowAssembler(new TypedKafka.Windows.TumblingWindowOptions(TimeSpan.FromMinutes(1)));
            foreach (var batch in released)
            {
                Assert.Empty(assembler.Add(batch, releaseWatermark: null, isLive: false));
            }

            using var window = Assert.Single(assembler.Complete());
            Assert.Equal(3, window.RowCount);
            return TypedKafka.Windows.WindowFiles.WriteArrow(window, directory);
        }
    }

    [Fact]
    public void Values_at_the_limits_of_each_type_land_in_their_cells()
    {
        using var batch = Payloads.Decode<Everything>(Full);
        var b = batch.RecordBatch;

        Assert.Equal([], batch.Errors.Select(e => e.Reason));
        Assert.Equal(["plain"], Strings(b.Column("Text")));
        Assert.Equal(["maybe"], Strings(b.Column("MaybeText")));
        Assert.True(((BooleanArray)b.Column("Flag")).GetValue(0));
        Assert.False(((BooleanArray)b.Column("MaybeFlag")).GetValue(0));
        Assert.Equal(sbyte.MinValue, ((Int8Array)b.Column("I8")).Values[0]);
        Assert.Equal(byte.MaxValue, ((UInt8Array)b.Column("U8")).Values[0]);
        Assert.Equal(short.MinValue, ((Int16Array)b.Column("I16")).Values[0]);
        Assert.Equal(ushort.MaxValue, ((UInt16Array)b.Column("U16")).Values[0]);
        Assert.Equal(int.MinValue, ((Int32Array)b.Column("I32")).Values[0]);
        Assert.Equal(uint.MaxValue, ((UInt32Array)b.Column("U32")).Values[0]);
        Assert.Equal(long.MinValue, ((Int64Array)b.Column("I64")).Values[0]);
        Assert.Equal(ulong.MaxValue, ((UInt64Array)b.Column("U64")).Values[0]);
        Assert.Equal(int.MaxValue, ((Int32Array)b.Column("MaybeI32")).Values[0]);
        Assert.Equal(float.MaxValue, ((FloatArray)b.Column("F32")).Values[0]);
        Assert.Equal(-double.MaxValue, ((DoubleArray)b.Column("F64")).Values[0]);
        Assert.Equal(double.Epsilon, ((DoubleArray)b.Column("MaybeF64")).Values[0]);
        Assert.Equal(99999999999999999999.99999999m, ((Decimal128Array)b.Column("Money")).GetValue(0));
        Assert.Equal(-0.000000000000000001m, ((Decimal128Array)b.Column("MaybeMoney")).GetValue(0));
        Assert.Equal(DateTimeOffset.MinValue, ((TimestampArray)b.Column("When")).GetTimestamp(0));
        Assert.Equal(DateTimeOffset.MaxValue.AddTicks(-9), ((TimestampArray)b.Column("WhenOffset")).GetTimestamp(0));
        Assert.Equal(0L, ((TimestampArray)b.Column("MaybeWhen")).Values[0]);
        Assert.Equal(DateOnly.MinValue, ((Date32Array)b.Column("Day")).GetDateOnly(0));
        Assert.Equal(DateOnly.MaxValue, ((Date32Array)b.Column("MaybeDay")).GetDateOnly(0));
        Assert.Equal(TimeSpan.MinValue.Ticks / 10, ((DurationArray)b.Column("Elapsed")).Values[0]);
        Assert.Equal(new TimeSpan(1, 2, 3, 4, 500).Ticks / 10, ((DurationArray)b.Column("MaybeElapsed")).Values[0]);
        Assert.Equal(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), ((GuidArray)b.Column("Id")).GetGuid(0));
        Assert.Equal(Convert.FromHexString("00112233445566778899AABBCCDDEEFF"), ((GuidArray)b.Column("Id")).StorageArray.GetBytes(0).ToArray());
        Assert.Equal(["Sell"], Strings(b.Column("Side")));
        Assert.Equal(["short-sell"], Strings(b.Column("MaybeSide")));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, ((BinaryArray)b.Column("Blob")).GetBytes(0).ToArray());
        Assert.Equal(0, ((BinaryArray)b.Column("MaybeBlob")).GetBytes(0).Length);
        Assert.False(b.Column("MaybeBlob").IsNull(0));
        Assert.Equal([1, -2, 3], ((Int32Array)((ListArray)b.Column("Numbers")).Values).Values.ToArray());
        Assert.Equal(["a", null, "c"], Strings(((ListArray)b.Column("Tags")).Values));
        var addresses = (StructArray)((ListArray)b.Column("Addresses")).Values;
        Assert.Equal(["Main 1", "Side 2"], Strings(addresses.Fields[0]));
        Assert.Equal(["Oslo", null], Strings(addresses.Fields[1]));
        Assert.Equal([150, null], ((Int32Array)addresses.Fields[2]).ToList(includeNulls: true));
        var home = (StructArray)b.Column("Home");
        Assert.Equal(["Home 3"], Strings(home.Fields[0]));
        Assert.True(b.Column("Work").IsNull(0));
        var matrix = (ListArray)b.Column("Matrix");
        Assert.Equal([0, 2, 2, 3], ((ListArray)matrix.Values).ValueOffsets.ToArray());
    }

    [Fact]
    public void Rows_read_every_member_back()
    {
        using var batch = Payloads.Decode<Everything>(Full);
        var row = Assert.Single(batch.Rows);

        Assert.Equal(("plain", "maybe", true, (bool?)false), (row.Text, row.MaybeText, row.Flag, row.MaybeFlag));
        Assert.Equal((sbyte.MinValue, byte.MaxValue, short.MinValue, ushort.MaxValue), (row.I8, row.U8, row.I16, row.U16));
        Assert.Equal((int.MinValue, uint.MaxValue, long.MinValue, ulong.MaxValue, (int?)int.MaxValue), (row.I32, row.U32, row.I64, row.U64, row.MaybeI32));
        Assert.Equal((float.MaxValue, -double.MaxValue, (double?)double.Epsilon), (row.F32, row.F64, row.MaybeF64));
        Assert.Equal((99999999999999999999.99999999m, (decimal?)-0.000000000000000001m), (row.Money, row.MaybeMoney));
        Assert.Equal(DateTime.MinValue, row.When);
        Assert.Equal(DateTimeKind.Utc, row.When.Kind);
        Assert.Equal(DateTimeOffset.MaxValue.AddTicks(-9), row.WhenOffset);
        Assert.Equal(DateTimeOffset.UnixEpoch, row.MaybeWhen);
        Assert.Equal((DateOnly.MinValue, (DateOnly?)DateOnly.MaxValue), (row.Day, row.MaybeDay));
        Assert.Equal((TimeSpan.FromTicks(TimeSpan.MinValue.Ticks / 10 * 10), (TimeSpan?)new TimeSpan(1, 2, 3, 4, 500)), (row.Elapsed, row.MaybeElapsed));
        Assert.Equal((Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), (Guid?)Guid.AllBitsSet), (row.Id, row.MaybeId));
        Assert.Equal((Side.Sell, (Side?)Side.ShortSell), (row.Side, row.MaybeSide));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, row.Blob);
        Assert.Equal([], row.MaybeBlob!);
        Assert.Equal([1, -2, 3], row.Numbers);
        Assert.Equal(["a", null, "c"], row.Tags);
        Assert.Equal([new Address("Main 1", "Oslo", 150), new Address("Side 2", null, null)], row.Addresses!);
        Assert.Equal(new Address("Home 3", "Bergen", null), row.Home);
        Assert.Null(row.Work);
        Assert.Equal([[1, 2], [], [3]], row.Matrix);
    }

    [Fact]
    public void Nullable_members_may_be_missing_or_null_and_read_back_as_null()
    {
        using var batch = Payloads.Decode<Everything>(Minimal);
        var row = Assert.Single(batch.Rows);

        Assert.Empty(batch.Errors);
        Assert.Equal(
            new object?[] { null, null, null, null, null, null, null, null, null, null, null, null, null },
            new object?[] { row.MaybeText, row.MaybeFlag, row.MaybeI32, row.MaybeF64, row.MaybeMoney, row.MaybeWhen, row.MaybeDay, row.MaybeElapsed, row.MaybeId, row.MaybeSide, row.MaybeBlob, row.Addresses, row.Work });
        Assert.Equal(Side.Buy, row.Side);
        Assert.Equal(new Address("s", null, null), row.Home);
        var b = batch.RecordBatch;
        Assert.All(new[] { "MaybeText", "MaybeFlag", "MaybeI32", "MaybeF64", "MaybeMoney", "MaybeWhen", "MaybeDay", "MaybeElapsed", "MaybeId", "MaybeSide", "MaybeBlob", "Addresses", "Work" }, n => Assert.True(b.Column(n).IsNull(0), n));
    }

    [Fact]
    public void Enums_by_value_keep_flag_combinations_and_accept_names()
    {
        using var batch = Payloads.Decode<Access>("""{"Permissions":3,"Side":"sell"}""", """{"Permissions":"Write","Side":7}""");

        Assert.Equal([(byte)3, (byte)2], ((UInt8Array)batch.RecordBatch.Column("Permissions")).Values.ToArray());
        Assert.Equal([1, 7], ((Int32Array)batch.RecordBatch.Column("Side")).Values.ToArray());
        Assert.Equal([new Access(Permissions.Read | Permissions.Write, Side.Sell), new Access(Permissions.Write, Side.ShortSell)], batch.Rows);
    }

    [Fact]
    public void Enums_by_name_accept_numbers_of_defined_members_and_any_ascii_case()
    {
        using var batch = Payloads.Decode<Everything>(Minimal.Replace("\"Side\":0", "\"Side\":7", StringComparison.Ordinal), Minimal.Replace("\"Side\":0", "\"Side\":\"SELL\"", StringComparison.Ordinal));

        Assert.Equal(["short-sell", "Sell"], Strings(batch.RecordBatch.Column("Side")));
    }

    [Fact]
    public void Renamed_members_use_kafka_field_then_json_property_name_and_ignored_members_stay_out()
    {
        using var batch = Payloads.Decode<Renamed>("""{"ts":"2026-01-01T00:00:00Z","k":"key","Ignored":"x"}""");

        Assert.Equal(["event_time", "k"], Columns.ArrowMessage.SchemaOf<Renamed>().FieldsList.Select(f => f.Name));
        var row = Assert.Single(batch.Rows);
        Assert.Equal((new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), "key", "default"), (row.Timestamp, row.Key2, row.Ignored));
    }
}
