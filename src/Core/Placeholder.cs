namespace QoinHub.Merchant; internal static class Placeholder;
