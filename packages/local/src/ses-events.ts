import { randomUUID } from "node:crypto";
import { Config } from "@outdesk/core/config";
import { Log } from "@outdesk/core/log";
import { handler as mailEvents } from "@outdesk/functions/email-events";
import { type SentMail, sentMail } from "./mail/ses";

/**
 * The local twin of SES event publishing (configuration set → SNS → email-events handler). It
 * polls the local SES for mail it accepted and hands the same handler the SNS events AWS would:
 * a Send and a Delivery for every mail, and for SES's mailbox simulator addresses what SES does
 * with them: bounce@simulator.amazonses.com bounces permanently, complaint@… is delivered and
 * then complained about.
 *
 * aws-ses-v2-local's own store drops a call's EmailTags and envelope (and, for raw MIME, every
 * header), so this reads them where SES does, from the SendEmail call: the local SES server
 * records each call beside the store (mail/ses.ts, `GET /outdesk/sent`). A mail sent without our
 * tags gets no events, as on AWS, where the handler would drop them.
 */

const SIMULATOR = /^(bounce|complaint)(\+[^@]*)?@simulator\.amazonses\.com$/i;
const LOCAL_ACCOUNT = "000000000000";

type SesRecord = Record<string, unknown> & { eventType: string };

function simulated(address: string): "bounce" | "complaint" | undefined {
  return SIMULATOR.exec(address)?.[1]?.toLowerCase() as "bounce" | "complaint" | undefined;
}

/** The envelope recipients: what SendEmail's Destination named (the store's are header texts). */
const recipientsOf = (mail: SentMail) => [...mail.envelope.to, ...mail.envelope.cc, ...mail.envelope.bcc];

/** The SES event records AWS would publish for `mail`, in the order SES sends them. */
export function sesRecordsFor(mail: SentMail): SesRecord[] {
  const region = Config.get("region");
  const source = mail.fromEmailAddress ?? mail.from;
  const fromDomain = source.slice(source.lastIndexOf("@") + 1).replace(/>$/, "");
  const recipients = recipientsOf(mail);
  const sentAt = new Date(mail.at * 1000).toISOString();
  // Fixed per mail, so a record delivered again after a failed poll is the same record.
  const at = new Date(mail.at * 1000 + 1000).toISOString();
  const base = {
    mail: {
      timestamp: sentAt,
      source,
      sourceArn: `arn:aws:ses:${region}:${LOCAL_ACCOUNT}:identity/${fromDomain}`,
      sendingAccountId: LOCAL_ACCOUNT,
      messageId: mail.messageId,
      destination: recipients,
      headersTruncated: false,
      commonHeaders: { from: [mail.from], to: mail.destination.to, subject: mail.subject },
      tags: {
        "ses:operation": ["SendEmail"],
        ...(mail.configurationSet ? { "ses:configuration-set": [mail.configurationSet] } : {}),
        "ses:from-domain": [fromDomain],
        ...Object.fromEntries(Object.entries(mail.tags).map(([name, value]) => [name, [value]])),
      },
    },
  };
  const records: SesRecord[] = [{ eventType: "Send", ...base, send: {} }];
  const bounced = recipients.filter((address) => simulated(address) === "bounce");
  const delivered = recipients.filter((address) => simulated(address) !== "bounce");
  if (delivered.length > 0) {
    records.push({
      eventType: "Delivery",
      ...base,
      delivery: {
        timestamp: at,
        processingTimeMillis: 1000,
        recipients: delivered,
        smtpResponse: "250 2.0.0 OK (local SES)",
        reportingMTA: "localhost",
      },
    });
  }
  if (bounced.length > 0) {
    records.push({
      eventType: "Bounce",
      ...base,
      bounce: {
        feedbackId: `${mail.messageId}-bounce`,
        bounceType: "Permanent",
        bounceSubType: "General",
        bouncedRecipients: bounced.map((emailAddress) => ({
          emailAddress,
          action: "failed",
          status: "5.1.1",
          diagnosticCode: "smtp; 550 5.1.1 user unknown (SES mailbox simulator)",
        })),
        timestamp: at,
        reportingMTA: "dns; localhost",
      },
    });
  }
  const complained = recipients.filter((address) => simulated(address) === "complaint");
  if (complained.length > 0) {
    records.push({
      eventType: "Complaint",
      ...base,
      complaint: {
        feedbackId: `${mail.messageId}-complaint`,
        complainedRecipients: complained.map((emailAddress) => ({ emailAddress })),
        timestamp: at,
        userAgent: "Amazon SES Mailbox Simulator",
        complaintFeedbackType: "abuse",
        arrivalDate: at,
      },
    });
  }
  return records;
}

/** One SES record in the SNS → Lambda envelope, as the topic's subscription delivers it. */
function snsEvent(record: SesRecord) {
  const topicArn = `arn:aws:sns:${Config.get("region")}:${LOCAL_ACCOUNT}:MailEvents`;
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${topicArn}:local`,
        Sns: {
          Type: "Notification",
          MessageId: randomUUID(),
          TopicArn: topicArn,
          Message: JSON.stringify(record),
          Timestamp: new Date().toISOString(),
        },
      },
    ],
  };
}

/**
 * Polls the local SES at `sesUrl` every `intervalMs` for mail sent since it started and delivers
 * its events through the email-events handler. A failed delivery is retried on the next poll
 * (the handler ignores what it already applied). Returns stop(), which waits for a poll under way.
 */
export function startSesEvents(options: { sesUrl: string; intervalMs?: number }): () => Promise<void> {
  const { sesUrl, intervalMs = 1000 } = options;
  const since = Math.floor(Date.now() / 1000);
  const done = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function poll() {
    for (const mail of await sentMail(sesUrl, { since })) {
      if (stopped) return;
      if (done.has(mail.messageId)) continue;
      for (const record of sesRecordsFor(mail)) await mailEvents(snsEvent(record));
      done.add(mail.messageId);
    }
  }

  const tick = () => {
    running = poll()
      .catch((error: Error) => Log.error("local SES events failed; retrying", { error: error.message }))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  tick();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
