// Data-plane access for people and systems other than the app: the merchant's order system that
// consumes the notifications queue, and the operators who run tools/QoinHub.Operator against the
// app's tables (docs/operations.md). Every list is empty by default, and then nothing is granted.
// Each grant is scoped to the one queue or table it is needed on, never the namespace or account.
// The deployment tests pin this set; docs/deploy.md gives the same grants as az commands.

@description('A principal to grant roles to.')
type principal = {
  @description('Object id of the user, group or service principal (for a managed identity: its principal id).')
  principalId: string

  @description('Kind of principal principalId names; it must be the kind the object is.')
  principalType: 'User' | 'Group' | 'ServicePrincipal'
}

@description('Storage account holding the app tables.')
param storageAccountName string

@description('Table holding the SHA-256 of every issued access token (read and purged by the operator tool\'s retention command).')
param tokenTableName string

@description('Table recording accepted notifications: the ledger and outbox the operator tool reads and repairs.')
param notificationTableName string

@description('Service Bus namespace of the notifications queue.')
param serviceBusNamespaceName string

@description('The notifications queue.')
param serviceBusQueueName string

@description('Consumers of the queue (the order system): Azure Service Bus Data Receiver on the queue.')
param queueConsumers principal[] = []

@description('Read-only operators (operator tool list, show, retention --preview): Storage Table Data Reader on the two app tables.')
param operatorReaders principal[] = []

@description('Operators who repair (operator tool republish, relay, retention --apply, and every read): Storage Table Data Contributor on the two app tables and Azure Service Bus Data Sender on the queue.')
param operatorRepublishers principal[] = []

var roles = {
  storageTableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
}

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName

  resource tableService 'tableServices' existing = {
    name: 'default'

    resource tokenTable 'tables' existing = {
      name: tokenTableName
    }

    resource notificationTable 'tables' existing = {
      name: notificationTableName
    }
  }
}

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName

  resource queue 'queues' existing = {
    name: serviceBusQueueName
  }
}

// Receive (peek-lock, complete, abandon, dead-letter) on this queue only: not send, not other entities.
resource consumerReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for consumer in queueConsumers: {
    name: guid(namespace::queue.id, consumer.principalId, roles.serviceBusDataReceiver)
    scope: namespace::queue
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
      principalId: consumer.principalId
      principalType: consumer.principalType
      description: 'Consumer: receives payment notifications from the queue.'
    }
  }
]

// Table scope rather than the account: the account also holds the Functions host's data, and an
// operator needs no other table. (The tool's check that the ledger table exists lists the account's
// tables; refused at table scope, it goes on without the check: OperatorServices.NotificationTableExistsAsync.)
resource readerNotificationTable 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for reader in operatorReaders: {
    name: guid(storage::tableService::notificationTable.id, reader.principalId, roles.storageTableDataReader)
    scope: storage::tableService::notificationTable
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataReader)
      principalId: reader.principalId
      principalType: reader.principalType
      description: 'Operator (read-only): list and show notifications in the ledger.'
    }
  }
]

resource readerTokenTable 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for reader in operatorReaders: {
    name: guid(storage::tableService::tokenTable.id, reader.principalId, roles.storageTableDataReader)
    scope: storage::tableService::tokenTable
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataReader)
      principalId: reader.principalId
      principalType: reader.principalType
      description: 'Operator (read-only): retention --preview counts expired token rows.'
    }
  }
]

// republish and relay claim records and mark them published; retention --apply deletes rows.
resource republisherNotificationTable 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for republisher in operatorRepublishers: {
    name: guid(storage::tableService::notificationTable.id, republisher.principalId, roles.storageTableDataContributor)
    scope: storage::tableService::notificationTable
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
      principalId: republisher.principalId
      principalType: republisher.principalType
      description: 'Operator: republish, relay and retention --apply on the ledger.'
    }
  }
]

resource republisherTokenTable 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for republisher in operatorRepublishers: {
    name: guid(storage::tableService::tokenTable.id, republisher.principalId, roles.storageTableDataContributor)
    scope: storage::tableService::tokenTable
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
      principalId: republisher.principalId
      principalType: republisher.principalType
      description: 'Operator: retention --apply deletes expired token rows.'
    }
  }
]

// republish and relay publish to the queue the app publishes to; send only, this queue only.
resource republisherSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for republisher in operatorRepublishers: {
    name: guid(namespace::queue.id, republisher.principalId, roles.serviceBusDataSender)
    scope: namespace::queue
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
      principalId: republisher.principalId
      principalType: republisher.principalType
      description: 'Operator: republish and relay publish notifications to the queue.'
    }
  }
]
