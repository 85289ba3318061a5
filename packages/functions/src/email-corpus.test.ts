import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../test/api";
import { deliverMail } from "../../../test/email";
import { type CorpusName, corpus, corpusNames, loadCorpus } from "../../../test/mail/corpus";
import { signup } from "../../../test/world";

/**
 * Every message of the corpus (test/mail) through the inbound handler, each to its own client:
 * it becomes a ticket, the new text is kept and the quoted history folded, attachments are
 * stored, and automated mail is flagged and never answered automatically.
 */
let admin: Persona;
let n = 0;

beforeAll(async () => {
  admin = await signup(`corpus${Date.now().toString(36)}`);
});

async function newClient() {
  const body = expectStatus(
    await call(admin, "POST", "/v1/clients", { name: `Corpus ${++n}`, slug: `corpus-${n}`, timeZone: "UTC" }),
    201,
  ).body;
  return { id: body.id as string, address: body.defaultAddress as string };
}

const ordinary = corpusNames.filter((name) => !(corpus[name] as { xss?: unknown }).xss);

describe("the mail corpus", () => {
  it.each(ordinary)("%s becomes a ticket with its text, folded quote and attachments", async (name: CorpusName) => {
    const fact = corpus[name];
    const client = await newClient();
    const result = await deliverMail(loadCorpus(name), {
      recipients: [client.address],
      source: fact.from.address || "unknown@sender.example",
    });
    expect(result.outcome).toBe("delivered");
    const created = result.clients[0]!;
    expect(created.outcome).toBe("created");
    const page = expectStatus(
      await call(admin, "GET", `/v1/clients/${client.id}/tickets/${created.ticketId}`),
      200,
    ).body;
    const [first] = page.messages;
    expect(page.ticket.channel).toBe("email");
    if (fact.from.address) expect(page.ticket.requester.email).toBe(fact.from.address.toLowerCase());
    expect(page.ticket.subject).toBe(fact.subject.replace(/\s+/g, " ").trim().slice(0, 250) || "(no subject)");
    if (fact.newText) {
      const shown = first.mail.foldAt === null ? first.bodyText : first.bodyText.slice(0, first.mail.foldAt);
      const html = first.bodyHtml ?? "";
      expect(shown.includes(fact.newText) || html.includes(fact.newText), "the new text is shown").toBe(true);
    }
    if (fact.quoted && !fact.malformed) {
      const folded =
        (first.mail.foldAt !== null && !first.bodyText.slice(0, first.mail.foldAt).includes(fact.quoted)) ||
        (first.bodyHtml ?? "").includes("data-quote");
      expect(folded, "the quoted history is folded").toBe(true);
    }
    expect(first.attachments).toHaveLength(fact.attachments);
    // Acknowledgements are messages of the ticket (senders recur across the corpus, so the SES store cannot tell).
    const acknowledged = page.messages.filter(
      (m: { mail: { direction: string } | null }) => m.mail?.direction === "outbound",
    ).length;
    if (fact.automated.length > 0) {
      expect(first.mail.flags.length, "automated mail is flagged").toBeGreaterThan(0);
      expect(acknowledged, "automated mail gets no automatic reply").toBe(0);
    } else {
      expect(first.mail.flags).toEqual([]);
    }
  });
});
