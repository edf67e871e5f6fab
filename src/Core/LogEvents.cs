namespace QoinHub.Merchant;

/// <summary>
/// Every log event id of the app, in one list so that none is used twice (a test checks every
/// <c>[LoggerMessage]</c> of the app's assemblies against each other). Ranges: 1xxx host,
/// 2xxx SNAP calls, 3xxx tokens, 4xxx notifications, 5xxx partners, 6xxx publishing, 7xxx storage,
/// 8xxx health checks.
/// </summary>
public static class LogEvents
{
    public const int HostUnhandled = 1001;
    public const int TimerFunctionFailed = 1002;
    public const int TimerFunctionRan = 1003;
    public const int HostBadBody = 1004;

    public const int CallFailed = 2001;
    public const int CallRefused = 2002;
    public const int CallFailedPartnerDirectory = 2003;
    public const int CallDeadlinePassed = 2004;

    public const int TokenIssued = 3001;
    public const int TokenRequestRepeated = 3002;

    public const int NotificationAccepted = 4001;
    public const int NotificationDuplicate = 4002;
    public const int NotificationPublishFailed = 4003;
    public const int NotificationMarkFailed = 4004;
    public const int NotificationStillInProgress = 4005;
    public const int NotificationReleaseFailed = 4006;
    public const int NotificationFactPayloadMismatch = 4007;
    public const int RelayPublished = 4101;
    public const int RelayRun = 4102;
    public const int RelayOrphan = 4103;
    public const int RelayFailed = 4104;
    public const int RetentionRun = 4201;
    public const int RetentionFailed = 4202;
    public const int OutboxRecordTampered = 4301;

    public const int KeyVaultInlineCredentialsIgnored = 5001;
    public const int KeyVaultRefreshFailedServingLastGood = 5002;
    public const int KeyVaultUnavailable = 5003;
    public const int KeyVaultSecretProblem = 5004;
    public const int OutboxMacKeysServingLastGood = 5101;
    public const int OutboxMacKeysUnavailable = 5102;

    public const int ServiceBusPublished = 6001;
    public const int ServiceBusFailed = 6003;
    public const int StorageQueuePublished = 6101;
    public const int StorageQueueFailed = 6102;
    public const int StorageQueueCannotCreate = 6103;

    public const int TableUnreachable = 7001;

    public const int HealthDependencyDown = 8001;
}
