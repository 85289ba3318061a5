import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@outdesk/local/paths";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { browserStack, demoLogin, demoToken } from "../../../test/browser";

/**
 * The SLA dashboard in Chromium on the demo's months of history: the provider admin reads Acme's
 * last month (figures, charts, formula), freezes it (again: 409, the current month: 400, both
 * shown at the form) and sees every client in the overview; Acme's client admin reads the same
 * dashboard, opens the frozen statement and downloads its CSV, sees no other client, and
 * Globex's pages answer "not found". A client name with markup stays text.
 */
const env = browserStack("sla-dashboard", { history: true });
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
  return response.json() as Promise<Record<string, unknown>>;
}

const NAME = "Acme <b>Corporation</b>";
const monthOf = (offset: number) => {
  const now = new Date();
  // The demo clients are in the Americas and Europe: a mid-month day is the same month in all.
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 15)).toISOString().slice(0, 7);
};

/** The month's "all priorities" row of a metric: measured and met as the table shows them. */
async function figures(page: Page, metric: string) {
  const row = page.locator(
    `[data-testid="sla-figures"] [data-testid="figures-row"][data-metric="${metric}"][data-priority="all"]`,
  );
  return { measured: Number(await row.getAttribute("data-measured")), met: Number(await row.getAttribute("data-met")) };
}

describe("SLA dashboard", () => {
  it("admins read and freeze a month, client admins read their statement and CSV, and nothing of another client", async () => {
    const clients = (await api("GET", "/v1/clients")).items as { id: string; slug: string }[];
    const acme = clients.find((c) => c.slug === "acme")!.id;
    const globex = clients.find((c) => c.slug === "globex")!.id;
    await api("PATCH", `/v1/clients/${acme}`, { name: NAME });
    const last = monthOf(-1);

    const admin = await demoLogin(env, "admin@northwind.example", { allow: [400, 409] });
    await admin.page.click('[data-testid="sla-report-ACME"]');
    await admin.page.waitForSelector('[data-testid="sla-report"]');
    await admin.page.click('[data-testid="sla-month-prev"]');
    await admin.page.waitForURL(new RegExp(`month=${last}`));
    await admin.page.waitForSelector('[data-testid="sla-figures"] [data-testid="figures-row"]');
    // Months of worked tickets: last month's first replies are measured, most of them met.
    const firstReply = await figures(admin.page, "first_reply");
    expect(firstReply.measured).toBeGreaterThanOrEqual(4);
    expect(firstReply.met).toBeGreaterThan(firstReply.measured / 2);
    await expect(admin.page.locator('[data-testid="sla-formula"]').innerText()).resolves.toContain(
      "met ÷ (met + breached)",
    );
    const trend = admin.page.locator('[data-testid="compliance-chart-first_reply"] [data-testid="chart-bar"]');
    expect(await trend.count()).toBe(6);
    // The history goes three months back: the months before it measured nothing ("—").
    expect(Number(await trend.locator(`xpath=self::*[@data-key="${last}"]`).getAttribute("data-value"))).toBe(
      Math.round((firstReply.met / firstReply.measured) * 10000) / 100,
    );
    expect(await trend.first().getAttribute("data-value")).toBe("");
    await admin.page.waitForSelector('[data-testid="sla-breaches-chart"]');
    await shot(admin.page, "sla-dashboard");

    await admin.page.fill('[data-testid="freeze-month"]', last);
    await admin.page.click('[data-testid="freeze-submit"]');
    await admin.page.waitForSelector('[data-testid="freeze-done"]');
    await admin.page.waitForSelector(`[data-testid="statement-item"][data-month="${last}"]`);
    await admin.page.click('[data-testid="freeze-submit"]');
    await admin.page.waitForSelector('[data-testid="freeze-problem"][data-status="409"]');
    await admin.page.fill('[data-testid="freeze-month"]', monthOf(0));
    await admin.page.click('[data-testid="freeze-submit"]');
    const early = admin.page.locator('[data-testid="freeze-problem"][data-status="400"]');
    await early.waitFor();
    expect(await early.innerText()).toContain("not over yet");

    await admin.page.click('[data-testid="view-sla-overview"]');
    await admin.page.waitForSelector('[data-testid="sla-overview-table"]');
    expect(await admin.page.locator('[data-testid="overview-client"]').count()).toBe(3);
    await shot(admin.page, "sla-overview");
    expect(admin.errors).toEqual([]);

    const client = await demoLogin(env, "ops@acme.example");
    const nav = client.page.locator("nav");
    expect(await nav.locator('[data-testid="sla-report-GLOBEX"]').count()).toBe(0);
    await client.page.click('[data-testid="sla-report-ACME"]');
    await client.page.waitForSelector('[data-testid="sla-report"]');
    // Client admins read statements; only provider admins freeze.
    expect(await client.page.locator('[data-testid="freeze-submit"]').count()).toBe(0);
    await client.page.click(`[data-testid="statement-item"][data-month="${last}"] [data-testid="statement-link"]`);
    await client.page.waitForSelector('[data-testid="sla-statement"]');
    const title = client.page.locator('[data-testid="statement-title"]');
    expect(await title.innerText()).toContain(NAME);
    expect(await title.locator("b").count()).toBe(0);
    expect(await client.page.locator('[data-testid="statement-calendars"]').innerText()).toContain("Acme 24×7");
    expect(
      await client.page.locator('[data-testid="statement-figures"] [data-testid="figures-row"]').count(),
    ).toBeGreaterThan(0);
    await shot(client.page, "sla-statement");
    const [download] = await Promise.all([
      client.page.waitForEvent("download"),
      client.page.click('[data-testid="statement-csv"]'),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv).toContain('"first_reply","all"');
    expect(csv).toContain(`"${last}"`);

    for (const path of [`/clients/${globex}/sla-report`, `/clients/${globex}/sla-report/statements/${last}`]) {
      await client.page.goto(`${env.stack.url}${path}`);
      await client.page.waitForSelector('[data-testid="not-found"]');
    }
    expect(client.errors).toEqual([]);
  });
});
