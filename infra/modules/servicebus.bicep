// Service Bus namespace and the queue that receives accepted payment notifications. The app sends
// with a deterministic message id, so broker-side duplicate detection drops a re-publish after a
// partial failure; messages that expire unread go to the dead-letter queue instead of vanishing.

@description('Azure region of the namespace.')
param location string

@description('Tags applied to the namespace.')
param tags object

@description('Name of the Service Bus namespace.')
@minLength(6)
@maxLength(50)
param namespaceName string

@description('Name of the notifications queue.')
param queueName string

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    minimumTlsVersion: '1.2'
    // Identity only: no SAS keys can be used against the namespace.
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: queueName
  properties: {
    requiresDuplicateDetection: true
    // Seven days is the Standard tier's maximum: a notification re-published within a week of the
    // first send, whatever went wrong in between, reaches consumers once.
    duplicateDetectionHistoryTimeWindow: 'P7D'
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P14D'
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    requiresSession: false
    enablePartitioning: false
    enableBatchedOperations: true
  }
}

output namespaceName string = namespace.name
output queueName string = queue.name
// The namespace host name (no scheme, port or path), as the app's ServiceBus__FullyQualifiedNamespace expects.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
