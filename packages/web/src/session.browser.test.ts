/// <reference lib="dom" />
import { describe, expect, it } from "vitest";
import { browserStack } from "../../../test/browser";

/** The console keeps no token where a script could read it, and a reload stays logged in (issue 8, item 6). */
const env = browserStack("session");

describe("console session", () => {
  it("holds the access token in memory and the refresh token in an HttpOnly cookie", async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.stack.url}/`);
    await page.fill('input[name="provider"]', "northwind");
    await page.fill('input[name="email"]', "maya@northwind.example");
    await page.fill('input[name="password"]', "outdesk-demo");
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="queue-title"]');

    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(storage).not.toMatch(/eyJ|odr_|token/i);
    expect(await page.evaluate(() => document.cookie)).not.toContain("outdesk_refresh");
    const [cookie] = (await context.cookies()).filter((c) => c.name === "outdesk_refresh");
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/v1/auth" });

    await page.reload();
    await page.waitForSelector('[data-testid="queue-title"]');
    expect(page.url()).not.toContain("/login");

    await page.click("text=Log out");
    await page.waitForSelector('input[name="provider"]');
    expect((await context.cookies()).filter((c) => c.name === "outdesk_refresh")).toHaveLength(0);
    await page.reload();
    await page.waitForSelector('input[name="provider"]');
    await context.close();
  });
});
