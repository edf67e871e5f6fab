// The Flex Consumption plan and function app. The app package is the isolated worker's publish
// output (scripts/package.sh: ReadyToRun for linux-x64): the Functions host reads functions.metadata
// and starts the worker as worker.config.json says (`dotnet QoinHub.Merchant.Functions.dll`). The
// runtime stack is Flex Consumption's `dotnet-isolated`, version 10.0, set in functionAppConfig.runtime
// (Flex Consumption takes no FUNCTIONS_WORKER_RUNTIME or FUNCTIONS_EXTENSION_VERSION app setting).
//
// Every connection is made as the user-assigned identity; no app setting carries a key, password,
// SAS or connection string with a secret.

@description('Azure region of the plan and app.')
param location string

@description('Tags applied to the plan and app.')
param tags object

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the function app (also its host name: <name>.azurewebsites.net).')
param appName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of the user-assigned identity the app runs as.')
param identityClientId string

@description('Name of the storage account used for AzureWebJobsStorage.')
param storageAccountName string

@description('URL of the blob container the platform deploys the package from.')
param deploymentContainerUrl string

@description('Table service endpoint of the storage account.')
param tableServiceUri string

@description('Queue service endpoint of the storage account.')
param queueServiceUri string

@description('Table holding token hashes.')
param tokenTableName string

@description('Table holding notification dedupe rows.')
param notificationTableName string

@description('Key Vault URI the partner keys and secrets are read from.')
param keyVaultUri string

@description('Service Bus namespace host name, e.g. sb-example.servicebus.windows.net.')
param serviceBusFullyQualifiedNamespace string

@description('Name of the notifications queue.')
param serviceBusQueueName string

@description('Application Insights connection string (an address: ingestion requires Entra authentication).')
param applicationInsightsConnectionString string

@description('QoinHub client ids (each an X-CLIENT-KEY / X-PARTNER-ID QoinHub sends); one Partners__{i}__ClientId setting each.')
@minLength(1)
param qoinhubClientIds array

@description('Public path QoinHub signs for the payment notification (differs from /api/v1.0/debit/notify only behind a gateway that rewrites paths).')
param notifyPath string

@description('NCRONTAB schedule (six fields, UTC) of the OutboxRelay timer function.')
param outboxRelaySchedule string

@description('NCRONTAB schedule (six fields, UTC) of the Retention timer function.')
param retentionSchedule string

@description('Id of the outbox MAC key new records are signed with: the app reads it from the Key Vault secret outbox-mac-key-{id}, which the template does not create (docs/deploy.md).')
@minLength(1)
@maxLength(32)
param outboxMacKeyId string

@description('Ids of older outbox MAC keys still accepted after a rotation, comma-separated (each a secret outbox-mac-key-{id}); empty: none.')
param outboxMacVerifyKeyIds string

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

// Only the ids: each partner's keys and secrets come from Key Vault (qoinhub-{clientId}-public-keys and
// qoinhub-{clientId}-client-secrets), by the same naming rule as with one partner.
var partnerSettings = [
  for (clientId, i) in qoinhubClientIds: {
    name: 'Partners__${i}__ClientId'
    value: clientId
  }
]

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: appName
  location: location
  // azd finds the app to deploy service `api` to by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    clientCertEnabled: false
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat([
        // Functions host storage, by identity.
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        // Telemetry, by identity.
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: applicationInsightsConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identityClientId};Authorization=AAD'
        }
        // The app's own credential: DefaultAzureCredential picks the user-assigned identity.
        {
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'KeyVault__Uri'
          value: keyVaultUri
        }
        {
          name: 'Storage__TableServiceUri'
          value: tableServiceUri
        }
        {
          name: 'Storage__QueueServiceUri'
          value: queueServiceUri
        }
        {
          name: 'Storage__TokenTable'
          value: tokenTableName
        }
        {
          name: 'Storage__NotificationTable'
          value: notificationTableName
        }
        {
          name: 'ServiceBus__FullyQualifiedNamespace'
          value: serviceBusFullyQualifiedNamespace
        }
        {
          name: 'ServiceBus__QueueName'
          value: serviceBusQueueName
        }
        // Set here, not by hand: a provision replaces the whole app settings list.
        {
          name: 'Snap__NotifyPaths__0'
          value: notifyPath
        }
        // The timer functions' schedules (their triggers name %OutboxRelaySchedule% and
        // %RetentionSchedule%): the host does not index a timer whose setting is missing.
        {
          name: 'OutboxRelaySchedule'
          value: outboxRelaySchedule
        }
        {
          name: 'RetentionSchedule'
          value: retentionSchedule
        }
        // The outbox MAC keys: only their ids; the keys are Key Vault secrets (outbox-mac-key-{id}).
        {
          name: 'Outbox__MacKeyId'
          value: outboxMacKeyId
        }
        {
          name: 'Outbox__MacVerifyKeyIds'
          value: outboxMacVerifyKeyIds
        }
      ], partnerSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Deployments authenticate with Microsoft Entra ID; publishing user names and passwords are off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
