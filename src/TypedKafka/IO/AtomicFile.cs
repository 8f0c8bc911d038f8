namespace TypedKafka.IO;

/// <summary>
/// A file written under a hidden temporary name in its final folder (<c>.NAME.GUID.tmp</c>), flushed
/// to disk and renamed over the final name by <see cref="Commit"/>, so that a reader never sees a
/// partial file and a rewrite replaces the old file whole. Disposing without a commit deletes the
/// temporary file (after a crash it stays, hidden, under a name no reader of final names matches).
/// The one way TypedKafka writes files: window files and the CLI's outputs alike.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private readonly string _temporary;
    private bool _done;

    /// <summary>Creates the folder if need be and opens the temporary file for writing.</summary>
    public AtomicFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        _temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        Stream = new FileStream(_temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
    }

    /// <summary>The final path.</summary>
    public string Path { get; }

    /// <summary>The temporary file, to write the content to; <see cref="Commit"/> closes it.</summary>
    public FileStream Stream { get; }

    /// <summary>Flushes the content to disk and moves it into place over any file of the final name.</summary>
    /// <param name="beforeRename">Runs between the flush and the rename, when the content is on disk under the temporary name (tests use it to fail or look there).</param>
    public void Commit(Action? beforeRename = null)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        Stream.Flush(flushToDisk: true);
        Stream.Dispose();
        beforeRename?.Invoke();
        File.Move(_temporary, Path, overwrite: true);
        _done = true;
    }

    /// <summary>Without a <see cref="Commit"/>, closes and deletes the temporary file: nothing appears under the final name.</summary>
    public void Dispose()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        Stream.Dispose();
        File.Delete(_temporary);
    }

    /// <summary>Writes <paramref name="path"/> whole with <paramref name="write"/>, atomically; returns the full path.</summary>
    /// <param name="path">The final path; its folder is created if need be.</param>
    /// <param name="write">Writes the content to the temporary file (and may leave it open).</param>
    /// <param name="beforeRename">As in <see cref="Commit"/>.</param>
    public static string Write(string path, Action<FileStream> write, Action? beforeRename = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var file = new AtomicFile(path);
        write(file.Stream);
        file.Commit(beforeRename);
        return file.Path;
    }
}
