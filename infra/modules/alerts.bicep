// Alerts on what an operator must act on, all routed to one action group that e-mails alertEmail.
// Five are log search alerts over the Log Analytics workspace behind Application Insights, on the
// app's own OpenTelemetry metrics, which land in table AppMetrics (Name, Sum, Max, Properties = the
// metric's tags): they mean the same whichever host runs the worker and however it reports requests.
// The sixth is a metric alert on the Service Bus namespace. Each rule's
// description says what it means and where the runbook is (docs/operations.md, "Alerts"). All
// resolve by themselves once the condition clears (autoMitigate).

@description('Azure region of the log search alert rules.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the action group.')
param actionGroupName string

@description('E-mail address the alerts are sent to.')
@minLength(3)
param alertEmail string

@description('Log Analytics workspace that holds the Application Insights tables (AppMetrics).')
param logAnalyticsName string

@description('Service Bus namespace of the notifications queue.')
param serviceBusNamespaceName string

@description('The notifications queue whose dead-lettered messages are watched.')
param serviceBusQueueName string

@description('Prefix of the alert rule names.')
param namePrefix string

@description('Signature refusals in 5 minutes above which someone is taken to be probing with forged requests.')
@minValue(1)
param signatureRefusalThreshold int

@description('Share of requests answered 5xx in 5 minutes (percent) above which the server-error alert fires.')
@minValue(1)
@maxValue(100)
param serverErrorPercentThreshold int

var runbook = 'Runbook: docs/operations.md, section Alerts'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'qoinhub'
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// Every log search alert: evaluated every 5 minutes over the last 5, one failing period fires it.
var logAlerts = [
  {
    name: 'publish-failures'
    severity: 1
    description: 'QoinHub notifications could not be published to the queue (qoinhub.publish.failures > 0 in 5 minutes). They are recorded and the relay retries them, but order systems do not get them until the queue accepts them. Check Service Bus (namespace health, the app identity\'s Data Sender role), the app log (events 4003, 6002, 6003) and the health function. ${runbook}: Publish failures.'
    query: '''
AppMetrics
| where Name == "qoinhub.publish.failures"
| extend MessagingSystem = tostring(Properties["messaging.system"])
| project TimeGenerated, MessagingSystem, Failures = Sum
'''
    measure: 'Failures'
    aggregation: 'Total'
    threshold: 0
  }
  {
    name: 'relay-backlog'
    severity: 1
    description: 'A recorded notification has waited more than 5 minutes to be published (qoinhub.outbox.oldest_pending_age > 300 s). The queue keeps refusing it or the relay is not running. Find it with the operator tool (list --state received), fix the queue side, then relay. ${runbook}: Relay backlog.'
    query: '''
AppMetrics
| where Name == "qoinhub.outbox.oldest_pending_age"
| project TimeGenerated, OldestPendingSeconds = Max
'''
    measure: 'OldestPendingSeconds'
    aggregation: 'Maximum'
    threshold: 300
  }
  {
    name: 'server-errors'
    severity: 1
    description: 'More than ${serverErrorPercentThreshold}% of the SNAP calls (at least 10) were answered 5xx in 5 minutes (qoinhub.snap.calls by snap.response_code): a dependency of ours (Table Storage, Key Vault, Service Bus) is failing, and QoinHub retries. Call the health function to see which. ${runbook}: Server errors.'
    query: '''
AppMetrics
| where Name == "qoinhub.snap.calls"
| extend ResponseCode = tostring(Properties["snap.response_code"])
| summarize Total = sum(Sum), Failed = sumif(Sum, ResponseCode startswith "5"), TimeGenerated = max(TimeGenerated)
| where Total >= 10
| project TimeGenerated, FailedPercent = round(100.0 * Failed / Total, 1)
'''
    measure: 'FailedPercent'
    aggregation: 'Maximum'
    threshold: serverErrorPercentThreshold
  }
  {
    name: 'tampered-outbox'
    severity: 1
    description: 'An outbox record failed its integrity check (qoinhub.outbox.tampered > 0 in 5 minutes): someone changed or inserted a record in the notification table without the outbox MAC key, or the app lacks the key it was signed with. It was not published. Find it with the operator tool (show marks it; the app log names it, event 4301) and check who wrote the table. ${runbook}: Tampered outbox record.'
    query: '''
AppMetrics
| where Name == "qoinhub.outbox.tampered"
| extend Claimant = tostring(Properties["outbox.claimant"])
| project TimeGenerated, Claimant, Records = Sum
'''
    measure: 'Records'
    aggregation: 'Total'
    threshold: 0
  }
  {
    name: 'forged-signatures'
    severity: 2
    description: 'More than ${signatureRefusalThreshold} calls were refused for a bad signature in 5 minutes (qoinhub.snap.refusals with refusal.reason = signature): someone is probing with forged requests, or QoinHub signs with a key or secret we do not hold (a rotation not yet done on our side). ${runbook}: Forged signatures.'
    query: '''
AppMetrics
| where Name == "qoinhub.snap.refusals"
| where tostring(Properties["refusal.reason"]) == "signature"
| project TimeGenerated, Refusals = Sum
'''
    measure: 'Refusals'
    aggregation: 'Total'
    threshold: signatureRefusalThreshold
  }
]

resource logSearchAlerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in logAlerts: {
    name: '${namePrefix}-${alert.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: '${namePrefix}-${alert.name}'
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        workspace.id
      ]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT5M'
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: alert.aggregation
            metricMeasureColumn: alert.measure
            operator: 'GreaterThan'
            threshold: alert.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

resource deadLettered 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-dead-lettered'
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages sit in the dead-letter queue of ${serviceBusQueueName} (DeadletteredMessages > 0): a consumer failed them 10 times or they expired unread, so an order system has not processed them. Inspect them (Service Bus Explorer in the portal), fix the consumer, then resubmit or republish them by message id. ${runbook}: Dead-lettered messages.'
    severity: 2
    enabled: true
    scopes: [
      namespace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          name: 'DeadLetteredOnTheNotificationsQueue'
          criterionType: 'StaticThresholdCriterion'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                serviceBusQueueName
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

output actionGroupId string = actionGroup.id
