import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { buildWorld, createClient, type World } from "../../../../test/world";

let world: World;
let admin: World["personas"]["adminA"];
beforeAll(async () => {
  world = await buildWorld();
  admin = world.personas.adminA;
});

describe("clients", () => {
  it("creates a client with a default ticket prefix and an ETag", async () => {
    const reply = expectStatus(
      await call(admin, "POST", "/v1/clients", {
        name: "Umbrella Corp",
        slug: "umbrella-corp",
        timeZone: "America/New_York",
        supportAddresses: ["Help@Umbrella.example"],
      }),
      201,
    );
    expect(reply.body).toMatchObject({
      name: "Umbrella Corp",
      ticketPrefix: "UMBRELLACO",
      supportAddresses: ["help@umbrella.example"],
      status: "active",
      version: 1,
    });
    expect(reply.headers.get("etag")).toBe('"1"');
  });

  it("refuses a taken slug, ticket prefix or support address, writing nothing", async () => {
    const taken = await call(admin, "POST", "/v1/clients", {
      name: "Dup",
      slug: "dup-one",
      timeZone: "UTC",
      supportAddresses: [world.ids.addressA1, "fresh@dup.example"],
    });
    expect(taken.status).toBe(409);
    expect(taken.body.issues[0].path).toEqual(["supportAddresses"]);
    // Nothing of the failed attempt exists: the same slug and the fresh address still work.
    expectStatus(
      await call(admin, "POST", "/v1/clients", {
        name: "Dup",
        slug: "dup-one",
        timeZone: "UTC",
        supportAddresses: ["fresh@dup.example"],
      }),
      201,
    );
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
  });

  it("names invalid fields", async () => {
    const reply = await call(admin, "POST", "/v1/clients", {
      name: "",
      slug: "UPPER",
      timeZone: "Mars/Olympus",
      supportAddresses: ["a@b.example", "a@b.example"],
      color: "red",
    });
    expect(reply.status).toBe(400);
    const paths = reply.body.issues.map((issue: { path: (string | number)[] }) => issue.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["name", "slug", "timeZone", "supportAddresses"]));
    expect(JSON.stringify(reply.body.issues)).toContain("color");
  });

  it("updates conditionally on the version (If-Match or body) and frees old unique values", async () => {
    const id = await createClient(admin, "renameme", ["old@renameme.example"]);
    const stale = await call(admin, "PATCH", `/v1/clients/${id}`, { name: "X" }, { "if-match": '"7"' });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(1);
    const updated = expectStatus(
      await call(
        admin,
        "PATCH",
        `/v1/clients/${id}`,
        { slug: "renamed", supportAddresses: ["new@renamed.example"], timeZone: "Asia/Tokyo" },
        { "if-match": '"1"' },
      ),
      200,
    );
    expect(updated.body).toMatchObject({ slug: "renamed", version: 2, timeZone: "Asia/Tokyo" });
    expect(updated.headers.get("etag")).toBe('"2"');
    // The old slug and address are free again (the ticket prefix stays with the client); the new ones are taken.
    expectStatus(
      await call(admin, "POST", "/v1/clients", {
        name: "Again",
        slug: "renameme",
        ticketPrefix: "AGAIN",
        timeZone: "UTC",
        supportAddresses: ["old@renameme.example"],
      }),
      201,
    );
    const clash = await call(admin, "POST", "/v1/clients", {
      name: "Y",
      slug: "y-co",
      timeZone: "UTC",
      supportAddresses: ["new@renamed.example"],
    });
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
