import { apiBundle } from "./api-bundle";
import { sendMailPermissions } from "./email";
import { jwtSigningKey, settings } from "./secrets";
import { attachments, rawMail, table } from "./storage";

/** Hourly: close solved tickets past their client's auto-close period. */
export const autoClose = new sst.aws.Cron("AutoClose", {
  schedule: "rate(1 hour)",
  job: {
    handler: "packages/functions/src/auto-close.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    timeout: "5 minutes",
    link: [table, settings],
    nodejs: apiBundle,
  },
});

/**
 * Every minute: queued outbound mail whose next attempt is due (a send that failed, or a reply
 * whose request ended before it sent) goes out again (packages/functions/src/outbox.ts).
 */
export const outbox = new sst.aws.Cron("Outbox", {
  schedule: "rate(1 minute)",
  job: {
    handler: "packages/functions/src/outbox.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    memory: "1024 MB",
    // Under the schedule, so runs do not pile up (each mail is claimed before sending anyway).
    timeout: "55 seconds",
    link: [table, rawMail, attachments, jwtSigningKey, settings],
    nodejs: apiBundle,
    permissions: sendMailPermissions,
  },
});

/**
 * Every minute: SLA warnings, breaches and escalations that are due, read from the due index's
 * shards (packages/functions/src/sla-sweep.ts); notifications by mail go through SES.
 */
export const slaSweep = new sst.aws.Cron("SlaSweep", {
  schedule: "rate(1 minute)",
  job: {
    handler: "packages/functions/src/sla-sweep.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    memory: "1024 MB",
    timeout: "55 seconds",
    link: [table, settings],
    nodejs: apiBundle,
    permissions: sendMailPermissions,
  },
});
