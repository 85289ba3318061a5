import { Aws } from "@outdesk/core/aws";
import { Outdesk } from "@outdesk/core/dynamo";
import type { MailKey } from "@outdesk/core/email/delivery";
import { Suppression } from "@outdesk/core/email/suppression";
import { createId } from "@outdesk/core/id";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startSesEvents } from "./ses-events";

const providerId = createId("provider");
const clientId = createId("client");
const ticketId = createId("ticket");

let stop: () => Promise<void>;
beforeAll(() => {
  stop = startSesEvents({ sesUrl: inject("sesEndpoint"), intervalMs: 50 });
});
afterAll(() => stop());

/** A queued outbound mail, as a reply's transaction writes it. */
async function queuedMail(to: string[]): Promise<MailKey> {
  const key = { providerId, clientId, ticketId, mailId: `om_${createId("message").slice(4)}` };
  const now = new Date().toISOString();
  await Outdesk.entities.outboundMail
    .create({
      ...key,
      messageId: createId("message"),
      messageAt: now,
      kind: "reply",
      rfcMessageId: `<${key.mailId}@mail.localhost>`,
      from: "acme.northwind@mail.localhost",
      replyTo: "acme.northwind+token@mail.localhost",
      to,
      subject: "Re: [ACME-7] Printer on fire",
      state: "queued",
      attempts: 0,
      nextAttemptAt: now,
      outboxShard: "2",
      createdAt: now,
      updatedAt: now,
    })
    .go();
  return key;
}

/** Sends as the outbound code does: raw MIME, the envelope, our tags (a send that never recorded SES's answer). */
async function send(mail: MailKey | undefined, to: string[]) {
  const { SendEmailCommand } = await import("@aws-sdk/client-sesv2");
  const raw = [
    "From: Acme Support <acme.northwind@mail.localhost>",
    `To: ${to.join(", ")}`,
    "Subject: Re: [ACME-7] Printer on fire",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "We are on it.",
    "",
  ].join("\r\n");
  const client = await Aws.sesClient();
  const { MessageId } = await client.send(
    new SendEmailCommand({
      FromEmailAddress: "acme.northwind@mail.localhost",
      Destination: { ToAddresses: to },
      Content: { Raw: { Data: Buffer.from(raw) } },
      ...(mail
        ? {
            EmailTags: [
              { Name: "p", Value: mail.providerId },
              { Name: "c", Value: mail.clientId },
              { Name: "t", Value: mail.ticketId },
              { Name: "o", Value: mail.mailId },
            ],
          }
        : {}),
    }),
  );
  return MessageId!;
}

const read = async (key: MailKey) => (await Outdesk.entities.outboundMail.get(key).go({ consistent: true })).data!;

async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const settled = (key: MailKey, state: string) =>
  until(async () => {
    const item = await read(key);
    return item.state === state ? item : undefined;
  }, `${key.mailId} to be ${state}`);

describe("the local twin of SES event publishing", () => {
  it("reports a Send and a Delivery for accepted mail, through the SNS handler", async () => {
    const mail = await queuedMail(["riley@customer.example"]);
    const sesMessageId = await send(mail, ["riley@customer.example"]);
    const item = await settled(mail, "delivered");
    expect(item.sesMessageId).toBe(sesMessageId);
    expect((item.events as { state: string; recipient?: string }[]).map((e) => [e.state, e.recipient])).toEqual([
      ["sent", undefined],
      ["delivered", "riley@customer.example"],
    ]);
    // SES has it: the retry sweep must not send it again.
    expect(item.nextAttemptAt).toBeUndefined();
  });

  it("bounces bounce@simulator.amazonses.com permanently, and the provider suppresses it", async () => {
    const mail = await queuedMail(["bounce@simulator.amazonses.com"]);
    await send(mail, ["bounce@simulator.amazonses.com"]);
    const item = await settled(mail, "bounced");
    expect((item.events as { state: string; detail?: string }[]).at(-1)?.detail).toMatch(
      /^Permanent\/General: 5\.1\.1/,
    );
    // The suppression is its own write after the mail's state: wait for it as well.
    const filtered = await until(async () => {
      const result = await Suppression.filter(providerId, ["bounce@simulator.amazonses.com"]);
      return result.suppressed.length > 0 ? result : undefined;
    }, "the bounce's suppression");
    expect(filtered).toEqual({ allowed: [], suppressed: ["bounce@simulator.amazonses.com"] });
  });

  it("delivers to complaint@simulator.amazonses.com, then reports the complaint", async () => {
    const mail = await queuedMail(["complaint@simulator.amazonses.com", "riley@customer.example"]);
    await send(mail, ["complaint@simulator.amazonses.com", "riley@customer.example"]);
    const item = await settled(mail, "complained");
    expect((item.events as { state: string; recipient?: string }[]).map((e) => [e.state, e.recipient])).toEqual([
      ["sent", undefined],
      ["delivered", "complaint@simulator.amazonses.com"],
      ["delivered", "riley@customer.example"],
      ["complained", "complaint@simulator.amazonses.com"],
    ]);
    const data = await until(
      async () =>
        (
          await Outdesk.entities.suppression
            .get({ providerId, address: "complaint@simulator.amazonses.com" })
            .go({ consistent: true })
        ).data ?? undefined,
      "the complaint's suppression",
    );
    expect(data).toMatchObject({ reason: "complaint", mailId: mail.mailId });
    expect((await Suppression.filter(providerId, ["riley@customer.example"])).suppressed).toEqual([]);
  });

  it("gives mail sent without our tags no events, and keeps going", async () => {
    const untracked = await queuedMail(["someone@customer.example"]);
    await send(undefined, ["someone@customer.example"]);
    // A tagged mail sent after it settles, so the poller has passed the untagged one.
    const later = await queuedMail(["riley@customer.example"]);
    await send(later, ["riley@customer.example"]);
    await settled(later, "delivered");
    expect((await read(untracked)).state).toBe("queued");
  });
});
