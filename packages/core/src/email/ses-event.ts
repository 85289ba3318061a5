/**
 * The SES receipt event a Lambda action receives (after the S3 action stored the raw MIME), as
 * far as Outdesk reads it. The local stack's SMTP server builds the same shape.
 * https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-lambda-event.html
 */
export type SesVerdictStatus = "PASS" | "FAIL" | "GRAY" | "PROCESSING_FAILED" | "DISABLED";

export interface SesReceipt {
  timestamp: string;
  processingTimeMillis?: number;
  /** The envelope recipients this rule matched: the only source of the tenant. */
  recipients: string[];
  spamVerdict?: { status: SesVerdictStatus };
  virusVerdict?: { status: SesVerdictStatus };
  spfVerdict?: { status: SesVerdictStatus };
  dkimVerdict?: { status: SesVerdictStatus };
  dmarcVerdict?: { status: SesVerdictStatus };
  action: { type: "Lambda"; functionArn?: string; invocationType?: "Event" | "RequestResponse" };
}

export interface SesMail {
  timestamp: string;
  /** The envelope sender (MAIL FROM); empty for bounces. */
  source: string;
  /** SES's id of this delivery: the raw object's key is `inbound/<messageId>`. */
  messageId: string;
  destination: string[];
  headersTruncated?: boolean;
  headers?: { name: string; value: string }[];
  commonHeaders?: Record<string, unknown>;
}

export interface SesReceiptRecord {
  eventSource: "aws:ses";
  eventVersion: string;
  ses: { mail: SesMail; receipt: SesReceipt };
}

export interface SesReceiptEvent {
  Records: SesReceiptRecord[];
}

/** Where the receipt rule's S3 action puts raw mail: tenant-neutral, by SES's message id. */
export const RAW_MAIL_PREFIX = "inbound/";

export const rawMailKey = (sesMessageId: string) => `${RAW_MAIL_PREFIX}${sesMessageId}`;
