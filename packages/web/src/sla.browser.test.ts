import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@outdesk/local/paths";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { browserStack, demoLogin, demoToken } from "../../../test/browser";

/**
 * Business calendars and SLA in Chromium against the local stack: the provider admin creates a
 * calendar, changes it (a new version, an API error shown at its field, an iCalendar import) and
 * puts a policy on it for Globex; the agent then sees the new ticket's countdown in the queue
 * (moving with the clock, red once overdue) and the SLA panel and events on the ticket.
 */
const env = browserStack("sla");
const screens = join(repoRoot, "test-results/screens");
beforeAll(() => mkdirSync(screens, { recursive: true }));
const shot = (page: Page, name: string) => page.screenshot({ path: join(screens, `${name}.png`), fullPage: true });

// Markup in a name must show as text, never become elements.
const CALENDAR = "Support <b>24×7</b> (browser test)";
const POLICY = "Fast first reply <img src=x onerror=alert(1)>";
const SUBJECT = `Printer on fire ${Date.now()}`;

const ICS = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//Outdesk test//EN",
  "BEGIN:VEVENT",
  "UID:1@outdesk.test",
  "DTSTART;VALUE=DATE:20310101",
  "DTEND;VALUE=DATE:20310102",
  "SUMMARY:New Year 2031",
  "END:VEVENT",
  "BEGIN:VEVENT",
  "UID:2@outdesk.test",
  "DTSTART;VALUE=DATE:20310107",
  "RRULE:FREQ=WEEKLY;BYDAY=TU",
  "SUMMARY:Weekly stand-up",
  "END:VEVENT",
  "END:VCALENDAR",
].join("\r\n");

describe("business calendars and SLA in the console", () => {
  it("a provider admin creates and versions a calendar, imports holidays and puts a policy on it", async () => {
    const { page, errors } = await demoLogin(env, "admin@northwind.example", { allow: [400, 409] });
    await page.click('[data-testid="admin-calendars"]');
    await page.waitForSelector('[data-testid="calendars-table"]');
    // The demo data's calendars are listed.
    expect(await page.textContent('[data-testid="calendars-table"]')).toContain("Globex office hours");

    await page.click('[data-testid="new-calendar"]');
    const form = page.locator('form[aria-label="New calendar"]');
    await form.locator('input[name="calendarName"]').fill(CALENDAR);
    await form.locator('input[name="timeZone"]').fill("Europe/London");
    await form.locator('[data-testid="always-open"]').check();
    await form.locator('[data-testid="add-holiday"]').click();
    const christmas = form.locator('[data-testid="holiday"]').first();
    await christmas.locator('input[aria-label="Holiday date"]').fill("2030-12-25");
    await christmas.locator('input[aria-label="Holiday name"]').fill("Christmas Day");
    await christmas.locator("label", { hasText: "every year" }).locator("input").check();
    await page.click('[data-testid="create-calendar"]');

    await page.waitForURL(/\/admin\/calendars\/cal_[0-9a-z]{26}$/);
    const name = page.locator('[data-testid="calendar-name"]');
    await name.waitFor();
    expect(await name.textContent()).toBe(CALENDAR);
    expect(await name.locator("b").count()).toBe(0);
    expect(await page.textContent('[data-testid="calendar-current"] [data-testid="schedule-hours"]')).toContain(
      "Open 24×7",
    );
    expect(await page.textContent('[data-testid="calendar-current"] [data-testid="schedule-holidays"]')).toContain(
      "Christmas Day",
    );
    expect(await page.locator('[data-testid="calendar-version"]').count()).toBe(1);

    // A new version: a partial holiday that ends before it starts is refused at its field.
    const change = page.locator('[data-testid="new-version"]');
    await change.locator('[data-testid="add-holiday"]').click();
    const eve = change.locator('[data-testid="holiday"]').nth(1);
    await eve.locator('input[aria-label="Holiday date"]').fill("2030-12-31");
    await eve.locator('input[aria-label="Holiday name"]').fill("New Year's Eve");
    await eve.locator("label", { hasText: "part of the day" }).locator("input").check();
    await eve.locator('input[aria-label="Closed from"]').fill("13:00");
    await eve.locator('input[aria-label="Closed until"]').fill("12:00");
    await change.locator('[data-testid="version-note"]').fill("Close early on New Year's Eve");
    await page.click('[data-testid="save-version"]');
    const issue = eve.locator('[data-testid="field-issue"][data-path="schedule.holidays.1.to"]');
    await issue.waitFor();
    expect(await issue.textContent()).toContain("must be after");
    await eve.locator('input[aria-label="Closed until"]').fill("24:00");
    await page.click('[data-testid="save-version"]');
    await expect.poll(() => page.locator('[data-testid="calendar-version"]').count()).toBe(2);
    const second = page.locator('[data-testid="calendar-version"]').nth(1);
    expect(await second.textContent()).toContain("Close early on New Year's Eve");
    expect(await second.getAttribute("data-state")).toBe("in force");
    expect(await page.textContent('[data-testid="calendar-current"]')).toContain("closed 13:00–24:00");

    // iCalendar: the all-day event is imported as version 3, the weekly rule is skipped and said so.
    await page.setInputFiles('[data-testid="ical-input"]', {
      name: "holidays.ics",
      mimeType: "text/calendar",
      buffer: Buffer.from(ICS),
    });
    const result = page.locator('[data-testid="ical-result"]');
    await result.waitFor();
    expect(await result.textContent()).toContain("imported 1 holiday as version 3");
    expect(await result.locator('[data-testid="ical-skipped"] li').allTextContents()).toEqual([
      expect.stringContaining("Weekly stand-up"),
    ]);
    await expect.poll(() => page.locator('[data-testid="calendar-version"]').count()).toBe(3);
    expect(await page.textContent('[data-testid="calendar-current"]')).toContain("New Year 2031");
    await name.scrollIntoViewIfNeeded();
    await shot(page, "sla-1-calendar");

    // Globex's policies, on the client's admin row: a new policy, moved first, on the new calendar.
    await page.click('[data-testid="admin-clients"]');
    await page.click('[data-testid="open-sla-GLOBEX"]');
    const panel = page.locator('[data-testid="client-sla-GLOBEX"]');
    await panel.locator('[data-testid="sla-policy"]').first().waitFor();
    expect(await panel.locator('[data-testid="sla-policy"]').count()).toBe(1);
    expect(await panel.locator('[data-testid="sla-fallback"]').textContent()).toContain("No policy matched");
    await panel.locator('[data-testid="add-policy"]').click();
    await panel.locator('[data-testid="sla-policy"]').nth(1).locator('[data-testid="policy-up"]').click();
    const policy = panel.locator('[data-testid="sla-policy"]').first();
    await policy.locator('[data-testid="policy-name"]').fill(POLICY);
    const firstReply = policy.locator('[data-testid="target-first_reply"]');
    await firstReply.locator('[data-testid="target-calendar"]').selectOption({ label: `\u2068${CALENDAR}\u2069` });
    for (const priority of ["low", "normal", "high", "urgent"])
      await firstReply.locator(`[data-testid="target-minutes-${priority}"]`).fill("42");
    await policy
      .locator('[data-testid="target-resolution"] [data-testid="target-calendar"]')
      .selectOption({ label: `\u2068${CALENDAR}\u2069` });
    // Warnings out of order: the API's refusal shows at the field.
    await policy.locator('[data-testid="policy-warnings"]').fill("90, 75");
    await panel.locator('[data-testid="save-policies"]').click();
    const warnings = policy.locator('[data-testid="field-issue"][data-path="policies.0.warnings"]');
    await warnings.waitFor();
    expect(await warnings.textContent()).toContain("increasing order");
    await policy.locator('[data-testid="policy-warnings"]').fill("75, 90");
    await panel.locator('[data-testid="save-policies"]').click();
    await panel.locator('[data-testid="sla-saved"]').waitFor();
    const saved = panel.locator('[data-testid="sla-policy"]');
    expect(await saved.count()).toBe(2);
    expect(await saved.first().locator('[data-testid="policy-name"]').inputValue()).toBe(POLICY);
    expect(await saved.nth(1).locator('[data-testid="policy-name"]').inputValue()).toBe("Office hours");
    await panel.scrollIntoViewIfNeeded();
    await shot(page, "sla-2-policies");
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("an agent sees the new ticket's countdown in the queue and its SLA on the ticket", async () => {
    const token = await demoToken(env, "maya@northwind.example");
    const clients = await fetch(`${env.stack.url}/v1/clients?limit=100&status=active`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.json() as Promise<{ items: { id: string; ticketPrefix: string }[] }>);
    const globex = clients.items.find((client) => client.ticketPrefix === "GLOBEX")!;
    const created = await fetch(`${env.stack.url}/v1/tickets`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        clientId: globex.id,
        subject: SUBJECT,
        body: "Smoke from tray 2.",
        requester: { name: "Dana", email: "dana@globex.example" },
        priority: "high",
        channel: "phone",
      }),
    });
    expect(created.status).toBe(201);

    // The page's clock is Playwright's: the countdown can be moved on without waiting.
    const { page, errors } = await demoLogin(env, "maya@northwind.example", {
      before: (p) => p.clock.install(),
      allow: [400, 409],
    });
    await page.click('[data-testid="view-GLOBEX-new"]');
    const row = page.locator('[data-testid="ticket-row"]', { hasText: SUBJECT });
    await row.waitFor();
    const badge = row.locator('[data-testid="sla-badge"][data-metric="first_reply"]');
    expect(await badge.textContent()).toMatch(/^First reply 4[12]m$/);
    expect(await badge.getAttribute("data-late")).toBe("false");
    expect(await row.locator('[data-testid="sla-badge"][data-metric="resolution"]').count()).toBe(1);
    await shot(page, "sla-3-queue");

    await page.clock.fastForward("10:00");
    await expect.poll(() => badge.textContent()).toMatch(/^First reply 3[12]m$/);
    await page.clock.fastForward("35:00");
    await expect.poll(() => badge.getAttribute("data-late")).toBe("true");
    expect(await badge.textContent()).toMatch(/^First reply overdue \dm$/);

    await row.locator("a").click();
    const panel = page.locator('[data-testid="sla-panel"]');
    await panel.waitFor();
    expect(await panel.locator('[data-testid="sla-policy"]').textContent()).toContain(POLICY);
    expect(await panel.locator("img").count()).toBe(0);
    const cycle = panel.locator('[data-testid="sla-cycle-first_reply"]');
    expect(await cycle.getAttribute("data-state")).toBe("running");
    expect(await cycle.textContent()).toContain("target 42m");
    expect(await cycle.locator('[data-testid="sla-cycle-left"]').textContent()).toMatch(/^overdue/);
    expect(await panel.locator('[data-testid="sla-cycle-resolution"]').count()).toBe(1);
    const event = page.locator('[data-testid="audit-trail"] [data-testid="sla-event"]').first();
    expect(await event.textContent()).toContain("SLA policy applied");
    expect(await event.textContent()).toContain("first reply: clock started");
    await shot(page, "sla-4-ticket");

    // A public reply stops the first-reply clock: met.
    await page.fill('[data-testid="composer-text"]', "We are on our way with an extinguisher.");
    await page.click('[data-testid="composer-send"]');
    // The reply, the ticket's refetch and the panel's render: seconds on a loaded machine.
    await expect.poll(() => cycle.getAttribute("data-state"), { timeout: 15_000 }).toBe("stopped");

    // Agents read the client's policies without editing them.
    await page.click('[data-testid="sla-GLOBEX"]');
    const policies = page.locator('[data-testid="sla-policies"]');
    await policies.locator('[data-testid="sla-policy"]').first().waitFor();
    expect(await policies.locator('[data-testid="sla-policy"]').first().textContent()).toContain(POLICY);
    expect(await policies.locator('[data-testid="save-policies"]').count()).toBe(0);
    expect(await policies.locator("input").count()).toBe(0);
    expect(await policies.locator('[data-testid="sla-fallback"]').textContent()).toContain("No policy matched");
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("a client admin reads their own client's policies, without the internal escalation ladder", async () => {
    const { page, errors } = await demoLogin(env, "ops@acme.example", { allow: [400, 409] });
    await page.click('[data-testid="sla-ACME"]');
    const policies = page.locator('[data-testid="sla-policies"]');
    await policies.locator('[data-testid="sla-policy"]').first().waitFor();
    const text = await policies.textContent();
    expect(text).toContain("Around the clock");
    expect(text).toContain("Acme 24×7");
    expect(text).not.toContain("escalation");
    expect(await policies.locator("input, button").count()).toBe(0);
    expect(await page.locator('[data-testid="sla-GLOBEX"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
