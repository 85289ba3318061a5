/// <reference lib="dom" />
import { describe, expect, it } from "vitest";
import { browserStack } from "../../../test/browser";

/** The provider admin's suppression list panel (issue 9, item 9), on the `npm start` stack. */
const env = browserStack("suppressions");

describe("suppression list panel", () => {
  it("lets a provider admin suppress an address, find it and clear it", async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.stack.url}/`);
    await page.fill('input[name="provider"]', "northwind");
    await page.fill('input[name="email"]', "admin@northwind.example");
    await page.fill('input[name="password"]', "outdesk-demo");
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="queue-title"]');
    await page.click('[data-testid="admin-clients"]');
    await page.waitForSelector('[data-testid="suppressions"]');

    await page.fill('input[name="suppressAddress"]', "Gone@Customer.Example");
    await page.fill('input[name="suppressDetail"]', "asked to stop");
    await page.click('form[aria-label="Suppress an address"] button[type="submit"]');
    const row = page.locator('[data-testid="suppressions-table"] tr', { hasText: "gone@customer.example" });
    await row.waitFor();
    expect(await row.innerText()).toContain("Added by hand");
    expect(await row.innerText()).toContain("asked to stop");

    // The same address again: the API's 409 shows, and the form keeps what was typed.
    await page.fill('input[name="suppressAddress"]', "gone@customer.example");
    await page.click('form[aria-label="Suppress an address"] button[type="submit"]');
    await page.waitForSelector('[data-testid="suppressions"] [role="alert"]');
    expect(await page.inputValue('input[name="suppressAddress"]')).toBe("gone@customer.example");

    await page.fill('input[name="suppressionSearch"]', "nobody");
    await page.waitForSelector("text=No address starts with that");
    await page.fill('input[name="suppressionSearch"]', "gone");
    await row.waitFor();

    page.once("dialog", (dialog) => void dialog.accept());
    await row.getByRole("button", { name: "Remove gone@customer.example" }).click();
    await page.waitForSelector("text=No address starts with that");
    await context.close();
  });
});
