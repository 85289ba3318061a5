import { Config } from "@outdesk/core/config";
import { Addresses } from "@outdesk/core/email/addresses";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { buildWorld, createClient, type World } from "../../../../test/world";

let world: World;
let admin: World["personas"]["adminA"];
let providerSlug: string;
beforeAll(async () => {
  world = await buildWorld();
  admin = world.personas.adminA;
  providerSlug = (await call(admin, "GET", "/v1/me")).body.provider.slug;
});

const defaultAddress = (slug: string) => `${slug}.${providerSlug}@${Config.get("mailDomain")}`;
const routedTo = async (address: string) => (await Addresses.route([address])).routes[0]?.clientId;

describe("clients", () => {
  it("creates a client with a default ticket prefix, its default address and an ETag", async () => {
    const reply = expectStatus(
      await call(admin, "POST", "/v1/clients", {
        name: "Umbrella Corp",
        slug: "umbrella-corp",
        timeZone: "America/New_York",
      }),
      201,
    );
    expect(reply.body).toMatchObject({
      name: "Umbrella Corp",
      ticketPrefix: "UMBRELLACO",
      supportAddresses: [],
      defaultAddress: defaultAddress("umbrella-corp"),
      mailSettings: { fromName: "Umbrella Corp", fromAddress: defaultAddress("umbrella-corp") },
      status: "active",
      version: 1,
    });
    expect(reply.headers.get("etag")).toBe('"1"');
    expect(await routedTo(defaultAddress("umbrella-corp"))).toBe(reply.body.id);
  });

  it("takes no support addresses on create or update: they are claimed and verified one by one", async () => {
    const created = await call(admin, "POST", "/v1/clients", {
      name: "Squat",
      slug: "squat",
      timeZone: "UTC",
      supportAddresses: [world.ids.addressB1],
    });
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.body.issues)).toContain("supportAddresses");
    const updated = await call(admin, "PATCH", `/v1/clients/${world.ids.clientA1}`, {
      supportAddresses: [world.ids.addressB1],
    });
    expect(updated.status).toBe(400);
    expect(await routedTo(world.ids.addressB1)).toBe(world.ids.clientB1);
  });

  it("refuses a taken slug or ticket prefix, writing nothing", async () => {
    expectStatus(await call(admin, "POST", "/v1/clients", { name: "Dup", slug: "dup-one", timeZone: "UTC" }), 201);
    const slug = await call(admin, "POST", "/v1/clients", { name: "Dup", slug: "dup-one", timeZone: "UTC" });
    expect(slug.status).toBe(409);
    expect(slug.body.issues[0].path).toEqual(["slug"]);
    const prefix = await call(admin, "POST", "/v1/clients", {
      name: "Dup",
      slug: "dup-two",
      ticketPrefix: "DUPONE",
      timeZone: "UTC",
    });
    expect(prefix.status).toBe(409);
    expect(prefix.body.issues[0].path).toEqual(["ticketPrefix"]);
    // Nothing of the failed attempt exists: no route for its default address, and its slug is free.
    expect(await routedTo(defaultAddress("dup-two"))).toBeUndefined();
    const two = expectStatus(
      await call(admin, "POST", "/v1/clients", { name: "Dup", slug: "dup-two", timeZone: "UTC" }),
      201,
    );
    expect(await routedTo(defaultAddress("dup-two"))).toBe(two.body.id);
  });

  it("names invalid fields", async () => {
    const reply = await call(admin, "POST", "/v1/clients", {
      name: "",
      slug: "UPPER",
      timeZone: "Mars/Olympus",
      autoCloseDays: 0,
      color: "red",
    });
    expect(reply.status).toBe(400);
    const paths = reply.body.issues.map((issue: { path: (string | number)[] }) => issue.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["name", "slug", "timeZone", "autoCloseDays"]));
    expect(JSON.stringify(reply.body.issues)).toContain("color");
  });

  it("updates conditionally on the version (If-Match or body), frees old unique values, moves the default address", async () => {
    const id = await createClient(admin, "renameme", ["old@renameme.example"]);
    const stale = await call(admin, "PATCH", `/v1/clients/${id}`, { name: "X" }, { "if-match": '"7"' });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(1);
    const updated = expectStatus(
      await call(
        admin,
        "PATCH",
        `/v1/clients/${id}`,
        { slug: "renamed", timeZone: "Asia/Tokyo" },
        { "if-match": '"1"' },
      ),
      200,
    );
    expect(updated.body).toMatchObject({
      slug: "renamed",
      version: 2,
      timeZone: "Asia/Tokyo",
      defaultAddress: defaultAddress("renamed"),
      supportAddresses: ["old@renameme.example"],
    });
    expect(updated.headers.get("etag")).toBe('"2"');
    // The default address moved with the slug; the verified address stayed.
    expect(await routedTo(defaultAddress("renamed"))).toBe(id);
    expect(await routedTo(defaultAddress("renameme"))).toBeUndefined();
    expect(await routedTo("old@renameme.example")).toBe(id);
    // The old slug and its default address are free again (the ticket prefix stays with the client); the new slug is taken.
    const again = expectStatus(
      await call(admin, "POST", "/v1/clients", {
        name: "Again",
        slug: "renameme",
        ticketPrefix: "AGAIN",
        timeZone: "UTC",
      }),
      201,
    );
    expect(await routedTo(defaultAddress("renameme"))).toBe(again.body.id);
    const clash = await call(admin, "POST", "/v1/clients", { name: "Y", slug: "renamed", timeZone: "UTC" });
    expect(clash.status).toBe(409);
    const disagree = await call(admin, "PATCH", `/v1/clients/${id}`, { version: 1 }, { "if-match": '"2"' });
    expect(disagree.status).toBe(400);
  });

  it("archives and restores", async () => {
    const id = await createClient(admin, "archivable");
    const archived = expectStatus(await call(admin, "POST", `/v1/clients/${id}/archive`), 200);
    expect(archived.body).toMatchObject({ status: "archived", version: 2 });
    expect(archived.body.archivedAt).toBeTruthy();
    const listed = await call(admin, "GET", "/v1/clients?status=archived");
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    const restored = expectStatus(await call(admin, "POST", `/v1/clients/${id}/restore`, { version: 2 }), 200);
    expect(restored.body).toMatchObject({ status: "active", archivedAt: null, version: 3 });
    expect((await call(admin, "POST", `/v1/clients/${id}/archive`, { version: 1 })).status).toBe(409);
  });

  it("pages with sealed cursors bound to the tenant and the query", async () => {
    const first = expectStatus(await call(admin, "GET", "/v1/clients?limit=2"), 200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.cursor).toBeTruthy();
    // Sealed: neither the cursor nor its decoded bytes show our keys.
    const decoded = Buffer.from(first.body.cursor, "base64url").toString("latin1");
    for (const leak of ["outdesk", "providerid", world.ids.providerA]) {
      expect(first.body.cursor).not.toContain(leak);
      expect(decoded).not.toContain(leak);
    }
    const seen = new Set(first.body.items.map((c: { id: string }) => c.id));
    let cursor = first.body.cursor;
    while (cursor) {
      const page = expectStatus(await call(admin, "GET", `/v1/clients?limit=2&cursor=${cursor}`), 200);
      for (const c of page.body.items) {
        expect(seen.has(c.id)).toBe(false);
        seen.add(c.id);
      }
      cursor = page.body.cursor;
    }
    expect(seen.size).toBeGreaterThanOrEqual(5);
    const tampered = `${first.body.cursor.slice(0, -3)}abc`;
    const bad = await call(admin, "GET", `/v1/clients?limit=2&cursor=${tampered}`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("invalid_cursor");
    expect((await call(admin, "GET", `/v1/clients?status=active&cursor=${first.body.cursor}`)).status).toBe(400);
    expect((await call(world.personas.adminB, "GET", `/v1/clients?limit=2&cursor=${first.body.cursor}`)).status).toBe(
      400,
    );
  });
});
