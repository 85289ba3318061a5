/// <reference lib="dom" />
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { repoRoot } from "@outdesk/local/paths";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { browserStack, demoLogin, demoToken } from "../../../test/browser";

/**
 * The search box and page (issue 12, item 1) on the `npm start` stack: its stream poller indexes
 * the demo's tickets and every later write, as the Lambda subscriber does on AWS.
 */
const env = browserStack("search");
const screens = join(repoRoot, "test-results/screens");
beforeAll(() => mkdirSync(screens, { recursive: true }));
const shot = (page: Page, name: string) => page.screenshot({ path: join(screens, `${name}.png`), fullPage: true });

async function api<T>(method: string, path: string, body?: unknown, as = "admin@northwind.example"): Promise<T> {
  const response = await fetch(`${env.stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await demoToken(env, as)}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<T>;
}

/** Waits until the API finds `ticketId` for `q` (the index follows writes by a second or so). */
async function indexed(q: string, ticketId: string) {
  const started = Date.now();
  for (;;) {
    const { items } = await api<{ items: { id: string }[] }>("GET", `/v1/search?q=${encodeURIComponent(q)}`);
    if (items.some((item) => item.id === ticketId)) return Date.now() - started;
    if (Date.now() - started > 20_000) throw new Error(`${ticketId} was not indexed for ${q}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Injected with page.evaluate, which the console's CSP does not govern (an inline script tag it would block).
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
async function seriousViolations(page: Page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Axe = { run: (context: Document) => Promise<{ violations: { id: string; impact: string }[] }> };
    const { violations } = await (window as unknown as { axe: Axe }).axe.run(document);
    return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
  });
}

let checkout: { id: string; key: string; clientId: string };
let injected: string;

type Found = { id: string; key: string; clientId: string; subject: string };

beforeAll(async () => {
  // The demo's tickets reach the index once the stack's poller has read the seed from the stream.
  const started = Date.now();
  for (;;) {
    const { items } = await api<{ items: Found[] }>("GET", "/v1/search?q=checkout%20502");
    const found = items.find((item) => item.subject.startsWith("Checkout fails"));
    if (found) {
      checkout = found;
      break;
    }
    if (Date.now() - started > 30_000) throw new Error("the demo's tickets were not indexed");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const clients = await api<{ items: { id: string; ticketPrefix: string }[] }>("GET", "/v1/clients?limit=100");
  const acme = clients.items.find((c) => c.ticketPrefix === "ACME")!.id;
  const created = await api<{ id: string }>("POST", "/v1/tickets", {
    clientId: acme,
    subject: `<img src=x onerror="window.__pwned=1"> zebracorn <b>bold</b>`,
    body: "The <script>window.__pwned=2</script> zebracorn pasted this.",
    requester: { email: "mallory@customer.example", name: "<i>Mallory</i>" },
  });
  injected = created.id;
  await indexed("zebracorn", injected);
}, 60_000);

describe("search", () => {
  it("finds tickets from the top bar by words, number and note, with the matches marked, and opens one", async () => {
    const { page, errors } = await demoLogin(env, "maya@northwind.example");
    await page.fill('[data-testid="search-box"]', "gateway");
    await page.press('[data-testid="search-box"]', "Enter");
    const first = page.locator('[data-testid="search-result"]').first();
    await first.waitFor();
    expect(page.url()).toContain("/search?q=gateway");
    expect(await first.getAttribute("data-ticket")).toBe(checkout.id);
    // The note's words match for staff, and show under its label.
    expect(await first.locator(".search-snippet-note mark").first().innerText()).toMatch(/gateway/i);
    expect(await page.title()).toBe("Search · Outdesk");
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, "search-results");

    // The number alone: that ticket first, its number marked.
    await page.fill('input[name="q"]', checkout.key);
    await first.locator(".search-key mark").first().waitFor();
    expect(await first.getAttribute("data-ticket")).toBe(checkout.id);
    expect(await first.locator(".search-key").innerText()).toBe(checkout.key);

    // Filters narrow the same words; a status with no match says so, and clearing brings them back.
    await page.fill('input[name="q"]', "gateway");
    await first.waitFor();
    await page.selectOption('select[name="status"]', "closed");
    await page.waitForSelector("text=No tickets match");
    expect(page.url()).toContain("status=closed");
    await page.click("text=Clear filters");
    await first.waitFor();
    const tomorrow = new Date(Date.now() + 86_400_000);
    const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}`;
    await page.fill('input[name="from"]', day);
    await page.waitForSelector("text=No tickets match");
    await page.click("text=Clear filters");
    await first.waitFor();

    await first.locator(".search-result-link").click();
    await page.waitForURL(`**/clients/${checkout.clientId}/tickets/${checkout.id}`);
    await page.goBack();
    await first.waitFor();
    expect(await page.inputValue('input[name="q"]')).toBe("gateway");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("shows what a requester typed as inert text, with the match marked", async () => {
    const { page, errors } = await demoLogin(env, "admin@northwind.example");
    await page.goto(`${env.stack.url}/search?q=zebracorn`);
    const row = page.locator(`[data-ticket="${injected}"]`);
    await row.waitFor();
    expect(await row.locator(".search-subject").innerText()).toContain('<img src=x onerror="window.__pwned=1">');
    expect(await row.locator(".search-subject mark").innerText()).toBe("zebracorn");
    expect(await row.locator("img, script, b, i").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await shot(page, "search-inert");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("never shows a client admin a note, nor another client's tickets", async () => {
    const { page, errors } = await demoLogin(env, "ops@acme.example");
    // "handshake" is only in the checkout ticket's internal note.
    await page.fill('[data-testid="search-box"]', "handshake");
    await page.press('[data-testid="search-box"]', "Enter");
    await page.waitForSelector("text=No tickets match");
    await page.fill('input[name="q"]', "gateway");
    const first = page.locator('[data-testid="search-result"]').first();
    await first.waitFor();
    expect(await first.getAttribute("data-ticket")).toBe(checkout.id);
    expect(await page.locator(".search-snippet-note").count()).toBe(0);
    expect(await page.locator('[data-testid="search-results"]').innerText()).not.toMatch(/TLS|handshake/);
    // Globex's VPN ticket is not theirs.
    await page.fill('input[name="q"]', "VPN disconnects");
    await page.waitForSelector("text=No tickets match");
    await shot(page, "search-client-admin");
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
