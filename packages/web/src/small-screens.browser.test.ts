import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@outdesk/local/paths";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { browserStack, demoLogin, demoToken } from "../../../test/browser";

/**
 * The console on a phone (390×844) and a small laptop (1024×768), with a ticket whose subject
 * and body are long unbroken strings: no screen scrolls sideways or pushes a panel off-screen;
 * on the phone the sidebar is a drawer behind the menu button and the ticket screen stacks; on
 * the laptop the conversation keeps most of the width.
 */
const env = browserStack("small-screens");
const screens = join(repoRoot, "test-results/screens");
beforeAll(() => mkdirSync(screens, { recursive: true }));

const SUBJECT = "x".repeat(250); // the API's longest subject
const BODY = `See ${"y".repeat(300)} and reply.`;
const ids = { acme: "", ticket: "" };

beforeAll(async () => {
  const token = await demoToken(env, "admin@northwind.example");
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${env.stack.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const clients = await call<{ items: { id: string; ticketPrefix: string }[] }>("GET", "/v1/clients?limit=100");
  ids.acme = clients.items.find((c) => c.ticketPrefix === "ACME")!.id;
  ids.ticket = (
    await call<{ id: string }>("POST", "/v1/tickets", {
      clientId: ids.acme,
      subject: SUBJECT,
      body: BODY,
      requester: { email: `${"z".repeat(60)}@customer.example`, name: "W".repeat(80) },
      tags: ["t".repeat(40)],
    })
  ).id;
}, 60_000);

async function visit(page: Page, path: string) {
  await page.goto(`${env.stack.url}${path}`);
  await page.waitForSelector("main h1, main [role=alert]", { timeout: 45_000 });
  await page.waitForFunction(() => document.querySelectorAll(".spinner").length === 0, null, { timeout: 45_000 });
}

/** How far the page and the main panel reach past the viewport's right edge (0 when they fit). */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const main = document.querySelector("main")!.getBoundingClientRect();
    // The outermost elements past the edge, to say what pushes.
    const past = [...document.querySelectorAll("main *")]
      .filter((el) => el.getBoundingClientRect().right > Math.min(window.innerWidth, main.right) + 1)
      .filter(
        (el) =>
          !(
            el.parentElement &&
            el.parentElement.getBoundingClientRect().right > Math.min(window.innerWidth, main.right) + 1
          ),
      )
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
    const content = document.querySelector("main")!;
    return {
      page: document.documentElement.scrollWidth - window.innerWidth,
      // The main panel scrolls on its own: sideways it must not (what is past its edge is cut off).
      main: Math.max(0, Math.round(main.right - window.innerWidth), content.scrollWidth - content.clientWidth),
      past,
    };
  });

const mainScreens = () => ({
  queue: `/tickets?view=client&clientId=${ids.acme}&status=new`,
  mine: "/tickets?view=mine",
  ticket: `/clients/${ids.acme}/tickets/${ids.ticket}`,
  newTicket: "/new",
  clients: "/admin/clients",
  people: "/admin/users",
  slaReport: `/clients/${ids.acme}/sla-report`,
  billing: `/clients/${ids.acme}/billing`,
  billingStatement: `/clients/${ids.acme}/contract`,
});

describe("small screens", () => {
  for (const [width, height] of [
    [390, 844],
    [1024, 768],
  ] as const) {
    it(`has no sideways scrolling at ${width}×${height}`, async () => {
      const { page, errors } = await demoLogin(env, "admin@northwind.example", { allow: [400] });
      await page.setViewportSize({ width, height });
      const wide: string[] = [];
      for (const [name, path] of Object.entries(mainScreens())) {
        await visit(page, path);
        const reach = await overflow(page);
        if (reach.page > 0 || reach.main > 0) {
          wide.push(`${name}: page +${reach.page}px, main +${reach.main}px (${reach.past.join(", ")})`);
        }
        await page.screenshot({ path: join(screens, `small-${width}-${name}.png`) });
      }
      expect(wide).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    }, 120_000);
  }

  it("puts the sidebar behind a menu button on a phone and stacks the ticket screen", async () => {
    const { page } = await demoLogin(env, "admin@northwind.example");
    await page.setViewportSize({ width: 390, height: 844 });
    await visit(page, mainScreens().ticket);
    const sidebar = page.locator("#sidebar");
    const menu = page.getByRole("button", { name: "Menu" });
    expect(await sidebar.isVisible()).toBe(false);
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    await menu.click();
    expect(await sidebar.isVisible()).toBe(true);
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await page.screenshot({ path: join(screens, "small-390-menu.png") });
    // Going somewhere closes the drawer.
    await page.click('[data-testid="view-mine"]');
    await page.waitForSelector('[data-testid="queue-title"]');
    expect(await sidebar.isVisible()).toBe(false);

    await visit(page, mainScreens().ticket);
    const thread = await page.locator(".thread").boundingBox();
    const panel = await page.locator('aside[aria-label="Ticket properties"]').boundingBox();
    expect(panel!.y).toBeGreaterThanOrEqual(thread!.y + thread!.height - 1);
    expect(thread!.width).toBeGreaterThan(390 - 40);
    // The long subject wraps inside the screen.
    const subject = await page.locator('[data-testid="ticket-subject"]').boundingBox();
    expect(subject!.x + subject!.width).toBeLessThanOrEqual(390);
    await page.context().close();
  }, 60_000);

  it("gives the conversation most of the width at 1024 px", async () => {
    const { page } = await demoLogin(env, "admin@northwind.example");
    await page.setViewportSize({ width: 1024, height: 768 });
    await visit(page, mainScreens().ticket);
    expect(await page.locator("#sidebar").isVisible()).toBe(true);
    const thread = await page.locator(".thread").boundingBox();
    const panel = await page.locator('aside[aria-label="Ticket properties"]').boundingBox();
    expect(thread!.width / 1024).toBeGreaterThanOrEqual(0.5);
    expect(thread!.width).toBeGreaterThan(2 * panel!.width);
    // Side by side, not stacked.
    expect(Math.abs(panel!.y - thread!.y)).toBeLessThan(40);
    await page.context().close();
  }, 60_000);
});
