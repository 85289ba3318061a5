import { BatchGetItemCommand, DynamoDBClient, GetItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { Service } from "electrodb";
import { attachmentUploadEntity } from "./attachment/upload.entity";
import { apiKeyEntity } from "./auth/api-key.entity";
import { rateLimitEntity } from "./auth/rate-limit.entity";
import { sessionEntity } from "./auth/session.entity";
import { billingDisputeEntity, billingExclusionsEntity } from "./billing/adjust.entity";
import { contractEntity } from "./billing/contract.entity";
import { billingPeriodEntity } from "./billing/period.entity";
import { timeEntryEntity } from "./billing/time.entity";
import { usageEventEntity, usageRollupEntity } from "./billing/usage.entity";
import { calendarEntity, calendarVersionEntity } from "./calendar/calendar.entity";
import { addressClaimEntity } from "./email/address-claim.entity";
import {
  contactEntity,
  inboundMailEntity,
  mailThreadEntity,
  outboundMailEntity,
  threadKeyEntity,
} from "./email/mail.entity";
import { suppressionEntity } from "./email/suppression.entity";
import { unknownMailEntity, unroutedMailEntity } from "./email/unknown-mail.entity";
import { notificationEntity, notificationMarkEntity } from "./notification/notification.entity";
import { slaPolicySetEntity } from "./sla/policy-set.entity";
import { slaBreachEntity, slaRollupEntity, slaStatementEntity } from "./sla/report.entity";
import { clientEntity } from "./tenancy/client.entity";
import { inboundAddressEntity } from "./tenancy/inbound-address.entity";
import { providerEntity } from "./tenancy/provider.entity";
import { providerSlugEntity } from "./tenancy/provider-slug.entity";
import { uniqueEntity } from "./tenancy/unique.entity";
import { userEntity } from "./tenancy/user.entity";
import { ticketPresenceEntity } from "./ticket/presence.entity";
import { queueStatsEntity } from "./ticket/queue-stats.entity";
import { messageEntity, ticketEntity, ticketEventEntity, ticketTagEntity } from "./ticket/ticket.entity";

/**
 * The data layer's heavy half: the AWS SDK client, ElectroDB and the entities. dynamo.ts loads
 * this module on first use (`Dynamo.ready()`), so a cold start imports it only when a request
 * needs the table.
 */
export { BatchGetItemCommand, DynamoDBClient, GetItemCommand, QueryCommand };

export function buildService(client: DynamoDBClient, table: string | undefined) {
  return new Service(
    {
      provider: providerEntity(),
      providerSlug: providerSlugEntity(),
      client: clientEntity(),
      inboundAddress: inboundAddressEntity(),
      unique: uniqueEntity(),
      user: userEntity(),
      session: sessionEntity(),
      apiKey: apiKeyEntity(),
      rateLimit: rateLimitEntity(),
      ticket: ticketEntity(),
      message: messageEntity(),
      ticketEvent: ticketEventEntity(),
      ticketTag: ticketTagEntity(),
      ticketPresence: ticketPresenceEntity(),
      queueStats: queueStatsEntity(),
      attachmentUpload: attachmentUploadEntity(),
      outboundMail: outboundMailEntity(),
      threadKey: threadKeyEntity(),
      suppression: suppressionEntity(),
      addressClaim: addressClaimEntity(),
      unknownMail: unknownMailEntity(),
      unroutedMail: unroutedMailEntity(),
      inboundMail: inboundMailEntity(),
      contact: contactEntity(),
      mailThread: mailThreadEntity(),
      calendar: calendarEntity(),
      calendarVersion: calendarVersionEntity(),
      slaPolicySet: slaPolicySetEntity(),
      notification: notificationEntity(),
      slaRollup: slaRollupEntity(),
      slaBreach: slaBreachEntity(),
      slaStatement: slaStatementEntity(),
      contract: contractEntity(),
      usageRollup: usageRollupEntity(),
      usageEvent: usageEventEntity(),
      timeEntry: timeEntryEntity(),
      billingPeriod: billingPeriodEntity(),
      billingExclusions: billingExclusionsEntity(),
      billingDispute: billingDisputeEntity(),
      notificationMark: notificationMarkEntity(),
    },
    { client, table },
  );
}
