import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserStack } from "../../../test/browser";

/**
 * The console and the API reference under the local server's Content-Security-Policy, in
 * Chromium: they load and work with no violation reported, and an injected inline script is refused.
 */
const env = browserStack("headers");

/** A page that records CSP violations (the DOM event and Chromium's console errors). */
async function watchedPage(): Promise<{ page: Page; problems: () => Promise<string[]> }> {
  const page = await (await env.browser.newContext()).newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    // The console's first request tries to restore a session from the refresh cookie; without
    // one that is an expected 401, which Chromium reports as a failed load.
    const restore = message.location().url.endsWith("/v1/auth/refresh") && /status of 401/.test(message.text());
    if (message.type() === "error" && !restore) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  // Runs through the DevTools protocol, which the page's CSP does not govern.
  await page.addInitScript(`
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__violations.push(e.violatedDirective + " " + e.blockedURI));
  `);
  const problems = async () => [...errors, ...((await page.evaluate("window.__violations")) as string[])];
  return { page, problems };
}

describe("the console under its Content-Security-Policy", () => {
  it("logs in and opens a ticket with no CSP violation, and refuses an injected inline script", async () => {
    const { page, problems } = await watchedPage();
    const response = await page.goto(`${env.stack.url}/`);
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await page.fill('input[name="provider"]', "northwind");
    await page.fill('input[name="email"]', "maya@northwind.example");
    await page.fill('input[name="password"]', "outdesk-demo");
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="ticket-row"]');
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="ticket-subject"]');
    await page.waitForLoadState("networkidle");
    expect(await problems()).toEqual([]);

    // What an XSS would try: an inline script added to the page. The CSP must stop it.
    await page.evaluate(`
      const script = document.createElement("script");
      script.textContent = "window.__injected = true";
      document.body.append(script);
    `);
    await page.waitForTimeout(200);
    expect(await page.evaluate("window.__injected === true")).toBe(false);
    expect((await problems()).some((problem) => problem.includes("script-src"))).toBe(true);
  }, 60_000);

  it("renders the API reference (Swagger UI from /api-docs/) with no CSP violation", async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${env.stack.url}/v1/docs`);
    await page.waitForSelector(".swagger-ui .opblock", { timeout: 20_000 });
    expect(await problems()).toEqual([]);
  }, 60_000);
});
