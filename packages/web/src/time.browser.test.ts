import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@outdesk/local/paths";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { browserStack, demoLogin, demoRequest, demoToken } from "../../../test/browser";

/**
 * Time in Chromium on the demo stack: Maya (agent) runs the stopwatch on an Acme ticket through
 * a reload and a visit to another ticket, saves its entry, logs one by hand (a too-long entry and
 * one in a locked month are refused at their fields, keeping what was typed), the provider admin
 * approves one on the ticket and the other from Maya's timesheet (rounded by the contract), and
 * Maya's timesheet shows the minutes on the entries' days under Acme. The KPI pack (this month
 * and the one before) and the provider-wide KPIs show the API's figures and definitions. Acme's
 * client admin sees no time at all and only Acme's KPI pack. A note with markup stays text.
 */
const env = browserStack("time");
const screens = join(repoRoot, "test-results/screens");
beforeAll(() => mkdirSync(screens, { recursive: true }));
const shot = (page: Page, name: string) => page.screenshot({ path: join(screens, `${name}.png`), fullPage: true });

async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, as = "admin") {
  const accessToken = await demoToken(env, `${as}@northwind.example`);
  return demoRequest<T>(env, accessToken, method, path, body);
}

const NOTE = "Called <b>Tom</b> back <img src=x onerror=alert(1)>";
const pad = (n: number) => String(n).padStart(2, "0");
/** A `datetime-local` value in the browser's zone (the test's own, as the stack runs on this machine). */
const localInput = (at: Date) =>
  `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
const dayIn = (timeZone: string, at: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(at),
  );
const mondayOf = (date: string) => {
  const at = new Date(`${date}T00:00:00Z`);
  return new Date(at.getTime() - ((at.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
};
const lastMonth = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)).toISOString().slice(0, 7);
};

type ClientKpis = {
  ticketsIn: number;
  ticketsSolved: number;
  ticketsReopened: number;
  backlog: { total: number; buckets: { count: number }[] };
  firstContactResolution: { percent: number | null };
  averageHandleMinutes: number | null;
  handledMinutes: number;
  slaCompliance: { metric: string; met: number; breached: number; percent: number | null }[];
  definitions: Record<string, string>;
};
type ProviderKpis = {
  agents: { agentId: string; workedMinutes: number; billableMinutes: number; utilisationPercent: number | null }[];
  clients: { clientId: string; total: number; status: string; currency: string | null }[];
};

interface Entry {
  id: string;
  minutes: number;
  billedMinutes: number;
  billableMinutes: number;
  status: string;
  startedAt: string;
  date: string;
  agent: { id: string };
}

type Ticket = { id: string; key: string };
/** What the steps hand on: the ticket worked on, Maya's session and her two entries. */
const state = {} as {
  acme: { id: string; timeZone: string };
  ticket: Ticket;
  ticketUrl: string;
  agent: Awaited<ReturnType<typeof demoLogin>>;
  watched: Entry;
  typed: Entry;
  mayaId: string;
  invoicedId: string;
};

describe("time tracking in the console", () => {
  it("an agent runs the stopwatch through a reload, saves its entry, logs one by hand (bad input refused at its field), corrects and deletes drafts", async () => {
    const clients = (await api<{ items: { id: string; slug: string; timeZone: string }[] }>("GET", "/v1/clients"))
      .items;
    const acme = clients.find((c) => c.slug === "acme")!;
    state.acme = acme;
    const tickets: { id: string; key: string }[] = [];
    for (const status of ["new", "open"])
      tickets.push(
        ...(
          await api<{ items: { id: string; key: string }[] }>(
            "GET",
            `/v1/tickets?view=client&clientId=${acme.id}&status=${status}&limit=5`,
          )
        ).items,
      );
    expect(tickets.length).toBeGreaterThanOrEqual(2);
    const [ticket, other] = tickets as [{ id: string; key: string }, { id: string; key: string }];
    const ticketUrl = `${env.stack.url}/clients/${acme.id}/tickets/${ticket.id}`;
    Object.assign(state, { ticket, ticketUrl });
    // Acme's contract rounds approved time up to 15 minutes; last month is locked.
    const month = lastMonth();
    await api("POST", `/v1/clients/${acme.id}/contract/versions`, {
      effectiveFrom: month,
      terms: {
        name: "Acme desk",
        currency: "USD",
        components: [{ kind: "fixed_fee", name: "Platform", amount: 100_000 }],
        rounding: { incrementMinutes: 15, minimumMinutes: 15 },
      },
    });
    // Maya's approved time of last month is invoiced once the month is locked.
    const entriesApi = `/v1/clients/${acme.id}/tickets/${ticket.id}/time-entries`;
    const old = await api<Entry & { version: number }>(
      "POST",
      entriesApi,
      { minutes: 30, startedAt: `${month}-15T15:00:00Z`, workType: "admin", billing: "billable" },
      "maya",
    );
    await api("POST", `${entriesApi}/${old.id}/approve`, { version: old.version });
    await api("POST", `/v1/clients/${acme.id}/billing-statements`, { month });
    state.invoicedId = old.id;

    const agent = await demoLogin(env, "maya@northwind.example", { allow: [400] });
    state.agent = agent;
    const page = agent.page;
    await page.goto(ticketUrl);
    const watch = page.locator('[data-testid="stopwatch"]');
    await watch.waitFor();
    // The ticket page lists it as approved; the panel asks the list route, which knows the lock.
    const invoiced = page.locator(`[data-testid="time-entry"][data-entry-id="${old.id}"][data-status="invoiced"]`);
    await invoiced.waitFor();
    expect(await invoiced.locator("button").count()).toBe(0);
    expect(await watch.getAttribute("data-state")).toBe("idle");
    await page.click('[data-testid="stopwatch-start"]');
    await page.waitForSelector('[data-testid="stopwatch"][data-state="running"]');
    await page.waitForTimeout(1500);
    await page.reload();
    await page.waitForSelector('[data-testid="stopwatch"][data-state="running"]');
    expect(await page.locator('[data-testid="stopwatch-clock"]').innerText()).not.toBe("0:00:00");
    // Another ticket has its own stopwatch, and names the one still running.
    await page.goto(`${env.stack.url}/clients/${acme.id}/tickets/${other.id}`);
    await page.waitForSelector('[data-testid="stopwatch"][data-state="idle"]');
    expect(await page.locator('[data-testid="stopwatch-others"]').innerText()).toContain(ticket.key);
    await page.goBack();
    await page.waitForSelector('[data-testid="stopwatch"][data-state="running"]');

    await page.click('[data-testid="stopwatch-stop"]');
    const form = page.locator('[data-testid="time-form"]');
    await form.waitFor();
    expect(await form.locator('[data-testid="time-minutes"]').inputValue()).toBe("1");
    expect(await form.locator('[data-testid="time-started-at"]').inputValue()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    await form.locator('[data-testid="time-work-type"]').selectOption("research");
    await page.click('[data-testid="time-save"]');
    await page.waitForSelector('[data-testid="time-entry"][data-status="draft"][data-minutes="1"]');
    await page.waitForSelector('[data-testid="stopwatch"][data-state="idle"]');

    // By hand: too long an entry, then one in the locked month, each refused at its field.
    const started = new Date(Date.now() - 50 * 60_000);
    await page.click('[data-testid="time-add"]');
    await form.locator('[data-testid="time-work-type"]').selectOption("call");
    await form.locator('[data-testid="time-minutes"]').fill("2000");
    await form.locator('[data-testid="time-billing"]').selectOption("billable");
    await form.locator('[data-testid="time-note"]').fill(NOTE);
    await page.click('[data-testid="time-save"]');
    const tooLong = form.locator('[data-testid="field-issue"][data-path="minutes"]');
    await tooLong.waitFor();
    expect(await tooLong.innerText()).toContain("at most a day");
    expect(await form.locator('[data-testid="time-note"]').inputValue()).toBe(NOTE);
    await form.locator('[data-testid="time-minutes"]').fill("45");
    // 30 of the 45 minutes worked are billable.
    await form.locator('[data-testid="time-billable-input"]').fill("30");
    await form.locator('[data-testid="time-started-at"]').fill(`${month}-15T10:00`);
    await page.click('[data-testid="time-save"]');
    const locked = form.locator('[data-testid="field-issue"][data-path="startedAt"]');
    await locked.waitFor();
    expect(await locked.innerText()).toContain(`${month} is locked for billing`);
    expect(await form.locator('[data-testid="time-problem"]').innerText()).toMatch(/^Started at: /);
    await shot(page, "time-entry-error");
    await form.locator('[data-testid="time-started-at"]').fill(localInput(started));
    await page.click('[data-testid="time-save"]');
    const manual = page.locator('[data-testid="time-entry"][data-minutes="45"]');
    await manual.waitFor();
    expect(await manual.getAttribute("data-status")).toBe("draft");
    const note = manual.locator('[data-testid="time-entry-note"]');
    expect(await note.innerText()).toBe(NOTE);
    expect(await note.locator("b, img").count()).toBe(0);
    // A draft is corrected in the same form, prefilled; deleting one asks first.
    await manual.locator('[data-testid="time-edit"]').click();
    expect(await form.locator('[data-testid="time-minutes"]').inputValue()).toBe("45");
    expect(await form.locator('[data-testid="time-billable-input"]').inputValue()).toBe("30");
    expect(await form.locator('[data-testid="time-started-at"]').inputValue()).toBe(localInput(started));
    await form.locator('[data-testid="time-work-type"]').selectOption("chat");
    await page.click('[data-testid="time-save"]');
    await form.waitFor({ state: "detached" });
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="time-entry"][data-minutes="45"]')].some((el) =>
        el.textContent?.includes("Chat"),
      ),
    );
    await page.click('[data-testid="time-add"]');
    await form.locator('[data-testid="time-minutes"]').fill("5");
    await page.click('[data-testid="time-save"]');
    const extra = page.locator('[data-testid="time-entry"][data-minutes="5"]');
    await extra.locator('[data-testid="time-delete"]').click();
    await extra.locator('[data-testid="time-delete-confirm"]').click();
    await extra.waitFor({ state: "detached" });
    await shot(page, "time-ticket");
    expect(agent.errors).toEqual([]);

    const entries = (await api<{ items: Entry[] }>("GET", `/v1/clients/${acme.id}/tickets/${ticket.id}/time-entries`))
      .items;
    expect(
      entries
        .filter((e) => e.id !== old.id)
        .map((e) => e.minutes)
        .sort((a, b) => a - b),
    ).toEqual([1, 45]);
    const watched = entries.find((e) => e.minutes === 1)!;
    const typed = entries.find((e) => e.minutes === 45)!;
    expect(typed.billableMinutes).toBe(30);
    // The time typed is the viewer's: it reached the API as that instant.
    expect(Date.parse(typed.startedAt)).toBe(Math.floor(started.getTime() / 60_000) * 60_000);
    Object.assign(state, { watched, typed });
  }, 120_000);

  it("a provider admin approves one entry on the ticket and the other from the agent's timesheet", async () => {
    const { ticketUrl, typed, watched } = state;

    // The provider admin approves the typed entry on the ticket, the other from Maya's timesheet.
    const admin = await demoLogin(env, "admin@northwind.example");
    await admin.page.goto(ticketUrl);
    const row = admin.page.locator(`[data-testid="time-entry"][data-entry-id="${typed.id}"]`);
    await row.locator('[data-testid="time-approve"]').click();
    await admin.page.waitForSelector(`[data-testid="time-entry"][data-entry-id="${typed.id}"][data-status="approved"]`);
    expect(await row.innerText()).toContain("30 min billed");
    // An invoiced entry is final: not even a provider admin reopens it.
    const invoiced = admin.page.locator(
      `[data-testid="time-entry"][data-entry-id="${state.invoicedId}"][data-status="invoiced"]`,
    );
    await invoiced.waitFor();
    expect(await invoiced.locator('[data-testid="time-reopen"]').count()).toBe(0);
    const maya = (await api<{ items: { id: string; email: string }[] }>("GET", "/v1/users?limit=100")).items.find(
      (u) => u.email === "maya@northwind.example",
    )!;
    state.mayaId = maya.id;
    const week = mondayOf(watched.date);
    await admin.page.click('[data-testid="view-timesheet"]');
    await admin.page.waitForSelector('[data-testid="timesheet"]');
    await admin.page.selectOption('[data-testid="timesheet-agent"]', maya.id);
    await admin.page.waitForURL(new RegExp(`agent=${maya.id}`));
    await admin.page.goto(`${env.stack.url}/timesheet?week=${week}&agent=${maya.id}`);
    const draft = admin.page.locator(`[data-testid="timesheet-entry"][data-entry-id="${watched.id}"]`);
    await draft.locator('[data-testid="timesheet-approve"]').click();
    await admin.page.waitForSelector(
      `[data-testid="timesheet-entry"][data-entry-id="${watched.id}"][data-status="approved"]`,
    );
    expect(admin.errors).toEqual([]);
  }, 120_000);

  it("the agent's timesheet shows the minutes on the entries' days under the client, as the API counts them", async () => {
    const { acme, ticket, watched, typed, agent } = state;
    const { page } = agent;
    const maya = { id: state.mayaId };
    const week = mondayOf(watched.date);

    // Maya's week: each entry's minutes on its day in Acme's zone, under Acme; billable as rounded.
    await page.click('[data-testid="view-timesheet"]');
    await page.waitForSelector('[data-testid="timesheet"]');
    await page.goto(`${env.stack.url}/timesheet?week=${week}`);
    const grid = page.locator(`[data-testid="timesheet-grid"][data-week="${week}"]`);
    await grid.waitFor();
    const expected = new Map<string, { worked: number; billable: number }>();
    for (const [entry, billed] of [
      [watched, 15],
      [typed, 30],
    ] as const) {
      const day = dayIn(acme.timeZone, entry.startedAt);
      if (mondayOf(day) !== week) continue;
      const sum = expected.get(day) ?? { worked: 0, billable: 0 };
      expected.set(day, { worked: sum.worked + entry.minutes, billable: sum.billable + billed });
    }
    expect(expected.size).toBeGreaterThan(0);
    // The ticket's row: exactly these two entries; Acme's row and the week: the API's totals.
    const ticketRow = grid.locator(`[data-testid="timesheet-ticket-row"][data-ticket-key="${ticket.key}"]`);
    for (const [day, sum] of expected) {
      const cell = ticketRow.locator(`[data-testid="timesheet-cell"][data-date="${day}"]`);
      expect(Number(await cell.getAttribute("data-minutes"))).toBe(sum.worked);
      expect(Number(await cell.getAttribute("data-billable"))).toBe(sum.billable);
    }
    const sheet = await api<{
      clients: { clientId: string; minutes: number; byDay: Record<string, number> }[];
      minutes: number;
    }>("GET", `/v1/timesheets/${maya.id}?week=${week}`);
    const acmeRow = grid.locator(`[data-testid="timesheet-client-row"][data-client-id="${acme.id}"]`);
    const acmeSheet = sheet.clients.find((c) => c.clientId === acme.id)!;
    for (const [day, minutes] of Object.entries(acmeSheet.byDay)) {
      const cell = acmeRow.locator(`[data-testid="timesheet-cell"][data-date="${day}"]`);
      expect(Number(await cell.getAttribute("data-minutes"))).toBe(minutes);
    }
    expect(Number(await acmeRow.locator('[data-testid="timesheet-row-worked"]').getAttribute("data-minutes"))).toBe(
      acmeSheet.minutes,
    );
    expect(
      Number(await grid.locator('[data-testid="timesheet-total-worked"] td[colspan]').getAttribute("data-minutes")),
    ).toBe(sheet.minutes);
    await shot(page, "time-timesheet");
    await page.click('[data-testid="timesheet-next"]');
    await page.waitForURL(
      new RegExp(`week=${new Date(Date.parse(`${week}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10)}`),
    );
    await page.click('[data-testid="timesheet-prev"]');
    await page.waitForURL(new RegExp(`week=${week}`));
    await grid.waitFor();
    expect(agent.errors).toEqual([]);
  }, 120_000);

  it("the client KPI pack and the provider-wide KPIs show the API's figures, with their definitions", async () => {
    const { acme } = state;
    const { page, errors } = await demoLogin(env, "admin@northwind.example");
    await page.click('[data-testid="kpi-ACME"]');
    const pack = page.locator('[data-testid="kpi-pack"][data-month]:not([data-month=""])');
    await pack.waitFor();
    for (const step of ["now", "previous"] as const) {
      if (step === "previous") {
        const before = await pack.getAttribute("data-month");
        await page.click('[data-testid="sla-month-prev"]');
        await page.waitForSelector(
          `[data-testid="kpi-pack"][data-month]:not([data-month=""]):not([data-month="${before}"])`,
        );
      }
      const month = (await pack.getAttribute("data-month"))!;
      expect(page.url()).toContain(step === "now" ? `/clients/${acme.id}/kpis` : `month=${month}`);
      const kpis = await api<ClientKpis>("GET", `/v1/clients/${acme.id}/kpis?month=${month}`);
      const figure = async (kpi: string) => {
        const value = await page.locator(`[data-testid="kpi-${kpi}"]`).getAttribute("data-value");
        return value === "" ? null : Number(value);
      };
      expect(await figure("ticketsIn")).toBe(kpis.ticketsIn);
      expect(await figure("ticketsSolved")).toBe(kpis.ticketsSolved);
      expect(await figure("ticketsReopened")).toBe(kpis.ticketsReopened);
      expect(await figure("firstContactResolution")).toBe(kpis.firstContactResolution.percent);
      expect(await figure("averageHandleMinutes")).toBe(kpis.averageHandleMinutes);
      expect(await figure("backlog")).toBe(kpis.backlog.total);
      const bars = page.locator('[data-testid="kpi-backlog-chart"] [data-testid="chart-bar"]');
      expect(await bars.evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-value"))))).toEqual(
        kpis.backlog.buckets.map((b) => b.count),
      );
      const rows = page.locator('[data-testid="kpi-sla-row"]');
      expect(
        await rows.evaluateAll((els) =>
          els.map((el) => ({
            metric: el.getAttribute("data-metric"),
            met: Number(el.getAttribute("data-met")),
            breached: Number(el.getAttribute("data-breached")),
            percent: el.getAttribute("data-percent") === "" ? null : Number(el.getAttribute("data-percent")),
          })),
        ),
      ).toEqual(kpis.slaCompliance.map(({ metric, met, breached, percent }) => ({ metric, met, breached, percent })));
      for (const [kpi, text] of Object.entries(kpis.definitions))
        expect(await page.locator(`[data-testid="kpi-definitions"] [data-kpi="${kpi}"] dd`).innerText()).toBe(text);
      if (step === "now") {
        // This month holds Maya's approved time: 46 minutes handled.
        expect(kpis.handledMinutes).toBeGreaterThanOrEqual(46);
        await shot(page, "time-kpi-pack");
      }
    }

    await page.click('[data-testid="view-kpis"]');
    const overview = page.locator('[data-testid="kpi-overview"][data-month]:not([data-month=""])');
    await overview.waitFor();
    const month = (await overview.getAttribute("data-month"))!;
    const kpis = await api<ProviderKpis>("GET", `/v1/kpis?month=${month}`);
    for (const agent of kpis.agents) {
      const row = page.locator(`[data-testid="kpi-agent-row"][data-agent-id="${agent.agentId}"]`);
      expect(Number(await row.getAttribute("data-worked"))).toBe(agent.workedMinutes);
      expect(Number(await row.getAttribute("data-billable"))).toBe(agent.billableMinutes);
      expect(await row.getAttribute("data-utilisation")).toBe(String(agent.utilisationPercent ?? ""));
    }
    expect(kpis.agents.find((a) => a.agentId === state.mayaId)!.workedMinutes).toBeGreaterThanOrEqual(46);
    for (const client of kpis.clients) {
      const row = page.locator(`[data-testid="kpi-client-row"][data-client-id="${client.clientId}"]`);
      expect(Number(await row.getAttribute("data-total"))).toBe(client.total);
      expect(await row.getAttribute("data-status")).toBe(client.status);
    }
    // Acme's contract prices the month: its total is written in its currency.
    const acmeRevenue = kpis.clients.find((c) => c.clientId === acme.id)!;
    expect(acmeRevenue.currency).toBe("USD");
    expect(
      await page
        .locator(`[data-testid="kpi-client-row"][data-client-id="${acme.id}"] [data-testid="kpi-client-total"]`)
        .innerText(),
    ).toContain("$");
    await shot(page, "time-kpi-overview");
    expect(errors).toEqual([]);
  }, 120_000);

  it("a client admin sees the ticket without its time, no timesheet, and only their client's KPI pack", async () => {
    const { ticketUrl } = state;
    const client = await demoLogin(env, "ops@acme.example");
    await client.page.goto(ticketUrl);
    await client.page.waitForSelector('[data-testid="ticket-subject"]');
    expect(await client.page.locator('[data-testid="time-panel"]').count()).toBe(0);
    expect(await client.page.locator('[data-testid="view-timesheet"]').count()).toBe(0);
    // The KPI pack of their own client only, and no provider-wide KPIs.
    expect(await client.page.locator('[data-testid="view-kpis"]').count()).toBe(0);
    expect(await client.page.locator('[data-testid="kpi-GLOBEX"]').count()).toBe(0);
    await client.page.click('[data-testid="kpi-ACME"]');
    await client.page.waitForSelector('[data-testid="kpi-pack"] [data-testid="kpi-definitions"]');
    const globex = (await api<{ items: { id: string; slug: string }[] }>("GET", "/v1/clients")).items.find(
      (c) => c.slug === "globex",
    )!;
    for (const path of [`/clients/${globex.id}/kpis`, "/kpis"]) {
      await client.page.goto(`${env.stack.url}${path}`);
      await client.page.waitForSelector('[data-testid="not-found"]');
    }
    expect(client.errors).toEqual([]);
  }, 60_000);
});
