import { Config } from "@outdesk/core/config";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { PASSWORD } from "../../../../test/world";

const body = (slug: string, email = `boss@${slug}.example`) => ({
  providerName: `Agency ${slug}`,
  providerSlug: slug,
  adminName: "Boss",
  adminEmail: email,
  password: PASSWORD,
});

afterEach(() => {
  Config.configure({ signup: "open" });
  vi.useRealTimers();
});

describe("POST /v1/signup", () => {
  it("creates a provider whose admin is logged in", async () => {
    const reply = expectStatus(await call(undefined, "POST", "/v1/signup", body("fresh")), 201);
    const me = await call({ name: "new", token: reply.body.tokens.accessToken }, "GET", "/v1/me");
    expect(me.body).toMatchObject({
      provider: { id: reply.body.providerId, slug: "fresh", name: "Agency fresh" },
      user: { role: "provider_admin", email: "boss@fresh.example", status: "active" },
    });
  });

  it("refuses a taken slug with 409 and writes nothing", async () => {
    expectStatus(await call(undefined, "POST", "/v1/signup", body("taken")), 201);
    const again = await call(undefined, "POST", "/v1/signup", body("taken", "other@taken.example"));
    expect(again.status).toBe(409);
    expect(again.body.issues[0].path).toEqual(["providerSlug"]);
    // The losing attempt left no user behind: its admin cannot log in anywhere.
    const login = await call(undefined, "POST", "/v1/auth/login", {
      provider: "taken",
      email: "other@taken.example",
      password: PASSWORD,
    });
    expect(login.status).toBe(401);
  });

  it("names each invalid field", async () => {
    const reply = await call(undefined, "POST", "/v1/signup", {
      ...body("x"),
      providerSlug: "Not A Slug",
      adminEmail: "nope",
      password: "short",
    });
    expect(reply.status).toBe(400);
    const paths = reply.body.issues.map((issue: { path: string[] }) => issue.path.join("."));
    expect(paths.sort()).toEqual(["adminEmail", "password", "providerSlug"]);
  });

  it("can be switched off", async () => {
    Config.configure({ signup: "closed" });
    const reply = await call(undefined, "POST", "/v1/signup", body("closed"));
    expect(reply.status).toBe(403);
    expect(reply.body.message).toMatch(/closed/);
  });

  it("is rate limited per address", async () => {
    // The middle of a fresh hourly window, so the count starts at zero and no boundary intervenes.
    const hour = 3600 * 1000;
    vi.useFakeTimers({ now: (Math.floor(Date.now() / hour) + 48) * hour + hour / 2, toFake: ["Date"] });
    for (const slug of ["rl-1", "rl-2", "rl-3", "rl-4", "rl-5"]) {
      expectStatus(await call(undefined, "POST", "/v1/signup", body(slug)), 201);
    }
    const limited = await call(undefined, "POST", "/v1/signup", body("rl-six"));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
