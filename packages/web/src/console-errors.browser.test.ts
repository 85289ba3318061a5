import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@outdesk/local/paths";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { browserStack, demoLogin, demoToken } from "../../../test/browser";

/**
 * Errors in words and the admin forms around them, in Chromium on the demo stack: the API's
 * issues beside their fields with the fields' labels (a required ticket field by its label),
 * typed text kept after a refusal, tags normalised as typed, offline and 5xx states with Retry,
 * the time-zone field, select options with commas and spaces, confirmation before destructive
 * actions, a new client in the sidebar at once, roles changed in People, People paged, and the
 * invitation link copied.
 */
const env = browserStack("console-errors");
const screens = join(repoRoot, "test-results/screens");
beforeAll(() => mkdirSync(screens, { recursive: true }));
const shot = (page: Page, name: string) => page.screenshot({ path: join(screens, `${name}.png`), fullPage: true });

let token: string | undefined;
async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  // One login for the file's setup calls: logins are rate limited per address.
  token ??= await demoToken(env, "admin@northwind.example");
  const response = await fetch(`${env.stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
type Client = { id: string; name: string; ticketPrefix: string; version: number; ticketFields: unknown[] };
const clientNamed = async (prefix: string) =>
  (await api<{ items: Client[] }>("GET", "/v1/clients?limit=100&status=active")).items.find(
    (c) => c.ticketPrefix === prefix,
  )!;

describe("errors in words", () => {
  it("says a required ticket field by its label when solving", async () => {
    const initech = await clientNamed("INITECH");
    await api("PATCH", `/v1/clients/${initech.id}`, {
      ticketFields: [...initech.ticketFields, { key: "order_id", label: "Order ID", type: "text", required: true }],
      version: initech.version,
    });
    const ticket = await api<{ id: string }>("POST", "/v1/tickets", {
      clientId: initech.id,
      subject: "Where is my order?",
      body: "It did not arrive.",
      requester: { email: "sam@customer.example" },
    });
    const { page, errors } = await demoLogin(env, "admin@northwind.example", { allow: [400] });
    await page.goto(`${env.stack.url}/clients/${initech.id}/tickets/${ticket.id}`);
    await page.selectOption('[data-testid="status"]', "solved");
    await page.getByText("Order ID is required before the ticket is solved").waitFor();
    expect(await page.locator("main").innerText()).not.toContain("fields.order_id");
    await shot(page, "errors-required-field");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("keeps what was typed, normalises tags as typed and names the field the API refused", async () => {
    const { page, errors } = await demoLogin(env, "admin@northwind.example", { allow: [400] });
    await page.click('[data-testid="new-ticket"]');
    await page.fill('input[name="requesterEmail"]', "kim@customer.example");
    await page.fill('input[name="subject"]', "s".repeat(251));
    await page.fill('textarea[name="body"]', "Typed with care");
    await page.locator('input[name="tags"]').pressSequentially("VIP Customer, Late Fee");
    expect(await page.inputValue('input[name="tags"]')).toBe("vip-customer, late-fee");
    await page.click('[data-testid="create-ticket"]');
    const issue = page.locator('[data-testid="field-issue"][data-path="subject"]');
    await issue.waitFor();
    expect(await issue.innerText()).toMatch(/^Subject/);
    expect(await page.inputValue('textarea[name="body"]')).toBe("Typed with care");
    expect(await page.inputValue('input[name="tags"]')).toBe("vip-customer, late-fee");
    await shot(page, "errors-new-ticket");
    await page.fill('input[name="subject"]', "Late fee on my invoice");
    await page.click('[data-testid="create-ticket"]');
    await page.waitForURL(/\/tickets\/tkt_/);
    const [, clientId, ticketId] = /\/clients\/([^/]+)\/tickets\/([^/?]+)/.exec(page.url())!;
    const created = await api<{ ticket: { tags: string[] } }>("GET", `/v1/clients/${clientId}/tickets/${ticketId}`);
    expect(created.ticket.tags).toEqual(["vip-customer", "late-fee"]);
    // The ticket screen's tag field normalises as typed too.
    await page.locator('[data-testid="add-tag"]').pressSequentially("Needs Callback");
    expect(await page.inputValue('[data-testid="add-tag"]')).toBe("needs-callback");
    await page.press('[data-testid="add-tag"]', "Enter");
    await expect
      .poll(
        async () =>
          (await api<{ ticket: { tags: string[] } }>("GET", `/v1/clients/${clientId}/tickets/${ticketId}`)).ticket.tags,
        { timeout: 15_000 },
      )
      .toEqual(["vip-customer", "late-fee", "needs-callback"]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("says when Outdesk cannot be reached or fails, and retries", async () => {
    const { page } = await demoLogin(env, "admin@northwind.example");
    await page.context().setOffline(true);
    await page.click('[data-testid="admin-users"]');
    await page.getByText("Outdesk cannot be reached").waitFor();
    await page.locator('[data-testid="offline-note"]').waitFor();
    await shot(page, "errors-offline");
    await page.context().setOffline(false);
    await page.getByRole("button", { name: "Retry" }).click();
    await page.waitForSelector('[data-testid="users-table"]');
    expect(await page.locator('[data-testid="offline-note"]').count()).toBe(0);

    // A server failure: said as one, and the same request works on Retry.
    await page.route("**/v1/clients?*status=archived*", (route) =>
      route.fulfill({ status: 503, contentType: "application/json", body: '{"code":"unavailable","message":"x"}' }),
    );
    await page.click('[data-testid="admin-clients"]');
    await page.getByText("Outdesk could not answer (error 503): retry in a moment").waitFor();
    await page.unroute("**/v1/clients?*status=archived*");
    await page.getByRole("button", { name: "Retry" }).first().click();
    await page.waitForSelector('[data-testid="clients-table"]');
    await page.context().close();
  });
});

describe("the admin forms", () => {
  it("adds a client with a searched time zone; it shows in the sidebar at once, archiving asks first", async () => {
    const { page, errors } = await demoLogin(env, "admin@northwind.example", { allow: [400] });
    await page.click('[data-testid="admin-clients"]');
    const form = page.locator('form[aria-label="New client"]');
    await form.locator('input[name="clientName"]').fill("Umbrella Corp");
    await form.locator('input[name="clientSlug"]').fill("Umbrella Corp!");
    const zone = form.locator('input[name="clientTimeZone"]');
    await zone.fill("Tokyo");
    expect(await zone.getAttribute("aria-invalid")).toBe("true");
    expect(await form.locator('[data-testid="zone-hint"]').innerText()).toContain("pick a zone");
    // The suggestions are the browser's zones: Tokyo among them.
    const listId = await zone.getAttribute("list");
    expect(await page.locator(`datalist[id="${listId}"] option[value="Asia/Tokyo"]`).count()).toBe(1);
    await zone.fill("Asia/Tokyo");
    expect(await zone.getAttribute("aria-invalid")).toBe("false");
    expect(await form.locator('[data-testid="zone-hint"]').innerText()).toMatch(/^Now .* there$/);
    await form.getByRole("button", { name: "Add client" }).click();
    const slugIssue = form.locator('[data-testid="field-issue"][data-path="slug"]');
    await slugIssue.waitFor();
    expect(await slugIssue.innerText()).toBe("Slug: lower-case letters, digits and inner dashes, at most 40");
    expect(await form.locator('input[name="clientName"]').inputValue()).toBe("Umbrella Corp");
    await shot(page, "errors-new-client");
    await form.locator('input[name="clientSlug"]').fill("umbrella");
    await form.getByRole("button", { name: "Add client" }).click();
    // In the sidebar without a reload.
    await page.locator('[data-testid="client-views-UMBRELLA"]').waitFor();
    expect(await form.locator('input[name="clientName"]').inputValue()).toBe("");

    // Archiving asks; saying no leaves it active.
    const row = page.locator('[data-testid="client-row"][data-prefix="UMBRELLA"]');
    const dialogs: string[] = [];
    page.once("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await row.getByRole("button", { name: "Archive" }).click();
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toContain("Archive Umbrella Corp?");
    expect(await row.innerText()).toContain("active");
    page.once("dialog", (dialog) => void dialog.accept());
    await row.getByRole("button", { name: "Archive" }).click();
    await expect.poll(() => page.locator('[data-testid="client-views-UMBRELLA"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("takes select options with commas and spaces", async () => {
    const { page } = await demoLogin(env, "admin@northwind.example");
    await page.click('[data-testid="admin-clients"]');
    const globexRow = page.locator('[data-testid="client-row"][data-prefix="GLOBEX"]');
    await globexRow.getByRole("button", { name: "Edit" }).click();
    const editor = page.locator("form.edit-client");
    await editor.getByRole("button", { name: "Add field" }).click();
    const field = editor.locator('[data-testid="field-editor"]').last();
    await field.locator('input[aria-label^="Key of field"]').fill("delivery");
    await field.locator('input[aria-label^="Label of field"]').fill("Delivery");
    await field.locator('select[aria-label^="Type of field"]').selectOption("select");
    await field.locator('[data-testid="field-options"]').pressSequentially("Next day, Same day,  Pick-up point");
    expect(await field.locator('[data-testid="field-options"]').inputValue()).toBe(
      "Next day, Same day,  Pick-up point",
    );
    await editor.getByRole("button", { name: "Save" }).click();
    await globexRow.waitFor();
    const globex = await clientNamed("GLOBEX");
    const saved = globex.ticketFields.find((f) => (f as { key: string }).key === "delivery") as { options: string[] };
    expect(saved.options).toEqual(["Next day", "Same day", "Pick-up point"]);
    await page.context().close();
  });

  it("pages People, changes a role, asks before disabling and copies an invitation link", async () => {
    // More people than one page holds.
    for (let i = 0; i < 26; i++) {
      await api("POST", "/v1/users", {
        email: `temp${String(i).padStart(2, "0")}@northwind.example`,
        name: `Temp ${i}`,
        role: "agent",
        clientIds: [],
      });
    }
    const total = (await api<{ items: unknown[] }>("GET", "/v1/users?limit=100")).items.length;
    const { page, errors } = await demoLogin(env, "admin@northwind.example", { allow: [400] });
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.stack.url });
    await page.click('[data-testid="admin-users"]');
    const rows = page.locator('[data-testid="user-row"]');
    await expect.poll(() => rows.count()).toBe(25);
    await page.click('[data-testid="users-more"]');
    await expect.poll(() => rows.count()).toBe(total);
    expect(await page.locator('[data-testid="users-more"]').count()).toBe(0);

    // A role change: a client admin needs exactly one client, said in words.
    const temp = page.locator('[data-testid="user-row"][data-email="temp00@northwind.example"]');
    await temp.getByRole("button", { name: "Change role and clients of Temp 0" }).click();
    const access = page.locator('form[aria-label="Role and clients of Temp 0"]');
    await access.getByLabel("Role").selectOption("client_admin");
    await access.getByRole("button", { name: "Save" }).click();
    const clientsIssue = access.locator('[data-testid="field-issue"][data-path="clientIds"]');
    await clientsIssue.waitFor();
    expect(await clientsIssue.innerText()).toBe("Clients: a client admin belongs to exactly one client");
    await access.getByLabel("Globex", { exact: true }).check();
    await access.getByRole("button", { name: "Save" }).click();
    await temp.waitFor();
    expect(await temp.locator('[data-testid="user-role"]').innerText()).toBe("Client admin");
    const saved = (
      await api<{ items: { email: string; role: string; clientIds: string[] }[] }>("GET", "/v1/users?limit=100")
    ).items.find((u) => u.email === "temp00@northwind.example")!;
    expect(saved.role).toBe("client_admin");
    expect(saved.clientIds).toHaveLength(1);

    // Disabling asks first.
    const leo = page.locator('[data-testid="user-row"][data-email="leo@northwind.example"]');
    page.once("dialog", (dialog) => void dialog.dismiss());
    await leo.getByRole("button", { name: "Disable" }).click();
    expect(await leo.innerText()).toContain("active");
    page.once("dialog", (dialog) => void dialog.accept());
    await leo.getByRole("button", { name: "Disable" }).click();
    await leo.getByRole("button", { name: "Enable" }).waitFor();

    // An invitation's link, copied.
    const invite = page.locator('form[aria-label="Invite"]');
    await invite.getByLabel("Name").fill("Nia New");
    await invite.getByLabel("Email").fill("nia@northwind.example");
    await invite.getByRole("button", { name: "Invite" }).click();
    const link = await page.locator('[data-testid="invite-url"]').innerText();
    expect(link).toContain("/accept-invite?token=");
    await page.click('[data-testid="copy-invite"]');
    await page.getByText("Copied").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await shot(page, "errors-people");
    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);
});
