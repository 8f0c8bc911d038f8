using System.Runtime.InteropServices;

namespace TypedKafka.Testing.Native;

/// <summary>
/// Owns a mock cluster and the librdkafka client handle it lives in. The cluster keeps a pointer to
/// that handle, so releasing destroys the cluster first and the handle second.
/// </summary>
internal sealed class MockClusterHandle : SafeHandle
{
    private readonly nint _client;

    internal MockClusterHandle(nint cluster, nint client)
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
        SetHandle(cluster);
        _client = client;
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        LibRdKafka.MockClusterDestroy(handle);
        LibRdKafka.Destroy(_client);
        return true;
    }
}
