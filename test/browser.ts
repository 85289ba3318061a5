import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@outdesk/local/paths";
import { type Browser, chromium } from "playwright-core";
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
  const env = {} as { stack: RunningStack; browser: Browser };
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
  }, 120_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return env;
}
