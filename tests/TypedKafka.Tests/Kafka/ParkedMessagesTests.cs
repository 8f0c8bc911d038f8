using TypedKafka.Kafka.Native;

namespace TypedKafka.Tests.Kafka;

/// <summary>
/// The batch intake's parking of messages taken ahead of a pause: whatever the order of pauses,
/// resumes and takes, each partition's messages go out once each, in offset order (the engine drops
/// an older offset after a newer one as a redelivery, so out of order means lost).
/// </summary>
public class ParkedMessagesTests
{
    [Fact]
    public void A_partition_paused_again_before_its_resumed_messages_are_out_keeps_them_in_order()
    {
        var intake = new Intake();
        intake.Parked.Pause((null, 0));
        for (var i = 0; i < 5; i++)
        {
            intake.TakeFromBatch(0);
        }

        intake.Parked.Resume((null, 0));
        intake.TakeOne(); // offset 0 goes out; the engine pauses the partition at it
        intake.Parked.Pause((null, 0));
        intake.TakeOne(); // a poll that ends here, half-way through what was resumed
        intake.Parked.Resume((null, 0));
        intake.Drain();

        Assert.Equal([0L, 1, 2, 3, 4], intake.HandedOut[0]);
    }

    [Fact]
    public void Any_order_of_pauses_resumes_and_takes_hands_each_message_out_once_in_offset_order()
    {
        for (var seed = 0; seed < 2_000; seed++)
        {
            var random = new Random(seed);
            var intake = new Intake();
            for (var step = 0; step < 200; step++)
            {
                var partition = random.Next(3);
                switch (random.Next(4))
                {
                    case 0:
                        intake.Parked.Pause((null, partition));
                        break;
                    case 1:
                        intake.Parked.Resume((null, partition));
                        break;
                    default:
                        if (!intake.TakeOne())
                        {
                            intake.TakeFromBatch(partition);
                        }

                        break;
                }
            }

            for (var partition = 0; partition < 3; partition++)
            {
                intake.Parked.Resume((null, partition));
            }

            intake.Drain();
            for (var partition = 0; partition < 3; partition++)
            {
                var expected = Enumerable.Range(0, (int)intake.Taken[partition]).Select(o => (long)o);
                Assert.True(expected.SequenceEqual(intake.HandedOut[partition]), $"seed {seed}, partition {partition}: {string.Join(",", intake.HandedOut[partition])}");
            }
        }
    }

    [Fact]
    public void Messages_of_partitions_no_longer_held_are_dropped_parked_or_resumed()
    {
        var intake = new Intake();
        intake.Parked.Pause((null, 0));
        intake.Parked.Pause((null, 1));
        intake.TakeFromBatch(0);
        intake.TakeFromBatch(1);
        intake.Parked.Resume((null, 1));
        var dropped = new List<(int, long)>();

        intake.Parked.Retain((_, partition) => partition == 2, message => dropped.Add(message));

        Assert.Equal([(0, 0L), (1, 0L)], dropped.Order());
        Assert.False(intake.Parked.TryTakeResumed(out _));
    }

    /// <summary>The intake's loop over messages (partition, offset): a resumed one first, else the batch's next.</summary>
    private sealed class Intake
    {
        public ParkedMessages<(int Partition, long Offset)> Parked { get; } = new(m => (null, m.Partition));

        public long[] Taken { get; } = new long[3];

        public List<long>[] HandedOut { get; } = [[], [], []];

        /// <summary>The next message of <paramref name="partition"/> as the batch brings it.</summary>
        public void TakeFromBatch(int partition) => Offer((partition, Taken[partition]++));

        public bool TakeOne()
        {
            if (!Parked.TryTakeResumed(out var message))
            {
                return false;
            }

            Offer(message);
            return true;
        }

        public void Drain()
        {
            while (TakeOne())
            {
            }
        }

        private void Offer((int Partition, long Offset) message)
        {
            if (!Parked.TryPark(message))
            {
                HandedOut[message.Partition].Add(message.Offset);
            }
        }
    }
}
