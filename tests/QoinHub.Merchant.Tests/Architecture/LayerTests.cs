using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Microsoft.Extensions.Logging;
using QoinHub.Merchant.AzureAdapters;
using QoinHub.Merchant.Functions;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Tests.Architecture;

/// <summary>
/// The layers of docs/decisions/0002-layers.md: protocol ← merchant logic ← Azure adapters ← host,
/// dependencies pointing down only, and only the host knowing ASP.NET Core.
/// </summary>
public sealed class LayerTests
{
    private static readonly Assembly Protocol = typeof(SnapRequest).Assembly;
    private static readonly Assembly Merchant = typeof(SnapHandler).Assembly;
    private static readonly Assembly Adapters = typeof(AzureAdaptersServiceCollectionExtensions).Assembly;
    private static readonly Assembly Host = typeof(MerchantWorker).Assembly;

    public static TheoryData<string, string[]> ForbiddenReferences => new()
    {
        // Telemetry below the host is System.Diagnostics only (ActivitySource, Meter); OpenTelemetry is the host's.
        { "QoinHub.Merchant.Snap", ["Azure.", "Microsoft.AspNetCore", "Microsoft.Extensions.", "QoinHub.", "OpenTelemetry"] },
        { "QoinHub.Merchant.Core", ["Azure.", "Microsoft.AspNetCore", "QoinHub.Merchant.AzureAdapters", "QoinHub.Merchant.Functions", "OpenTelemetry"] },
        { "QoinHub.Merchant.AzureAdapters", ["Microsoft.AspNetCore", "QoinHub.Merchant.Functions", "OpenTelemetry"] },
    };

    [Theory]
    [MemberData(nameof(ForbiddenReferences))]
    public void Layer_references_nothing_above_it(string assemblyName, string[] forbiddenPrefixes)
    {
        var assembly = new[] { Protocol, Merchant, Adapters }.Single(a => a.GetName().Name == assemblyName);

        var offending = assembly.GetReferencedAssemblies()
            .Select(reference => reference.Name!)
            .Where(name => forbiddenPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            .ToList();

        Assert.True(offending.Count == 0, $"{assemblyName} references {string.Join(", ", offending)}");
    }

    [Fact]
    public void Layers_point_down_in_order()
    {
        Assert.Contains(Merchant.GetReferencedAssemblies(), r => r.Name == Protocol.GetName().Name);
        Assert.Contains(Adapters.GetReferencedAssemblies(), r => r.Name == Merchant.GetName().Name);
        Assert.Contains(Host.GetReferencedAssemblies(), r => r.Name == Adapters.GetName().Name);
        Assert.Contains(Host.GetReferencedAssemblies(), r => r.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("QoinHub.Merchant.Snap")]
    [InlineData("QoinHub.Merchant.Core")]
    [InlineData("QoinHub.Merchant.AzureAdapters")]
    public void Route_strings_live_in_the_host_only(string assemblyName)
    {
        var assembly = new[] { Protocol, Merchant, Adapters }.Single(a => a.GetName().Name == assemblyName);

        var routes = UserStrings(assembly).Where(text => text.Contains("/api/", StringComparison.Ordinal)).ToList();

        Assert.True(routes.Count == 0, $"{assemblyName} holds route strings: {string.Join(", ", routes)}");
        Assert.Contains(UserStrings(Host), text => text.Contains("v1.0/debit/notify", StringComparison.Ordinal));
    }

    [Fact]
    public void Log_event_ids_are_unique_across_the_app()
    {
        var events = new[] { Protocol, Merchant, Adapters, Host }
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: $"{method.DeclaringType!.Name}.{method.Name}", Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();

        Assert.True(events.Count >= 20, $"only {events.Count} log events found: the scan is looking in the wrong place");
        var duplicates = events.GroupBy(e => e.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}")
            .ToList();
        Assert.True(duplicates.Count == 0, "event ids used twice: " + string.Join("; ", duplicates));
        Assert.DoesNotContain(events, e => e.Attribute!.EventId <= 0);
    }

    /// <summary>The string literals compiled into an assembly (its #US heap).</summary>
    private static List<string> UserStrings(Assembly assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly.Location));
        var reader = pe.GetMetadataReader();
        var strings = new List<string>();
        var handle = MetadataTokens.UserStringHandle(1);
        while (!handle.IsNil)
        {
            strings.Add(reader.GetUserString(handle));
            handle = reader.GetNextHandle(handle);
        }

        return strings;
    }
}
