using System;
using System.Collections.Generic;

namespace TypedKafka.Generators.Messages.Emitters;

/// <summary>The fields and helper methods of the reader class being emitted, named by one <see cref="UniqueNameBuilder"/>.</summary>
internal sealed class ReaderMembers
{
    public ReaderMembers(UniqueNameBuilder names)
    {
        Names = names;
    }

    public UniqueNameBuilder Names { get; }

    /// <summary>In declaration order; each initialized in the constructor from the columns or from a field declared before it.</summary>
    public List<(string Type, string Name, string Init)> Fields { get; } = new();

    /// <summary>In declaration order: a method comes after the methods it calls.</summary>
    public List<Action<SourceWriter>> Methods { get; } = new();

    public void AddField(string type, string name, string init) => Fields.Add((type, name, init));
}
