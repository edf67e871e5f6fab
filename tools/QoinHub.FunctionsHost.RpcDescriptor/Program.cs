using Google.Protobuf;
using Google.Protobuf.Reflection;

// Usage: QoinHub.FunctionsHost.RpcDescriptor <output.pb>
// Writes FunctionRpc.proto and every file it imports, as the worker's Grpc assembly embeds them,
// to <output.pb> (a FileDescriptorSet, dependencies first), and prints the names of the files
// that are not Google's well-known types (the ones the host generates code for).
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: QoinHub.FunctionsHost.RpcDescriptor <output.pb>");
    return 2;
}

const string ReflectionType = "Microsoft.Azure.Functions.Worker.Grpc.Messages.FunctionRpcReflection, Microsoft.Azure.Functions.Worker.Grpc";
var reflection = Type.GetType(ReflectionType, throwOnError: true)!;
var root = (FileDescriptor)reflection.GetProperty("Descriptor")!.GetValue(null)!;

var set = new FileDescriptorSet();
var seen = new HashSet<string>(StringComparer.Ordinal);
Add(root);

var output = Path.GetFullPath(args[0]);
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
File.WriteAllBytes(output, set.ToByteArray());
foreach (var file in set.File.Where(file => !file.Name.StartsWith("google/protobuf/", StringComparison.Ordinal)))
{
    Console.WriteLine(file.Name);
}

return 0;

void Add(FileDescriptor file)
{
    if (!seen.Add(file.Name))
    {
        return;
    }

    foreach (var dependency in file.Dependencies)
    {
        Add(dependency);
    }

    set.File.Add(file.ToProto());
}
