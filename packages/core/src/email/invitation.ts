import type { Role } from "../actor";
import { Aws } from "../aws";
import { Config } from "../config";
import { Outdesk } from "../dynamo";
import { createId } from "../id";
import { Log } from "../log";
import { buildMime } from "./mime";
import { Suppression } from "./suppression";

/** What became of an invitation's mail; the admin screen says it, and offers the link when it was not sent. */
export type InvitationMail =
  | { status: "sent"; to: string }
  | { status: "suppressed"; to: string; detail: string }
  | { status: "failed"; to: string; detail: string };

const roleLabel: Record<Role, string> = {
  provider_admin: "an administrator",
  agent: "an agent",
  client_admin: "a client administrator",
};

/**
 * Invitation mail: plain text only (names an admin typed stay inert), from the mail domain's
 * no-reply address in the provider's name, Reply-To the inviting user. Sent right after the user
 * is committed; a failure leaves the invitation valid and the admin gets the link to pass on.
 * Tagged `p`, `k=invite`, `u` so a bounce or complaint puts the address on the provider's list.
 */
export namespace Invitation {
  export async function mail(input: {
    providerId: string;
    userId: string;
    to: string;
    name: string;
    role: Role;
    clientIds: string[];
    link: string;
    expiresAt: string;
    inviter?: { name?: string | undefined; userId?: string | undefined };
  }): Promise<InvitationMail> {
    const { allowed } = await Suppression.filter(input.providerId, [input.to]);
    if (allowed.length === 0) {
      return {
        status: "suppressed",
        to: input.to,
        detail: "the address is on the suppression list (it bounced or complained); send the link another way",
      };
    }
    try {
      const [provider, client, inviter] = await Promise.all([
        Outdesk.entities.provider.get({ providerId: input.providerId }).go(),
        input.role === "client_admin" && input.clientIds[0]
          ? Outdesk.entities.client.get({ providerId: input.providerId, clientId: input.clientIds[0] }).go()
          : undefined,
        input.inviter?.userId
          ? Outdesk.entities.user.get({ providerId: input.providerId, userId: input.inviter.userId }).go()
          : undefined,
      ]);
      const providerName = provider.data?.name ?? "Outdesk";
      const inviterName = inviter?.data?.name ?? input.inviter?.name;
      const where = client?.data ? `${client.data.name}'s support at ${providerName}` : `${providerName}'s help desk`;
      const expires = `${input.expiresAt.slice(0, 16).replace("T", " ")} UTC`;
      const text = [
        `Hello ${input.name},`,
        "",
        `${inviterName ?? "An administrator"} invited you to ${where} on Outdesk, as ${roleLabel[input.role]}.`,
        "",
        `Choose your password here (the link works once, until ${expires}):`,
        input.link,
        "",
        "If you did not expect this invitation, ignore this mail: nothing happens until the link is used.",
      ].join("\n");
      const domain = Config.get("mailDomain");
      const from = `no-reply@${domain}`;
      const raw = buildMime({
        from: { address: from, name: `${providerName} via Outdesk` },
        to: [{ address: input.to, name: input.name }],
        replyTo: inviter?.data?.email ? [{ address: inviter.data.email, name: inviter.data.name }] : undefined,
        subject: `You are invited to ${where}`,
        messageId: `<${createId("outboundMail")}.invite@${domain}>`,
        text,
      });
      await Aws.sendRawMail({
        from,
        to: [input.to],
        raw,
        tags: { p: input.providerId, k: "invite", u: input.userId },
      });
      return { status: "sent", to: input.to };
    } catch (error) {
      Log.error("invitation mail failed", { userId: input.userId, error: String(error) });
      return {
        status: "failed",
        to: input.to,
        detail: "the mail service did not take the mail; send the link yourself",
      };
    }
  }
}
