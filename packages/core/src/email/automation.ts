import type { SesReceipt } from "./ses-event";

export type MailFlag =
  | "auto_submitted"
  | "precedence"
  | "mailing_list"
  | "empty_return_path"
  | "daemon_sender"
  | "auto_reply_header"
  | "delivery_report"
  | "spam"
  | "virus";

export interface Automation {
  flags: MailFlag[];
  /** Automated or suspect mail never gets an automatic reply. */
  noAutoReply: boolean;
  /** Virus verdict FAIL: the ticket is flagged and the mail's attachments are withheld. */
  quarantine: boolean;
}

type Headers = { key: string; value: string }[];

const header = (headers: Headers, name: string) => headers.find((h) => h.key === name)?.value.trim();

/**
 * Classifies mail that must not trigger automatic replies (RFC 3834 and what mailers really
 * send), and SES's spam and virus verdicts. Flagged mail still creates or updates tickets.
 */
export function classify(
  headers: Headers,
  {
    envelopeSender,
    from,
    contentType,
    receipt,
  }: {
    envelopeSender: string;
    from: string;
    contentType?: string;
    receipt?: Pick<SesReceipt, "spamVerdict" | "virusVerdict">;
  },
): Automation {
  const flags = new Set<MailFlag>();
  const autoSubmitted = header(headers, "auto-submitted");
  if (autoSubmitted && autoSubmitted.toLowerCase().split(";")[0]!.trim() !== "no") flags.add("auto_submitted");
  const precedence = header(headers, "precedence")?.toLowerCase();
  if (precedence && ["bulk", "list", "junk", "auto_reply"].includes(precedence)) flags.add("precedence");
  if (headers.some((h) => h.key.startsWith("list-"))) flags.add("mailing_list");
  const returnPath = header(headers, "return-path");
  if (envelopeSender.trim() === "" || envelopeSender.trim() === "<>" || returnPath === "<>") {
    flags.add("empty_return_path");
  }
  const local = (address: string) => address.toLowerCase().split("@", 1)[0] ?? "";
  if ([from, envelopeSender].some((a) => ["mailer-daemon", "postmaster"].includes(local(a)))) {
    flags.add("daemon_sender");
  }
  if (
    headers.some((h) => h.key === "x-autoreply" || h.key === "x-autorespond" || h.key === "x-auto-response") ||
    /^(all|oof|autoreply)/i.test(header(headers, "x-auto-response-suppress") ?? "")
  ) {
    flags.add("auto_reply_header");
  }
  if (/^multipart\/report/i.test(contentType ?? header(headers, "content-type") ?? "")) flags.add("delivery_report");
  if (receipt?.spamVerdict?.status === "FAIL") flags.add("spam");
  const quarantine = receipt?.virusVerdict?.status === "FAIL";
  if (quarantine) flags.add("virus");
  return { flags: [...flags], noAutoReply: flags.size > 0, quarantine };
}
