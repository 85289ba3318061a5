import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@outdesk/local/paths";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { describeViolations, seriousViolations } from "../../../test/axe";
import { browserStack, demoLogin, demoRequest, demoToken } from "../../../test/browser";

/**
 * The ticket screen in Chromium on the demo stack. Maya (agent) keeps a reply and a note as
 * drafts through switching tickets, a reload and a lost connection, then sends the reply and
 * discards the note after being asked; a change refused as stale (409) is re-applied on the
 * fresh ticket, and so is a reply; Nora (provider admin) in a second browser shows up on Maya's
 * screen as viewing, then as writing a note — which Acme's client admin sees only as viewing —
 * and Maya is warned that Nora replied meanwhile. HTML mail is framed at its content's height;
 * a phone ticket names its requester and who logged it; subject, requester, CCs and category are
 * edited (a bad CC refused at its field); the shortcuts and their `?` list work, and do nothing
 * while typing; a duplicate is merged from its screen and links to where it continues. Acme's
 * client admin sees the same agent names in thread and trail and nothing internal.
 */
const env = browserStack("ticket-screen");
const screens = join(repoRoot, "test-results/screens");
beforeAll(() => mkdirSync(screens, { recursive: true }));
const shot = (page: Page, name: string) => page.screenshot({ path: join(screens, `${name}.png`), fullPage: true });

/** Access tokens per demo user, signed in once: logins are rate limited per address, and slow on a busy machine. */
const tokens = new Map<string, Promise<string>>();

async function api<T = Record<string, any>>(method: string, path: string, body?: unknown, as = "admin") {
  const email = as.includes("@") ? as : `${as}@northwind.example`;
  if (!tokens.has(email)) tokens.set(email, demoToken(env, email));
  const accessToken = await tokens.get(email)!;
  return demoRequest<T>(env, accessToken, method, path, body);
}

interface Made {
  id: string;
  key: string;
  number: number;
}

const state = {} as {
  acme: string;
  maya: Awaited<ReturnType<typeof login>>;
  mayaId: string;
  one: Made;
  two: Made;
  three: Made;
  url: (ticket: { id: string }) => string;
};

const ticketApi = (id: string) => `/v1/clients/${state.acme}/tickets/${id}`;

async function create(subject: string, extra: Record<string, unknown> = {}, as = "maya"): Promise<Made> {
  return api<Made>(
    "POST",
    "/v1/tickets",
    {
      clientId: state.acme,
      subject,
      body: `${subject}: details.`,
      requester: { name: "Riley Requester", email: "riley@customer.example" },
      ...extra,
    },
    as,
  );
}

/** Signs in as a demo user; actions wait up to a minute (the suite shares two cores with others). */
async function login(email: string, allow: number[] = []) {
  const session = await demoLogin(env, email, { allow });
  session.page.setDefaultTimeout(60_000);
  return session;
}

/** Moves inside the console without loading the page again (as its own links do). */
async function switchTo(page: Page, url: string) {
  await page.evaluate((to) => {
    history.pushState(null, "", to);
    dispatchEvent(new PopStateEvent("popstate"));
  }, new URL(url).pathname);
}

/** axe-core on the screen as it is now (an overlay or a form open): no serious or critical violation. */
const axe = async (page: Page, where: string) => describeViolations(where, await seriousViolations(page));

const composerText = (page: Page) => page.locator('[data-testid="composer-text"]');

/** Resolves once the page's next heartbeat has been answered: the next one is 10 s away. */
const nextBeat = (page: Page) =>
  page.waitForResponse((r) => r.url().endsWith("/presence") && r.request().method() === "PUT", { timeout: 30_000 });

/** Errors a test causes on purpose: refused writes, and requests sent while offline. */
const unexpected = (errors: string[]) =>
  errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|status of (400|409)\b/.test(e));

describe("the ticket screen", () => {
  it("keeps a draft per ticket through switching tickets, a reload and a lost connection; sending clears it, discarding asks", async () => {
    const clients = (await api<{ items: { id: string; slug: string }[] }>("GET", "/v1/clients")).items;
    state.acme = clients.find((c) => c.slug === "acme")!.id;
    state.url = (ticket) => `${env.stack.url}/clients/${state.acme}/tickets/${ticket.id}`;
    state.one = await create("Drafts: printer offline");
    state.two = await create("Drafts: scanner jams");
    state.three = await create("Collision: shared inbox");
    const maya = await login("maya@northwind.example", [400, 409]);
    state.maya = maya;
    const me = await api<{ user: { id: string }; provider: { id: string } }>("GET", "/v1/me", undefined, "maya");
    state.mayaId = me.user.id;
    const { page } = maya;
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept();
    });

    await page.goto(state.url(state.one));
    await composerText(page).fill("Reply in progress for the printer");
    await page.click('[data-testid="tab-note"]');
    await composerText(page).fill("Note: ask facilities about the printer");
    await page.click('[data-testid="tab-reply"]');
    expect(await page.locator('[data-testid="draft-state"]').innerText()).toBe("Draft saved");

    // Another ticket has its own (empty) draft; coming back finds both texts.
    await switchTo(page, state.url(state.two));
    await page.locator('[data-testid="ticket-subject"]', { hasText: "scanner" }).waitFor();
    expect(await composerText(page).inputValue()).toBe("");
    await composerText(page).fill("Scanner reply draft");
    await page.goBack();
    await page.locator('[data-testid="ticket-subject"]', { hasText: "printer" }).waitFor();
    expect(await composerText(page).inputValue()).toBe("Reply in progress for the printer");
    await page.click('[data-testid="tab-note"]');
    expect(await composerText(page).inputValue()).toBe("Note: ask facilities about the printer");
    await page.click('[data-testid="tab-reply"]');

    // Leaving with unsent text asks (the draft stays either way); after the reload it is back.
    await page.reload();
    expect(dialogs).toContain("beforeunload");
    await composerText(page).waitFor();
    expect(await composerText(page).inputValue()).toBe("Reply in progress for the printer");
    expect(await page.locator('[data-testid="draft-state"]').innerText()).toBe("Draft restored");
    // Kept per provider, user and ticket.
    const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("outdesk.draft.")));
    expect(keys).toContain(`outdesk.draft.${me.provider.id}.${state.mayaId}.${state.one.id}`);

    // Offline: sending fails in words, the text stays, and goes once the connection is back.
    await page.context().setOffline(true);
    try {
      await page.click('[data-testid="composer-send"]');
      const notice = page.locator('[data-testid="notice"]');
      await notice.waitFor();
      expect(await notice.innerText()).toContain("offline");
      expect(await page.locator('[data-testid="draft-state"]').innerText()).toContain("Offline");
      expect(await composerText(page).inputValue()).toBe("Reply in progress for the printer");
      await shot(page, "ticket-draft-offline");
      await page.reload().catch(() => undefined); // offline: the console cannot load, the draft is on the device
    } finally {
      await page.context().setOffline(false);
    }
    await page.goto(state.url(state.one));
    expect(await composerText(page).inputValue()).toBe("Reply in progress for the printer");
    await page.click('[data-testid="composer-send"]');
    await page.locator('[data-testid="message-public"]', { hasText: "Reply in progress for the printer" }).waitFor();
    expect(await composerText(page).inputValue()).toBe("");
    const page1 = await api<{ messages: { bodyText: string }[] }>("GET", ticketApi(state.one.id));
    expect(page1.messages.map((m) => m.bodyText)).toContain("Reply in progress for the printer");

    // The note is still a draft; discarding it asks first.
    await page.click('[data-testid="tab-note"]');
    expect(await composerText(page).inputValue()).toBe("Note: ask facilities about the printer");
    await page.click('[data-testid="discard-draft"]');
    expect(dialogs).toContain("confirm");
    expect(await composerText(page).inputValue()).toBe("");
    const left = await page.evaluate((id) => Object.keys(localStorage).filter((k) => k.endsWith(id)), state.one.id);
    expect(left).toEqual([]);
    expect(unexpected(maya.errors)).toEqual([]);
  }, 240_000);

  it("re-applies a change or a reply refused as stale (409) on the fresh ticket", async () => {
    const { page } = state.maya;
    await page.goto(state.url(state.two));
    await composerText(page).waitFor();
    expect(await composerText(page).inputValue()).toBe("Scanner reply draft");
    // Right after a heartbeat (the next is 10 s away), Nora raises the priority.
    await nextBeat(page);
    await api("PATCH", ticketApi(state.two.id), { priority: "high" });
    await page.selectOption('[data-testid="status"]', "pending");
    const notice = page.locator('[data-testid="notice"]');
    await notice.waitFor();
    expect(await notice.innerText()).toContain("status → Pending");
    expect(await page.locator('[data-testid="priority"]').inputValue()).toBe("high");
    expect(await page.locator('[data-testid="status"]').inputValue()).toBe("new");
    await shot(page, "ticket-conflict");
    await page.click('[data-testid="notice-action"]');
    await expect.poll(() => page.locator('[data-testid="status"]').inputValue()).toBe("pending");
    // The field shows the change as it is sent: the saved ticket follows when the PATCH answers.
    await expect
      .poll(
        async () =>
          (await api<{ ticket: { status: string; priority: string } }>("GET", ticketApi(state.two.id))).ticket,
      )
      .toMatchObject({ status: "pending", priority: "high" });

    // A reply sent against a stale version: kept, and sent on the fresh ticket with one click.
    await nextBeat(page);
    await api("POST", `${ticketApi(state.two.id)}/notes`, { body: "Checked the scanner firmware." });
    await page.click('[data-testid="composer-send"]');
    await expect.poll(() => notice.innerText()).toContain("Your reply is kept");
    expect(await composerText(page).inputValue()).toBe("Scanner reply draft");
    await page.click('[data-testid="notice-action"]');
    await page.locator('[data-testid="message-public"]', { hasText: "Scanner reply draft" }).waitFor();
    expect(await composerText(page).inputValue()).toBe("");
    expect(unexpected(state.maya.errors)).toEqual([]);
  }, 180_000);

  it("shows who else is viewing or typing, hides note-typing from the client admin, and warns of a reply meanwhile", async () => {
    const { page } = state.maya;
    await page.goto(state.url(state.three));
    const nora = await login("admin@northwind.example");
    await nora.page.goto(state.url(state.three));
    const seenByMaya = page.locator('[data-testid="presence-person"]', { hasText: "Nora Admin" });
    await expect
      .poll(() => seenByMaya.innerText({ timeout: 2000 }).catch(() => ""), { timeout: 45_000 })
      .toContain("is viewing");

    // Maya starts a reply; Nora writes a note, and keeps writing while the others look.
    await composerText(page).fill("Working on the shared inbox now");
    const olivia = await login("ops@acme.example");
    await olivia.page.goto(state.url(state.three));
    await nora.page.click('[data-testid="tab-note"]');
    const oliviaSees = olivia.page.locator('[data-testid="presence-person"]', { hasText: "Nora Admin" });
    let mayaSaw = "";
    let oliviaSaw = "";
    for (let i = 0; i < 50 && !(mayaSaw.includes("writing a note") && oliviaSaw); i++) {
      await composerText(nora.page).pressSequentially("x");
      await nora.page.waitForTimeout(800);
      mayaSaw = (await seenByMaya.innerText({ timeout: 1000 }).catch(() => "")) || mayaSaw;
      oliviaSaw = (await oliviaSees.innerText({ timeout: 1000 }).catch(() => "")) || oliviaSaw;
    }
    expect(mayaSaw).toContain("is writing a note");
    await shot(page, "ticket-presence");
    expect(await axe(page, "presence")).toBe("");
    // Olivia sees Nora only viewing, and never a note being written by anyone.
    expect(oliviaSaw).toContain("is viewing");
    for (let i = 0; i < 3; i++) {
      expect(await olivia.page.locator('[data-testid="presence"]').innerText()).not.toContain("note");
      await olivia.page.waitForTimeout(1000);
    }
    await shot(olivia.page, "ticket-presence-client-admin");

    // Nora replies: Maya's composer says so before Maya sends hers.
    await api("POST", `${ticketApi(state.three.id)}/replies`, { body: "Nora looked at the inbox rules." });
    const warning = page.locator('[data-testid="replied-meanwhile"]');
    await warning.waitFor({ timeout: 45_000 });
    expect(await warning.innerText()).toMatch(/^Nora Admin replied just now — review before sending/);
    await page.locator('[data-testid="message-public"]', { hasText: "Nora looked at the inbox rules." }).waitFor();
    await shot(page, "ticket-replied-meanwhile");
    expect(await axe(page, "replied meanwhile")).toBe("");
    await page.click('[data-testid="reviewed"]');
    expect(await warning.count()).toBe(0);
    await nora.page.click('[data-testid="discard-draft"]').catch(() => undefined);
    await nora.page.context().close();
    await olivia.page.context().close();
    expect(nora.errors).toEqual([]);
    expect(olivia.errors).toEqual([]);
  }, 240_000);

  it("frames HTML mail at its content's height, names the requester of a phone ticket and who logged it, and shows times in zones", async () => {
    const paragraphs = Array.from({ length: 40 }, (_, i) => `<p>Paragraph ${i + 1} of a long newsletter.</p>`).join("");
    const long = await create("HTML: long newsletter", { bodyHtml: `<h2>News</h2>${paragraphs}` });
    const short = await create("HTML: one line", { bodyHtml: "<p>Just one line.</p>" });
    const phone = await create("Phone: caller cannot print", {
      channel: "phone",
      requester: { name: "Quinn Caller", email: "quinn@customer.example" },
    });
    const { page } = state.maya;
    const frameFits = async () => {
      const frame = page.locator("iframe.html-body").first();
      await frame.waitFor();
      await expect
        .poll(async () => {
          const outer = await frame.evaluate((f) => f.getBoundingClientRect().height);
          const inner = await page
            .frameLocator("iframe.html-body")
            .first()
            .locator("body")
            .evaluate((b) => b.getBoundingClientRect().height);
          return inner > 0 && Math.abs(outer - inner) <= 2 ? outer : -1;
        })
        .toBeGreaterThan(0);
      return frame.evaluate((f) => f.getBoundingClientRect().height);
    };
    await page.goto(state.url(long));
    const tall = await frameFits();
    expect(tall).toBeGreaterThan(600);
    await shot(page, "ticket-html-height");
    // The frame stays inert: no scripts, same origin only for measuring.
    expect(await page.locator("iframe.html-body").getAttribute("sandbox")).toBe(
      "allow-popups allow-popups-to-escape-sandbox allow-same-origin",
    );
    await page.goto(state.url(short));
    const low = await frameFits();
    expect(low).toBeLessThan(60);

    await page.goto(state.url(phone));
    const first = page.locator('[data-testid="message-public"]').first();
    expect(await first.locator('[data-testid="message-author"]').innerText()).toBe("Quinn Caller");
    expect(await first.locator('[data-testid="logged-by"]').innerText()).toBe("logged by Maya Agent (phone)");
    const time = first.locator('[data-testid="zoned-time"]');
    const zone = await page.evaluate(() =>
      new Date().toLocaleString(undefined, { timeZoneName: "short" }).split(" ").pop(),
    );
    expect(await time.innerText()).toContain(zone!);
    const title = (await time.getAttribute("title")) ?? "";
    expect(title).toContain("Your time (");
    expect(title).toContain("Client's time (America/New_York)");
    expect(title).toContain("Requester's time");
    await shot(page, "ticket-logged-by");
  }, 180_000);

  it("edits the subject, requester, CCs and category; a bad CC is refused at its field", async () => {
    const { page } = state.maya;
    const ticket = await create("Edit me: wrong subject");
    await page.goto(state.url(ticket));
    await page.click('[data-testid="edit-subject"]');
    await page.fill('[data-testid="subject-input"]', "Edited: the right subject");
    await page.click('[data-testid="subject-save"]');
    await page.locator('[data-testid="ticket-subject"]', { hasText: "Edited: the right subject" }).waitFor();

    await page.click('[data-testid="edit-people"]');
    await page.fill('[data-testid="requester-name"]', "Pat Right");
    await page.fill('[data-testid="requester-email"]', "pat@right.example");
    await page.fill('[data-testid="ccs-input"]', "boss@right.example, not-an-address");
    await page.fill('[data-testid="category-input"]', "hardware");
    expect(await axe(page, "people form")).toBe("");
    await page.click('[data-testid="save-people"]');
    const issue = page.locator('[data-testid="field-issue"][data-path="ccs"]');
    await issue.waitFor();
    await shot(page, "ticket-people-error");
    // What was typed stays; nothing was saved.
    expect(await page.locator('[data-testid="requester-name"]').inputValue()).toBe("Pat Right");
    expect((await api<{ ticket: { ccs: string[] } }>("GET", ticketApi(ticket.id))).ticket.ccs).toEqual([]);
    await page.fill('[data-testid="ccs-input"]', "boss@right.example");
    await page.click('[data-testid="save-people"]');
    await page.locator('[data-testid="requester"]', { hasText: "pat@right.example" }).waitFor();
    expect(await page.locator('[data-testid="ccs"]').innerText()).toBe("boss@right.example");
    expect(await page.locator('[data-testid="category"]').innerText()).toBe("hardware");
    const saved = (await api<{ ticket: Record<string, unknown> }>("GET", ticketApi(ticket.id))).ticket;
    expect(saved).toMatchObject({
      subject: "Edited: the right subject",
      requester: { name: "Pat Right", email: "pat@right.example" },
      ccs: ["boss@right.example"],
      category: "hardware",
    });
    const trail = (await page.locator('[data-testid="audit-trail"]').innerText()).replace(/[\u2066-\u2069]/g, "");
    expect(trail).toContain(
      "changed the requester Riley Requester <riley@customer.example> → Pat Right <pat@right.example>",
    );
    expect(trail).toContain("changed the subject Edit me: wrong subject → Edited: the right subject");
    expect(trail).toContain("changed the CCs — → boss@right.example");
    await shot(page, "ticket-people");
  }, 150_000);

  it("has shortcuts for reply, note, assign to me, status and next ticket, listed by ?, and none while typing", async () => {
    const { page } = state.maya;
    const ticket = await create("Shortcuts: keyboard only");
    await page.goto(state.url(ticket));
    await composerText(page).waitFor();
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("?");
    const overlay = page.locator('[data-testid="shortcuts"]');
    await overlay.waitFor();
    const listed = await overlay.innerText();
    for (const label of ["Reply", "Internal note", "Assign to me", "Change status", "Next ticket"])
      expect(listed).toContain(label);
    await shot(page, "ticket-shortcuts");
    expect(await axe(page, "shortcuts")).toBe("");
    await page.keyboard.press("Escape");
    await overlay.waitFor({ state: "detached" });

    await page.keyboard.press("n");
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label")))
      .toBe("Internal note");
    // Typed into the note: text, not commands.
    await page.keyboard.type("a?j");
    expect(await composerText(page).inputValue()).toBe("a?j");
    expect(await overlay.count()).toBe(0);
    await page.click('[data-testid="discard-draft"]');
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("r");
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Reply");
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("a");
    await expect.poll(() => page.locator('[data-testid="assignee"]').inputValue()).toBe(state.mayaId);
    await page.keyboard.press("s");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("ticket-status");
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    const before = page.url();
    await page.keyboard.press("j");
    await expect.poll(() => page.url()).not.toBe(before);
    expect(page.url()).toMatch(/\/clients\/cli_[^/]+\/tickets\/tkt_/);
  }, 150_000);

  it("merges a duplicate from its screen, and the merged ticket links to where it continues", async () => {
    const { page } = state.maya;
    const target = await create("Merge: VPN down in Berlin");
    const duplicate = await create("Merge: VPN down (again)");
    await page.goto(state.url(duplicate));
    await page.click('[data-testid="merge-open"]');
    await page.fill('[data-testid="merge-search"]', target.key);
    const result = page.locator('[data-testid="merge-results"] button', { hasText: target.key });
    await result.click();
    expect(await page.locator('[data-testid="merge-confirm"]').innerText()).toContain(
      `Merge ${duplicate.key} into ${target.key}`,
    );
    await shot(page, "ticket-merge-confirm");
    expect(await axe(page, "merge confirm")).toBe("");
    await page.click('[data-testid="merge-submit"]');
    const merged = page.locator('[data-testid="merged-into"]');
    await merged.waitFor();
    expect(await merged.innerText()).toContain(`Merged into ${target.key}`);
    await shot(page, "ticket-merged");
    await page.click('[data-testid="merged-link"]');
    await page.locator('[data-testid="ticket-key"]', { hasText: target.key }).waitFor();
    await page.locator('[data-testid="message-public"]', { hasText: `from ${duplicate.key}` }).waitFor();
    const closed = (await api<{ ticket: { status: string; mergedInto: string } }>("GET", ticketApi(duplicate.id)))
      .ticket;
    expect(closed).toMatchObject({ status: "closed", mergedInto: target.id });
    // Another client's number is refused before anything is asked of the API.
    await page.goto(state.url(await create("Merge: stays in Acme")));
    await page.click('[data-testid="merge-open"]');
    await page.fill('[data-testid="merge-search"]', "GLOBEX-1");
    await expect
      .poll(() => page.locator('[data-testid="merge-error"]').innerText())
      .toContain("another client's ticket");
    expect(unexpected(state.maya.errors)).toEqual([]);
  }, 150_000);

  it("shows the client admin the agents' names as the thread does, and nothing internal", async () => {
    await api("POST", `${ticketApi(state.three.id)}/notes`, { body: "Internal: VIP customer, be quick." }, "maya");
    await api("POST", `${ticketApi(state.three.id)}/replies`, { body: "Maya here: fixed the rules." }, "maya");
    const olivia = await login("ops@acme.example");
    const { page } = olivia;
    await page.goto(state.url(state.three));
    await page.locator('[data-testid="message-public"]', { hasText: "Maya here" }).waitFor();
    const text = await page.locator("main, body").first().innerText();
    expect(text).not.toContain("VIP customer");
    expect(text).not.toContain("added an internal note");
    expect(await page.locator('[data-testid="message-internal"]').count()).toBe(0);
    expect(await page.locator('[data-testid="tab-note"]').count()).toBe(0);
    expect(await page.locator('[data-testid="merge-open"], [data-testid="edit-people"]').count()).toBe(0);
    const authors = await page.locator('[data-testid="message-author"]').allInnerTexts();
    const actors = await page.locator('[data-testid="trail-actor"]').allInnerTexts();
    expect(authors).toContain("Maya Agent");
    expect(actors).toContain("Maya Agent");
    expect(actors).toContain("Nora Admin");
    expect(actors).not.toContain("Agent");
    await shot(page, "ticket-client-admin");
    expect(olivia.errors).toEqual([]);
  }, 150_000);
});
