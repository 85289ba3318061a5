import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { withActor } from "@outdesk/core/actor";
import { Attachments } from "@outdesk/core/attachment";
import { Aws } from "@outdesk/core/aws";
import { Config } from "@outdesk/core/config";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../../test/api";
import { buildWorld, createTicket, type World } from "../../../../test/world";
import { consoleCsp, securityHeadersFor } from "./security-headers";

let world: World;
let admin: Persona;
let agent: Persona;
let boss: Persona;
let outsider: Persona;

beforeAll(async () => {
  world = await buildWorld();
  ({ adminA: admin, agentA1: agent, clientAdminA1: boss, adminB: outsider } = world.personas);
});

const ticketPath = (clientId: string, ticketId: string, rest = "") =>
  `/v1/clients/${clientId}/tickets/${ticketId}${rest}`;
const page = async (persona: Persona, clientId: string, ticketId: string) =>
  expectStatus(await call(persona, "GET", ticketPath(clientId, ticketId)), 200).body;

interface File {
  name: string;
  type: string;
  bytes: Uint8Array;
}
const textFile = (name: string, text: string, type = "text/plain"): File => ({
  name,
  type,
  bytes: new TextEncoder().encode(text),
});
// The smallest valid PNG: one transparent pixel.
const PNG = Uint8Array.from(
  Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64"),
);

/** Asks for an upload URL (for a ticket, or a draft when ticketId is null); does not PUT. */
async function requestUpload(persona: Persona, clientId: string, ticketId: string | null, file: File) {
  const path = ticketId ? ticketPath(clientId, ticketId, "/attachments") : `/v1/clients/${clientId}/attachments`;
  return call(persona, "POST", path, { filename: file.name, contentType: file.type, size: file.bytes.length });
}

/** An upload URL, then the PUT a browser would send. */
async function upload(persona: Persona, clientId: string, ticketId: string | null, file: File): Promise<string> {
  const reply = expectStatus(await requestUpload(persona, clientId, ticketId, file), 201);
  const put = await fetch(reply.body.url, {
    method: "PUT",
    headers: reply.body.headers,
    body: Buffer.from(file.bytes),
  });
  expect(put.status, await put.text()).toBe(200);
  return reply.body.uploadId;
}

async function download(persona: Persona, clientId: string, ticketId: string, attachmentId: string, query = "") {
  return call(persona, "GET", ticketPath(clientId, ticketId, `/attachments/${attachmentId}${query}`));
}

async function fetchUrl(url: string) {
  const response = await fetch(url);
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

async function keysUnder(prefix: string): Promise<string[]> {
  const client = await Aws.s3Client();
  const listed = await client.send(
    new ListObjectsV2Command({ Bucket: Config.get("attachmentsBucket"), Prefix: prefix }),
  );
  return (listed.Contents ?? []).map((object) => object.Key ?? "").sort();
}

describe("uploads", () => {
  it("signs a short-lived PUT for exactly the declared type and length, with no SDK checksum", async () => {
    const ticketId = await createTicket(agent, world.ids.clientA1, "Signed upload");
    const reply = expectStatus(
      await requestUpload(agent, world.ids.clientA1, ticketId, textFile("log.txt", "hello")),
      201,
    );
    expect(reply.headers.get("cache-control")).toBe("no-store");
    const url = new URL(reply.body.url);
    expect(url.origin).toBe(new URL(Config.get("s3Endpoint")!).origin);
    expect(url.pathname).toMatch(
      new RegExp(`^/${Config.get("attachmentsBucket")}/uploads/${world.ids.providerA}/${world.ids.clientA1}/upl_`),
    );
    expect(url.searchParams.get("X-Amz-SignedHeaders")?.split(";")).toEqual(["content-length", "content-type", "host"]);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("300");
    expect([...url.searchParams.keys()].filter((key) => key.toLowerCase().includes("checksum"))).toEqual([]);
    expect(reply.body).toMatchObject({ method: "PUT", headers: { "content-type": "text/plain" } });
    expect(Date.parse(reply.body.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
  });

  it("refuses files over 25 MiB, programs and scripts, and names that are only control characters", async () => {
    const ticketId = await createTicket(agent, world.ids.clientA1, "Refusals");
    const ask = (body: Record<string, unknown>) =>
      call(agent, "POST", ticketPath(world.ids.clientA1, ticketId, "/attachments"), {
        filename: "a.pdf",
        contentType: "application/pdf",
        size: 10,
        ...body,
      });
    const huge = await ask({ filename: "huge.iso.pdf", size: 25 * 1024 * 1024 + 1 });
    expect(huge.status).toBe(400);
    expect(huge.body.issues[0].path).toEqual(["size"]);
    // The bidi override would show `invoicegpj.exe` as `invoiceexe.jpg`; the real extension counts.
    for (const filename of ["setup.exe", "invoice\u202Egpj.exe", "run.PS1", "payload.js", "x.pdf.scr"]) {
      const refused = await ask({ filename, contentType: "application/octet-stream" });
      expect(refused.status, filename).toBe(400);
      expect(refused.body.issues[0].path, filename).toEqual(["filename"]);
    }
    const script = await ask({ filename: "notes.txt", contentType: "application/x-msdownload" });
    expect(script.status).toBe(400);
    expect((await ask({ filename: "\u202E\u2066" })).status).toBe(400);
    expect((await ask({ contentType: "not a type" })).status).toBe(400);
  });

  it("is refused on another tenant's or client's ticket, and on a closed one", async () => {
    const file = textFile("x.txt", "x");
    expect((await requestUpload(outsider, world.ids.clientA1, world.ids.ticketA1, file)).status).toBe(404);
    expect((await requestUpload(agent, world.ids.clientA2, world.ids.ticketA2, file)).status).toBe(404);
    expect((await requestUpload(admin, world.ids.clientA2, world.ids.ticketA1, file)).status).toBe(404);
    expect((await requestUpload(outsider, world.ids.clientA1, null, file)).status).toBe(404);
    expect((await requestUpload(boss, world.ids.clientA2, null, file)).status).toBe(404);
    const closed = await createTicket(agent, world.ids.clientA1, "Closed soon");
    const other = await createTicket(agent, world.ids.clientA1, "Merge target");
    expectStatus(
      await call(agent, "POST", ticketPath(world.ids.clientA1, closed, "/merge"), { targetTicketId: other }),
      200,
    );
    expect((await requestUpload(agent, world.ids.clientA1, closed, file)).status).toBe(409);
  });
});

describe("attaching uploads to messages", () => {
  it("stores a note's file under the ticket's key and serves it as a download", async () => {
    const ticketId = await createTicket(agent, world.ids.clientA1, "Logs attached");
    const file = textFile("server log (1).txt", "line 1\nline 2\n");
    const uploadId = await upload(agent, world.ids.clientA1, ticketId, file);
    const note = expectStatus(
      await call(agent, "POST", ticketPath(world.ids.clientA1, ticketId, "/notes"), {
        body: "Logs attached",
        attachments: [{ uploadId }],
      }),
      201,
    );
    const [attachment] = note.body.message.attachments;
    expect(attachment).toEqual({
      id: expect.stringMatching(/^att_[0-9a-z]{26}$/),
      filename: "server log (1).txt",
      contentType: "text/plain",
      size: file.bytes.length,
    });
    const shown = (await page(agent, world.ids.clientA1, ticketId)).messages[1].attachments;
    expect(shown).toEqual([attachment]);
    expect(await keysUnder(`${world.ids.providerA}/${world.ids.clientA1}/${ticketId}/`)).toEqual([
      `${world.ids.providerA}/${world.ids.clientA1}/${ticketId}/${attachment.id}`,
    ]);

    const link = expectStatus(await download(agent, world.ids.clientA1, ticketId, attachment.id), 200);
    expect(link.headers.get("cache-control")).toBe("no-store");
    expect(Date.parse(link.body.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    const { response, bytes } = await fetchUrl(link.body.url);
    expect(response.status).toBe(200);
    expect(Buffer.from(bytes).toString()).toBe("line 1\nline 2\n");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="server log (1).txt"; filename*=UTF-8''server%20log%20%281%29.txt`,
    );
    expect(response.headers.get("content-type")).toBe("text/plain");
  });

  it("serves HTML and SVG as downloads of application/octet-stream, and refuses them inline", async () => {
    const ticketId = await createTicket(agent, world.ids.clientA1, "Active content");
    const html = textFile("page.html", "<script>alert(1)</script>", "text/html");
    const svg = textFile(
      "logo.svg",
      "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
      "image/svg+xml",
    );
    const uploads = [
      await upload(agent, world.ids.clientA1, ticketId, html),
      await upload(agent, world.ids.clientA1, ticketId, svg),
    ];
    const note = expectStatus(
      await call(agent, "POST", ticketPath(world.ids.clientA1, ticketId, "/notes"), {
        body: "Files",
        attachments: uploads.map((uploadId) => ({ uploadId })),
      }),
      201,
    );
    for (const attachment of note.body.message.attachments) {
      const link = expectStatus(await download(agent, world.ids.clientA1, ticketId, attachment.id), 200);
      const { response } = await fetchUrl(link.body.url);
      expect(response.headers.get("content-type"), attachment.filename).toBe("application/octet-stream");
      expect(response.headers.get("content-disposition"), attachment.filename).toMatch(/^attachment; /);
      const inline = await download(agent, world.ids.clientA1, ticketId, attachment.id, "?inline=1");
      expect(inline.status, attachment.filename).toBe(400);
      expect(inline.body.issues[0].path).toEqual(["inline"]);
    }
  });

  it("gives images an inline URL on request, with their own type", async () => {
    const ticketId = await createTicket(agent, world.ids.clientA1, "Screenshot");
    const uploadId = await upload(boss, world.ids.clientA1, ticketId, {
      name: "screen.png",
      type: "image/png",
      bytes: PNG,
    });
    const reply = expectStatus(
      await call(boss, "POST", ticketPath(world.ids.clientA1, ticketId, "/replies"), {
        body: "See the screenshot",
        attachments: [{ uploadId }],
      }),
      201,
    );
    const [attachment] = reply.body.message.attachments;
    const link = expectStatus(await download(boss, world.ids.clientA1, ticketId, attachment.id, "?inline=1"), 200);
    expect(Date.parse(link.body.expiresAt) - Date.now()).toBeGreaterThan(300_000);
    const { response, bytes } = await fetchUrl(link.body.url);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("content-disposition")).toMatch(/^inline; filename="screen.png"/);
    expect(bytes).toEqual(PNG);
  });

  it("creates a ticket with files uploaded before it existed, copying them under its key", async () => {
    const first = await upload(boss, world.ids.clientA1, null, textFile("rechnung-für-märz.txt", "Betrag: 12 €"));
    const second = await upload(boss, world.ids.clientA1, null, { name: "photo.png", type: "image/png", bytes: PNG });
    const ticketId = await createTicket(boss, world.ids.clientA1, "With files", {
      attachments: [{ uploadId: first }, { uploadId: second }],
    });
    const [message] = (await page(agent, world.ids.clientA1, ticketId)).messages;
    expect(message.attachments.map((a: { filename: string }) => a.filename)).toEqual([
      "rechnung-für-märz.txt",
      "photo.png",
    ]);
    const keys = await keysUnder(`${world.ids.providerA}/${world.ids.clientA1}/${ticketId}/`);
    expect(keys).toHaveLength(2);
    const link = expectStatus(await download(boss, world.ids.clientA1, ticketId, message.attachments[0].id), 200);
    const { response, bytes } = await fetchUrl(link.body.url);
    expect(Buffer.from(bytes).toString()).toBe("Betrag: 12 €");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="rechnung-f_r-m_rz.txt"; filename*=UTF-8''rechnung-f%C3%BCr-m%C3%A4rz.txt`,
    );
  });

  it("refuses uploads that were never sent, were sent short, are someone else's or belong elsewhere", async () => {
    const clientId = world.ids.clientA1;
    const ticketId = await createTicket(agent, clientId, "Claims");
    const elsewhere = await createTicket(agent, clientId, "Another ticket");
    const attach = (persona: Persona, uploadId: string, on = ticketId) =>
      call(persona, "POST", ticketPath(clientId, on, persona === boss ? "/replies" : "/notes"), {
        body: "x",
        attachments: [{ uploadId }],
      });
    const refusedAt = async (reply: Awaited<ReturnType<typeof attach>>, message: RegExp) => {
      expect(reply.status, JSON.stringify(reply.body)).toBe(400);
      expect(reply.body.issues[0].path).toEqual(["attachments", 0, "uploadId"]);
      expect(reply.body.issues[0].message).toMatch(message);
    };

    const neverSent = expectStatus(await requestUpload(agent, clientId, ticketId, textFile("a.txt", "abc")), 201);
    await refusedAt(await attach(agent, neverSent.body.uploadId), /nothing was uploaded/);

    // s3rver does not check signatures; S3 would refuse this PUT, and the claim refuses it too.
    const short = expectStatus(await requestUpload(agent, clientId, ticketId, textFile("b.txt", "abcdef")), 201);
    await fetch(short.body.url, { method: "PUT", headers: short.body.headers, body: "abc" });
    await refusedAt(await attach(agent, short.body.uploadId), /3 bytes, not the 6/);

    const agents = await upload(agent, clientId, ticketId, textFile("c.txt", "agent's"));
    await refusedAt(await attach(boss, agents), /not yours/);
    await refusedAt(await attach(admin, agents), /not yours/);
    await refusedAt(await attach(agent, agents, elsewhere), /not yours/);
    await refusedAt(await attach(agent, "upl_01jzzzzzzzzzzzzzzzzzzzzzzz"), /no such upload/);
    const a2 = await upload(admin, world.ids.clientA2, null, textFile("d.txt", "a2"));
    await refusedAt(await attach(admin, a2), /no such upload/);

    const twice = await call(agent, "POST", ticketPath(clientId, ticketId, "/notes"), {
      body: "x",
      attachments: [{ uploadId: agents }, { uploadId: agents }],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.issues[0].path).toEqual(["attachments", 1, "uploadId"]);
    const many = await call(agent, "POST", ticketPath(clientId, ticketId, "/notes"), {
      body: "x",
      attachments: Array.from({ length: 21 }, (_, i) => ({ uploadId: `upl_${i}` })),
    });
    expect(many.status).toBe(400);
    expect(many.body.issues[0].path).toEqual(["attachments"]);
    const old = await call(agent, "POST", ticketPath(clientId, ticketId, "/notes"), {
      body: "x",
      attachments: [{ filename: "a.pdf", contentType: "application/pdf", size: 1 }],
    });
    expect(old.status).toBe(400);

    // Nothing of the refused messages was written.
    expect((await page(agent, clientId, ticketId)).messages).toHaveLength(1);
    expect(await keysUnder(`${world.ids.providerA}/${clientId}/${ticketId}/`)).toEqual([]);
  });

  it("refuses more than 25 MiB of attachments on one message", async () => {
    const ticketId = await createTicket(agent, world.ids.clientA1, "Too much");
    const big = async () =>
      expectStatus(
        await call(agent, "POST", ticketPath(world.ids.clientA1, ticketId, "/attachments"), {
          filename: "big.zip",
          contentType: "application/zip",
          size: 13 * 1024 * 1024,
        }),
        201,
      ).body.uploadId;
    const reply = await call(agent, "POST", ticketPath(world.ids.clientA1, ticketId, "/notes"), {
      body: "x",
      attachments: [{ uploadId: await big() }, { uploadId: await big() }],
    });
    expect(reply.status).toBe(400);
    expect(reply.body.issues[0].path).toEqual(["attachments"]);
  });

  it("attaches the same upload again after a stale-version 409, to the same object", async () => {
    const ticketId = await createTicket(agent, world.ids.clientA1, "Retry");
    const uploadId = await upload(agent, world.ids.clientA1, ticketId, textFile("r.txt", "retry"));
    const stale = await call(
      agent,
      "POST",
      ticketPath(world.ids.clientA1, ticketId, "/notes"),
      { body: "x", attachments: [{ uploadId }] },
      { "if-match": '"99"' },
    );
    expect(stale.status).toBe(409);
    const sent = expectStatus(
      await call(agent, "POST", ticketPath(world.ids.clientA1, ticketId, "/notes"), {
        body: "x",
        attachments: [{ uploadId }],
      }),
      201,
    );
    const keys = await keysUnder(`${world.ids.providerA}/${world.ids.clientA1}/${ticketId}/`);
    expect(keys).toEqual([
      `${world.ids.providerA}/${world.ids.clientA1}/${ticketId}/${sent.body.message.attachments[0].id}`,
    ]);
  });

  it("keeps what was attached when the upload URL is used again afterwards", async () => {
    const ticketId = await createTicket(agent, world.ids.clientA1, "Swap");
    const asked = expectStatus(
      await requestUpload(agent, world.ids.clientA1, ticketId, textFile("s.txt", "good")),
      201,
    );
    await fetch(asked.body.url, { method: "PUT", headers: asked.body.headers, body: "good" });
    const note = expectStatus(
      await call(agent, "POST", ticketPath(world.ids.clientA1, ticketId, "/notes"), {
        body: "x",
        attachments: [{ uploadId: asked.body.uploadId }],
      }),
      201,
    );
    await fetch(asked.body.url, { method: "PUT", headers: asked.body.headers, body: "evil" });
    const link = expectStatus(
      await download(agent, world.ids.clientA1, ticketId, note.body.message.attachments[0].id),
      200,
    );
    expect(Buffer.from((await fetchUrl(link.body.url)).bytes).toString()).toBe("good");
  });
});

describe("downloads", () => {
  it("hides an internal note's files from client admins, and every file from other tenants", async () => {
    const clientId = world.ids.clientA1;
    const ticketId = await createTicket(agent, clientId, "Who sees what");
    const noteUpload = await upload(agent, clientId, ticketId, textFile("internal.txt", "staff only"));
    const note = expectStatus(
      await call(agent, "POST", ticketPath(clientId, ticketId, "/notes"), {
        body: "internal",
        attachments: [{ uploadId: noteUpload }],
      }),
      201,
    );
    const replyUpload = await upload(boss, clientId, ticketId, textFile("public.txt", "everyone"));
    const reply = expectStatus(
      await call(boss, "POST", ticketPath(clientId, ticketId, "/replies"), {
        body: "public",
        attachments: [{ uploadId: replyUpload }],
      }),
      201,
    );
    const internal = note.body.message.attachments[0].id;
    const shared = reply.body.message.attachments[0].id;
    expect((await download(agent, clientId, ticketId, internal)).status).toBe(200);
    expect((await download(admin, clientId, ticketId, internal, "?inline=1")).status).toBe(400);
    expect((await download(boss, clientId, ticketId, shared)).status).toBe(200);
    for (const query of ["", "?inline=1"]) {
      expect((await download(boss, clientId, ticketId, internal, query)).status).toBe(404);
      expect((await download(world.personas.clientAdminA2, clientId, ticketId, shared, query)).status).toBe(404);
      expect((await download(outsider, clientId, ticketId, shared, query)).status).toBe(404);
      // The right ids under another client's path.
      expect((await download(admin, world.ids.clientA2, ticketId, shared, query)).status).toBe(404);
    }
    // Another ticket of the same client does not reach this one's files either.
    expect((await download(agent, clientId, world.ids.ticketA1, shared)).status).toBe(404);
    const missing = await download(agent, clientId, ticketId, "att_00000000000000000000000000");
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("not_found");
  });

  it("still finds a message's files after a merge moved it to another ticket", async () => {
    const clientId = world.ids.clientA1;
    const duplicate = await createTicket(boss, clientId, "Duplicate with a file");
    const uploadId = await upload(boss, clientId, duplicate, textFile("moved.txt", "moved"));
    const reply = expectStatus(
      await call(boss, "POST", ticketPath(clientId, duplicate, "/replies"), { body: "x", attachments: [{ uploadId }] }),
      201,
    );
    const target = await createTicket(boss, clientId, "Target");
    expectStatus(await call(agent, "POST", ticketPath(clientId, duplicate, "/merge"), { targetTicketId: target }), 200);
    const id = reply.body.message.attachments[0].id;
    const link = expectStatus(await download(boss, clientId, target, id), 200);
    expect(Buffer.from((await fetchUrl(link.body.url)).bytes).toString()).toBe("moved");
    expect((await download(boss, clientId, duplicate, id)).status).toBe(404);
  });
});

describe("mail parts", () => {
  const parts = () => [
    { filename: "../../etc/passwd", contentType: "text/plain", content: new TextEncoder().encode("root:x:0:0") },
    {
      filename: null,
      contentType: "IMAGE/PNG; name=x",
      content: PNG,
      contentId: "<logo@mail>",
      disposition: "inline" as const,
    },
    {
      filename: "evil\u202Egnp.svg",
      contentType: "image/svg+xml",
      content: new TextEncoder().encode("<svg/>"),
      contentId: "<s@m>",
      disposition: "inline" as const,
    },
    { filename: "\u0007 .", contentType: "message/rfc822", content: new TextEncoder().encode("Subject: x\r\n\r\nhi") },
  ];

  it("stores parts under the ticket with names cleaned, and a re-run rewrites the same objects", async () => {
    const ticketId = await createTicket(agent, world.ids.clientA1, "From mail");
    const target = { providerId: world.ids.providerA, clientId: world.ids.clientA1, ticketId };
    const stored = await Attachments.storeMailParts(target, parts(), "inbound/ses-message-1");
    expect(stored.map(({ id: _id, ...rest }) => rest)).toEqual([
      { filename: "passwd", contentType: "text/plain", size: 10, ticketId },
      {
        filename: "image.png",
        contentType: "image/png",
        size: PNG.length,
        contentId: "logo@mail",
        inline: true,
        ticketId,
      },
      { filename: "evilgnp.svg", contentType: "image/svg+xml", size: 6, contentId: "s@m", ticketId },
      { filename: "message.eml", contentType: "message/rfc822", size: 16, ticketId },
    ]);
    const prefix = `${world.ids.providerA}/${world.ids.clientA1}/${ticketId}/`;
    const keys = await keysUnder(prefix);
    expect(keys).toEqual(stored.map((s) => `${prefix}${s.id}`).sort());

    const again = await Attachments.storeMailParts(target, parts(), "inbound/ses-message-1");
    expect(again.map((s) => s.id)).toEqual(stored.map((s) => s.id));
    expect(await keysUnder(prefix)).toEqual(keys);
    const other = await Attachments.storeMailParts(target, parts().slice(0, 1), "inbound/ses-message-2");
    expect(other[0]!.id).not.toBe(stored[0]!.id);
  });

  it("refuses to store for another provider than the one acting", async () => {
    const target = { providerId: world.ids.providerA, clientId: world.ids.clientA1, ticketId: world.ids.ticketA1 };
    const actor = {
      type: "system" as const,
      providerId: world.ids.providerB,
      id: "system",
      role: "system" as const,
      clientIds: "all" as const,
    };
    await expect(withActor(actor, () => Attachments.storeMailParts(target, parts(), "x"))).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});

describe("the console's Content-Security-Policy", () => {
  it("admits the attachments origin for uploads and images, and nothing else new", async () => {
    const origin = Attachments.origin()!;
    expect(origin).toBe(new URL(Config.get("s3Endpoint")!).origin);
    const csp = securityHeadersFor("/clients/x/tickets/y", { https: false, attachmentsOrigin: origin })[
      "content-security-policy"
    ];
    const directives = Object.fromEntries(
      csp!.split("; ").map((directive) => [directive.split(" ")[0], directive.split(" ").slice(1)]),
    );
    expect(directives["connect-src"]).toEqual(["'self'", origin]);
    expect(directives["img-src"]).toEqual(["'self'", "data:", origin, "https:"]);
    // Everything else is as strict as without attachments.
    const without = consoleCsp.split("; ").filter((d) => !/^(connect|img)-src /.test(d));
    expect(csp!.split("; ").filter((d) => !/^(connect|img)-src /.test(d))).toEqual(without);
    expect(directives["script-src"]).toEqual(["'self'"]);
    // API answers keep their own policy.
    expect(
      securityHeadersFor("/v1/me", { https: false, attachmentsOrigin: origin })["content-security-policy"],
    ).not.toContain(origin);
  });
});
