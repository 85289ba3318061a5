import { withActor } from "@outdesk/core/actor";
import { Dynamo, Outdesk } from "@outdesk/core/dynamo";
import { MAX_DELIVERY_EVENTS, type MailKey } from "@outdesk/core/email/delivery";
import { Suppression } from "@outdesk/core/email/suppression";
import { createId } from "@outdesk/core/id";
import { describe, expect, it } from "vitest";
import { sesRecord, snsEvent } from "../../../test/ses-events";
import { handler } from "./email-events";

// Delivery events need only the outbound mail item, which each test writes as the sender leaves it.
const adminA = { providerId: createId("provider"), userId: createId("user") };
const adminB = { providerId: createId("provider") };
const clientA = createId("client");
const ticketA = createId("ticket");

/**
 * An outbound mail as the sender leaves it: written queued (in the reply's transaction), then,
 * once SES took it, sent with SES's message id and out of the outbox (core/email/outbound.ts).
 */
async function outboundMail(
  options: { state?: "queued" | "sent"; to?: string[]; cc?: string[]; sesMessageId?: string | null } = {},
): Promise<MailKey & { sesMessageId: string }> {
  const key = {
    providerId: adminA.providerId,
    clientId: clientA,
    ticketId: ticketA,
    mailId: `om_${createId("message").slice(4)}`,
  };
  const sesMessageId = `0102019c${key.mailId.slice(3, 19)}-000000`;
  const now = new Date().toISOString();
  await Outdesk.entities.outboundMail
    .create({
      ...key,
      messageId: createId("message"),
      messageAt: now,
      kind: "reply",
      rfcMessageId: `<${key.mailId}@mail.localhost>`,
      from: "events-acme.events-a@mail.localhost",
      replyTo: "events-acme.events-a+token@mail.localhost",
      to: options.to ?? ["riley@customer.example"],
      cc: options.cc,
      subject: "Re: [ACME-1] Printer on fire",
      state: "queued",
      attempts: 0,
      nextAttemptAt: now,
      outboxShard: "1",
      createdAt: now,
      updatedAt: now,
    })
    .go();
  if (options.state !== "queued") {
    await Outdesk.entities.outboundMail
      .patch(key)
      .set({
        state: "sent",
        attempts: 1,
        ...(options.sesMessageId === null ? {} : { sesMessageId: options.sesMessageId ?? sesMessageId }),
        events: [{ state: "sent", at: now }],
        updatedAt: now,
      })
      .remove(["nextAttemptAt", "outboxShard"])
      .go();
  }
  return { ...key, sesMessageId };
}

const read = async (key: MailKey) => (await Outdesk.entities.outboundMail.get(key).go({ consistent: true })).data!;

const suppressionOf = async (providerId: string, address: string) =>
  (await Outdesk.entities.suppression.get({ providerId, address }).go({ consistent: true })).data;

const asAdminA = <T>(work: () => Promise<T>) =>
  withActor(
    { type: "user", providerId: adminA.providerId, id: adminA.userId, role: "provider_admin", clientIds: "all" },
    work,
  );

describe("SES delivery notifications (SNS → email-events handler)", () => {
  it("moves a sent mail to delivered and logs the event", async () => {
    const mail = await outboundMail();
    const delivery = sesRecord("delivery", { mail, sesMessageId: mail.sesMessageId });
    const { results } = await handler(snsEvent(sesRecord("send", { mail, sesMessageId: mail.sesMessageId }), delivery));
    expect(results.map((r) => r.outcome)).toEqual(["applied", "applied"]);
    const item = await read(mail);
    expect(item.state).toBe("delivered");
    expect(item.events).toEqual([
      { state: "sent", at: expect.any(String) },
      { id: expect.any(String), state: "sent", at: "2026-12-01T10:00:00.120Z" },
      {
        id: expect.any(String),
        state: "delivered",
        at: "2026-12-01T10:00:01.874Z",
        recipient: "riley@customer.example",
        detail: expect.stringMatching(/^250 2\.0\.0 OK/),
      },
    ]);
  });

  it("never moves backwards: a Send after the Delivery leaves it delivered", async () => {
    const mail = await outboundMail();
    await handler(snsEvent(sesRecord("delivery", { mail })));
    await handler(snsEvent(sesRecord("send", { mail })));
    const item = await read(mail);
    expect(item.state).toBe("delivered");
    expect((item.events as { state: string }[]).map((e) => e.state)).toEqual(["sent", "delivered", "sent"]);
  });

  it("applies the same notification once: a repeat changes nothing, not even updatedAt", async () => {
    const mail = await outboundMail();
    const bounce = snsEvent(sesRecord("bounce-permanent", { mail }));
    const first = await handler(bounce);
    expect(first.results[0]).toMatchObject({
      outcome: "applied",
      state: "bounced",
      suppressed: ["riley@customer.example"],
    });
    const after = await read(mail);
    const entry = await suppressionOf(adminA.providerId, "riley@customer.example");
    const usage = await Dynamo.measure(() => handler(bounce));
    expect(usage.result.results[0]).toEqual({
      outcome: "duplicate",
      mailId: mail.mailId,
      state: "bounced",
      suppressed: [],
    });
    expect(await read(mail)).toEqual(after);
    expect(await suppressionOf(adminA.providerId, "riley@customer.example")).toEqual(entry);
    expect(usage.writeUnits, "a repeat writes nothing").toBe(0);
    await asAdminA(() => Suppression.remove({ address: "riley@customer.example" }));
  });

  it("a permanent bounce is final and puts the recipient on the provider's suppression list", async () => {
    const mail = await outboundMail({ to: ["Jo.Bounce@Customer.Example"] });
    const { results } = await handler(
      snsEvent(sesRecord("bounce-permanent", { mail, recipient: "jo.bounce@customer.example" })),
    );
    expect(results[0]).toMatchObject({
      outcome: "applied",
      state: "bounced",
      suppressed: ["jo.bounce@customer.example"],
    });
    // A late Delivery (another recipient's, or SES's order) cannot undo a bounce.
    await handler(snsEvent(sesRecord("delivery", { mail, recipient: "jo.bounce@customer.example" })));
    const item = await read(mail);
    expect(item.state).toBe("bounced");
    expect((item.events as { state: string; detail?: string }[]).find((e) => e.state === "bounced")?.detail).toBe(
      "Permanent/General: 5.1.1 smtp; 550 5.1.1 The email account that you tried to reach does not exist.",
    );
    expect(await suppressionOf(adminA.providerId, "jo.bounce@customer.example")).toMatchObject({
      reason: "bounce",
      mailId: mail.mailId,
      clientId: clientA,
      ticketId: ticketA,
      detail: expect.stringContaining("5.1.1"),
    });
    expect(
      await Suppression.filter(adminA.providerId, ["Jo.Bounce@customer.example", "other@customer.example"]),
    ).toEqual({
      allowed: ["other@customer.example"],
      suppressed: ["Jo.Bounce@customer.example"],
    });
    // Provider B's mail to the same address is not affected.
    expect((await Suppression.filter(adminB.providerId, ["jo.bounce@customer.example"])).suppressed).toEqual([]);
  });

  it("a transient bounce ends the mail but does not suppress the address", async () => {
    const mail = await outboundMail({ to: ["full@customer.example"] });
    const { results } = await handler(
      snsEvent(sesRecord("bounce-transient", { mail, recipient: "full@customer.example" })),
    );
    expect(results[0]).toMatchObject({ outcome: "applied", state: "bounced", suppressed: [] });
    expect(await suppressionOf(adminA.providerId, "full@customer.example")).toBeNull();
  });

  it("a complaint after delivery moves it to complained and suppresses the complainer", async () => {
    const mail = await outboundMail({ to: ["angry@customer.example"], cc: ["calm@customer.example"] });
    await handler(snsEvent(sesRecord("delivery", { mail, recipient: "angry@customer.example" })));
    const { results } = await handler(snsEvent(sesRecord("complaint", { mail, recipient: "angry@customer.example" })));
    expect(results[0]).toMatchObject({
      outcome: "applied",
      state: "complained",
      suppressed: ["angry@customer.example"],
    });
    expect(await suppressionOf(adminA.providerId, "angry@customer.example")).toMatchObject({
      reason: "complaint",
      detail: "Complaint: abuse",
    });
    expect(await suppressionOf(adminA.providerId, "calm@customer.example")).toBeNull();
  });

  it("suppresses only addresses the mail was sent to", async () => {
    const mail = await outboundMail({ to: ["real@customer.example"] });
    const { results } = await handler(snsEvent(sesRecord("complaint", { mail, recipient: "victim@customer.example" })));
    expect(results[0]).toMatchObject({ outcome: "applied", state: "complained", suppressed: [] });
    expect(await suppressionOf(adminA.providerId, "victim@customer.example")).toBeNull();
  });

  it("a rejected or unrenderable mail is failed, with the reason", async () => {
    const rejected = await outboundMail();
    await handler(snsEvent(sesRecord("reject", { mail: rejected })));
    expect(await read(rejected)).toMatchObject({ state: "failed", lastError: "Rejected by SES: Bad content" });
    const unrendered = await outboundMail();
    await handler(snsEvent(sesRecord("rendering-failure", { mail: unrendered })));
    expect((await read(unrendered)).lastError).toMatch(/^Rendering failed: Attribute 'ticket'/);
  });

  it("a delivery delay is logged; the mail stays sent", async () => {
    const mail = await outboundMail();
    await handler(snsEvent(sesRecord("delivery-delay", { mail })));
    const item = await read(mail);
    expect(item.state).toBe("sent");
    expect((item.events as { state: string; detail?: string }[]).at(-1)).toMatchObject({
      state: "delayed",
      recipient: "riley@customer.example",
      detail: expect.stringContaining("TransientCommunicationFailure"),
    });
  });

  it("takes a queued mail out of the outbox when SES reports it sent (the send timed out after SES took it)", async () => {
    const mail = await outboundMail({ state: "queued", sesMessageId: null });
    await handler(snsEvent(sesRecord("send", { mail, sesMessageId: "0102019c-late-000000" })));
    const item = await read(mail);
    expect(item).toMatchObject({ state: "sent", sesMessageId: "0102019c-late-000000" });
    expect(item.nextAttemptAt).toBeUndefined();
    expect(item.outboxShard).toBeUndefined();
    const { data } = await Outdesk.entities.outboundMail.query.outbox({ outboxShard: "1" }).go();
    expect(data.map((queued) => queued.mailId)).not.toContain(mail.mailId);
  });

  it("records concurrent notifications of one mail without losing any", async () => {
    const mail = await outboundMail({ to: ["a@customer.example", "b@customer.example", "c@customer.example"] });
    const records = ["a", "b", "c"].map((who) => sesRecord("delivery", { mail, recipient: `${who}@customer.example` }));
    // Each arrives in an invocation of its own, as SNS delivers them.
    await Promise.all(records.map((record) => handler(snsEvent(record))));
    const recipients = (await read(mail)).events.flatMap((e: { recipient?: string }) =>
      e.recipient ? [e.recipient] : [],
    );
    expect(recipients.sort()).toEqual(["a@customer.example", "b@customer.example", "c@customer.example"]);
  });

  it("keeps only the newest events", async () => {
    const to = Array.from({ length: MAX_DELIVERY_EVENTS + 5 }, (_, i) => `r${i}@customer.example`);
    const mail = await outboundMail({ to });
    const record = sesRecord("delivery", { mail });
    record.delivery.recipients = to;
    await handler(snsEvent(record));
    const events = (await read(mail)).events as { recipient?: string }[];
    expect(events).toHaveLength(MAX_DELIVERY_EVENTS);
    expect(events.at(-1)?.recipient).toBe(to.at(-1));
  });

  describe("drops what it cannot attribute, writing nothing", () => {
    const dropsWithoutWrites = async (message: unknown, reason: string) => {
      const usage = await Dynamo.measure(() => handler(snsEvent(message)));
      expect(usage.result.results).toEqual([{ outcome: "dropped", reason }]);
      expect(usage.writeUnits).toBe(0);
    };

    it("a record without our tags (sent outside Outdesk, or by hand in the SES console)", async () => {
      await dropsWithoutWrites(sesRecord("bounce-permanent", { tags: null }), "no valid Outdesk tags");
    });

    it("tags that are not our ids, or carry two values", async () => {
      const mail = await outboundMail();
      await dropsWithoutWrites(
        sesRecord("bounce-permanent", {
          tags: { p: ["../../x"], c: [mail.clientId], t: [mail.ticketId], o: [mail.mailId] },
        }),
        "no valid Outdesk tags",
      );
      await dropsWithoutWrites(
        sesRecord("bounce-permanent", {
          tags: { p: [mail.providerId, adminB.providerId], c: [mail.clientId], t: [mail.ticketId], o: [mail.mailId] },
        }),
        "no valid Outdesk tags",
      );
    });

    it("tags naming a mail that does not exist, such as another provider with this mail's ids", async () => {
      const mail = await outboundMail();
      const before = await read(mail);
      await dropsWithoutWrites(
        sesRecord("bounce-permanent", { mail: { ...mail, providerId: adminB.providerId } }),
        "no such outbound mail",
      );
      expect(await read(mail)).toEqual(before);
      expect(await suppressionOf(adminB.providerId, "riley@customer.example")).toBeNull();
    });

    it("event types we do not track, records that are not SES's, and messages that are not JSON", async () => {
      const mail = await outboundMail();
      await dropsWithoutWrites(sesRecord("open", { mail }), "event type not tracked");
      await dropsWithoutWrites({ notificationType: "AmazonSnsSubscriptionSucceeded" }, "not an SES event record");
      await dropsWithoutWrites("not { json", "not JSON");
    });
  });
});
