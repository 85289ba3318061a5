import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@outdesk/local/paths";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { type AxeViolation, describeViolations, seriousViolations } from "../../../test/axe";
import { browserStack, demoLogin, demoRequest, demoToken } from "../../../test/browser";

/**
 * axe-core on every screen of the console, as a provider admin, an agent and a client admin (and
 * the login and invitation pages before anyone signs in): no serious or critical violation. Each
 * screen is also checked for a title of its own, and the skip link leads to the main content.
 * Without the demo history no contract prices a month, so the billing statement answers 400 and
 * its screen shows that error: the refusal the admin and client tests allow; last month's SLA
 * statement is not frozen yet (404, its screen offers to freeze it).
 */
const env = browserStack("accessibility");
const screens = join(repoRoot, "test-results/screens");
beforeAll(() => mkdirSync(screens, { recursive: true }));

interface Ids {
  acme: string;
  globex: string;
  ticket: string;
  calendar: string;
  lastMonth: string;
  thisMonth: string;
}
const ids = {} as Ids;

async function api<T>(method: string, path: string, body?: unknown, as = "admin"): Promise<T> {
  const accessToken = await demoToken(env, `${as === "ops" ? "ops@acme" : `${as}@northwind`}.example`);
  return demoRequest<T>(env, accessToken, method, path, body);
}

beforeAll(async () => {
  const clients = await api<{ items: { id: string; ticketPrefix: string }[] }>("GET", "/v1/clients?limit=100");
  ids.acme = clients.items.find((c) => c.ticketPrefix === "ACME")!.id;
  ids.globex = clients.items.find((c) => c.ticketPrefix === "GLOBEX")?.id ?? clients.items[1]!.id;
  const ticket = await api<{ id: string }>("POST", "/v1/tickets", {
    clientId: ids.acme,
    subject: "Printer on floor 3 shows error E-42",
    body: "It started this morning.",
    requester: { email: "tom@customer.example", name: "Tom" },
    tags: ["printer"],
  });
  ids.ticket = ticket.id;
  const calendars = await api<{ items: { id: string }[] }>("GET", "/v1/calendars?limit=10");
  ids.calendar = calendars.items[0]!.id;
  const now = new Date();
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  ids.lastMonth = `${last.getUTCFullYear()}-${String(last.getUTCMonth() + 1).padStart(2, "0")}`;
  // The demo's contracts start this month (without the history): its statement is the live one.
  ids.thisMonth = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
}, 60_000);

/** Opens a console address and waits until its screen has drawn and stopped loading. */
async function visit(page: Page, path: string) {
  await page.goto(`${env.stack.url}${path}`);
  await page.waitForSelector("main h1, main [role=alert]", { timeout: 45_000 });
  await page.waitForFunction(() => document.querySelectorAll(".spinner").length === 0, null, { timeout: 45_000 });
  await page.waitForLoadState("networkidle");
}

/**
 * Form fields with no label of their own: axe takes a placeholder as a name, but a placeholder
 * goes away as soon as something is typed, so here every field needs a label, aria-label or
 * aria-labelledby.
 */
const unlabelledFields = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement>("input, select, textarea")]
      .filter((el) => el.type !== "hidden" && el.getClientRects().length > 0)
      .filter((el) => el.labels?.length === 0 && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
      .map((el) => `${el.tagName.toLowerCase()}[name=${el.name || "?"}][placeholder=${el.placeholder || ""}]`),
  );

/** What the page shows now: its serious violations and fields without a label, as lines. */
async function auditHere(page: Page, name: string): Promise<string[]> {
  await page.waitForFunction(() => document.querySelectorAll(".spinner").length === 0, null, { timeout: 45_000 });
  const found: string[] = [];
  const violations = await seriousViolations(page);
  if (violations.length > 0) found.push(describeViolations(name, violations));
  const unlabelled = await unlabelledFields(page);
  if (unlabelled.length > 0) found.push(`${name}: fields named only by a placeholder: ${unlabelled.join(", ")}`);
  return found;
}

/** Visits each screen and collects its violations and its title; fails with all of them listed. */
async function audit(page: Page, who: string, paths: Record<string, string>) {
  const found: string[] = [];
  const titles = new Map<string, string>();
  for (const [name, path] of Object.entries(paths)) {
    await visit(page, path);
    const violations: AxeViolation[] = await seriousViolations(page);
    if (violations.length > 0) found.push(describeViolations(`${who} ${name} (${path})`, violations));
    const unlabelled = await unlabelledFields(page);
    if (unlabelled.length > 0)
      found.push(`${who} ${name} (${path}): fields named only by a placeholder: ${unlabelled.join(", ")}`);
    titles.set(name, await page.title());
    await page.screenshot({ path: join(screens, `a11y-${who}-${name}.png`) });
  }
  expect(found.join("\n"), "serious or critical axe violations").toBe("");
  // Every screen says where you are in its title, and no two screens share one.
  for (const [name, title] of titles) expect(title, name).toMatch(/ · Outdesk$/);
  expect(new Set(titles.values()).size, [...titles].join("\n")).toBe(titles.size);
}

const ticketPath = () => `/clients/${ids.acme}/tickets/${ids.ticket}`;

describe("accessibility (axe-core, WCAG 2 A/AA)", () => {
  it("has no serious violation on the login and invitation pages", async () => {
    const page = await (await env.browser.newContext()).newPage();
    const found: string[] = [];
    await page.goto(`${env.stack.url}/login`);
    await page.waitForSelector('input[name="provider"]');
    found.push(describeViolations("login", await seriousViolations(page)));
    expect(await page.title()).toBe("Sign in · Outdesk");
    await page.goto(`${env.stack.url}/accept-invite?token=odi_nothing`);
    await page.waitForSelector('input[name="newPassword"]');
    found.push(describeViolations("accept-invite", await seriousViolations(page)));
    expect(found.join("")).toBe("");
    await page.context().close();
  });

  it("has none on any screen a provider admin sees", async () => {
    const { page, errors } = await demoLogin(env, "admin@northwind.example", { allow: [400, 404] });
    const acme = ids.acme;
    await audit(page, "admin", {
      mine: "/tickets?view=mine",
      unassigned: "/tickets?view=unassigned",
      allOpen: "/tickets?view=all&status=open",
      clientQueue: `/tickets?view=client&clientId=${acme}&status=open`,
      ticket: ticketPath(),
      newTicket: "/new",
      slaOverview: "/sla-report",
      slaReport: `/clients/${acme}/sla-report`,
      slaStatement: `/clients/${acme}/sla-report/statements/${ids.lastMonth}`,
      slaPolicies: `/clients/${acme}/sla`,
      timesheet: "/timesheet",
      kpis: "/kpis",
      clientKpis: `/clients/${acme}/kpis`,
      billing: `/clients/${acme}/billing`,
      billingStatement: `/clients/${acme}/billing/statements/${ids.thisMonth}`,
      contract: `/clients/${acme}/contract`,
      disputes: "/billing/disputes",
      calendars: "/admin/calendars",
      calendar: `/admin/calendars/${ids.calendar}`,
      clients: "/admin/clients",
      people: "/admin/users",
      search: "/search?q=printer",
      notFound: "/nowhere",
    });
    // The skip link is the first thing the keyboard reaches and moves focus to the content.
    await visit(page, "/admin/users");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("content");

    // Forms a click opens: a client's editor, its mail settings and SLA policies, a role editor.
    const opened: string[] = [];
    const check = async (name: string) => opened.push(...(await auditHere(page, `admin ${name}`)));
    await visit(page, "/admin/clients");
    const acmeRow = page.locator('[data-testid="client-row"][data-prefix="ACME"]');
    await acmeRow.getByRole("button", { name: "Edit" }).click();
    await page.locator("form.edit-client").waitFor();
    await check("client editor");
    await page.locator("form.edit-client").getByRole("button", { name: "Cancel" }).click();
    await acmeRow.getByRole("button", { name: "Mail" }).click();
    await page.locator('[data-testid="mail-settings"]').waitFor();
    await check("mail settings");
    await visit(page, "/admin/clients");
    await page.click('[data-testid="open-sla-ACME"]');
    await page.locator('[data-testid="client-sla-ACME"]').waitFor();
    await check("SLA policies editor");
    await visit(page, "/admin/users");
    await page
      .getByRole("button", { name: /^Change role and clients of / })
      .first()
      .click();
    await page.locator("form.edit-access").waitFor();
    await check("role editor");
    expect(opened.join("\n"), "violations in opened forms").toBe("");
    expect(errors).toEqual([]);
    await page.context().close();
  }, 400_000);

  it("has none on any screen an agent sees", async () => {
    const { page, errors } = await demoLogin(env, "maya@northwind.example");
    await audit(page, "agent", {
      mine: "/tickets?view=mine",
      clientQueue: `/tickets?view=client&clientId=${ids.acme}&status=open`,
      ticket: ticketPath(),
      newTicket: "/new",
      slaOverview: "/sla-report",
      slaReport: `/clients/${ids.acme}/sla-report`,
      slaPolicies: `/clients/${ids.acme}/sla`,
      timesheet: "/timesheet",
      clientKpis: `/clients/${ids.acme}/kpis`,
      search: "/search?q=printer",
    });
    // The queue's focused row is told to screen readers (aria-current), and the bulk bar that
    // ticking a row opens passes too.
    await visit(page, `/tickets?view=client&clientId=${ids.acme}&status=new`);
    await page.keyboard.press("j");
    await expect.poll(() => page.locator('tr[aria-current="true"]').count()).toBe(1);
    await page.locator('[data-testid="ticket-row"] input[type="checkbox"]').first().check();
    await page.locator(".bulk-bar").waitFor();
    expect(await auditHere(page, "agent bulk bar")).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 300_000);

  it("has none on any screen a client admin sees", async () => {
    const { page, errors } = await demoLogin(env, "ops@acme.example", { allow: [400] });
    await audit(page, "client", {
      queue: `/tickets?view=client&clientId=${ids.acme}&status=open`,
      ticket: ticketPath(),
      newTicket: "/new",
      slaReport: `/clients/${ids.acme}/sla-report`,
      slaPolicies: `/clients/${ids.acme}/sla`,
      kpis: `/clients/${ids.acme}/kpis`,
      billing: `/clients/${ids.acme}/billing`,
      billingStatement: `/clients/${ids.acme}/billing/statements/${ids.thisMonth}`,
      team: "/admin/users",
      search: "/search?q=printer",
    });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 300_000);
});
