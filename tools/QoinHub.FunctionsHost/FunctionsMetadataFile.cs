using System.Text.Json;

namespace QoinHub.FunctionsHost;

/// <summary>The functions.metadata file, for a worker that asks the host to read it (UseDefaultMetadataIndexing).</summary>
internal static class FunctionsMetadataFile
{
    public static List<RpcFunctionMetadata> Read(string directory)
    {
        var path = Path.Combine(directory, "functions.metadata");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var functions = new List<RpcFunctionMetadata>();
        foreach (var function in document.RootElement.EnumerateArray())
        {
            var metadata = new RpcFunctionMetadata
            {
                Name = function.GetProperty("name").GetString(),
                FunctionId = Guid.NewGuid().ToString(),
                ScriptFile = function.GetProperty("scriptFile").GetString(),
                EntryPoint = function.GetProperty("entryPoint").GetString(),
                Language = function.TryGetProperty("language", out var language) ? language.GetString() : "dotnet-isolated",
                Directory = directory,
            };
            foreach (var binding in function.GetProperty("bindings").EnumerateArray())
            {
                metadata.RawBindings.Add(binding.GetRawText());
                var direction = string.Equals(binding.GetProperty("direction").GetString(), "out", StringComparison.OrdinalIgnoreCase)
                    ? BindingInfo.Types.Direction.Out
                    : BindingInfo.Types.Direction.In;
                metadata.Bindings.Add(binding.GetProperty("name").GetString(), new BindingInfo { Type = binding.GetProperty("type").GetString(), Direction = direction });
            }

            functions.Add(metadata);
        }

        return functions;
    }
}
