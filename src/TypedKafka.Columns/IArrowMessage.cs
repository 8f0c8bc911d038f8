using Apache.Arrow;
using TypedKafka.Columns;

namespace TypedKafka;

/// <summary>
/// A message type with an Arrow schema, a JSON decoder into Arrow columns and a row reader.
/// The source generator implements it for every <c>KafkaMessageAttribute</c> type; it is not
/// meant to be implemented by hand.
/// </summary>
/// <typeparam name="TSelf">The message type itself.</typeparam>
public interface IArrowMessage<TSelf>
    where TSelf : IArrowMessage<TSelf>
{
    /// <summary>One field per member, in declaration order.</summary>
    static abstract Schema ArrowSchema { get; }

    /// <summary>New, empty columns that UTF-8 JSON objects are decoded into, one row per object.</summary>
    static abstract MessageColumns CreateColumns();

    /// <summary>Reads rows of the given member columns (laid out as <see cref="ArrowSchema"/>) back into instances.</summary>
    static abstract MessageReader<TSelf> CreateReader(IReadOnlyList<IArrowArray> columns);

    /// <summary>
    /// The member marked <c>EventTimeAttribute</c>, which typed consumers order by; null (the
    /// default, so that types without one need nothing) orders by the broker's timestamp.
    /// </summary>
    static virtual EventTimeMember? EventTime => null;
}
