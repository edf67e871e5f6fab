using Xunit.Sdk;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>A row rerun on its own (a test explorer, a saved run) is rebuilt from its name: it must find its case again.</summary>
public sealed class TheoryCaseTests
{
    [Fact]
    public void Every_row_of_the_tables_comes_back_from_serialisation_as_its_own_case()
    {
        AssertRoundTrips<BadTokenRequest>();
        AssertRoundTrips<BadNotification>();
        AssertRoundTrips<HonestSignature>();
    }

    private static void AssertRoundTrips<T>()
        where T : class, ITableCase<T>
    {
        foreach (var @case in T.All)
        {
            var serialised = SerializationHelper.Serialize(new TheoryCase<T>(@case));
            var row = SerializationHelper.Deserialize<TheoryCase<T>>(serialised);
            Assert.Same(@case, row.Case);
            Assert.Equal(@case.Name, row.ToString());
        }
    }
}
