// Everything the function app's managed identity may do, in one place. Adding a role here is a
// security decision: the deployment tests pin this exact set.

@description('Name of the function app identity; with the scope and role it names each assignment, so the names are known before deployment.')
param identityName string

@description('Principal (object) id of the function app identity.')
param identityPrincipalId string

@description('Storage account holding the host data, the deployment container and the tables.')
param storageAccountName string

@description('Key Vault holding the QoinHub keys and secrets.')
param keyVaultName string

@description('Service Bus namespace of the notifications queue.')
param serviceBusNamespaceName string

@description('The notifications queue.')
param serviceBusQueueName string

@description('Application Insights component the host sends telemetry to.')
param applicationInsightsName string

var roles = {
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName

  resource queue 'queues' existing = {
    name: serviceBusQueueName
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Reads the partner RSA public keys and client secrets.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identityName, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    description: 'App: reads the qoinhub-{clientId}-* secrets.'
  }
}

// Writes token hashes and dedupe rows. Account scope, not table scope, so the app may also create
// a missing table at start-up rather than fail.
resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identityName, roles.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    description: 'App: token and notification dedupe tables.'
  }
}

// The Functions host itself: AzureWebJobsStorage by identity (host locks and keys in blobs) and
// the Flex Consumption platform reading the app package from the deployment container. This is
// the role Microsoft documents for identity-based host storage.
resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identityName, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Functions host: AzureWebJobsStorage and the deployment package container.'
  }
}

// Publishes accepted notifications; scoped to the one queue, send only.
resource dataSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace::queue.id, identityName, roles.serviceBusDataSender)
  scope: namespace::queue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    description: 'App: publishes payment notifications to the queue.'
  }
}

// The Functions host sends telemetry with Microsoft Entra authentication
// (APPLICATIONINSIGHTS_AUTHENTICATION_STRING), since the component refuses key-based ingestion.
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, identityName, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Functions host: telemetry with Entra authentication.'
  }
}
