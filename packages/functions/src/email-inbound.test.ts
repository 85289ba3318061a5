import { Dynamo } from "@outdesk/core/dynamo";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../test/api";
import { deliverMail, nowSeconds, rawMail, sentSince } from "../../../test/email";
import { createClient, signup } from "../../../test/world";

/**
 * Inbound mail through its public surface: raw MIME where SES's S3 action puts it, the inbound
 * Lambda handler with SES's receipt event; tickets read back through the API, outbound mail from
 * the local SES's store.
 */
let admin: Persona;
let n = 0;

async function newClient(slug = `mc${++n}`) {
  const body = expectStatus(
    await call(admin, "POST", "/v1/clients", { name: `Client ${slug}`, slug, timeZone: "Europe/Berlin" }),
    201,
  ).body;
  return { id: body.id as string, address: body.defaultAddress as string, prefix: body.ticketPrefix as string };
}

async function ticketPage(clientId: string, ticketId: string) {
  return expectStatus(await call(admin, "GET", `/v1/clients/${clientId}/tickets/${ticketId}`), 200).body;
}

let senders = 0;
const sender = () => `person${++senders}-${Date.now()}@customer.example`;

beforeAll(async () => {
  admin = await signup(`mailprov${Date.now().toString(36)}`);
});

describe("a new mail", () => {
  it("becomes a ticket of the client whose address received it, with requester, CCs and an acknowledgement", async () => {
    const client = await newClient();
    const from = sender();
    const since = nowSeconds() - 1;
    const result = await deliverMail(
      rawMail({
        from: `"Dana Díaz" <${from}>`,
        to: [client.address],
        cc: ["colleague@customer.example"],
        subject: "Printer on fire",
        text: "It is burning.\n\nDana",
      }),
      { recipients: [client.address], source: from },
    );
    expect(result.outcome).toBe("delivered");
    const [delivered] = result.clients;
    expect(delivered?.outcome).toBe("created");
    const page = await ticketPage(client.id, delivered!.ticketId!);
    expect(page.ticket).toMatchObject({
      subject: "Printer on fire",
      channel: "email",
      status: "new",
      requester: { email: from, name: "Dana Díaz" },
      ccs: ["colleague@customer.example"],
    });
    const [mail, ack] = page.messages;
    expect(mail.author).toMatchObject({ type: "requester", email: from });
    expect(mail.mail).toMatchObject({ direction: "inbound", threadedBy: "new", recipient: client.address });
    expect(ack.mail.direction).toBe("outbound");
    expect(ack.mail.delivery.state).toBe("sent");

    const [sent] = await sentSince(since, from);
    expect(sent?.header("auto-submitted")).toBe("auto-replied");
    expect(sent?.header("in-reply-to")).toBe(mail.mail.messageId);
    expect(sent?.subject).toContain(`${client.prefix}-`);
    expect(sent?.parsed.replyTo?.[0]).toMatchObject({ address: expect.stringMatching(/\+\d+-[a-z0-9]{16}@/) });
  });

  it("keeps its original .eml for staff to download", async () => {
    const client = await newClient();
    const from = sender();
    const raw = rawMail({ from, to: [client.address], subject: "Original", text: "Keep me" });
    const result = await deliverMail(raw, { recipients: [client.address], source: from });
    const ticketId = result.clients[0]!.ticketId!;
    const [mail] = (await ticketPage(client.id, ticketId)).messages;
    expect(mail.mail.hasOriginal).toBe(true);
    const original = expectStatus(
      await call(admin, "GET", `/v1/clients/${client.id}/tickets/${ticketId}/messages/${mail.id}/original`),
      200,
    ).body;
    const download = await fetch(original.url);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(await download.text()).toBe(raw);
  });

  it("to two clients' addresses makes one ticket per client", async () => {
    const [one, two] = [await newClient(), await newClient()];
    const from = sender();
    const result = await deliverMail(rawMail({ from, to: [one.address, two.address], subject: "Both", text: "Hi" }), {
      recipients: [one.address, two.address],
      source: from,
    });
    expect(result.clients.map((c) => [c.clientId, c.outcome])).toEqual([
      [one.id, "created"],
      [two.id, "created"],
    ]);
  });

  it("delivered twice (or handled again) makes exactly one ticket", async () => {
    const client = await newClient();
    const from = sender();
    const raw = rawMail({ from, to: [client.address], subject: "Twice", text: "Once only" });
    const first = await deliverMail(raw, { recipients: [client.address], source: from });
    const again = await deliverMail(raw, { recipients: [client.address], source: from });
    expect(again.clients[0]).toMatchObject({ outcome: "duplicate", ticketId: first.clients[0]!.ticketId });
    const list = expectStatus(
      await call(admin, "GET", `/v1/tickets?view=client&clientId=${client.id}&status=new`),
      200,
    ).body;
    expect(list.items).toHaveLength(1);
  });

  it("that two mailers sent with one Message-ID stays two mails", async () => {
    const client = await newClient();
    const from = sender();
    const messageId = "<same-id@broken.example>";
    await deliverMail(rawMail({ from, to: [client.address], subject: "First", text: "one", messageId }), {
      recipients: [client.address],
    });
    const second = await deliverMail(
      rawMail({ from, to: [client.address], subject: "Second", text: "two", messageId }),
      { recipients: [client.address] },
    );
    expect(second.clients[0]?.outcome).not.toBe("duplicate");
  });

  it("cut short by a crash before its transaction is completed by running the handler again", async () => {
    const client = await newClient();
    const from = sender();
    const raw = rawMail({ from, to: [client.address], subject: "Crash", text: "Lambda stopped" });
    const stack = Dynamo.raw().middlewareStack;
    let crashed = false;
    stack.add(
      (next, context) => async (args) => {
        if (!crashed && context.commandName === "TransactWriteItemsCommand") {
          crashed = true;
          throw new Error("the Lambda was stopped");
        }
        return next(args);
      },
      { step: "initialize", name: "crashOnce" },
    );
    const sesMessageId = `crash${Date.now()}`;
    try {
      await expect(deliverMail(raw, { recipients: [client.address], sesMessageId })).rejects.toThrow(/stopped/);
    } finally {
      stack.remove("crashOnce");
    }
    const retried = await deliverMail(raw, { recipients: [client.address], sesMessageId });
    expect(retried.clients[0]?.outcome).toBe("created");
    const again = await deliverMail(raw, { recipients: [client.address], sesMessageId });
    expect(again.clients[0]?.outcome).toBe("duplicate");
    const list = expectStatus(
      await call(admin, "GET", `/v1/tickets?view=client&clientId=${client.id}&status=new`),
      200,
    ).body;
    expect(list.items).toHaveLength(1);
  });
});

describe("ticket numbers", () => {
  it("stay distinct and without gaps when mails to one client arrive together", async () => {
    const client = await newClient();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        deliverMail(rawMail({ from: sender(), to: [client.address], subject: `Burst ${i}`, text: "x" }), {
          recipients: [client.address],
        }),
      ),
    );
    const keys = await Promise.all(
      results.map(async (result) => (await ticketPage(client.id, result.clients[0]!.ticketId!)).ticket.key as string),
    );
    const numbers = keys.map((key) => Number(key.slice(key.lastIndexOf("-") + 1))).sort((a, b) => a - b);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe("threading", () => {
  async function opened() {
    const client = await newClient();
    const from = sender();
    const since = nowSeconds() - 1;
    const result = await deliverMail(rawMail({ from, to: [client.address], subject: "Laptop slow", text: "Help" }), {
      recipients: [client.address],
      source: from,
    });
    const ticketId = result.clients[0]!.ticketId!;
    const page = await ticketPage(client.id, ticketId);
    const [ack] = await sentSince(since, from);
    return { client, from, ticketId, key: page.ticket.key as string, ack: ack! };
  }

  it("follows our Message-ID in In-Reply-To", async () => {
    const { client, from, ticketId, ack } = await opened();
    const reply = await deliverMail(
      rawMail({
        from,
        to: [client.address],
        subject: "Re: whatever",
        text: "More detail",
        inReplyTo: ack.header("message-id"),
      }),
      { recipients: [client.address] },
    );
    expect(reply.clients[0]).toMatchObject({ outcome: "appended", ticketId });
    const page = await ticketPage(client.id, ticketId);
    expect(page.messages.at(-1).mail.threadedBy).toBe("message_id");
  });

  it("follows the signed reply address only for the recipient it was issued to", async () => {
    const { from, ticketId, ack } = await opened();
    const replyTo = ack.parsed.replyTo![0]!.address!;
    const mine = await deliverMail(
      rawMail({ from, to: [replyTo], subject: "no headers", text: "x", messageId: null }),
      {
        recipients: [replyTo],
      },
    );
    expect(mine.clients[0]).toMatchObject({ outcome: "appended", ticketId });
    const stranger = await deliverMail(rawMail({ from: sender(), to: [replyTo], subject: "hi", text: "y" }), {
      recipients: [replyTo],
    });
    expect(stranger.clients[0]?.outcome).toBe("created");
    expect(stranger.clients[0]?.ticketId).not.toBe(ticketId);
  });

  it("follows a subject token from the requester, but a stranger's mail with it becomes a new ticket", async () => {
    const { client, from, ticketId, key } = await opened();
    const mine = await deliverMail(rawMail({ from, to: [client.address], subject: `Re: [${key}] x`, text: "a" }), {
      recipients: [client.address],
    });
    expect(mine.clients[0]).toMatchObject({ outcome: "appended", ticketId });
    const page = await ticketPage(client.id, ticketId);
    expect(page.messages.at(-1).mail.threadedBy).toBe("subject_token");
    const stranger = await deliverMail(
      rawMail({ from: sender(), to: [client.address], subject: `Re: [${key}] x`, text: "b" }),
      { recipients: [client.address] },
    );
    expect(stranger.clients[0]?.outcome).toBe("created");
  });

  it("reopens a pending ticket when the requester answers", async () => {
    const { client, from, ticketId, ack } = await opened();
    expectStatus(
      await call(admin, "PATCH", `/v1/clients/${client.id}/tickets/${ticketId}`, { status: "pending" }),
      200,
    );
    await deliverMail(
      rawMail({ from, to: [client.address], subject: "Re", text: "answer", inReplyTo: ack.header("message-id") }),
      { recipients: [client.address] },
    );
    expect((await ticketPage(client.id, ticketId)).ticket.status).toBe("open");
  });
});

describe("automatic replies", () => {
  it("are never sent to automated mail, and at most once a day to a sender", async () => {
    const client = await newClient();
    const since = nowSeconds() - 1;
    const robot = sender();
    const automated = await deliverMail(
      rawMail({
        from: robot,
        to: [client.address],
        subject: "Out of office",
        text: "I am away",
        headers: { "Auto-Submitted": "auto-replied" },
      }),
      { recipients: [client.address], source: robot },
    );
    const page = await ticketPage(client.id, automated.clients[0]!.ticketId!);
    expect(page.messages).toHaveLength(1);
    expect(page.messages[0].mail.flags).toContain("auto_submitted");

    // An auto-responder that marks nothing: acknowledged once, then never again that day.
    const loop = sender();
    for (let i = 0; i < 3; i++) {
      await deliverMail(rawMail({ from: loop, to: [client.address], subject: `Auto ${i}`, text: "away" }), {
        recipients: [client.address],
        source: loop,
      });
    }
    expect(await sentSince(since, robot)).toHaveLength(0);
    expect(await sentSince(since, loop)).toHaveLength(1);
  });
});

describe("routing from the instance's cache", () => {
  const ticketsOf = async (persona: Persona, clientId: string) =>
    expectStatus(await call(persona, "GET", `/v1/tickets?view=client&clientId=${clientId}&status=new`), 200).body
      .items as unknown[];

  it("never hands a removed address's mail to its former owner: the provider that verifies it next gets it", async () => {
    const address = `cached-${Date.now()}@shared.example`;
    const before = await createClient(admin, `cache-a${++n}`, [address]);
    const mail = () =>
      deliverMail(rawMail({ from: sender(), to: [address], subject: "Hi", text: "x" }), { recipients: [address] });
    expect((await mail()).clients[0]).toMatchObject({ clientId: before, outcome: "created" });
    expectStatus(await call(admin, "DELETE", `/v1/clients/${before}/addresses/${address}`), 204);
    // The route this instance cached says `before`; the client's own item no longer lists the address.
    expect((await mail()).outcome).toBe("unrouted");
    const other = await signup(`cacheprov${Date.now().toString(36)}`);
    const after = await createClient(other, `cache-b${n}`, [address]);
    expect((await mail()).clients[0]).toMatchObject({ clientId: after, outcome: "created" });
    expect(await ticketsOf(admin, before)).toHaveLength(1);
    expect(await ticketsOf(other, after)).toHaveLength(1);
  });

  it("sends a renamed client's old default address to the client that took the slug", async () => {
    const slug = `cache-r${++n}`;
    const renamed = await newClient(slug);
    const mail = () =>
      deliverMail(rawMail({ from: sender(), to: [renamed.address], subject: "Hi", text: "x" }), {
        recipients: [renamed.address],
      });
    expect((await mail()).clients[0]).toMatchObject({ clientId: renamed.id, outcome: "created" });
    expectStatus(await call(admin, "PATCH", `/v1/clients/${renamed.id}`, { slug: `${slug}-new` }), 200);
    // The ticket prefix stays with the renamed client; the slug and its default address are free.
    const taker = expectStatus(
      await call(admin, "POST", "/v1/clients", { name: "Taker", slug, ticketPrefix: `TK${n}`, timeZone: "UTC" }),
      201,
    ).body;
    expect(taker.defaultAddress).toBe(renamed.address);
    expect((await mail()).clients[0]).toMatchObject({ clientId: taker.id, outcome: "created" });
    expect(await ticketsOf(admin, renamed.id)).toHaveLength(1);
  });
});

describe("DynamoDB requests per mail", () => {
  it("are 3 per new ticket and 3 per reply once the instance knows the address (+1 before, +2 per acknowledgement)", async () => {
    const client = await newClient();
    const mail = (from: string, inReplyTo?: string) =>
      Dynamo.measure(() =>
        deliverMail(rawMail({ from, to: [client.address], subject: "Cost", text: "x", inReplyTo }), {
          recipients: [client.address],
          source: from,
        }),
      );
    // Routing read, one BatchGet (client, dedupe record, contact, thread keys), the ticket number
    // (an atomic counter: a burst of mail to one client never fights over it), one transaction;
    // the acknowledgement adds its suppression check and its sent state.
    const first = await mail(sender());
    expect(first.requests).toBe(6);
    expectStatus(
      await call(admin, "PATCH", `/v1/clients/${client.id}`, { mailSettings: { autoAck: { enabled: false } } }),
      200,
    );
    const from = sender();
    const created = await mail(from);
    expect(created.requests).toBe(3);
    const page = await ticketPage(client.id, created.result.clients[0]!.ticketId!);
    // The ticket number's update gives way to one read of the ticket and its mail thread, once the thread key named it.
    const reply = await mail(from, page.messages[0].mail.messageId);
    expect(reply.result.clients[0]?.outcome).toBe("appended");
    expect(reply.requests).toBe(3);
  });
});
