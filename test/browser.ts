import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@outdesk/local/paths";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { type RunningStack, startStack } from "./stack";

const CHROMIUM = "/usr/bin/chromium";

/**
 * The browser tests' fixture: the local stack (the `npm start` entry, demo data included) on a
 * fresh data directory, and Debian's Chromium driven by playwright-core. Both are set in the
 * suite's beforeAll and stopped after it.
 */
export function browserStack(
  name: string,
  options: { history?: boolean } = {},
): { stack: RunningStack; browser: Browser } {
  const env = {} as Env;
  const dataDir = mkdtempSync(join(tmpdir(), `outdesk-${name}-`));
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does this)`);
    if (!existsSync(join(repoRoot, "packages/web/dist/index.html")))
      throw new Error("build the console first: npm run build -w @outdesk/web");
    env.stack = await startStack(dataDir, options);
    env.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  }, 240_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return env;
}

type Env = { stack: RunningStack; browser: Browser };

/** Logs in over the API (not through a page) as a demo user: for setting up what the console then shows. */
export async function demoToken(env: Env, email: string): Promise<string> {
  const response = await fetch(`${env.stack.url}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ provider: "northwind", email, password: "outdesk-demo" }),
  });
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** An API call with a demo user's token, as tests seed or check what the console shows; throws unless 2xx. */
export async function demoRequest<T>(env: Env, accessToken: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${env.stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<T>;
}

/**
 * Signs a demo user in through the login page, collecting console errors and page errors; a
 * refresh's 401 is expected, and the statuses in `allow` are the refusals a test makes on purpose.
 */
export async function demoLogin(
  env: Env,
  email: string,
  { before, allow = [] }: { before?: (page: Page) => Promise<void>; allow?: number[] } = {},
): Promise<{ page: Page; errors: string[] }> {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const refused = new RegExp(`status of (${allow.join("|") || "-"})\\b`);
  page.on("console", (message) => {
    const expected =
      (message.location().url.endsWith("/v1/auth/refresh") && /status of 401/.test(message.text())) ||
      refused.test(message.text());
    if (message.type() === "error" && !expected) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await before?.(page);
  await page.goto(`${env.stack.url}/`);
  await page.fill('input[name="provider"]', "northwind");
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', "outdesk-demo");
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="queue-title"]');
  return { page, errors };
}
