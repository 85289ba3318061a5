import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { nowSeconds, sentSince } from "../../../../test/email";
import { sesRecord, snsEvent } from "../../../../test/ses-events";
import { buildWorld, type World } from "../../../../test/world";
import { handler as sesEvents } from "../email-events";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});

const linkIn = (text: string) => /https?:\/\/\S+\/accept-invite\?token=(\S+)/.exec(text);

describe("invitation mail", () => {
  it("mails the accept link from the provider's no-reply address; the link signs the invitee in", async () => {
    const since = nowSeconds();
    const invited = expectStatus(
      await call(world.personas.adminA, "POST", "/v1/users", {
        email: "nina@a.example",
        name: "Nina <script>alert(1)</script>",
        role: "client_admin",
        clientIds: [world.ids.clientA1],
      }),
      201,
    ).body;
    expect(invited.mail).toEqual({ status: "sent", to: "nina@a.example" });
    const [mail, ...others] = await sentSince(since, "nina@a.example");
    expect(others).toEqual([]);
    expect(mail!.parsed.from?.address).toMatch(/^no-reply@/);
    const inviter = expectStatus(await call(world.personas.adminA, "GET", `/v1/users/${world.ids.adminA}`), 200).body;
    expect(mail!.parsed.replyTo?.[0]?.address).toBe(inviter.email);
    expect(mail!.parsed.subject).toContain("You are invited to");
    // Plain text only: what an admin typed is never markup.
    expect(mail!.parsed.html).toBeUndefined();
    expect(mail!.parsed.text).toContain("Nina <script>alert(1)</script>");
    const link = linkIn(mail!.parsed.text ?? "");
    expect(decodeURIComponent(link![1]!)).toBe(invited.inviteToken);
    expect(link![0]).toMatch(/^http:\/\/localhost\//);
    const accepted = await call(undefined, "POST", "/v1/auth/accept-invite", {
      token: decodeURIComponent(link![1]!),
      password: "a long enough password",
    });
    expect(accepted.status).toBe(200);
  });

  it("does not mail a suppressed address, says so, and still returns the token", async () => {
    expectStatus(
      await call(world.personas.adminA, "POST", "/v1/suppressions", { address: "gone@a.example", detail: "left" }),
      201,
    );
    const since = nowSeconds();
    const invited = expectStatus(
      await call(world.personas.adminA, "POST", "/v1/users", {
        email: "gone@a.example",
        name: "Gone",
        role: "agent",
        clientIds: [],
      }),
      201,
    ).body;
    expect(invited.mail.status).toBe("suppressed");
    expect(invited.mail.detail).toMatch(/suppression list/);
    expect(invited.inviteToken).toMatch(/^odi_/);
    expect(await sentSince(since, "gone@a.example")).toEqual([]);
  });

  it("sends again with a new link (the old one stops working); 404 for another provider, 409 when nothing is pending", async () => {
    const admin = world.personas.adminA;
    const first = expectStatus(
      await call(admin, "POST", "/v1/users", { email: "omar@a.example", name: "Omar", role: "agent", clientIds: [] }),
      201,
    ).body;
    expect((await call(world.personas.adminB, "POST", `/v1/users/${first.user.id}/invitation`)).status).toBe(404);
    expect((await call(world.personas.agentA1, "POST", `/v1/users/${first.user.id}/invitation`)).status).toBe(403);
    const since = nowSeconds();
    const again = expectStatus(await call(admin, "POST", `/v1/users/${first.user.id}/invitation`), 200).body;
    expect(again.mail.status).toBe("sent");
    expect(again.inviteToken).not.toBe(first.inviteToken);
    // Whole seconds: the first mail may be in the same one.
    const links = (await sentSince(since, "omar@a.example")).map((m) =>
      decodeURIComponent(linkIn(m.parsed.text ?? "")![1]!),
    );
    expect(links).toContain(again.inviteToken);
    const password = "a long enough password";
    const stale = await call(undefined, "POST", "/v1/auth/accept-invite", { token: first.inviteToken, password });
    expect(stale.status).toBe(401);
    expect(
      (await call(undefined, "POST", "/v1/auth/accept-invite", { token: again.inviteToken, password })).status,
    ).toBe(200);
    expect((await call(admin, "POST", `/v1/users/${first.user.id}/invitation`)).status).toBe(409);
  });

  it("puts the invitee's address on the provider's list when the invitation bounces", async () => {
    const admin = world.personas.adminA;
    const invited = expectStatus(
      await call(admin, "POST", "/v1/users", { email: "bounce@a.example", name: "B", role: "agent", clientIds: [] }),
      201,
    ).body;
    const tags = { p: [world.ids.providerA], k: ["invite"], u: [invited.user.id] };
    // A report naming someone else suppresses nobody.
    await sesEvents(snsEvent(sesRecord("bounce-permanent", { tags, recipient: "stranger@else.example" })));
    await sesEvents(snsEvent(sesRecord("bounce-permanent", { tags, recipient: "bounce@a.example" })));
    const list = expectStatus(await call(admin, "GET", "/v1/suppressions"), 200).body;
    const addresses = list.items.map((item: { address: string }) => item.address);
    expect(addresses).toContain("bounce@a.example");
    expect(addresses).not.toContain("stranger@else.example");
    const other = expectStatus(await call(world.personas.adminB, "GET", "/v1/suppressions"), 200).body;
    expect(other.items.map((item: { address: string }) => item.address)).not.toContain("bounce@a.example");
  });
});
