import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SentMail, sentMail } from "@outdesk/local/mail/ses";
import { sendSmtp } from "@outdesk/local/mail/smtp-client";
import { repoRoot } from "@outdesk/local/paths";
import type { Page } from "playwright-core";
import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { browserStack } from "../../../test/browser";
import { rawMail } from "../../../test/email";

/**
 * The email channel end to end against the local stack: a customer's mail arrives by SMTP and
 * opens a ticket; Maya answers it in the console with a file; the reply leaves through the local
 * SES threaded to the customer's mail, with a signed Reply-To and the ticket key in its subject;
 * the customer's answer to it (by SMTP, then a saved .eml through `npm run mail`) lands on the
 * same ticket.
 */
const env = browserStack("email-flow");

const ACME = "acme.northwind@mail.localhost";

async function loginAsMaya(): Promise<{ page: Page; problems: () => Promise<string[]> }> {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    const restore = message.location().url.endsWith("/v1/auth/refresh") && /status of 401/.test(message.text());
    if (message.type() === "error" && !restore) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${env.stack.url}/`);
  await page.fill('input[name="provider"]', "northwind");
  await page.fill('input[name="email"]', "maya@northwind.example");
  await page.fill('input[name="password"]', "outdesk-demo");
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="queue-title"]');
  return { page, problems: async () => errors };
}

interface Parsed {
  mail: SentMail;
  email: Awaited<ReturnType<typeof PostalMime.parse>>;
  header(name: string): string | undefined;
}

/** The mail the local SES accepted for `to` since `since` (epoch seconds), parsed. */
async function sentTo(to: string, since: number): Promise<Parsed[]> {
  const parsed: Parsed[] = [];
  for (const mail of await sentMail(env.stack.sesUrl, { since })) {
    if (!mail.raw || !mail.envelope.to.includes(to)) continue;
    const email = await PostalMime.parse(mail.raw);
    parsed.push({ mail, email, header: (name) => email.headers.find((h) => h.key === name.toLowerCase())?.value });
  }
  return parsed;
}

/** `npm run mail -- <file> --port <port>`, as a person would inject a saved message; resolves with its exit code and output. */
function mailCli(file: string, port: number): Promise<{ code: number | null; output: string }> {
  // An empty data dir, so the CLI reads no other stack's stack.json; the port is given.
  const dataDir = mkdtempSync(join(tmpdir(), "outdesk-mail-cli-"));
  const child = spawn("npm", ["run", "--silent", "mail", "--", file, "--port", String(port)], {
    cwd: repoRoot,
    env: { ...process.env, OUTDESK_DATA_DIR: dataDir },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, output });
    }),
  );
}

/** Reloads the ticket until its thread shows `text`. */
async function waitForThreadText(page: Page, text: string) {
  await expect
    .poll(
      async () => {
        await page.reload();
        await page.waitForSelector('[data-testid="ticket-subject"]');
        return page.locator('[data-testid="message-public"]', { hasText: text }).count();
      },
      { timeout: 20_000, interval: 500 },
    )
    .toBe(1);
}

describe("the email channel, end to end", () => {
  it("opens a ticket from a customer's mail, mails the agent's reply with a file, and threads the customer's answers", async () => {
    const run = `${Date.now()}`;
    const customer = `kim.${run}@contoso.example`;
    const subject = `Toner for the 2nd floor printer ${run}`;
    const originalId = `<${randomUUID()}@mail.contoso.example>`;
    const since = Math.floor(Date.now() / 1000) - 1;

    // 1. The customer writes to Acme's address.
    const first = await sendSmtp({
      host: "127.0.0.1",
      port: env.stack.smtpPort,
      from: customer,
      to: [ACME],
      message: Buffer.from(
        rawMail({
          from: `Kim Lee <${customer}>`,
          to: [`Acme Support <${ACME}>`],
          subject,
          messageId: originalId,
          text: "Hello, the printer on the 2nd floor is out of toner. Could you send a new cartridge?",
        }),
      ),
    });
    expect(first.delivered).toBe(true);

    // 2. It shows in the unassigned queue; Maya opens it.
    const { page, problems } = await loginAsMaya();
    await page.click('[data-testid="view-unassigned"]');
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.waitForSelector('[data-testid="ticket-row"]');
          return page.getByRole("link", { name: subject, exact: true }).count();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(1);
    await page.getByRole("link", { name: subject, exact: true }).click();
    await page.waitForSelector('[data-testid="ticket-subject"]');
    expect(await page.textContent('[data-testid="ticket-subject"]')).toBe(subject);
    const key = (await page.textContent('[data-testid="ticket-key"]'))?.trim() ?? "";
    expect(key).toMatch(/^ACME-\d+$/);
    const number = key.slice("ACME-".length);
    const ticketUrl = page.url();
    const inbound = page.locator('[data-testid="message-public"]', { hasText: "out of toner" });
    expect(await inbound.locator('[data-testid="mail-header"]').textContent()).toContain("opened a new ticket");

    // 3. A public reply with a file; the composer mails it to the requester by default.
    const replyText = `Hi Kim, a new cartridge is on its way (${run}). The delivery note is attached.`;
    await page.click('[data-testid="tab-reply"]');
    await page.fill('[data-testid="composer-text"]', replyText);
    const mailIt = page.getByLabel(`Email this reply to ${customer}`);
    expect(await mailIt.isChecked()).toBe(true);
    const note = Buffer.from(`Delivery note ${run}: 1 x toner cartridge TN-2420\n`);
    await page.setInputFiles('[data-testid="attach-input"]', {
      name: "delivery-note.txt",
      mimeType: "text/plain",
      buffer: note,
    });
    await page.waitForSelector('[data-testid="pending-attachment"] >> text=ready');
    await page.click('[data-testid="composer-send"]');
    const reply = page.locator('[data-testid="message-public"]', { hasText: replyText });
    await reply.waitFor();
    expect(await reply.locator('[data-testid="attachment"]').textContent()).toContain("delivery-note.txt");
    expect(await reply.locator('[data-testid="mail-header"]').textContent()).toContain("Sent by email");
    expect(await reply.locator('[data-testid="delivery-state"]').textContent()).toMatch(/^(Sent|Delivered)/);
    // The local SES publishes Send and Delivery events, which move the state on.
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.waitForSelector('[data-testid="ticket-subject"]');
          return reply.locator('[data-testid="delivery-state"] .badge').textContent();
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toBe("Delivered");

    // 4. The mail as it left: to the customer, threaded, with the signed reply address and the file.
    let mails: Parsed[] = [];
    await expect
      .poll(
        async () => {
          mails = await sentTo(customer, since);
          return mails.length;
        },
        { timeout: 10_000 },
      )
      .toBe(2);
    const ack = mails.find((m) => m.header("auto-submitted") === "auto-replied");
    const sent = mails.find((m) => m.email.text?.includes(replyText));
    if (!ack || !sent) throw new Error(`expected the acknowledgement and the reply, got ${mails.length} mails`);
    expect(ack.header("in-reply-to")).toBe(originalId);

    const raw = sent.mail.raw!.toString("utf8");
    const headerBlock = raw.slice(0, raw.search(/\r?\n\r?\n/));
    expect(sent.email.to?.map((to) => to.address)).toEqual([customer]);
    expect(sent.mail.envelope.to).toEqual([customer]);
    expect(sent.email.from?.address).toBe("help@acme.example");
    expect(sent.email.subject).toBe(`Re: [${key}] ${subject}`);
    expect(sent.email.text).toContain("-- \nAcme Support · support for Acme Corporation customers");
    const messageId = sent.header("message-id") ?? "";
    expect(messageId).toMatch(/^<[^<>@\s]+@mail\.localhost>$/);
    expect(headerBlock).toContain(`Message-ID: ${messageId}`);
    // The thread so far is the customer's mail, then the acknowledgement: the reply answers the
    // latest and references both, the customer's first (the thread's root).
    const references = sent.header("references")?.split(/\s+/) ?? [];
    expect(references).toEqual([originalId, ack.header("message-id")]);
    expect(sent.header("in-reply-to")).toBe(ack.header("message-id"));
    const replyTo = sent.email.replyTo?.map((to) => to.address) ?? [];
    expect(replyTo).toHaveLength(1);
    expect(replyTo[0]).toMatch(new RegExp(`^acme\\.northwind\\+${number}-[a-z0-9]{16}@mail\\.localhost$`));
    const attachment = sent.email.attachments.find((a) => a.filename === "delivery-note.txt");
    expect(attachment?.mimeType).toBe("text/plain");
    expect(Buffer.from(attachment!.content as ArrayBuffer).equals(note)).toBe(true);
    expect(raw).toMatch(/Content-Disposition: attachment;\s+filename="?delivery-note\.txt"?/i);

    // 5. The customer answers the reply: to its Reply-To, In-Reply-To its Message-ID.
    const answerText = `Thanks, the cartridge arrived (${run}).`;
    const answer = await sendSmtp({
      host: "127.0.0.1",
      port: env.stack.smtpPort,
      from: customer,
      to: [replyTo[0]!],
      message: Buffer.from(
        rawMail({
          from: `Kim Lee <${customer}>`,
          to: [replyTo[0]!],
          subject: `Re: ${sent.email.subject}`,
          inReplyTo: messageId,
          references: [...references, messageId],
          text: `${answerText}\n\nOn the reply, Acme Support wrote:\n> ${replyText}`,
        }),
      ),
    });
    expect(answer.delivered).toBe(true);
    expect(page.url()).toBe(ticketUrl);
    await waitForThreadText(page, answerText);
    const answered = page.locator('[data-testid="message-public"]', { hasText: answerText });
    expect(await answered.locator('[data-testid="mail-header"]').textContent()).toContain(
      "threaded by its In-Reply-To/References",
    );

    // 6. A saved message injected with `npm run mail -- file.eml` (recipients from its To header):
    // a mailer that keeps no In-Reply-To or References and drops the key from the subject, so
    // only the signed Reply-To address can place it.
    const dir = mkdtempSync(join(tmpdir(), "outdesk-eml-"));
    const cliText = `One more thing: we also need paper for that printer (${run}).`;
    const file = join(dir, "follow-up.eml");
    writeFileSync(
      file,
      rawMail({ from: `Kim Lee <${customer}>`, to: [replyTo[0]!], subject: `Paper too ${run}`, text: cliText }),
    );
    const cli = await mailCli(file, env.stack.smtpPort);
    rmSync(dir, { recursive: true, force: true });
    expect(cli.output).toContain(`Delivered to ${replyTo[0]}`);
    expect(cli.code).toBe(0);
    await waitForThreadText(page, cliText);
    const followUp = page.locator('[data-testid="message-public"]', { hasText: cliText });
    expect(await followUp.locator('[data-testid="mail-header"]').textContent()).toContain(
      "threaded by the signed reply address",
    );

    // No other ticket came of the answers: one row with the subject, none with the reply's.
    for (const view of ['[data-testid="view-unassigned"]', "text=All open"]) {
      await page.click(view);
      await page.waitForSelector('[data-testid="ticket-row"]');
      const subjects = await page
        .locator('[data-testid="ticket-row"] [data-testid="subject-cell"] a')
        .allTextContents();
      expect(subjects.filter((s) => s.includes(run))).toEqual([subject]);
    }
    expect(await problems()).toEqual([]);
    await page.close();
  }, 150_000);
});
