import type { SesReceiptRecord } from "./ses-event";

export namespace Inbound {
  export async function receive(record: SesReceiptRecord): Promise<{ outcome: string }> {
    throw new Error(`inbound mail is being built: ${record.ses.mail.messageId}`);
  }
}
