import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@outdesk/local/paths";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { browserStack, demoToken } from "../../../test/browser";

/**
 * Browser tests: Debian's Chromium driven by playwright-core against the local stack (the same
 * `npm start` entry, demo data included). Screenshots of each screen land in test-results/screens.
 */
const screens = join(repoRoot, "test-results/screens");
const env = browserStack("browser");
beforeAll(() => mkdirSync(screens, { recursive: true }));

async function loginAs(email: string): Promise<Page> {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${env.stack.url}/`);
  await page.fill('input[name="provider"]', "northwind");
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', "outdesk-demo");
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="queue-title"]');
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(screens, `${name}.png`), fullPage: true });

describe("agent console", () => {
  it("logs in, works a queue by keyboard, replies, notes, changes status and escalates", async () => {
    const page = await loginAs("maya@northwind.example");
    expect(await page.textContent('[data-testid="queue-title"]')).toBe("My tickets");
    await page.waitForSelector('[data-testid="ticket-row"]');
    await shot(page, "01-agent-my-tickets");

    // Filters narrow a view within the same request and live in the URL.
    await page.click("text=All open");
    await page.waitForSelector('[data-testid="ticket-row"]');
    await page.selectOption('[data-testid="filter-priority"]', "urgent");
    await page.waitForURL(/priority=urgent/);
    await page.waitForSelector('[data-testid="ticket-row"] >> text=Checkout fails');
    expect(await page.locator('[data-testid="ticket-row"]').count()).toBe(1);

    await page.click('[data-testid="view-ACME-open"]');
    await page.waitForSelector('[data-testid="ticket-row"]');
    expect(await page.textContent('[data-testid="queue-title"]')).toContain("Acme Corporation");
    await shot(page, "02-agent-acme-open");
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="ticket-subject"]');
    const url = page.url();
    expect(url).toMatch(/\/clients\/cli_[a-z0-9]+\/tickets\/tkt_[a-z0-9]+$/);

    await page.fill('[data-testid="composer-text"]', "We rolled back the gateway change; please try again.");
    await page.click('[data-testid="composer-send"]');
    await page.waitForSelector('[data-testid="message-public"] >> text=We rolled back the gateway change');
    await page.waitForSelector('[data-testid="composer-send"]:has-text("Send reply")');

    await page.click('[data-testid="tab-note"]');
    await page.fill('[data-testid="composer-text"]', "Rollback done at 10:20; watch error rates.");
    await page.click('[data-testid="composer-send"]');
    await page.waitForSelector('[data-testid="message-internal"] >> text=Rollback done at 10:20');

    await page.selectOption('[data-testid="status"]', "pending");
    await page.waitForSelector('[data-testid="audit-trail"] >> text=Open → Pending');

    await page.selectOption('[data-testid="tier"]', "L3");
    await page.fill('[data-testid="escalate-reason"]', "Needs the payments engineering team");
    await page.click('[data-testid="escalate-submit"]');
    await page.waitForSelector('[data-testid="audit-trail"] >> text=Needs the payments engineering team');
    expect(await page.inputValue('[data-testid="tier"]')).toBe("L3");
    // Priya Shah has another Acme ticket (the Q3 export): it is listed for context.
    await page.waitForSelector('[data-testid="requester-tickets"] >> text=export all tickets from Q3');
    await shot(page, "03-agent-ticket");

    // The URL can be shared: opened in a new tab it shows the same ticket, now pending at L3.
    const again = await page.context().newPage();
    await again.goto(url);
    await again.waitForSelector('[data-testid="ticket-subject"]');
    expect(await again.inputValue('[data-testid="status"]')).toBe("pending");
    await again.close();
    await page.close();
  }, 90_000);

  it("creates a ticket from a phone call", async () => {
    const page = await loginAs("leo@northwind.example");
    await page.click('[data-testid="new-ticket"]');
    await page.fill('input[name="requesterName"]', "Peter Gibbons");
    await page.fill('input[name="requesterEmail"]', "peter.gibbons@initech.example");
    await page.selectOption('select[name="channel"]', "phone");
    await page.fill('input[name="subject"]', "Cannot open the TPS report share");
    await page.fill('textarea[name="body"]', "Called at 9:05: access denied on \\\\fs01\\tps.");
    await shot(page, "04-new-ticket");
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="ticket-subject"] >> text=Cannot open the TPS report share');
    expect(await page.textContent('[data-testid="ticket-key"]')).toMatch(/^INITECH-\d+$/);
    await page.close();
  }, 60_000);

  it("shows a conflict in place when someone else changed the ticket", async () => {
    const page = await loginAs("maya@northwind.example");
    await page.click('[data-testid="view-GLOBEX-new"]');
    await page.waitForSelector('[data-testid="ticket-row"]');
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="ticket-subject"]');
    // A colleague changes the ticket behind this page's back.
    const [, , clientId, , ticketId] = new URL(page.url()).pathname.split("/");
    // Its own login: the console keeps its access token in memory, out of reach of page scripts.
    const token = await demoToken(env, "maya@northwind.example");
    const response = await fetch(`${env.stack.url}/v1/clients/${clientId}/tickets/${ticketId}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ addTags: ["changed-elsewhere"] }),
    });
    expect(response.status).toBe(200);
    await page.selectOption('[data-testid="priority"]', "urgent");
    await page.waitForSelector('[data-testid="notice"] >> text=Someone else changed this ticket');
    await page.waitForSelector("text=changed-elsewhere");
    await shot(page, "05-conflict");
    await page.close();
  }, 60_000);
});

describe("client admin portal", () => {
  it("sees only their client, no internal notes, and can reply", async () => {
    const page = await loginAs("ops@acme.example");
    expect(await page.textContent('[data-testid="queue-title"]')).toContain("Acme Corporation");
    expect(await page.locator('[data-testid="client-views-GLOBEX"]').count()).toBe(0);
    expect(await page.locator('[data-testid="client-views-INITECH"]').count()).toBe(0);
    expect(await page.locator('[data-testid="view-mine"]').count()).toBe(0);
    expect(await page.locator('[data-testid="client-switcher"]').count()).toBe(0);
    await shot(page, "06-client-admin-queue");

    await page.click('[data-testid="view-ACME-pending"]');
    await page.waitForSelector('[data-testid="ticket-row"]');
    await page.click('[data-testid="ticket-row"] a');
    await page.waitForSelector('[data-testid="ticket-subject"]');
    expect(await page.locator('[data-testid="message-internal"]').count()).toBe(0);
    expect(await page.locator('[data-testid="tab-note"]').count()).toBe(0);
    expect(await page.content()).not.toContain("Rollback done");
    expect(await page.content()).not.toContain("TLS handshake");
    await page.fill('[data-testid="composer-text"]', "Works again on our side, thank you.");
    await page.click('[data-testid="composer-send"]');
    await page.waitForSelector('[data-testid="message-public"] >> text=Works again on our side');
    await shot(page, "07-client-admin-ticket");

    // Another client's ticket, by URL: not found, nothing shown.
    const admin = await fetch(`${env.stack.url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ provider: "northwind", email: "admin@northwind.example", password: "outdesk-demo" }),
    }).then((r) => r.json() as Promise<{ accessToken: string }>);
    const globex = await fetch(`${env.stack.url}/v1/tickets?view=all&status=pending&limit=100`, {
      headers: { authorization: `Bearer ${admin.accessToken}` },
    }).then((r) => r.json() as Promise<{ items: { id: string; clientId: string; key: string }[] }>);
    const foreign = globex.items.find((ticket) => ticket.key.startsWith("GLOBEX"));
    expect(foreign).toBeTruthy();
    await page.goto(`${env.stack.url}/clients/${foreign!.clientId}/tickets/${foreign!.id}`);
    await page.waitForSelector("text=does not exist or is not yours to see");
    await page.close();
  }, 90_000);
});

describe("provider admin", () => {
  it("adds a client with a custom field, invites an agent for it, and the agent joins through the link", async () => {
    const page = await loginAs("admin@northwind.example");
    await page.click('[data-testid="admin-clients"]');
    await page.waitForSelector('[data-testid="clients-table"]');
    await page.fill('input[name="clientName"]', "Umbrella Corp");
    await page.fill('input[name="clientSlug"]', "umbrella");
    await page.fill('input[name="clientTimeZone"]', "Europe/Paris");
    await page.click('form[aria-label="New client"] button[type="submit"]');
    const row = page.locator('[data-testid="clients-table"] tr', { hasText: "Umbrella Corp" });
    await row.waitFor();
    expect(await row.textContent()).toContain("UMBRELLA");

    // Its own address is claimed on the mail screen: pending (a code is mailed) until verified.
    await row.locator("button", { hasText: "Mail" }).click();
    await page.waitForSelector('[data-testid="default-address"] >> text=umbrella.northwind@mail.localhost');
    await page.fill('input[name="newAddress"]', "help@umbrella.example");
    await page.click('form[aria-label="Add address"] button[type="submit"]');
    const claimed = page.locator('[data-testid="address-help@umbrella.example"]');
    await claimed.waitFor();
    expect(await claimed.textContent()).toContain("Pending");
    await shot(page, "08a-admin-mail-settings");
    await page.click('[data-testid="mail-settings"] button:has-text("Close")');

    await row.locator("button", { hasText: "Edit" }).click();
    await page.click("text=Add field");
    await page.fill('.field-editor input[placeholder="key"]', "contract_no");
    await page.fill('.field-editor input[placeholder="Label"]', "Contract number");
    await page.check(".field-editor input[type=checkbox]");
    await page.click('.edit-client button[type="submit"]');
    await page.waitForSelector('[data-testid="clients-table"] tr:has-text("Umbrella Corp") >> text=Edit');
    await shot(page, "08-admin-clients");

    // Reload so the session (sidebar, assignment choices) knows the new client.
    await page.goto(`${env.stack.url}/admin/users`);
    await page.waitForSelector('[data-testid="users-table"]');
    await page.fill('input[name="inviteName"]', "Zoe Agent");
    await page.fill('input[name="inviteEmail"]', "zoe@northwind.example");
    await page.selectOption('select[name="inviteRole"]', "agent");
    await page.locator(".invite-form .checks label", { hasText: "Umbrella Corp" }).locator("input").check();
    await page.click('form[aria-label="Invite"] button[type="submit"]');
    const link = (await page.locator('[data-testid="invite-link"] code').textContent()) ?? "";
    expect(link).toContain("/accept-invite?token=odi_");
    await shot(page, "09-admin-people");
    await page.close();

    const invitee = await (await env.browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await invitee.goto(link);
    await invitee.fill('input[name="newPassword"]', "zoe's long password");
    await invitee.click('button[type="submit"]');
    await invitee.waitForSelector('[data-testid="queue-title"]');
    expect(await invitee.textContent('[data-testid="current-user"]')).toContain("Zoe Agent");
    expect(await invitee.locator('[data-testid="client-views-UMBRELLA"]').count()).toBe(1);
    expect(await invitee.locator('[data-testid="client-views-ACME"]').count()).toBe(0);
    expect(await invitee.locator('[data-testid="admin-links"]').count()).toBe(0);
    await invitee.close();
  }, 90_000);
});

async function createTicket(token: string, body: Record<string, unknown>): Promise<{ id: string; clientId: string }> {
  const clients = await fetch(`${env.stack.url}/v1/clients?limit=100&status=active`, {
    headers: { authorization: `Bearer ${token}` },
  }).then((r) => r.json() as Promise<{ items: { id: string; ticketPrefix: string }[] }>);
  const acme = clients.items.find((client) => client.ticketPrefix === "ACME")!;
  const response = await fetch(`${env.stack.url}/v1/tickets`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ clientId: acme.id, ...body }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; clientId: string };
}

/** Every request the page makes to the stack, as path + query. */
function recordRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.origin === env.stack.url) seen.push(`${url.pathname}${url.search}`);
  });
  return seen;
}

// What the console loads for any screen: the page, its assets, the session and token refreshes.
const sessionRequests = new Set([
  "/v1/me",
  "/v1/clients?limit=100&status=active",
  "/v1/users?limit=100",
  "/v1/tickets/counts",
  // The header's notifications bell (polled once a minute).
  "/v1/me/notifications",
]);
const expected = (path: string) =>
  path.startsWith("/assets/") || path.startsWith("/v1/auth/") || sessionRequests.has(path) || path === "/favicon.ico";

describe("console defences", () => {
  it("a crafted or unknown URL shows not found and calls no other API path", async () => {
    const page = await loginAs("maya@northwind.example");
    const seen = recordRequests(page);
    const crafted = "/clients/..%2F..%2Fv1%2Fusers%3Flimit%3D1%23/tickets/x";
    await page.goto(`${env.stack.url}${crafted}`);
    await page.waitForSelector('[data-testid="not-found"]', { timeout: 10_000 });
    expect(seen.filter((path) => !expected(path) && path !== crafted)).toEqual([]);

    // Well-formed ids are still checked against the API's id patterns before any request.
    seen.length = 0;
    await page.goto(`${env.stack.url}/clients/cli_abcdefghjkmn/tickets/tkt_..%2Fcounts`);
    await page.waitForSelector('[data-testid="not-found"]');
    expect(seen.filter((path) => path.startsWith("/v1/") && !expected(path))).toEqual([]);

    // A malformed escape is not a crash either.
    await page.goto(`${env.stack.url}/clients/%E0%A4%A/tickets/tkt_x`);
    await page.waitForSelector('[data-testid="not-found"]');

    await page.goto(`${env.stack.url}/no/such/screen`);
    await page.waitForSelector('[data-testid="not-found"]', { timeout: 10_000 });
    await page.click('[data-testid="not-found"] a');
    await page.waitForSelector('[data-testid="queue-title"]');
    await page.close();
  }, 60_000);

  it("an answer the console cannot render shows an error screen, not a blank page", async () => {
    const page = await loginAs("maya@northwind.example");
    await page.route(/\/v1\/clients\/[^/]+\/tickets\/[^/?]+$/, (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: '{"items":[]}' }),
    );
    await page.click('[data-testid="view-ACME-open"]');
    await page.waitForSelector('[data-testid="ticket-row"]');
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="error-screen"]', { timeout: 10_000 });
    // The shell stays usable: the next screen renders again.
    await page.unroute(/\/v1\/clients\/[^/]+\/tickets\/[^/?]+$/);
    await page.click('[data-testid="view-mine"]');
    await page.waitForSelector('[data-testid="queue-title"]');
    await page.close();
  }, 60_000);

  it("a link in message HTML opens a new tab without an opener and leaves the frame in place", async () => {
    const token = await demoToken(env, "maya@northwind.example");
    const ticket = await createTicket(token, {
      subject: "Link in the message",
      body: "See the status page",
      bodyHtml: `<p>See <a href="${env.stack.url}/health">the status page</a></p>`,
      requester: { name: "Link Tester", email: "links@acme.example" },
    });
    const page = await loginAs("maya@northwind.example");
    await page.goto(`${env.stack.url}/clients/${ticket.clientId}/tickets/${ticket.id}`);
    const frame = page.frameLocator("iframe.html-body");
    const link = frame.locator("a", { hasText: "the status page" });
    await link.waitFor();
    // The frame's stylesheet is a file (a strict CSP blocks inline styles): it applied.
    expect(
      await frame.locator("body").evaluate((body) => body.ownerDocument.defaultView!.getComputedStyle(body).marginTop),
    ).toBe("0px");
    expect(await link.getAttribute("rel")).toContain("noopener");
    expect(await link.getAttribute("rel")).toContain("noreferrer");
    const popupOpened = page.context().waitForEvent("page", { timeout: 10_000 });
    await link.click();
    const popup = await popupOpened;
    await popup.waitForLoadState();
    expect(popup.url()).toBe(`${env.stack.url}/health`);
    expect(await popup.evaluate("window.opener")).toBeNull();
    // The message is still shown in its frame.
    expect(await link.textContent()).toBe("the status page");
    await popup.close();
    await page.close();
  }, 60_000);

  it("a U+202E in a subject or name is isolated from the text around it", async () => {
    const token = await demoToken(env, "maya@northwind.example");
    const subject = "Invoice \u202Efdp.exe";
    const name = "\u202EEve Override";
    const ticket = await createTicket(token, {
      subject,
      body: "Please see the attachment",
      requester: { name, email: "eve@acme.example" },
    });
    const page = await loginAs("maya@northwind.example");
    await page.goto(`${env.stack.url}/clients/${ticket.clientId}/tickets/${ticket.id}`);
    await page.waitForSelector('[data-testid="ticket-subject"]');
    /**
     * For each text node holding `text` under `selector`: is the nearest isolating element around
     * it (a bdi, or computed unicode-bidi isolate, which block elements and cells have by default)
     * holding exactly `text`, so that nothing next to it can be flipped?
     */
    // Globals are reached through each element's document: this file is type-checked without the DOM library.
    const isolated = (selector: string, text: string) =>
      page.locator(selector).evaluateAll((roots, text) => {
        const results: boolean[] = [];
        for (const root of roots) {
          const view = root.ownerDocument.defaultView!;
          const isolates = (element: typeof root) =>
            element.tagName === "BDI" ||
            ["isolate", "isolate-override"].includes(view.getComputedStyle(element).unicodeBidi);
          const walker = root.ownerDocument.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (!node.textContent?.includes(text)) continue;
            let element = node.parentElement;
            while (element && !isolates(element)) element = element.parentElement;
            results.push(element?.textContent === text);
          }
        }
        return results;
      }, text);
    expect(await isolated('[data-testid="ticket-subject"]', subject)).toEqual([true]);
    expect(await isolated(".ticket-head", name)).toEqual([true]);
    expect(await isolated(".ticket-head", "eve@acme.example")).toEqual([true]);

    await page.click('[data-testid="view-ACME-new"]');
    await page.waitForSelector(`[data-testid="ticket-row"] >> text=Invoice`);
    const rows = '[data-testid="ticket-row"]';
    expect(await isolated(rows, subject)).toEqual([true]);
    expect(await isolated(rows, name)).toEqual([true]);
    await shot(page, "10-bidi-isolated");
    await page.close();
  }, 60_000);

  it("bidi controls in an attachment's name are neutralised where it is shown", async () => {
    const token = await demoToken(env, "maya@northwind.example");
    const ticket = await createTicket(token, {
      subject: "Attachment from older mail",
      body: "Invoice attached",
      requester: { name: "Old Mail", email: "old@acme.example" },
    });
    const page = await loginAs("maya@northwind.example");
    // Names stored before the schema dropped bidi controls still carry them.
    await page.route(/\/v1\/clients\/[^/]+\/tickets\/[^/?]+$/, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { messages: { attachments: unknown[] }[] };
      body.messages[0]!.attachments = [
        { filename: "invoice\u202Efdp.exe", contentType: "application/pdf", size: 2048 },
      ];
      await route.fulfill({ response, json: body });
    });
    await page.goto(`${env.stack.url}/clients/${ticket.clientId}/tickets/${ticket.id}`);
    const attachment = page.locator('[data-testid="attachment"]');
    await attachment.waitFor();
    expect(await attachment.textContent()).toContain("invoicefdp.exe");
    expect(await attachment.textContent()).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    await page.close();
  }, 60_000);
});
