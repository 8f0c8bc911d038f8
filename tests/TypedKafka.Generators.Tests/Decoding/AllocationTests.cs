using System.Text;

namespace TypedKafka.Generators.Tests.Decoding;

/// <summary>Decoding allocates per batch (the Arrow objects), never per row, once a decoder's buffers have grown.</summary>
public class AllocationTests
{
    [Fact]
    public void A_warm_decoder_allocates_almost_nothing_per_message()
    {
        const int count = 5_000;
        var payloads = Enumerable.Range(0, count)
            .Select(i => new Payload($$"""{"symbol":"SYM{{i % 50}}","price":{{100 + (i * 0.25)}},"quantity":{{i}},"tradeTime":"2026-01-01T00:00:{{i % 60:00}}.123Z","venue":"X\u00e9{{i % 3}}"}"""))
            .ToArray();
        var decoder = Payloads.Decoder<Trade>();
        decoder.Decode(payloads).Dispose();

        // The least of three decodes: a first use of some path elsewhere in the process (a type's static
        // state, a lazily built cache) may allocate once on this thread, and that is not per message.
        var perMessage = double.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            // The decoded batch owns the message batch it came from: each decode gets its own.
            var messages = Payloads.MessageBatch(payloads);
            var before = GC.GetAllocatedBytesForCurrentThread();
            using var measured = decoder.Decode(messages);
            perMessage = Math.Min(perMessage, (GC.GetAllocatedBytesForCurrentThread() - before) / (double)count);
        }

        using var batch = decoder.Decode(Payloads.MessageBatch(payloads));
        Assert.Empty(batch.Errors);
        Assert.True(perMessage < 2, $"{perMessage:F2} bytes per message");
        Assert.Equal(Encoding.UTF8.GetBytes("Xé1"), ((Apache.Arrow.StringArray)batch.RecordBatch.Column("venue")).GetBytes(1).ToArray());
    }
}
