import { RAW_MAIL_PREFIX } from "../packages/core/src/email/ses-event";
import { apiBundle } from "./api-bundle";
import { jwtSigningKey, mail, settings } from "./secrets";
import { attachments, rawMail, table } from "./storage";

/**
 * The email channel on AWS. Inbound: MX → SES receipt rule (spam and virus scan, TLS required)
 * → S3 action (raw MIME at inbound/<SES message id>) → Lambda action (Event) of the inbound
 * handler, retried twice, then a dead-letter queue with an alarm. Outbound: SES v2 from the mail
 * domain's identity (DKIM, MAIL FROM) through one configuration set, whose events (send,
 * delivery, bounce, complaint, …) go through SNS to the delivery-state handler.
 *
 * Deploy settings (environment at `sst deploy`):
 * - OUTDESK_MAIL_DOMAIN: the inbound and sending domain (infra/secrets.ts; default a placeholder).
 * - OUTDESK_MAIL_ZONE_ID: a Route 53 hosted zone for it; then the MX, DKIM, MAIL FROM and DMARC
 *   records are created, otherwise the `mailDnsRecords` output lists them to add by hand.
 * - OUTDESK_ALERT_EMAIL: who the dead-letter alarms mail (they show in CloudWatch either way).
 * - OUTDESK_MAIL_RECEIVING=off: leave the account's active receipt rule set alone. An account
 *   has one active rule set per region, so the last stage deployed with receiving on gets the mail.
 */

const account = aws.getCallerIdentityOutput().accountId;
const region = aws.getRegionOutput().name;
const partition = aws.getPartitionOutput().partition;
const receiving = process.env.OUTDESK_MAIL_RECEIVING !== "off";
const zoneId = process.env.OUTDESK_MAIL_ZONE_ID;
const alertEmail = process.env.OUTDESK_ALERT_EMAIL;

/** Our dead-letter alarms' topic. */
const alerts = new sst.aws.SnsTopic("MailAlerts");
if (alertEmail) {
  new aws.sns.TopicSubscription("MailAlertsEmail", { topic: alerts.arn, protocol: "email", endpoint: alertEmail });
}

/** A queue that keeps what a handler failed on for 14 days, and an alarm as soon as it holds anything. */
function deadLetter(name: string, what: string) {
  const queue = new sst.aws.Queue(name, {
    transform: { queue: { messageRetentionSeconds: 14 * 24 * 60 * 60 } },
  });
  new aws.cloudwatch.MetricAlarm(`${name}Alarm`, {
    alarmDescription: `${what} failed after Lambda's retries; the events wait in ${name} (redrive once fixed).`,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: queue.nodes.queue.name },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [alerts.arn],
    okActions: [alerts.arn],
  });
  return queue;
}

/** Async invocations: two retries, then the event (with the error) goes to `queue`. */
function retriedInto(queue: sst.aws.Queue) {
  return {
    retries: 2,
    permissions: [{ actions: ["sqs:SendMessage"], resources: [queue.arn] }],
    transform: { eventInvokeConfig: { destinationConfig: { onFailure: { destination: queue.arn } } } },
  };
}

// --- Sending -------------------------------------------------------------------------------

export const configurationSet = new aws.sesv2.ConfigurationSet("MailConfigurationSet", {
  configurationSetName: mail.configurationSet,
  reputationOptions: { reputationMetricsEnabled: true },
  sendingOptions: { sendingEnabled: true },
  // Suppression is per provider (core/email/suppression.ts): SES's account-wide list would let
  // one provider's bounce stop another provider's mail to the same address.
  suppressionOptions: { suppressedReasons: [] },
});

/** The mail domain as an SES identity: Easy DKIM (2048-bit) and a MAIL FROM subdomain for SPF alignment. */
export const identity = new aws.sesv2.EmailIdentity("MailIdentity", {
  emailIdentity: mail.domain,
  configurationSetName: configurationSet.configurationSetName,
  dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT" },
});

const mailFromDomain = `bounce.${mail.domain}`;
new aws.sesv2.EmailIdentityMailFromAttributes("MailFrom", {
  emailIdentity: identity.emailIdentity,
  mailFromDomain,
  behaviorOnMxFailure: "USE_DEFAULT_VALUE",
});

/**
 * What a function that sends mail needs: SES v2 SendEmail (raw content counts as SendRawEmail)
 * from identities of this account (the mail domain, and clients' own verified domains) through
 * our configuration set. SES checks both ARNs.
 */
export const sendMailPermissions = [
  {
    actions: ["ses:SendEmail", "ses:SendRawEmail"],
    resources: [$interpolate`arn:${partition}:ses:${region}:${account}:identity/*`, configurationSet.arn],
  },
];

/** SES sending events → SNS → delivery states and the suppression list (functions/src/email-events.ts). */
export const mailEvents = new sst.aws.SnsTopic("MailEvents");

const mailEventsPolicy = new aws.sns.TopicPolicy("MailEventsPolicy", {
  arn: mailEvents.arn,
  policy: aws.iam.getPolicyDocumentOutput({
    statements: [
      {
        principals: [{ type: "Service", identifiers: ["ses.amazonaws.com"] }],
        actions: ["sns:Publish"],
        resources: [mailEvents.arn],
        conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [account] }],
      },
    ],
  }).json,
});

new aws.sesv2.ConfigurationSetEventDestination(
  "MailEventsDestination",
  {
    configurationSetName: configurationSet.configurationSetName,
    eventDestinationName: "delivery-states",
    eventDestination: {
      enabled: true,
      matchingEventTypes: ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY", "RENDERING_FAILURE"],
      snsDestination: { topicArn: mailEvents.arn },
    },
  },
  { dependsOn: [mailEventsPolicy] },
);

const eventsDeadLetter = deadLetter("MailEventsDeadLetter", "Applying SES delivery events");
mailEvents.subscribe("MailEventsHandler", {
  handler: "packages/functions/src/email-events.handler",
  runtime: "nodejs22.x",
  architecture: "arm64",
  memory: "512 MB",
  timeout: "30 seconds",
  link: [table, settings],
  nodejs: apiBundle,
  ...retriedInto(eventsDeadLetter),
});

// --- Receiving -----------------------------------------------------------------------------

export const inboundDeadLetter = deadLetter("InboundMailDeadLetter", "Inbound mail");
const inboundRetries = retriedInto(inboundDeadLetter);

/** Raw MIME in, tickets out (packages/functions/src/email-inbound.ts); memory for 25 MB messages. */
export const inbound = new sst.aws.Function("EmailInbound", {
  handler: "packages/functions/src/email-inbound.handler",
  runtime: "nodejs22.x",
  architecture: "arm64",
  memory: "1024 MB",
  timeout: "2 minutes",
  link: [table, rawMail, attachments, jwtSigningKey, settings],
  nodejs: apiBundle,
  ...inboundRetries,
  // It sends auto-acknowledgements.
  permissions: [...inboundRetries.permissions, ...sendMailPermissions],
});

const ruleArn = $interpolate`arn:${partition}:ses:${region}:${account}:receipt-rule-set/${mail.receiptRuleSet}:receipt-rule/${mail.receiptRule}`;

const invokeFromSes = new aws.lambda.Permission("EmailInboundFromSes", {
  action: "lambda:InvokeFunction",
  function: inbound.name,
  principal: "ses.amazonaws.com",
  sourceAccount: account,
  sourceArn: ruleArn,
});

const ruleSet = new aws.ses.ReceiptRuleSet("InboundRuleSet", { ruleSetName: mail.receiptRuleSet });

/**
 * Every address at the mail domain. SES stores the message first, then invokes the handler
 * (Event: SES does not wait, Lambda retries); a message that fails the scan still goes through
 * with its verdicts, so the inbound handler can flag or quarantine it and nothing is lost.
 * Creating the rule makes SES test both actions, so the bucket policy and the invoke permission
 * come first.
 */
export const receiptRule = new aws.ses.ReceiptRule(
  "InboundRule",
  {
    name: mail.receiptRule,
    ruleSetName: ruleSet.ruleSetName,
    recipients: [mail.domain],
    enabled: true,
    scanEnabled: true,
    tlsPolicy: "Require",
    s3Actions: [{ position: 1, bucketName: rawMail.name, objectKeyPrefix: RAW_MAIL_PREFIX }],
    lambdaActions: [{ position: 2, functionArn: inbound.arn, invocationType: "Event" }],
  },
  { dependsOn: [rawMail, invokeFromSes] },
);

if (receiving) {
  new aws.ses.ActiveReceiptRuleSet(
    "InboundRuleSetActive",
    { ruleSetName: ruleSet.ruleSetName },
    { dependsOn: [receiptRule] },
  );
}

// --- DNS -----------------------------------------------------------------------------------

const dkimTokens = identity.dkimSigningAttributes.apply((attributes) => attributes.tokens ?? []);
const dmarc = "v=DMARC1; p=none;";

/** The records the domain needs; created in Route 53 with OUTDESK_MAIL_ZONE_ID, else to add by hand. */
export const mailDnsRecords = $util.all([dkimTokens, region]).apply(([tokens, regionName]) => [
  { type: "MX", name: mail.domain, value: `10 inbound-smtp.${regionName}.amazonaws.com` },
  ...tokens.map((token) => ({
    type: "CNAME",
    name: `${token}._domainkey.${mail.domain}`,
    value: `${token}.dkim.amazonses.com`,
  })),
  { type: "MX", name: mailFromDomain, value: `10 feedback-smtp.${regionName}.amazonses.com` },
  { type: "TXT", name: mailFromDomain, value: `"v=spf1 include:amazonses.com ~all"` },
  { type: "TXT", name: `_dmarc.${mail.domain}`, value: `"${dmarc}"` },
]);

if (zoneId) {
  const record = (name: string, type: string, value: $util.Input<string>, recordName: $util.Input<string>) =>
    new aws.route53.Record(name, { zoneId, name: recordName, type, ttl: 600, records: [value] });
  record("MailInboundMx", "MX", $interpolate`10 inbound-smtp.${region}.amazonaws.com`, mail.domain);
  // Easy DKIM always hands out three tokens.
  for (const i of [0, 1, 2]) {
    const token = dkimTokens.apply((tokens) => tokens[i] ?? "");
    record(
      `MailDkim${i}`,
      "CNAME",
      $interpolate`${token}.dkim.amazonses.com`,
      $interpolate`${token}._domainkey.${mail.domain}`,
    );
  }
  record("MailFromMx", "MX", $interpolate`10 feedback-smtp.${region}.amazonses.com`, mailFromDomain);
  record("MailFromSpf", "TXT", "v=spf1 include:amazonses.com ~all", mailFromDomain);
  record("MailDmarc", "TXT", dmarc, `_dmarc.${mail.domain}`);
}
