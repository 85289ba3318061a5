import { sendSmtp } from "@outdesk/local/mail/smtp-client";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserStack } from "../../../test/browser";

/**
 * Attachments in Chromium against the local stack: the composer PUTs files straight to s3rver
 * with presigned URLs, downloads come from presigned GETs, and a mail's cid: image shows in the
 * sandboxed frame while its remote image waits for "Load remote images"; no CSP violation.
 */
const env = browserStack("attachments");

// One transparent pixel.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

async function loginAs(email: string): Promise<{ page: Page; problems: () => Promise<string[]> }> {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    const restore = message.location().url.endsWith("/v1/auth/refresh") && /status of 401/.test(message.text());
    if (message.type() === "error" && !restore) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.addInitScript(`
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__violations.push(e.violatedDirective + " " + e.blockedURI));
  `);
  await page.goto(`${env.stack.url}/`);
  await page.fill('input[name="provider"]', "northwind");
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', "outdesk-demo");
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="queue-title"]');
  const problems = async () => [...errors, ...((await page.evaluate("window.__violations")) as string[])];
  return { page, problems };
}

/** A mail from a customer with an inline (cid:) screenshot, a tracking pixel and a PDF. */
function mailWithImages(subject: string): Buffer {
  const boundary = "rel-1";
  const alt = "alt-1";
  return Buffer.from(
    [
      "From: Lucas Martin <lucas@fabrikam.example>",
      "To: Acme Support <acme.northwind@mail.localhost>",
      `Subject: ${subject}`,
      "Date: Thu, 5 Mar 2026 10:03:22 +0000",
      `Message-ID: <${Date.now()}.inline@fabrikam.example>`,
      "MIME-Version: 1.0",
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      "",
      `--${boundary}`,
      `Content-Type: multipart/alternative; boundary="${alt}"`,
      "",
      `--${alt}`,
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Here is the error.",
      `--${alt}`,
      "Content-Type: text/html; charset=utf-8",
      "",
      '<p>Here is the error:</p><p><img src="cid:shot@fabrikam" alt="screenshot" width="1" height="1"></p>' +
        '<p><img src="https://tracker.example/pixel.gif" alt="pixel"></p>',
      `--${alt}--`,
      `--${boundary}`,
      "Content-Type: image/png",
      "Content-Disposition: inline",
      "Content-ID: <shot@fabrikam>",
      "Content-Transfer-Encoding: base64",
      "",
      PNG.toString("base64"),
      `--${boundary}`,
      'Content-Type: application/pdf; name="invoice.pdf"',
      'Content-Disposition: attachment; filename="invoice.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from("%PDF-1.4 fake").toString("base64"),
      `--${boundary}--`,
      "",
    ].join("\r\n"),
  );
}

describe("attachments in the console", () => {
  it("uploads a file with a note straight to storage, lists it with its size and downloads it", async () => {
    const { page, problems } = await loginAs("maya@northwind.example");
    await page.waitForSelector('[data-testid="ticket-row"]');
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="ticket-subject"]');

    await page.click('[data-testid="tab-note"]');
    await page.fill('[data-testid="composer-text"]', "Server log attached");
    await page.setInputFiles('[data-testid="attach-input"]', {
      name: "server-log.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("a".repeat(3000)),
    });
    await page.waitForSelector('[data-testid="pending-attachment"] >> text=ready');
    expect(await page.textContent('[data-testid="pending-attachment"]')).toContain("3 KB");
    // Over the limit: refused at once, and nothing can be sent until it is removed.
    await page.setInputFiles('[data-testid="attach-input"]', {
      name: "huge.bin",
      mimeType: "application/octet-stream",
      buffer: Buffer.alloc(25 * 1024 * 1024 + 1),
    });
    await page.waitForSelector('[data-testid="pending-attachment"] >> text=larger than 25 MB');
    expect(await page.isDisabled('[data-testid="composer-send"]')).toBe(true);
    await page.click('button[aria-label="Remove huge.bin"]');
    await page.click('[data-testid="composer-send"]');

    const note = page.locator('[data-testid="message-internal"]', { hasText: "Server log attached" });
    await note.locator('[data-testid="attachment"]').waitFor();
    expect(await note.locator('[data-testid="attachment"]').textContent()).toMatch(/server-log\.txt\s*3 KB/);
    expect(await page.locator('[data-testid="pending-attachment"]').count()).toBe(0);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      note.locator('[data-testid="download"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe("server-log.txt");
    expect(new URL(download.url()).origin).toBe(env.stack.s3Endpoint);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("a".repeat(3000));
    // The console is still here: the download did not navigate away.
    expect(await page.isVisible('[data-testid="ticket-subject"]')).toBe(true);
    expect(await problems()).toEqual([]);
    await page.close();
  }, 90_000);

  it("creates a ticket with a file from the new-ticket form", async () => {
    const { page, problems } = await loginAs("ops@acme.example");
    await page.click('[data-testid="new-ticket"]');
    await page.fill('input[name="subject"]', "Broken export, file attached");
    await page.fill('textarea[name="body"]', "The export is attached.");
    await page.setInputFiles('[data-testid="attach-input"]', {
      name: "export.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("id,name\n1,x\n"),
    });
    await page.waitForSelector('[data-testid="pending-attachment"] >> text=ready');
    await page.click('[data-testid="create-ticket"]');
    await page.waitForSelector('[data-testid="ticket-subject"] >> text=Broken export, file attached');
    expect(await page.textContent('[data-testid="attachment"]')).toMatch(/export\.csv\s*12 B/);
    expect(await problems()).toEqual([]);
    await page.close();
  }, 90_000);

  it("shows a mail's cid: image through a presigned URL and loads remote images only when asked", async () => {
    const subject = `Inline image ${Date.now()}`;
    const sent = await sendSmtp({
      host: "127.0.0.1",
      port: env.stack.smtpPort,
      from: "lucas@fabrikam.example",
      to: ["acme.northwind@mail.localhost"],
      message: mailWithImages(subject),
    });
    expect(sent.delivered).toBe(true);
    const { page, problems } = await loginAs("maya@northwind.example");
    const remoteRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().startsWith("https://tracker.example/")) remoteRequests.push(request.url());
    });
    await page.route("https://tracker.example/**", (route) =>
      route.fulfill({ status: 200, contentType: "image/png", body: PNG }),
    );
    // The mail lands in the unassigned Acme queue (the handler runs after SMTP's answer); open it by its subject.
    await page.click('[data-testid="view-unassigned"]');
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.waitForSelector('[data-testid="ticket-row"]');
          return page.locator(`text=${subject}`).count();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(1);
    await page.click(`text=${subject}`);
    await page.waitForSelector('[data-testid="ticket-subject"]');

    const frame = page.frameLocator("iframe.html-body");
    const shot = frame.locator('img[alt="screenshot"]');
    await expect.poll(async () => shot.getAttribute("src"), { timeout: 10_000 }).toContain(env.stack.s3Endpoint);
    await expect
      .poll(async () => shot.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 })
      .toBe(1);
    // The inline image is in the body, not listed again; the PDF is listed with a download.
    const listed = await page.locator('[data-testid="attachment"]').allTextContents();
    expect(listed.join(" ")).toContain("invoice.pdf");
    expect(listed.join(" ")).not.toContain("image.png");

    const pixel = frame.locator('img[alt="pixel"]');
    expect(await pixel.getAttribute("src")).toBeNull();
    await page.waitForTimeout(300);
    expect(remoteRequests).toEqual([]);
    expect(await problems()).toEqual([]);

    await page.click('[data-testid="load-remote-images"]');
    await expect.poll(async () => pixel.getAttribute("src")).toBe("https://tracker.example/pixel.gif");
    await expect.poll(() => remoteRequests.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await problems()).toEqual([]);
    await page.close();
  }, 90_000);
});
