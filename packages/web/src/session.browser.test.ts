/// <reference lib="dom" />
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@outdesk/local/paths";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningStack, startStack } from "../../../test/stack";

/** The console keeps no token where a script could read it, and a reload stays logged in (issue 8, item 6). */
const CHROMIUM = "/usr/bin/chromium";
const dataDir = mkdtempSync(join(tmpdir(), "outdesk-session-"));
let stack: RunningStack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does this)`);
  if (!existsSync(join(repoRoot, "packages/web/dist/index.html")))
    throw new Error("build the console first: npm run build -w @outdesk/web");
  stack = await startStack(dataDir);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("console session", () => {
  it("holds the access token in memory and the refresh token in an HttpOnly cookie", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${stack.url}/`);
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
