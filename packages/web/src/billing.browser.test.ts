import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@outdesk/local/paths";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { browserStack, demoLogin, demoToken } from "../../../test/browser";

/**
 * Billing in Chromium on the demo's months of history: the provider admin writes Acme's contract
 * in the editor and watches the live price follow the form (a refused amount shown at its field,
 * as typed), logs time into last month and this one, opens last month's statement, drills into
 * a line, locks it (this month's lock is refused at the form) and downloads its CSV and invoice;
 * Acme's client admin sees the same totals, the usage charts and the retainer's burn-down,
 * cannot open the contract or another client's statement, and disputes a line, which the
 * provider admin resolves from the provider-wide list.
 */
const env = browserStack("billing", { history: true });
const screens = join(repoRoot, "test-results/screens");
beforeAll(() => mkdirSync(screens, { recursive: true }));
const shot = (page: Page, name: string) => page.screenshot({ path: join(screens, `${name}.png`), fullPage: true });

async function api(method: string, path: string, body?: unknown) {
  const accessToken = await demoToken(env, "admin@northwind.example");
  const response = await fetch(`${env.stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const monthOf = (offset: number) => {
  const now = new Date();
  // The demo clients are in the Americas and Europe: a mid-month day is the same month in all.
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 15)).toISOString().slice(0, 7);
};

/** The preview's "charges before credits", in minor units, once it settles on a value other than `not`. */
async function previewCharges(page: Page, not?: number) {
  const cell = page.locator('[data-testid="preview-charges"]');
  await expect
    .poll(async () => {
      if ((await page.locator('[data-testid="contract-preview"][aria-busy="true"]').count()) > 0) return "busy";
      const amount = await cell.getAttribute("data-amount").catch(() => null);
      return amount !== null && Number(amount) !== not ? "settled" : "waiting";
    })
    .toBe("settled");
  return Number(await cell.getAttribute("data-amount"));
}

/** Logs `minutes` of billable time on a new Acme ticket at `startedAt`, approved. */
async function logTime(clientId: string, startedAt: Date, minutes: number) {
  const ticket = await api("POST", "/v1/tickets", {
    clientId,
    subject: `Work on ${startedAt.toISOString().slice(0, 10)}`,
    body: "Please help.",
    requester: { name: "Riley Requester", email: "riley@customer.example" },
  });
  expect(ticket.status).toBe(201);
  const ticketPath = `/v1/clients/${clientId}/tickets/${ticket.body.id}/time-entries`;
  const entry = await api("POST", ticketPath, { minutes, startedAt: startedAt.toISOString() });
  expect(entry.status).toBe(201);
  expect((await api("POST", `${ticketPath}/${entry.body.id}/approve`, {})).status).toBe(200);
}

describe("billing", () => {
  it("provider admins price, lock and export a month; client admins read the same totals, charts and dispute a line", async () => {
    const clients = (await api("GET", "/v1/clients")).body.items as { id: string; slug: string }[];
    const acme = clients.find((c) => c.slug === "acme")!.id;
    const globex = clients.find((c) => c.slug === "globex")!.id;
    const last = monthOf(-1);
    const now = monthOf(0);

    const admin = await demoLogin(env, "admin@northwind.example", { allow: [400] });
    const page = admin.page;
    await page.click('[data-testid="billing-ACME"]');
    await page.waitForSelector('[data-testid="billing-page"]');
    await page.click('[data-testid="contract-link"]');
    await page.waitForSelector('[data-testid="contract-editor"]');
    const versions = await page.locator('[data-testid="contract-version"]').count();

    // A version from last month on (the demo's, if any, is copied into the form: start afresh):
    // a platform fee, a retainer of hours and SLA credits.
    await page.fill('[data-testid="contract-from"]', last);
    await page.fill('[data-testid="contract-name"]', "Managed desk");
    await page.fill('[data-testid="contract-currency"]', "USD");
    const remove = page.locator('[data-testid="component-remove"]');
    while ((await remove.count()) > 0) await remove.first().click();
    await page.selectOption('[data-testid="component-kind"]', "fixed_fee");
    await page.click('[data-testid="component-add"]');
    await page.fill('[data-testid="component"][data-kind="fixed_fee"] [data-testid="component-amount"]', "1000");
    const first = await previewCharges(page);
    expect(first).toBe(100_000);
    await page.selectOption('[data-testid="component-kind"]', "allowance");
    await page.click('[data-testid="component-add"]');
    const retainer = page.locator('[data-testid="component"][data-kind="allowance"]');
    await retainer.locator('[data-testid="allowance-fee"]').fill("500");
    await retainer.locator('[data-testid="allowance-included"]').fill("2");
    await retainer.locator('[data-testid="allowance-overage"]').fill("80");
    const withRetainer = await previewCharges(page, first);
    expect(withRetainer).toBeGreaterThanOrEqual(150_000);
    await page.selectOption('[data-testid="component-kind"]', "per_unit");
    await page.click('[data-testid="component-add"]');
    await page.fill('[data-testid="component"][data-kind="per_unit"] [data-testid="tier-unit-price"]', "2.50");
    // The preview prices an edited usage too: 40 solved tickets at $2.50 add $100.
    await page.click('[data-testid="preview-usage"] summary');
    await page.fill('[data-testid="usage-solved"]', "40");
    await expect.poll(() => previewCharges(page, withRetainer)).toBe(withRetainer + 10_000);

    // A negative amount: the API's words at the field, the typed text kept.
    const amount = page.locator('[data-testid="component"][data-kind="fixed_fee"] [data-testid="component-amount"]');
    await amount.fill("-5");
    const issue = page.locator('[data-testid="field-issue"][data-path="terms.components.0.amount"]');
    await issue.first().waitFor();
    expect(await issue.first().innerText()).toContain("not negative");
    expect(await amount.inputValue()).toBe("-5");
    await shot(page, "billing-contract-refused");
    await amount.fill("1000");
    await expect.poll(() => issue.count()).toBe(0);

    if (!(await page.isChecked('[data-testid="credits-on"]'))) await page.click('[data-testid="credits-on"]');
    await page.click('[data-testid="contract-save"]');
    await page.waitForSelector('[data-testid="contract-saved"]');
    await page.waitForSelector(`[data-testid="contract-version"][data-number="${versions + 1}"]`);
    await shot(page, "billing-contract");

    // Credits are rated from the frozen SLA statement; three hours last month, one this month.
    expect((await api("POST", `/v1/clients/${acme}/sla-statements`, { month: last })).status).toBe(201);
    await logTime(acme, new Date(`${last}-10T15:00:00Z`), 180);
    await logTime(acme, new Date(Date.now() - 2 * 3600_000), 60);

    await page.click('[data-testid="billing-ACME"]');
    await page.waitForSelector('[data-testid="billing-statement-list"]');
    await page.click(
      `[data-testid="billing-statement-item"][data-month="${last}"] [data-testid="billing-statement-link"]`,
    );
    await page.waitForSelector('[data-testid="billing-statement"][data-status="provisional"]');
    // Hours above the 2 included cost $80 each (the demo's history may have logged some too).
    const usage = (await api("GET", `/v1/clients/${acme}/usage?month=${last}`)).body.totals as {
      billableMinutes: number;
    };
    const overage = page.locator('[data-testid="billing-line"][data-kind="allowance"]').nth(1);
    expect(Number(await overage.getAttribute("data-amount"))).toBe(
      // Hours to 4 decimals, as the rating does, then the amount rounded once.
      Math.round(Math.max(0, Math.round((usage.billableMinutes / 60) * 10_000) / 10_000 - 2) * 8000),
    );
    // The retainer's hours: the time entries behind it, the one logged above among them.
    await page
      .locator('[data-testid="billing-line"][data-kind="allowance"] [data-testid="line-drill"]')
      .first()
      .click();
    await page.waitForSelector('[data-testid="drill"][data-of="time:billable"] [data-testid="drill-item"]');
    expect(await page.locator('[data-testid="drill-item"]').allInnerTexts()).toContainEqual(
      expect.stringContaining("180 min"),
    );

    // A first-reply breach of the frozen SLA statement excluded (the client kept it waiting): it stops counting.
    const sla = (await api("GET", `/v1/clients/${acme}/sla-statements/${last}`)).body.breaches as {
      ticketKey: string;
      metric: string;
    }[];
    const breach = sla.find((b) => b.metric === "first_reply");
    if (breach) {
      await page.click('[data-testid="exclusions-edit"]');
      await page.click('[data-testid="exclusion-add"]');
      await page.fill('[data-testid="exclusion-keys"]', breach.ticketKey);
      await page.fill('[data-testid="exclusion-reason"]', "Waited <i>two days</i> for the client's logs");
      await page.click('[data-testid="exclusions-save"]');
      await page.waitForSelector('[data-testid="exclusion"]');
      expect(await page.locator('[data-testid="exclusion"]').innerText()).toContain("<i>two days</i>");
      expect(await page.locator('[data-testid="credit-allocation"]').getAttribute("data-excluded")).toBe("1");
    }

    await page.click('[data-testid="lock-month"]');
    expect(await page.locator('[data-testid="lock-confirm-text"]').innerText()).toContain("never changes");
    await page.click('[data-testid="lock-confirm"]');
    await page.waitForSelector('[data-testid="billing-statement"][data-status="locked"]');
    const total = Number(await page.locator('[data-testid="total"]').getAttribute("data-amount"));
    expect(total).toBeGreaterThanOrEqual(100_000 + 50_000 + 8000 - 15_000);
    await shot(page, "billing-statement-locked");
    const [csv] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="billing-csv"]')]);
    expect(csv.suggestedFilename()).toBe(`billing-${last}.csv`);
    const text = readFileSync((await csv.path())!, "utf8");
    expect(text).toContain((total / 100).toFixed(2));
    const [xero] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="invoice-xero"]')]);
    expect(xero.suggestedFilename()).toBe(`invoice-xero-${last}.csv`);

    // This month is not over: the lock is refused at the form, in the API's words.
    await page.goto(`${env.stack.url}/clients/${acme}/billing/statements/${now}`);
    await page.waitForSelector('[data-testid="billing-statement"][data-status="open"]');
    await page.click('[data-testid="lock-month"]');
    await page.click('[data-testid="lock-confirm"]');
    const refused = page.locator('[data-testid="lock-problem"][data-status="400"]');
    await refused.waitFor();
    expect(await refused.innerText()).toContain("not over yet");
    expect(admin.errors).toEqual([]);

    const client = await demoLogin(env, "ops@acme.example");
    const cp = client.page;
    expect(await cp.locator('[data-testid="billing-GLOBEX"]').count()).toBe(0);
    await cp.click('[data-testid="billing-ACME"]');
    await cp.waitForSelector('[data-testid="usage-trend"]');
    expect(await cp.locator('[data-testid="contract-link"]').count()).toBe(0);
    expect(await cp.locator('[data-testid="usage-chart-usage-created"] [data-testid="chart-bar"]').count()).toBe(6);
    const burn = cp.locator('[data-testid="allowance-burn-down"]');
    await burn.waitFor();
    expect(await burn.getAttribute("data-available")).toBe("2");
    expect(Number(await burn.getAttribute("data-used"))).toBeGreaterThanOrEqual(1);
    await shot(cp, "billing-client-usage");

    await cp.click(
      `[data-testid="billing-statement-item"][data-month="${last}"] [data-testid="billing-statement-link"]`,
    );
    await cp.waitForSelector('[data-testid="billing-statement"][data-status="locked"]');
    expect(Number(await cp.locator('[data-testid="total"]').getAttribute("data-amount"))).toBe(total);
    expect(await cp.locator('[data-testid="lock-month"], [data-testid="invoice-xero"]').count()).toBe(0);
    await cp.locator('[data-testid="billing-line"][data-index="1"] [data-testid="line-dispute"]').click();
    await cp.fill('[data-testid="dispute-reason"]', "We agreed <b>no</b> retainer fee in the first month.");
    await cp.click('[data-testid="dispute-submit"]');
    const disputed = cp.locator('[data-testid="dispute"][data-status="open"]');
    await disputed.waitFor();
    expect(await disputed.locator('[data-testid="dispute-text"]').innerText()).toContain("<b>no</b>");
    await shot(cp, "billing-client-dispute");

    for (const path of [
      `/clients/${acme}/contract`,
      `/clients/${globex}/billing`,
      `/clients/${globex}/billing/statements/${last}`,
    ]) {
      await cp.goto(`${env.stack.url}${path}`);
      await cp.waitForSelector('[data-testid="not-found"]');
    }
    expect(client.errors).toEqual([]);

    await page.click('[data-testid="admin-disputes"]');
    const open = page.locator('[data-testid="billing-disputes"] [data-testid="dispute"][data-status="open"]');
    await open.waitFor();
    await open.locator('[data-testid="resolve-outcome"]').selectOption("upheld");
    await open.locator('[data-testid="resolve-note"]').fill("Agreed: a credit note follows.");
    await open.locator('[data-testid="resolve-submit"]').click();
    // Resolved, it leaves the open list.
    await expect.poll(() => open.count()).toBe(0);
    await page.click('[data-testid="disputes-resolved"]');
    await page.waitForSelector('[data-testid="dispute"][data-status="resolved"] [data-testid="dispute-resolution"]');
    await shot(page, "billing-disputes");

    await cp.goto(`${env.stack.url}/clients/${acme}/billing/statements/${last}`);
    const resolution = cp.locator('[data-testid="dispute"][data-status="resolved"] [data-testid="dispute-resolution"]');
    await resolution.waitFor();
    expect(await resolution.innerText()).toContain("a credit note follows");
    expect(admin.errors).toEqual([]);
    expect(client.errors).toEqual([]);
  }, 240_000);
});
