using YamlDotNet.RepresentationModel;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>Reads a YAML file (azure-pipelines.yml, azure.yaml) and walks it by key.</summary>
internal static class YamlDocument
{
    public static YamlMappingNode Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        var document = Assert.Single(stream.Documents);
        return Assert.IsType<YamlMappingNode>(document.RootNode);
    }

    public static YamlNode? Get(this YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlMappingNode Mapping(this YamlMappingNode mapping, string key) =>
        Assert.IsType<YamlMappingNode>(mapping.Get(key) ?? throw new KeyNotFoundException(key));

    public static IReadOnlyList<YamlMappingNode> Sequence(this YamlMappingNode mapping, string key) =>
        [.. Assert.IsType<YamlSequenceNode>(mapping.Get(key) ?? throw new KeyNotFoundException(key)).Children.Select(Assert.IsType<YamlMappingNode>)];

    public static string? Scalar(this YamlMappingNode mapping, string key) => (mapping.Get(key) as YamlScalarNode)?.Value;
}
