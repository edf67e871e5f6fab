// QoinHub merchant callbacks on Azure: a Flex Consumption function app (.NET 10 isolated worker,
// runtime stack dotnet-isolated 10.0) with its storage, Key Vault, Service Bus queue, managed
// identity and monitoring, in one resource group. Laid out as an Azure Developer CLI template:
// `azd up` provisions this and deploys the package built by scripts/package.sh. See docs/deploy.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd environment name); names the resource group and seeds the unique resource names.')
param environmentName string

@minLength(1)
@description('Azure region of every resource. It must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@minLength(1)
@description('QoinHub client ids: each an X-CLIENT-KEY / X-PARTNER-ID value QoinHub sends (one app setting Partners__{i}__ClientId each). Each one\'s keys and secrets are read from Key Vault under qoinhub-{clientId}-public-keys and qoinhub-{clientId}-client-secrets.')
param qoinhubClientIds array

@minLength(3)
@description('E-mail address the operational alerts (publish failures, relay backlog, server errors, dead-lettered messages, forged signatures) are sent to.')
param alertEmail string

@minValue(1)
@description('Signature refusals in 5 minutes above which the forged-signatures alert fires.')
param signatureRefusalThreshold int = 20

@minValue(1)
@maxValue(100)
@description('Percentage of requests answered 5xx in 5 minutes (at least 10 requests) above which the server-errors alert fires.')
param serverErrorPercentThreshold int = 5

@description('Public path of the payment notification as QoinHub calls (and signs) it. Change it only when a gateway in front of the app rewrites the path; a custom domain alone keeps it.')
param qoinhubNotifyPath string = '/api/v1.0/debit/notify'

@description('NCRONTAB schedule (six fields: second minute hour day month day-of-week; UTC) of the OutboxRelay function, which publishes recorded notifications no request published. Default: every minute.')
param outboxRelaySchedule string = '0 */1 * * * *'

@description('NCRONTAB schedule (six fields, UTC) of the Retention function, which deletes expired tokens and old published notifications. Default: daily at 19:30 UTC (02:30 in Asia/Jakarta).')
param retentionSchedule string = '0 30 19 * * *'

@description('Id of the outbox MAC key the app signs new outbox records with (1 to 32 letters, digits or -). Its key is the Key Vault secret outbox-mac-key-{id}, which you set (docs/deploy.md); the template stores no secret. Change it to rotate (docs/operations.md, Outbox MAC keys).')
@minLength(1)
@maxLength(32)
param outboxMacKeyId string = 'k1'

@description('Ids of older outbox MAC keys still accepted for records signed before a rotation, comma-separated; each needs its secret outbox-mac-key-{id}. Empty: none.')
param outboxMacVerifyKeyIds string = ''

@description('Object id of the person or group allowed to set the QoinHub secrets in Key Vault (azd passes the signed-in user). Empty: grant nobody here.')
param principalId string = ''

@description('Principal type of principalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

// Data-plane access for others than the app (modules/access-roles.bicep; docs/deploy.md, "Access
// for the order system and operators"). Each item: { principalId: '<object id>', principalType:
// 'User' | 'Group' | 'ServicePrincipal' }. Typed only in the module: a typed object parameter here
// would switch the whole template to languageVersion 2.0 (symbolic resources). The module checks the
// shape when it deploys.
@description('Consumers of the notifications queue (the order system), each { principalId, principalType }: Azure Service Bus Data Receiver on the queue. Default: none.')
param queueConsumerPrincipals array = []

@description('Read-only operators of tools/QoinHub.Operator (list, show, retention --preview), each { principalId, principalType }: Storage Table Data Reader on the token and notification tables. Default: none.')
param operatorReaderPrincipals array = []

@description('Operators of tools/QoinHub.Operator who may also republish, relay and apply retention, each { principalId, principalType }: Storage Table Data Contributor on the token and notification tables and Azure Service Bus Data Sender on the queue. Default: none.')
param operatorRepublisherPrincipals array = []

@description('Name of the resource group; default rg-<environmentName>.')
param resourceGroupName string = ''

@description('Most instances the function app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each function app instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'qoinhub-merchant-callbacks'
}
var tokenTableName = 'snaptokens'
var notificationTableName = 'snapnotifications'
var notificationQueueName = 'payment-notifications'
// Names are fixed at compile time (not read back from module outputs) so What-If can predict the
// role assignments that refer to them.
var identityName = 'id-qoinhub-${resourceToken}'
var storageAccountName = 'stqh${resourceToken}'
var keyVaultName = 'kv-qh-${resourceToken}'
var serviceBusNamespaceName = 'sb-qoinhub-${resourceToken}'
var applicationInsightsName = 'appi-qoinhub-${resourceToken}'
var logAnalyticsName = 'log-qoinhub-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    location: location
    tags: tags
    name: identityName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: logAnalyticsName
    applicationInsightsName: applicationInsightsName
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: storageAccountName
    deploymentContainerName: 'app-package'
    tokenTableName: tokenTableName
    notificationTableName: notificationTableName
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: keyVaultName
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    location: location
    tags: tags
    namespaceName: serviceBusNamespaceName
    queueName: notificationQueueName
  }
}

module identityRoles 'modules/identity-roles.bicep' = {
  name: 'identity-roles'
  scope: rg
  params: {
    identityName: identityName
    identityPrincipalId: identity.outputs.principalId
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
    serviceBusNamespaceName: serviceBusNamespaceName
    serviceBusQueueName: notificationQueueName
    applicationInsightsName: applicationInsightsName
  }
  dependsOn: [
    storage
    keyVault
    serviceBus
    monitoring
  ]
}

module accessRoles 'modules/access-roles.bicep' = {
  name: 'access-roles'
  scope: rg
  params: {
    storageAccountName: storageAccountName
    tokenTableName: tokenTableName
    notificationTableName: notificationTableName
    serviceBusNamespaceName: serviceBusNamespaceName
    serviceBusQueueName: notificationQueueName
    queueConsumers: queueConsumerPrincipals
    operatorReaders: operatorReaderPrincipals
    operatorRepublishers: operatorRepublisherPrincipals
  }
  // The assignments are scoped to the tables and the queue, which must exist first.
  dependsOn: [
    storage
    serviceBus
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    location: location
    tags: tags
    planName: 'plan-qoinhub-${resourceToken}'
    appName: 'func-qoinhub-${resourceToken}'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    tableServiceUri: storage.outputs.tableEndpoint
    queueServiceUri: storage.outputs.queueEndpoint
    tokenTableName: storage.outputs.tokenTableName
    notificationTableName: storage.outputs.notificationTableName
    keyVaultUri: keyVault.outputs.uri
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    serviceBusQueueName: serviceBus.outputs.queueName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    qoinhubClientIds: qoinhubClientIds
    notifyPath: qoinhubNotifyPath
    outboxRelaySchedule: outboxRelaySchedule
    retentionSchedule: retentionSchedule
    outboxMacKeyId: outboxMacKeyId
    outboxMacVerifyKeyIds: outboxMacVerifyKeyIds
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // The host starts as soon as the app exists; let it find its storage and Key Vault roles in place.
  dependsOn: [
    identityRoles
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    actionGroupName: 'ag-qoinhub-${resourceToken}'
    alertEmail: alertEmail
    logAnalyticsName: logAnalyticsName
    serviceBusNamespaceName: serviceBusNamespaceName
    serviceBusQueueName: notificationQueueName
    namePrefix: 'qoinhub-${resourceToken}'
    signatureRefusalThreshold: signatureRefusalThreshold
    serverErrorPercentThreshold: serverErrorPercentThreshold
  }
  // The rules refer to the workspace and the namespace by name.
  dependsOn: [
    monitoring
    serviceBus
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output SERVICE_BUS_QUEUE_NAME string = serviceBus.outputs.queueName
output QOINHUB_ACCESS_TOKEN_URL string = 'https://${functionApp.outputs.defaultHostName}/api/v1.0/access-token/b2b'
output QOINHUB_NOTIFY_URL string = 'https://${functionApp.outputs.defaultHostName}/api/v1.0/debit/notify'
