// Key Vault for QoinHub's RSA public keys and client secrets. Access is by Azure RBAC only (no
// access policies); deleted secrets stay recoverable (soft delete) and cannot be purged before the
// retention period ends (purge protection). Every read is audited to Log Analytics.

@description('Azure region of the vault.')
param location string

@description('Tags applied to the vault.')
param tags object

@description('Name of the vault (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Log Analytics workspace that receives the vault audit log.')
param logAnalyticsId string

@description('Object id of a person or group who manages the QoinHub secrets (Key Vault Secrets Officer). Empty: nobody is granted.')
param operatorPrincipalId string = ''

@description('Principal type of operatorPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

var keyVaultSecretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      // The Flex Consumption app has no fixed outbound address without a virtual network, so the
      // vault is reachable publicly; only Microsoft Entra identities with a data-plane role get in.
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource auditLog 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

// Lets the merchant's operator set and rotate the QoinHub secrets; the app itself only reads.
resource operatorSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, keyVaultSecretsOfficerRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficerRoleId)
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    description: 'Operator: sets and rotates the qoinhub-{clientId}-* secrets.'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
