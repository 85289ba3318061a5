import { Config } from "@outdesk/core/config";
import { Outdesk } from "@outdesk/core/dynamo";
import { Addresses } from "@outdesk/core/email/addresses";
import { beforeAll, describe, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../../test/api";
import {
  assertEveryRouteCovered,
  checkProbes,
  checkUnauthenticated,
  type IsolationSpec,
  type RouteIsolation,
} from "../../../../test/isolation";
import { buildWorld, type World } from "../../../../test/world";

/** Sending a pending invitation again and revoking it: the same reach, 409 once nothing is pending. */
const pendingInvitation: RouteIsolation = {
  sample: (w) => ({ path: `/v1/users/${w.ids.agentA1}/invitation` }),
  probes: (w) => [
    { as: "adminB", path: `/v1/users/${w.ids.agentA1}/invitation`, expect: 404 },
    { as: "clientAdminA1", path: `/v1/users/${w.ids.clientAdminA2}/invitation`, expect: 404 },
    { as: "clientAdminA2", path: `/v1/users/${w.ids.agentA1}/invitation`, expect: 404 },
    { as: "agentA1", path: `/v1/users/${w.ids.clientAdminA1}/invitation`, expect: 403 },
    { as: "keyA1", path: `/v1/users/${w.ids.clientAdminA2}/invitation`, expect: 404 },
    { as: "adminA", path: `/v1/users/${w.ids.agentA1}/invitation`, expect: 409 },
  ],
  rereads: (w) => [
    { as: "adminA", path: `/v1/users/${w.ids.agentA1}` },
    { as: "adminA", path: `/v1/users/${w.ids.clientAdminA1}` },
    { as: "adminA", path: `/v1/users/${w.ids.clientAdminA2}` },
  ],
};

/**
 * The isolation matrix: every authenticated route, probed by the personas that must not reach
 * the objects of others. A route added without an entry here fails the coverage test.
 */
/** A frozen month of client a1 (made before the matrix runs). */
const FROZEN_MONTH = "2026-10";

const spec: IsolationSpec = {
  "GET /v1/me": {
    sample: () => ({ path: "/v1/me" }),
    probes: () => [],
    rereads: () => [],
    hidden: (w) => [
      { as: "adminB", path: "/v1/me", mustNotContain: [w.ids.providerA, w.ids.adminA] },
      { as: "clientAdminA1", path: "/v1/me", mustNotContain: [w.ids.clientA2] },
    ],
  },
  // A user's own notifications: nothing to aim at; another user (of any tenant) never sees them.
  "GET /v1/me/notifications": {
    sample: () => ({ path: "/v1/me/notifications" }),
    probes: () => [{ as: "keyA1", path: "/v1/me/notifications", expect: 403 }],
    rereads: () => [{ as: "adminA", path: "/v1/me/notifications" }],
    hidden: () =>
      (["adminB", "agentA1", "clientAdminA1"] as const).map((as) => ({
        as,
        path: "/v1/me/notifications",
        mustNotContain: [NOTIFICATION_A],
      })),
  },
  "POST /v1/me/notifications/read": {
    sample: () => ({ path: "/v1/me/notifications/read", body: {} }),
    probes: () => [{ as: "keyA1", path: "/v1/me/notifications/read", body: {}, expect: 403 }],
    rereads: () => [{ as: "adminA", path: "/v1/me/notifications" }],
  },
  "POST /v1/me/password": {
    // Acts on the caller only: there is no id to aim at another tenant.
    sample: () => ({ path: "/v1/me/password", body: { currentPassword: "x", newPassword: "long enough password" } }),
    probes: () => [],
    rereads: () => [],
  },
  "GET /v1/clients": {
    sample: () => ({ path: "/v1/clients" }),
    probes: () => [],
    rereads: () => [],
    hidden: (w) => [
      { as: "adminA", path: "/v1/clients", mustNotContain: [w.ids.clientB1] },
      { as: "adminB", path: "/v1/clients", mustNotContain: [w.ids.clientA1, w.ids.clientA2] },
      { as: "agentA1", path: "/v1/clients", mustNotContain: [w.ids.clientA2, w.ids.clientB1] },
      { as: "clientAdminA1", path: "/v1/clients", mustNotContain: [w.ids.clientA2, w.ids.clientB1] },
      { as: "clientAdminA2", path: "/v1/clients", mustNotContain: [w.ids.clientA1, w.ids.clientB1] },
      { as: "keyA1", path: "/v1/clients", mustNotContain: [w.ids.clientA2, w.ids.clientB1] },
    ],
  },
  "POST /v1/clients": {
    sample: () => ({ path: "/v1/clients", body: { name: "X", slug: "x-co", timeZone: "UTC" } }),
    probes: (w) => [
      { as: "agentA1", path: "/v1/clients", body: { name: "X", slug: "x-co", timeZone: "UTC" }, expect: 403 },
      { as: "clientAdminA1", path: "/v1/clients", body: { name: "X", slug: "x-co", timeZone: "UTC" }, expect: 403 },
      { as: "keyA1", path: "/v1/clients", body: { name: "X", slug: "x-co", timeZone: "UTC" }, expect: 403 },
      // Addresses are no longer set on a client: each is claimed and verified (addresses.test.ts).
      {
        as: "adminB",
        path: "/v1/clients",
        body: { name: "X", slug: "x-co", timeZone: "UTC", supportAddresses: [w.ids.addressA1] },
        expect: 400,
      },
    ],
    rereads: (_w) => [
      { as: "adminA", path: "/v1/clients" },
      { as: "adminB", path: "/v1/clients" },
    ],
  },
  "GET /v1/clients/:clientId": {
    sample: (w) => ({ path: `/v1/clients/${w.ids.clientA1}` }),
    probes: (w) => [
      { as: "adminB", path: `/v1/clients/${w.ids.clientA1}`, expect: 404 },
      { as: "agentA1", path: `/v1/clients/${w.ids.clientA2}`, expect: 404 },
      { as: "clientAdminA1", path: `/v1/clients/${w.ids.clientA2}`, expect: 404 },
      { as: "clientAdminA2", path: `/v1/clients/${w.ids.clientA1}`, expect: 404 },
      { as: "keyA1", path: `/v1/clients/${w.ids.clientA2}`, expect: 404 },
      { as: "adminA", path: `/v1/clients/${w.ids.clientB1}`, expect: 404 },
    ],
    rereads: () => [],
  },
  "PATCH /v1/clients/:clientId": {
    sample: (w) => ({ path: `/v1/clients/${w.ids.clientA1}`, body: { name: "Hijacked" } }),
    probes: (w) => [
      { as: "adminB", path: `/v1/clients/${w.ids.clientA1}`, body: { name: "Hijacked" }, expect: 404 },
      { as: "agentA1", path: `/v1/clients/${w.ids.clientA2}`, body: { name: "Hijacked" }, expect: 404 },
      { as: "agentA1", path: `/v1/clients/${w.ids.clientA1}`, body: { name: "Hijacked" }, expect: 403 },
      { as: "clientAdminA2", path: `/v1/clients/${w.ids.clientA1}`, body: { name: "Hijacked" }, expect: 404 },
      { as: "clientAdminA1", path: `/v1/clients/${w.ids.clientA1}`, body: { name: "Hijacked" }, expect: 403 },
      { as: "adminA", path: `/v1/clients/${w.ids.clientB1}`, body: { name: "Hijacked" }, expect: 404 },
      // Cannot send a1's mail from b1's address either.
      {
        as: "adminA",
        path: `/v1/clients/${w.ids.clientA1}`,
        body: { mailSettings: { fromAddress: w.ids.addressB1 } },
        expect: 400,
      },
    ],
    rereads: clientRereads,
  },
  "POST /v1/clients/:clientId/archive": clientAction("archive"),
  "POST /v1/clients/:clientId/restore": clientAction("restore"),
  // Addresses are managed by provider admins; another client's or tenant's addresses answer 404.
  "GET /v1/clients/:clientId/addresses": {
    sample: (w) => ({ path: addressPath(w.ids.clientA1) }),
    probes: addressProbes(""),
    rereads: () => [],
    hidden: (w) => [
      { as: "adminB", path: addressPath(w.ids.clientB1), mustNotContain: [w.ids.addressA1, w.ids.clientA1] },
      { as: "adminA", path: addressPath(w.ids.clientA2), mustNotContain: [w.ids.addressA1, w.ids.addressB1] },
    ],
  },
  "POST /v1/clients/:clientId/addresses": {
    sample: (w) => ({ path: addressPath(w.ids.clientA1), body: { address: "probe@acme.example" } }),
    probes: addressProbes("", { address: "probe@acme.example" }),
    rereads: addressRereads,
  },
  "POST /v1/clients/:clientId/addresses/:address/resend": {
    sample: (w) => ({ path: addressPath(w.ids.clientA1, `/${w.ids.addressA1}/resend`) }),
    probes: (w) => addressProbes(`/${w.ids.addressA1}/resend`)(w),
    rereads: addressRereads,
  },
  "POST /v1/clients/:clientId/addresses/:address/verify": {
    sample: (w) => ({ path: addressPath(w.ids.clientA1, `/${w.ids.addressA1}/verify`), body: { code: "ABCD-EFGH" } }),
    probes: (w) => [
      ...addressProbes(`/${w.ids.addressA1}/verify`, { code: "ABCD-EFGH" })(w),
      // Another provider verifying a's address on its own client: it holds no claim on it.
      {
        as: "adminB",
        path: addressPath(w.ids.clientB1, `/${w.ids.addressA1}/verify`),
        body: { code: "ABCD-EFGH" },
        expect: 404,
      },
    ],
    rereads: addressRereads,
  },
  "POST /v1/clients/:clientId/addresses/:address/verify-domain": {
    sample: (w) => ({ path: addressPath(w.ids.clientA1, `/${w.ids.addressA1}/verify-domain`) }),
    probes: (w) => [
      ...addressProbes(`/${w.ids.addressA1}/verify-domain`)(w),
      { as: "adminB", path: addressPath(w.ids.clientB1, `/${w.ids.addressA1}/verify-domain`), expect: 404 },
    ],
    rereads: addressRereads,
  },
  "DELETE /v1/clients/:clientId/addresses/:address": {
    sample: (w) => ({ path: addressPath(w.ids.clientA1, `/${w.ids.addressA1}`) }),
    probes: (w) => [
      ...addressProbes(`/${w.ids.addressA1}`)(w),
      { as: "adminB", path: addressPath(w.ids.clientB1, `/${w.ids.addressA1}`), expect: 404 },
    ],
    rereads: addressRereads,
  },
  "GET /v1/inbound/unknown": {
    sample: () => ({ path: "/v1/inbound/unknown" }),
    probes: () => [
      { as: "agentA1", path: "/v1/inbound/unknown", expect: 403 },
      { as: "clientAdminA1", path: "/v1/inbound/unknown", expect: 403 },
      { as: "keyA1", path: "/v1/inbound/unknown", expect: 403 },
    ],
    rereads: () => [],
    hidden: () => [{ as: "adminB", path: "/v1/inbound/unknown", mustNotContain: [unknownRecipientA] }],
  },
  "GET /v1/users": {
    sample: () => ({ path: "/v1/users" }),
    probes: () => [],
    rereads: () => [],
    hidden: (w) => [
      { as: "adminB", path: "/v1/users", mustNotContain: [w.ids.adminA, w.ids.agentA1, w.ids.clientAdminA1] },
      { as: "adminA", path: "/v1/users", mustNotContain: [w.ids.adminB] },
      { as: "agentA1", path: "/v1/users", mustNotContain: [w.ids.clientAdminA2, w.ids.adminB] },
      {
        as: "clientAdminA1",
        path: "/v1/users",
        mustNotContain: [w.ids.clientAdminA2, w.ids.agentA1, w.ids.adminA, w.ids.adminB],
      },
      { as: "keyA1", path: "/v1/users", mustNotContain: [w.ids.clientAdminA2, w.ids.agentA1, w.ids.adminA] },
    ],
  },
  "POST /v1/users": {
    sample: (w) => ({ path: "/v1/users", body: invite("x@x.example", "agent", [w.ids.clientA1]) }),
    probes: (w) => [
      { as: "adminB", path: "/v1/users", body: invite("spy@b.example", "agent", [w.ids.clientA1]), expect: 400 },
      {
        as: "clientAdminA1",
        path: "/v1/users",
        body: invite("spy@a.example", "client_admin", [w.ids.clientA2]),
        expect: 403,
      },
      { as: "clientAdminA1", path: "/v1/users", body: invite("spy@a.example", "agent", [w.ids.clientA1]), expect: 403 },
      { as: "agentA1", path: "/v1/users", body: invite("spy@a.example", "agent", [w.ids.clientA1]), expect: 403 },
      { as: "keyA1", path: "/v1/users", body: invite("spy@a.example", "client_admin", [w.ids.clientA2]), expect: 403 },
    ],
    rereads: () => [
      { as: "adminA", path: "/v1/users" },
      { as: "adminB", path: "/v1/users" },
    ],
  },
  "GET /v1/users/:userId": {
    sample: (w) => ({ path: `/v1/users/${w.ids.agentA1}` }),
    probes: (w) => [
      { as: "adminB", path: `/v1/users/${w.ids.agentA1}`, expect: 404 },
      { as: "adminB", path: `/v1/users/${w.ids.adminA}`, expect: 404 },
      { as: "clientAdminA1", path: `/v1/users/${w.ids.clientAdminA2}`, expect: 404 },
      { as: "clientAdminA1", path: `/v1/users/${w.ids.agentA1}`, expect: 404 },
      { as: "agentA1", path: `/v1/users/${w.ids.clientAdminA2}`, expect: 404 },
      { as: "keyA1", path: `/v1/users/${w.ids.clientAdminA2}`, expect: 404 },
    ],
    rereads: () => [],
  },
  "PATCH /v1/users/:userId": {
    sample: (w) => ({ path: `/v1/users/${w.ids.agentA1}`, body: { name: "Renamed" } }),
    probes: (w) => [
      { as: "adminB", path: `/v1/users/${w.ids.agentA1}`, body: { status: "disabled" }, expect: 404 },
      { as: "clientAdminA1", path: `/v1/users/${w.ids.clientAdminA2}`, body: { status: "disabled" }, expect: 404 },
      { as: "clientAdminA2", path: `/v1/users/${w.ids.agentA1}`, body: { status: "disabled" }, expect: 404 },
      { as: "agentA1", path: `/v1/users/${w.ids.clientAdminA1}`, body: { status: "disabled" }, expect: 403 },
      { as: "agentA1", path: `/v1/users/${w.ids.adminA}`, body: { name: "x" }, expect: 403 },
      // A client admin cannot promote a colleague into another client or into staff.
      {
        as: "clientAdminA1",
        path: `/v1/users/${w.ids.clientAdminA1}`,
        body: { clientIds: [w.ids.clientA2] },
        expect: 403,
      },
      { as: "adminA", path: `/v1/users/${w.ids.agentA1}`, body: { clientIds: [w.ids.clientB1] }, expect: 400 },
    ],
    rereads: (w) => [
      { as: "adminA", path: `/v1/users/${w.ids.agentA1}` },
      { as: "adminA", path: `/v1/users/${w.ids.clientAdminA1}` },
      { as: "adminA", path: `/v1/users/${w.ids.clientAdminA2}` },
      { as: "adminA", path: `/v1/users/${w.ids.adminA}` },
    ],
  },
  "POST /v1/users/:userId/invitation": pendingInvitation,
  "DELETE /v1/users/:userId/invitation": pendingInvitation,
  "GET /v1/api-keys": {
    sample: () => ({ path: "/v1/api-keys" }),
    probes: () => [{ as: "agentA1", path: "/v1/api-keys", expect: 403 }],
    rereads: () => [],
    hidden: (w) => [
      { as: "adminB", path: "/v1/api-keys", mustNotContain: [w.ids.keyA, w.ids.keyA1] },
      { as: "clientAdminA2", path: "/v1/api-keys", mustNotContain: [w.ids.keyA, w.ids.keyA1] },
      { as: "clientAdminA1", path: "/v1/api-keys", mustNotContain: [w.ids.keyA] },
    ],
  },
  "POST /v1/api-keys": {
    sample: () => ({ path: "/v1/api-keys", body: { name: "k" } }),
    probes: (w) => [
      { as: "adminB", path: "/v1/api-keys", body: { name: "k", clientId: w.ids.clientA1 }, expect: 400 },
      { as: "clientAdminA1", path: "/v1/api-keys", body: { name: "k", clientId: w.ids.clientA2 }, expect: 400 },
      { as: "clientAdminA1", path: "/v1/api-keys", body: { name: "k" }, expect: 400 },
      { as: "agentA1", path: "/v1/api-keys", body: { name: "k", clientId: w.ids.clientA1 }, expect: 403 },
    ],
    rereads: () => [
      { as: "adminA", path: "/v1/api-keys" },
      { as: "adminB", path: "/v1/api-keys" },
    ],
  },
  "DELETE /v1/api-keys/:keyId": {
    sample: (w) => ({ path: `/v1/api-keys/${w.ids.keyA}` }),
    probes: (w) => [
      { as: "adminB", path: `/v1/api-keys/${w.ids.keyA}`, expect: 404 },
      { as: "adminB", path: `/v1/api-keys/${w.ids.keyA1}`, expect: 404 },
      { as: "clientAdminA2", path: `/v1/api-keys/${w.ids.keyA1}`, expect: 404 },
      { as: "clientAdminA1", path: `/v1/api-keys/${w.ids.keyA}`, expect: 404 },
      { as: "agentA1", path: `/v1/api-keys/${w.ids.keyA1}`, expect: 403 },
    ],
    rereads: () => [{ as: "adminA", path: "/v1/api-keys" }],
  },

  "GET /v1/tickets": {
    sample: () => ({ path: "/v1/tickets" }),
    probes: (w) => [
      { as: "agentA1", path: `/v1/tickets?view=client&clientId=${w.ids.clientA2}&status=new`, expect: 404 },
      { as: "agentA1", path: `/v1/tickets?view=all&status=new&clientId=${w.ids.clientA2}`, expect: 404 },
      { as: "agentA1", path: `/v1/tickets?view=mine&clientId=${w.ids.clientA2}`, expect: 404 },
      { as: "clientAdminA1", path: `/v1/tickets?view=client&clientId=${w.ids.clientA2}&status=new`, expect: 404 },
      { as: "clientAdminA1", path: "/v1/tickets?view=unassigned", expect: 403 },
      {
        as: "clientAdminA2",
        path: `/v1/tickets?view=requester&clientId=${w.ids.clientA1}&requester=riley@customer.example`,
        expect: 404,
      },
    ],
    rereads: () => [],
    hidden: (w) => [
      { as: "adminB", path: "/v1/tickets?view=all&status=new", mustNotContain: [w.ids.ticketA1, w.ids.ticketA2] },
      // A provider admin naming another tenant's client gets an empty page: the query is keyed by their own provider.
      {
        as: "adminB",
        path: `/v1/tickets?view=client&clientId=${w.ids.clientA1}&status=new`,
        mustNotContain: [w.ids.ticketA1],
      },
      { as: "adminA", path: "/v1/tickets?view=all&status=new", mustNotContain: [w.ids.ticketB1] },
      { as: "agentA1", path: "/v1/tickets?view=all&status=new", mustNotContain: [w.ids.ticketA2, w.ids.ticketB1] },
      { as: "agentA1", path: "/v1/tickets?view=unassigned", mustNotContain: [w.ids.ticketA2, w.ids.ticketB1] },
      {
        as: "clientAdminA1",
        path: "/v1/tickets?view=all&status=new",
        mustNotContain: [w.ids.ticketA2, w.ids.ticketB1],
      },
      { as: "keyA1", path: "/v1/tickets?view=all&status=new", mustNotContain: [w.ids.ticketA2] },
      {
        as: "adminB",
        path: `/v1/tickets?view=requester&clientId=${w.ids.clientA1}&requester=riley@customer.example`,
        mustNotContain: [w.ids.ticketA1],
      },
    ],
  },
  "GET /v1/tickets/counts": {
    sample: () => ({ path: "/v1/tickets/counts" }),
    probes: () => [],
    rereads: () => [],
    hidden: (w) => [
      { as: "adminB", path: "/v1/tickets/counts", mustNotContain: [w.ids.clientA1, w.ids.clientA2] },
      { as: "agentA1", path: "/v1/tickets/counts", mustNotContain: [w.ids.clientA2, w.ids.clientB1] },
      { as: "clientAdminA1", path: "/v1/tickets/counts", mustNotContain: [w.ids.clientA2] },
    ],
  },
  "POST /v1/tickets": {
    sample: (w) => ({ path: "/v1/tickets", body: ticketCreate(w.ids.clientA1) }),
    probes: (w) => [
      { as: "adminB", path: "/v1/tickets", body: ticketCreate(w.ids.clientA1), expect: 404 },
      { as: "agentA1", path: "/v1/tickets", body: ticketCreate(w.ids.clientA2), expect: 404 },
      { as: "clientAdminA1", path: "/v1/tickets", body: ticketCreate(w.ids.clientA2), expect: 404 },
      { as: "keyA1", path: "/v1/tickets", body: ticketCreate(w.ids.clientA2), expect: 404 },
      {
        as: "adminA",
        path: "/v1/tickets",
        body: { ...ticketCreate(w.ids.clientA1), assigneeId: w.ids.adminB },
        expect: 400,
      },
    ],
    rereads: (w) => [
      { as: "adminB", path: "/v1/tickets/counts" },
      { as: "adminA", path: `/v1/tickets?view=client&clientId=${w.ids.clientA2}&status=new` },
    ],
  },
  "POST /v1/tickets/bulk": {
    sample: (w) => ({
      path: "/v1/tickets/bulk",
      body: { tickets: [{ clientId: w.ids.clientA1, ticketId: w.ids.ticketA1 }], status: "pending" },
    }),
    probes: (w) => [
      // Bulk answers per ticket: foreign tickets come back not_found and stay untouched.
      {
        as: "adminB",
        path: "/v1/tickets/bulk",
        body: { tickets: [{ clientId: w.ids.clientA1, ticketId: w.ids.ticketA1 }], status: "pending" },
        expect: 200,
      },
      {
        as: "agentA1",
        path: "/v1/tickets/bulk",
        body: { tickets: [{ clientId: w.ids.clientA2, ticketId: w.ids.ticketA2 }], status: "pending" },
        expect: 200,
      },
      {
        as: "adminA",
        path: "/v1/tickets/bulk",
        body: { tickets: [{ clientId: w.ids.clientB1, ticketId: w.ids.ticketB1 }], status: "pending" },
        expect: 200,
      },
      {
        as: "clientAdminA1",
        path: "/v1/tickets/bulk",
        body: { tickets: [{ clientId: w.ids.clientA1, ticketId: w.ids.ticketA1 }], status: "pending" },
        expect: 403,
      },
      // The other bulk changes and a bulk merge, from outside: per ticket not_found, nothing moves.
      {
        as: "adminB",
        path: "/v1/tickets/bulk",
        body: {
          tickets: [{ clientId: w.ids.clientA1, ticketId: w.ids.ticketA1 }],
          priority: "low",
          tier: "L3",
          reason: "outsider",
          addTags: ["outsider"],
        },
        expect: 200,
      },
      {
        as: "adminB",
        path: "/v1/tickets/bulk",
        body: {
          tickets: [{ clientId: w.ids.clientA1, ticketId: w.ids.ticketA1 }],
          mergeInto: w.ids.ticketB1,
        },
        expect: 200,
      },
      {
        as: "agentA1",
        path: "/v1/tickets/bulk",
        body: { tickets: [{ clientId: w.ids.clientA2, ticketId: w.ids.ticketA2 }], mergeInto: w.ids.ticketA1 },
        expect: 200,
      },
    ],
    rereads: ticketRereads,
  },
  "GET /v1/clients/:clientId/tickets/:ticketId": {
    sample: (w) => ({ path: t(w.ids.clientA1, w.ids.ticketA1) }),
    probes: (w) => ticketProbes("", undefined)(w).filter((probe) => probe.expect === 404),
    rereads: () => [],
    hidden: (w) => [
      { as: "clientAdminA1", path: t(w.ids.clientA1, w.ids.ticketA1), mustNotContain: [w.ids.noteA1, "VIP"] },
      { as: "keyA1", path: t(w.ids.clientA1, w.ids.ticketA1), mustNotContain: [w.ids.noteA1, "VIP"] },
    ],
  },
  "GET /v1/clients/:clientId/tickets/:ticketId/messages": {
    sample: (w) => ({ path: t(w.ids.clientA1, w.ids.ticketA1, "/messages?before=probe") }),
    probes: (w) => ticketProbes("/messages?before=probe", undefined)(w).filter((probe) => probe.expect === 404),
    rereads: () => [],
  },
  "GET /v1/clients/:clientId/tickets/:ticketId/messages/:messageId/original": {
    sample: (w) => ({ path: t(w.ids.clientA1, w.ids.ticketA1, `/messages/${w.ids.noteA1}/original`) }),
    // Client admins never get originals: 404 on their own ticket too.
    probes: (w) => ticketProbes(`/messages/${w.ids.noteA1}/original`, undefined, 404)(w),
    rereads: () => [],
  },
  "PATCH /v1/clients/:clientId/tickets/:ticketId": {
    sample: (w) => ({ path: t(w.ids.clientA1, w.ids.ticketA1), body: { priority: "urgent" } }),
    probes: ticketProbes("", { priority: "urgent" }),
    rereads: ticketRereads,
  },
  "POST /v1/clients/:clientId/tickets/:ticketId/replies": {
    sample: (w) => ({ path: t(w.ids.clientA1, w.ids.ticketA1, "/replies"), body: { body: "hi" } }),
    probes: (w) => ticketProbes("/replies", { body: "hi" })(w).filter((probe) => probe.expect === 404),
    rereads: ticketRereads,
  },
  "POST /v1/clients/:clientId/tickets/:ticketId/notes": {
    sample: (w) => ({ path: t(w.ids.clientA1, w.ids.ticketA1, "/notes"), body: { body: "hi" } }),
    probes: ticketProbes("/notes", { body: "hi" }),
    rereads: ticketRereads,
  },
  "POST /v1/clients/:clientId/tickets/:ticketId/escalate": {
    sample: (w) => ({ path: t(w.ids.clientA1, w.ids.ticketA1, "/escalate"), body: { tier: "L2", reason: "probe" } }),
    probes: ticketProbes("/escalate", { tier: "L3", reason: "probe" }),
    rereads: ticketRereads,
  },
  "POST /v1/clients/:clientId/tickets/:ticketId/merge": {
    sample: (w) => ({ path: t(w.ids.clientA1, w.ids.ticketA1, "/merge"), body: { targetTicketId: w.ids.ticketA2 } }),
    probes: (w) => [
      ...ticketProbes("/merge", { targetTicketId: w.ids.ticketA1 })(w),
      // Merging into another tenant's or another client's ticket is refused.
      {
        as: "adminA",
        path: t(w.ids.clientA1, w.ids.ticketA1, "/merge"),
        body: { targetTicketId: w.ids.ticketB1 },
        expect: 400,
      },
      {
        as: "adminA",
        path: t(w.ids.clientA1, w.ids.ticketA1, "/merge"),
        body: { targetTicketId: w.ids.ticketA2 },
        expect: 400,
      },
    ],
    rereads: ticketRereads,
  },
  "POST /v1/clients/:clientId/tickets/:ticketId/take": {
    sample: (w) => ({ path: t(w.ids.clientA1, w.ids.ticketA1, "/take") }),
    probes: ticketProbes("/take", undefined),
    rereads: ticketRereads,
  },
  // Presence: anyone who may see the ticket beats and reads (client admins too); outsiders get 404.
  "PUT /v1/clients/:clientId/tickets/:ticketId/presence": {
    sample: (w) => ({ path: t(w.ids.clientA1, w.ids.ticketA1, "/presence"), body: { state: "viewing" } }),
    probes: (w) => ticketProbes("/presence", { state: "typing" })(w).filter((probe) => probe.expect === 404),
    rereads: (w) => [
      ...ticketRereads(w),
      { as: "adminB", path: t(w.ids.clientB1, w.ids.ticketB1, "/presence") },
      { as: "agentA1", path: t(w.ids.clientA1, w.ids.ticketA1, "/presence") },
    ],
  },
  "GET /v1/clients/:clientId/tickets/:ticketId/presence": {
    sample: (w) => ({ path: t(w.ids.clientA1, w.ids.ticketA1, "/presence") }),
    probes: (w) => ticketProbes("/presence", undefined)(w).filter((probe) => probe.expect === 404),
    rereads: () => [],
  },
  "GET /v1/clients/:clientId/ticket-numbers/:number": {
    sample: (w) => ({ path: `/v1/clients/${w.ids.clientA1}/ticket-numbers/1` }),
    probes: (w) => [
      { as: "adminB", path: `/v1/clients/${w.ids.clientA1}/ticket-numbers/1`, expect: 404 },
      { as: "adminA", path: `/v1/clients/${w.ids.clientB1}/ticket-numbers/1`, expect: 404 },
      { as: "agentA1", path: `/v1/clients/${w.ids.clientA2}/ticket-numbers/1`, expect: 404 },
      { as: "clientAdminA2", path: `/v1/clients/${w.ids.clientA1}/ticket-numbers/1`, expect: 404 },
      { as: "keyA1", path: `/v1/clients/${w.ids.clientA2}/ticket-numbers/1`, expect: 404 },
    ],
    rereads: () => [],
  },
  // Uploads are granted per client (drafts) or ticket; downloads only of files on messages the caller may read.
  "POST /v1/clients/:clientId/attachments": {
    sample: (w) => ({ path: `/v1/clients/${w.ids.clientA1}/attachments`, body: UPLOAD }),
    probes: (w) => [
      { as: "adminB", path: `/v1/clients/${w.ids.clientA1}/attachments`, body: UPLOAD, expect: 404 },
      { as: "adminA", path: `/v1/clients/${w.ids.clientB1}/attachments`, body: UPLOAD, expect: 404 },
      { as: "agentA1", path: `/v1/clients/${w.ids.clientA2}/attachments`, body: UPLOAD, expect: 404 },
      { as: "clientAdminA1", path: `/v1/clients/${w.ids.clientA2}/attachments`, body: UPLOAD, expect: 404 },
      { as: "clientAdminA2", path: `/v1/clients/${w.ids.clientA1}/attachments`, body: UPLOAD, expect: 404 },
      { as: "keyA1", path: `/v1/clients/${w.ids.clientA2}/attachments`, body: UPLOAD, expect: 404 },
    ],
    rereads: ticketRereads,
  },
  "POST /v1/clients/:clientId/tickets/:ticketId/attachments": {
    sample: (w) => ({ path: t(w.ids.clientA1, w.ids.ticketA1, "/attachments"), body: UPLOAD }),
    probes: (w) => ticketProbes("/attachments", UPLOAD)(w).filter((probe) => probe.expect === 404),
    rereads: ticketRereads,
  },
  "GET /v1/clients/:clientId/tickets/:ticketId/attachments/:attachmentId": {
    sample: (w) => ({ path: t(w.ids.clientA1, w.ids.ticketA1, `/attachments/${attachedA1.reply}`) }),
    probes: (w) => [
      // An internal note's file: not found for client admins and client keys, like the note itself.
      ...ticketProbes(`/attachments/${attachedA1.note}`, undefined, 404)(w),
      { as: "keyA1", path: t(w.ids.clientA1, w.ids.ticketA1, `/attachments/${attachedA1.note}`), expect: 404 },
      { as: "keyA1", path: t(w.ids.clientA1, w.ids.ticketA1, `/attachments/${attachedA1.note}?inline=1`), expect: 404 },
      // A public reply's file: not found for anyone outside the ticket, with or without inline.
      ...ticketProbes(`/attachments/${attachedA1.reply}`, undefined)(w).filter((probe) => probe.expect === 404),
      ...ticketProbes(`/attachments/${attachedA1.reply}?inline=1`, undefined)(w).filter((p) => p.expect === 404),
      // a's file id under b's own ticket.
      { as: "adminB", path: t(w.ids.clientB1, w.ids.ticketB1, `/attachments/${attachedA1.reply}`), expect: 404 },
    ],
    rereads: ticketRereads,
    hidden: (w) => [
      { as: "clientAdminA1", path: t(w.ids.clientA1, w.ids.ticketA1), mustNotContain: [attachedA1.note] },
    ],
  },
  // Search reads the clients the actor may see; naming another's client is 404, and notes never match for client admins.
  "GET /v1/search": {
    sample: () => ({ path: "/v1/search?q=printer" }),
    probes: (w) => [
      { as: "adminB", path: `/v1/search?q=printer&clientId=${w.ids.clientA1}`, expect: 404 },
      { as: "adminA", path: `/v1/search?q=tps&clientId=${w.ids.clientB1}`, expect: 404 },
      { as: "agentA1", path: `/v1/search?q=vpn&clientId=${w.ids.clientA2}`, expect: 404 },
      { as: "clientAdminA1", path: `/v1/search?q=vpn&clientId=${w.ids.clientA2}`, expect: 404 },
      { as: "clientAdminA2", path: `/v1/search?q=printer&clientId=${w.ids.clientA1}`, expect: 404 },
      { as: "keyA1", path: `/v1/search?q=vpn&clientId=${w.ids.clientA2}`, expect: 404 },
    ],
    rereads: () => [],
    hidden: (w) => [
      { as: "adminB", path: "/v1/search?q=printer", mustNotContain: [w.ids.ticketA1, w.ids.ticketA2] },
      { as: "agentA1", path: "/v1/search?q=vpn", mustNotContain: [w.ids.ticketA2] },
      { as: "clientAdminA1", path: "/v1/search?q=VIP", mustNotContain: [w.ids.ticketA1, w.ids.noteA1] },
      { as: "clientAdminA2", path: "/v1/search?q=printer", mustNotContain: [w.ids.ticketA1] },
    ],
  },
  // The suppression list is the provider admins': other roles get 403, other providers see their own.
  "GET /v1/suppressions": {
    sample: () => ({ path: "/v1/suppressions" }),
    probes: () => [
      { as: "agentA1", path: "/v1/suppressions", expect: 403 },
      { as: "clientAdminA1", path: "/v1/suppressions", expect: 403 },
      { as: "keyA1", path: "/v1/suppressions", expect: 403 },
    ],
    rereads: () => [],
    hidden: () => [
      { as: "adminB", path: "/v1/suppressions", mustNotContain: [SUPPRESSED_A] },
      { as: "adminB", path: `/v1/suppressions?prefix=${SUPPRESSED_A}`, mustNotContain: [SUPPRESSED_A] },
    ],
  },
  "POST /v1/suppressions": {
    sample: () => ({ path: "/v1/suppressions", body: { address: "probe@customer.example" } }),
    probes: () => [
      { as: "agentA1", path: "/v1/suppressions", body: { address: "probe@customer.example" }, expect: 403 },
      { as: "clientAdminA1", path: "/v1/suppressions", body: { address: "probe@customer.example" }, expect: 403 },
      { as: "keyA1", path: "/v1/suppressions", body: { address: "probe@customer.example" }, expect: 403 },
    ],
    rereads: suppressionRereads,
  },
  "DELETE /v1/suppressions/:address": {
    sample: () => ({ path: `/v1/suppressions/${SUPPRESSED_A}` }),
    probes: () => [
      { as: "adminB", path: `/v1/suppressions/${SUPPRESSED_A}`, expect: 404 },
      { as: "agentA1", path: `/v1/suppressions/${SUPPRESSED_A}`, expect: 403 },
      { as: "clientAdminA1", path: `/v1/suppressions/${SUPPRESSED_A}`, expect: 403 },
      { as: "keyA1", path: `/v1/suppressions/${SUPPRESSED_A}`, expect: 403 },
    ],
    rereads: suppressionRereads,
  },
  ...calendarSpecs(),
  ...slaPolicySpecs(),
  ...slaReportSpecs(),
  ...contractSpecs(),
  ...timeSpecs(),
};

/** Time entries: staff serving the client log them (client admins 403), provider admins approve. */
function timeSpecs(): IsolationSpec {
  const base = (clientId: string, ticketId: string) => `/v1/clients/${clientId}/tickets/${ticketId}/time-entries`;
  const ENTRY = "te_01jzzzzzzzzzzzzzzzzzzzzzzz";
  const rereads = (w: World) => [
    { as: "adminA" as const, path: base(w.ids.clientA1, w.ids.ticketA1) },
    { as: "adminA" as const, path: base(w.ids.clientA2, w.ids.ticketA2) },
  ];
  const route = (rest: string, body: unknown, staffStatus?: 403 | 404): RouteIsolation => ({
    sample: (w) => ({ path: `${base(w.ids.clientA1, w.ids.ticketA1)}${rest}`, body }),
    probes: (w) => [
      { as: "adminB", path: `${base(w.ids.clientA1, w.ids.ticketA1)}${rest}`, body, expect: 404 },
      { as: "adminA", path: `${base(w.ids.clientB1, w.ids.ticketB1)}${rest}`, body, expect: 404 },
      { as: "adminA", path: `${base(w.ids.clientA2, w.ids.ticketA1)}${rest}`, body, expect: 404 },
      { as: "agentA1", path: `${base(w.ids.clientA2, w.ids.ticketA2)}${rest}`, body, expect: 404 },
      { as: "clientAdminA2", path: `${base(w.ids.clientA1, w.ids.ticketA1)}${rest}`, body, expect: 404 },
      { as: "clientAdminA1", path: `${base(w.ids.clientA1, w.ids.ticketA1)}${rest}`, body, expect: 403 },
      { as: "keyA1", path: `${base(w.ids.clientA2, w.ids.ticketA2)}${rest}`, body, expect: 404 },
      ...(staffStatus === 404
        ? [
            {
              as: "agentA1" as const,
              path: `${base(w.ids.clientA1, w.ids.ticketA1)}${rest}`,
              body,
              expect: 404 as const,
            },
          ]
        : []),
    ],
    rereads,
  });
  return {
    "GET /v1/clients/:clientId/tickets/:ticketId/time-entries": route("", undefined),
    "POST /v1/clients/:clientId/tickets/:ticketId/time-entries": route("", { minutes: 5 }),
    // A made-up entry id: even staff of the client get 404 for what does not exist.
    "PATCH /v1/clients/:clientId/tickets/:ticketId/time-entries/:entryId": route(`/${ENTRY}`, { minutes: 5 }, 404),
    "DELETE /v1/clients/:clientId/tickets/:ticketId/time-entries/:entryId": route(`/${ENTRY}`, undefined, 404),
    "POST /v1/clients/:clientId/tickets/:ticketId/time-entries/:entryId/approve": route(`/${ENTRY}/approve`, {}, 403),
    "POST /v1/clients/:clientId/tickets/:ticketId/time-entries/:entryId/reopen": route(`/${ENTRY}/reopen`, {}, 403),
    "GET /v1/timesheets/:agentId": {
      sample: (w) => ({ path: `/v1/timesheets/${w.ids.agentA1}?week=2026-11-02` }),
      probes: (w) => [
        { as: "adminB", path: `/v1/timesheets/${w.ids.agentA1}?week=2026-11-02`, expect: 200 },
        { as: "agentA1", path: `/v1/timesheets/${w.ids.adminA}?week=2026-11-02`, expect: 403 },
        { as: "clientAdminA1", path: `/v1/timesheets/${w.ids.agentA1}?week=2026-11-02`, expect: 403 },
        { as: "keyA1", path: `/v1/timesheets/${w.ids.agentA1}?week=2026-11-02`, expect: 403 },
      ],
      rereads: (w) => [{ as: "adminA", path: `/v1/timesheets/${w.ids.agentA1}?week=2026-11-02` }],
      hidden: (w) => [
        // Another provider's admin asking for A's agent reads B's partition: nothing of A's.
        { as: "adminB", path: `/v1/timesheets/${w.ids.agentA1}?week=2026-11-02`, mustNotContain: [w.ids.ticketA1] },
      ],
    },
  };
}

/** Contracts are the provider admins': other roles get 403 on a served client, 404 on any other. */
function contractSpecs(): IsolationSpec {
  const base = (clientId: string) => `/v1/clients/${clientId}/contract`;
  const terms = { name: "Probe", currency: "USD", components: [{ kind: "fixed_fee", name: "Fee", amount: 100 }] };
  const thisMonth = new Date().toISOString().slice(0, 7);
  const route = (rest: string, body?: unknown): RouteIsolation => ({
    sample: (w) => ({ path: `${base(w.ids.clientA1)}${rest}`, body }),
    probes: (w) => [
      { as: "adminB", path: `${base(w.ids.clientA1)}${rest}`, body, expect: 404 },
      { as: "adminA", path: `${base(w.ids.clientB1)}${rest}`, body, expect: 404 },
      { as: "agentA1", path: `${base(w.ids.clientA2)}${rest}`, body, expect: 404 },
      { as: "agentA1", path: `${base(w.ids.clientA1)}${rest}`, body, expect: 403 },
      { as: "clientAdminA2", path: `${base(w.ids.clientA1)}${rest}`, body, expect: 404 },
      { as: "clientAdminA1", path: `${base(w.ids.clientA1)}${rest}`, body, expect: 403 },
      { as: "keyA1", path: `${base(w.ids.clientA2)}${rest}`, body, expect: 404 },
    ],
    rereads: (w) => [
      { as: "adminA", path: base(w.ids.clientA1) },
      { as: "adminA", path: base(w.ids.clientA2) },
    ],
  });
  // Statements: provider admins and the client's own admins; agents 403.
  const billing = (rest: string, body?: unknown): RouteIsolation => {
    const at = (clientId: string) => `/v1/clients/${clientId}/billing-statements${rest}`;
    return {
      sample: (w) => ({ path: at(w.ids.clientA1), body }),
      probes: (w) => [
        { as: "adminB", path: at(w.ids.clientA1), body, expect: 404 },
        { as: "adminA", path: at(w.ids.clientB1), body, expect: 404 },
        { as: "agentA1", path: at(w.ids.clientA2), body, expect: 404 },
        { as: "agentA1", path: at(w.ids.clientA1), body, expect: 403 },
        { as: "clientAdminA2", path: at(w.ids.clientA1), body, expect: 404 },
        { as: "keyA1", path: at(w.ids.clientA2), body, expect: 404 },
      ],
      rereads: (w) => [{ as: "adminA", path: `/v1/clients/${w.ids.clientA1}/billing-statements` }],
    };
  };
  return {
    "GET /v1/clients/:clientId/contract": route(""),
    "POST /v1/clients/:clientId/contract/versions": route("/versions", { effectiveFrom: thisMonth, terms }),
    "POST /v1/clients/:clientId/contract/preview": route("/preview", { terms, usage: {} }),
    "GET /v1/clients/:clientId/billing-statements": billing(""),
    "GET /v1/clients/:clientId/billing-statements/:month": billing("/2026-09"),
    "GET /v1/clients/:clientId/billing-statements/:month/csv": billing("/2026-09/csv"),
    "GET /v1/clients/:clientId/billing-statements/:month/invoice": {
      ...billing("/2026-09/invoice?format=xero"),
      probes: (w) => [
        ...billing("/2026-09/invoice?format=xero").probes(w),
        {
          as: "clientAdminA1",
          path: `/v1/clients/${w.ids.clientA1}/billing-statements/2026-09/invoice?format=xero`,
          expect: 403,
        },
      ],
    },
    "POST /v1/clients/:clientId/billing-statements": {
      ...billing("", { month: "2026-09" }),
      probes: (w) => [
        ...billing("", { month: "2026-09" }).probes(w),
        {
          as: "clientAdminA1",
          path: `/v1/clients/${w.ids.clientA1}/billing-statements`,
          body: { month: "2026-09" },
          expect: 403,
        },
      ],
    },
    "GET /v1/clients/:clientId/billing-statements/:month/items": billing("/2026-09/items?of=solved"),
    "PUT /v1/clients/:clientId/billing-statements/:month/exclusions": {
      ...billing("/2026-09/exclusions", { items: [] }),
      probes: (w) => [
        ...billing("/2026-09/exclusions", { items: [] }).probes(w),
        {
          as: "clientAdminA1",
          path: `/v1/clients/${w.ids.clientA1}/billing-statements/2026-09/exclusions`,
          body: { items: [] },
          expect: 403,
        },
      ],
    },
    "GET /v1/clients/:clientId/billing-statements/:month/disputes": billing("/2026-09/disputes"),
    "POST /v1/clients/:clientId/billing-statements/:month/disputes": billing("/2026-09/disputes", {
      line: 0,
      reason: "Probe",
    }),
    "POST /v1/clients/:clientId/billing-statements/:month/disputes/:disputeId/resolve": {
      ...billing("/2026-09/disputes/dsp_01jzzzzzzzzzzzzzzzzzzzzzzz/resolve", { outcome: "rejected", note: "Probe" }),
      probes: (w) => [
        ...billing("/2026-09/disputes/dsp_01jzzzzzzzzzzzzzzzzzzzzzzz/resolve", {
          outcome: "rejected",
          note: "Probe",
        }).probes(w),
        {
          as: "clientAdminA1",
          path: `/v1/clients/${w.ids.clientA1}/billing-statements/2026-09/disputes/dsp_01jzzzzzzzzzzzzzzzzzzzzzzz/resolve`,
          body: { outcome: "rejected", note: "Probe" },
          expect: 403,
        },
        // A made-up dispute of the provider's own client: 404 even for its admin.
        {
          as: "adminA",
          path: `/v1/clients/${w.ids.clientA1}/billing-statements/2026-09/disputes/dsp_01jzzzzzzzzzzzzzzzzzzzzzzz/resolve`,
          body: { outcome: "rejected", note: "Probe" },
          expect: 404,
        },
      ],
    },
    // The KPI pack: staff serving the client read it too, like its SLA report.
    "GET /v1/clients/:clientId/kpis": {
      sample: (w) => ({ path: `/v1/clients/${w.ids.clientA1}/kpis?month=${thisMonth}` }),
      probes: (w) => [
        { as: "adminB", path: `/v1/clients/${w.ids.clientA1}/kpis?month=${thisMonth}`, expect: 404 },
        { as: "adminA", path: `/v1/clients/${w.ids.clientB1}/kpis?month=${thisMonth}`, expect: 404 },
        { as: "agentA1", path: `/v1/clients/${w.ids.clientA2}/kpis?month=${thisMonth}`, expect: 404 },
        { as: "clientAdminA2", path: `/v1/clients/${w.ids.clientA1}/kpis?month=${thisMonth}`, expect: 404 },
        { as: "keyA1", path: `/v1/clients/${w.ids.clientA2}/kpis?month=${thisMonth}`, expect: 404 },
        { as: "clientAdminA1", path: `/v1/clients/${w.ids.clientA1}/kpis?month=${thisMonth}`, expect: 200 },
      ],
      // Not the pack itself: its backlog is as of the moment read.
      rereads: (w) => [{ as: "adminA", path: `/v1/clients/${w.ids.clientA1}/usage?month=${thisMonth}` }],
    },
    // Provider-wide: the provider admins' own partition; another provider's admin sees only theirs.
    "GET /v1/kpis": {
      sample: () => ({ path: `/v1/kpis?month=${thisMonth}` }),
      probes: () => [
        { as: "agentA1", path: `/v1/kpis?month=${thisMonth}`, expect: 403 },
        { as: "clientAdminA1", path: `/v1/kpis?month=${thisMonth}`, expect: 403 },
        { as: "keyA1", path: `/v1/kpis?month=${thisMonth}`, expect: 403 },
      ],
      rereads: (w) => [{ as: "adminA", path: `/v1/clients/${w.ids.clientA1}/billing-statements` }],
      hidden: (w) => [
        {
          as: "adminB",
          path: `/v1/kpis?month=${thisMonth}`,
          mustNotContain: [w.ids.clientA1, w.ids.clientA2, w.ids.agentA1],
        },
      ],
    },
    "GET /v1/billing/disputes": {
      sample: () => ({ path: "/v1/billing/disputes" }),
      probes: () => [
        { as: "agentA1", path: "/v1/billing/disputes", expect: 403 },
        { as: "clientAdminA1", path: "/v1/billing/disputes", expect: 403 },
        { as: "keyA1", path: "/v1/billing/disputes", expect: 403 },
      ],
      rereads: () => [{ as: "adminA", path: "/v1/billing/disputes" }],
      hidden: (w) => [{ as: "adminB", path: "/v1/billing/disputes", mustNotContain: [w.ids.clientA1] }],
    },
    // The client's own admins read its usage too.
    "GET /v1/clients/:clientId/usage": {
      sample: (w) => ({ path: `/v1/clients/${w.ids.clientA1}/usage?month=${thisMonth}` }),
      probes: (w) => [
        { as: "adminB", path: `/v1/clients/${w.ids.clientA1}/usage?month=${thisMonth}`, expect: 404 },
        { as: "adminA", path: `/v1/clients/${w.ids.clientB1}/usage?month=${thisMonth}`, expect: 404 },
        { as: "agentA1", path: `/v1/clients/${w.ids.clientA2}/usage?month=${thisMonth}`, expect: 404 },
        { as: "agentA1", path: `/v1/clients/${w.ids.clientA1}/usage?month=${thisMonth}`, expect: 403 },
        { as: "clientAdminA2", path: `/v1/clients/${w.ids.clientA1}/usage?month=${thisMonth}`, expect: 404 },
        { as: "keyA1", path: `/v1/clients/${w.ids.clientA2}/usage?month=${thisMonth}`, expect: 404 },
      ],
      rereads: (w) => [{ as: "adminA", path: `/v1/clients/${w.ids.clientA1}/usage?month=${thisMonth}` }],
    },
  };
}

/** Reports and statements: staff serving the client and its client admins read; provider admins freeze. */
function slaReportSpecs(): IsolationSpec {
  const base = (clientId: string) => `/v1/clients/${clientId}`;
  const rereads = (w: World) => [
    { as: "adminA" as const, path: `${base(w.ids.clientA1)}/sla-statements` },
    { as: "adminA" as const, path: `${base(w.ids.clientA1)}/sla-statements/${FROZEN_MONTH}` },
    { as: "adminA" as const, path: `${base(w.ids.clientA2)}/sla-statements` },
  ];
  const read = (rest: string): RouteIsolation => ({
    sample: (w) => ({ path: `${base(w.ids.clientA1)}${rest}` }),
    probes: (w) => [
      { as: "adminB", path: `${base(w.ids.clientA1)}${rest}`, expect: 404 },
      { as: "adminA", path: `${base(w.ids.clientB1)}${rest}`, expect: 404 },
      { as: "agentA1", path: `${base(w.ids.clientA2)}${rest}`, expect: 404 },
      { as: "clientAdminA2", path: `${base(w.ids.clientA1)}${rest}`, expect: 404 },
      { as: "keyA1", path: `${base(w.ids.clientA2)}${rest}`, expect: 404 },
    ],
    rereads,
  });
  const body = { month: "2026-09" };
  const override = { metric: "first_reply", dueAt: "2027-01-01T00:00:00Z", reason: "probe" };
  return {
    "GET /v1/clients/:clientId/sla-report": read(`/sla-report?month=${FROZEN_MONTH}`),
    "GET /v1/clients/:clientId/sla-report/breaches": read(`/sla-report/breaches?month=${FROZEN_MONTH}`),
    "GET /v1/clients/:clientId/sla-statements": read("/sla-statements"),
    "GET /v1/clients/:clientId/sla-statements/:month": read(`/sla-statements/${FROZEN_MONTH}`),
    "GET /v1/clients/:clientId/sla-statements/:month/csv": read(`/sla-statements/${FROZEN_MONTH}/csv`),
    "POST /v1/clients/:clientId/sla-statements": {
      sample: (w) => ({ path: `${base(w.ids.clientA1)}/sla-statements`, body }),
      probes: (w) => [
        { as: "adminB", path: `${base(w.ids.clientA1)}/sla-statements`, body, expect: 404 },
        { as: "adminA", path: `${base(w.ids.clientB1)}/sla-statements`, body, expect: 404 },
        { as: "agentA1", path: `${base(w.ids.clientA1)}/sla-statements`, body, expect: 403 },
        { as: "clientAdminA1", path: `${base(w.ids.clientA1)}/sla-statements`, body, expect: 403 },
        { as: "keyA1", path: `${base(w.ids.clientA1)}/sla-statements`, body, expect: 403 },
        // The frozen month stays as it is.
        { as: "adminA", path: `${base(w.ids.clientA1)}/sla-statements`, body: { month: FROZEN_MONTH }, expect: 409 },
      ],
      rereads,
    },
    "POST /v1/clients/:clientId/tickets/:ticketId/sla-override": {
      sample: (w) => ({ path: `${base(w.ids.clientA1)}/tickets/${w.ids.ticketA1}/sla-override`, body: override }),
      probes: (w) => [
        {
          as: "adminB",
          path: `${base(w.ids.clientA1)}/tickets/${w.ids.ticketA1}/sla-override`,
          body: override,
          expect: 404,
        },
        {
          as: "adminA",
          path: `${base(w.ids.clientA2)}/tickets/${w.ids.ticketA1}/sla-override`,
          body: override,
          expect: 404,
        },
        {
          as: "agentA1",
          path: `${base(w.ids.clientA2)}/tickets/${w.ids.ticketA2}/sla-override`,
          body: override,
          expect: 404,
        },
        {
          as: "clientAdminA1",
          path: `${base(w.ids.clientA1)}/tickets/${w.ids.ticketA1}/sla-override`,
          body: override,
          expect: 403,
        },
        {
          as: "keyA1",
          path: `${base(w.ids.clientA1)}/tickets/${w.ids.ticketA1}/sla-override`,
          body: override,
          expect: 403,
        },
      ],
      rereads: (w) => [
        { as: "adminA", path: `${base(w.ids.clientA1)}/tickets/${w.ids.ticketA1}` },
        { as: "adminA", path: `${base(w.ids.clientA2)}/tickets/${w.ids.ticketA2}` },
      ],
    },
    "GET /v1/sla-report": {
      sample: () => ({ path: `/v1/sla-report?month=${FROZEN_MONTH}` }),
      probes: () => [
        { as: "clientAdminA1", path: `/v1/sla-report?month=${FROZEN_MONTH}`, expect: 403 },
        { as: "keyA1", path: `/v1/sla-report?month=${FROZEN_MONTH}`, expect: 403 },
      ],
      rereads,
      hidden: (w) => [
        {
          as: "adminB",
          path: `/v1/sla-report?month=${FROZEN_MONTH}`,
          mustNotContain: [w.ids.clientA1, w.ids.clientA2],
        },
        { as: "agentA1", path: `/v1/sla-report?month=${FROZEN_MONTH}`, mustNotContain: [w.ids.clientA2] },
      ],
    },
  };
}

/** A client's SLA policies: staff serving it and its client admins read, provider admins write. */
function slaPolicySpecs(): IsolationSpec {
  const path = (clientId: string) => `/v1/clients/${clientId}/sla-policies`;
  const rereads = (w: World) => [
    { as: "adminA" as const, path: path(w.ids.clientA1) },
    { as: "adminA" as const, path: path(w.ids.clientA2) },
    { as: "adminB" as const, path: path(w.ids.clientB1) },
  ];
  const body = { policies: [] };
  return {
    "GET /v1/clients/:clientId/sla-policies": {
      sample: (w) => ({ path: path(w.ids.clientA1) }),
      probes: (w) => [
        { as: "adminB", path: path(w.ids.clientA1), expect: 404 },
        { as: "adminA", path: path(w.ids.clientB1), expect: 404 },
        { as: "agentA1", path: path(w.ids.clientA2), expect: 404 },
        { as: "clientAdminA2", path: path(w.ids.clientA1), expect: 404 },
        { as: "keyA1", path: path(w.ids.clientA2), expect: 404 },
      ],
      rereads,
    },
    "PUT /v1/clients/:clientId/sla-policies": {
      sample: (w) => ({ path: path(w.ids.clientA1), body }),
      probes: (w) => [
        { as: "adminB", path: path(w.ids.clientA1), body, expect: 404 },
        { as: "adminA", path: path(w.ids.clientB1), body, expect: 404 },
        { as: "agentA1", path: path(w.ids.clientA1), body, expect: 403 },
        { as: "clientAdminA1", path: path(w.ids.clientA1), body, expect: 403 },
        { as: "clientAdminA2", path: path(w.ids.clientA1), body, expect: 403 },
        { as: "keyA1", path: path(w.ids.clientA1), body, expect: 403 },
      ],
      rereads,
    },
  };
}

/** A notification of admin A's (written before the matrix runs). */
const NOTIFICATION_A = "evt_isolationnotice";

/** Provider A's calendar (created before the matrix runs). */
let calendarA = "";
// A function, not a const: the spec above is built before this line runs.
function mondayHours() {
  return { timeZone: "Europe/Berlin", hours: [{ day: "mon", from: "09:00", to: "17:00" }] };
}

/**
 * Calendars are provider staff's: another provider gets 404, client admins and client keys 403
 * (they see no calendar), agents 403 where they would change one.
 */
function calendarSpecs(): IsolationSpec {
  const one = (rest = "") => `/v1/calendars/${calendarA}${rest}`;
  const rereads = () => [
    { as: "adminA" as const, path: one() },
    { as: "adminA" as const, path: "/v1/calendars" },
    { as: "adminB" as const, path: "/v1/calendars" },
  ];
  const outsiders = (path: string, body: unknown, agent: 403 | undefined) => [
    { as: "adminB" as const, path, body, expect: 404 as const },
    { as: "clientAdminA1" as const, path, body, expect: 403 as const },
    { as: "keyA1" as const, path, body, expect: 403 as const },
    ...(agent ? [{ as: "agentA1" as const, path, body, expect: agent }] : []),
  ];
  const write = (rest: string, body: unknown): RouteIsolation => ({
    sample: () => ({ path: one(rest), body }),
    probes: () => outsiders(one(rest), body, 403),
    rereads,
  });
  const read = (rest: string): RouteIsolation => ({
    sample: () => ({ path: one(rest) }),
    probes: () => outsiders(one(rest), undefined, undefined),
    rereads,
  });
  const ics =
    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:Probe\r\nEND:VEVENT\r\nEND:VCALENDAR";
  return {
    "GET /v1/calendars": {
      sample: () => ({ path: "/v1/calendars" }),
      probes: () => [
        { as: "clientAdminA1", path: "/v1/calendars", expect: 403 },
        { as: "keyA1", path: "/v1/calendars", expect: 403 },
      ],
      rereads,
      hidden: () => [{ as: "adminB", path: "/v1/calendars", mustNotContain: [calendarA] }],
    },
    "POST /v1/calendars": {
      sample: () => ({ path: "/v1/calendars", body: { name: "Probe", schedule: mondayHours() } }),
      probes: () => [
        { as: "agentA1", path: "/v1/calendars", body: { name: "Probe", schedule: mondayHours() }, expect: 403 },
        { as: "clientAdminA1", path: "/v1/calendars", body: { name: "Probe", schedule: mondayHours() }, expect: 403 },
        { as: "keyA1", path: "/v1/calendars", body: { name: "Probe", schedule: mondayHours() }, expect: 403 },
      ],
      rereads,
    },
    "GET /v1/calendars/:calendarId": read(""),
    "PATCH /v1/calendars/:calendarId": write("", { name: "Taken over" }),
    "POST /v1/calendars/:calendarId/versions": write("/versions", { schedule: mondayHours() }),
    "POST /v1/calendars/:calendarId/ical": write("/ical", { ics }),
    "GET /v1/calendars/:calendarId/working-time": read("/working-time?from=2027-01-04T00:00:00Z"),
  };
}

/** An address on provider A's suppression list (added before the matrix runs). */
const SUPPRESSED_A = "bounced-a@customer.example";

function suppressionRereads() {
  return [
    { as: "adminA" as const, path: "/v1/suppressions" },
    { as: "adminB" as const, path: "/v1/suppressions" },
  ];
}

const t = (clientId: string, ticketId: string, rest = "") => `/v1/clients/${clientId}/tickets/${ticketId}${rest}`;

const UPLOAD = { filename: "probe.txt", contentType: "text/plain", size: 5 };

/** Files on ticket a1 (set before the matrix runs): one on an internal note, one on a public reply. */
let attachedA1 = { note: "", reply: "" };

async function attachFile(persona: Persona, clientId: string, ticketId: string, kind: "notes" | "replies") {
  const grant = expectStatus(await call(persona, "POST", t(clientId, ticketId, "/attachments"), UPLOAD), 201).body;
  await fetch(grant.url, { method: "PUT", headers: grant.headers, body: "probe" });
  const posted = await call(persona, "POST", t(clientId, ticketId, `/${kind}`), {
    body: `file on a ${kind === "notes" ? "note" : "reply"}`,
    attachments: [{ uploadId: grant.uploadId }],
  });
  return expectStatus(posted, 201).body.message.attachments[0].id as string;
}

/** Every persona outside ticket a1 or a2 aims at it; staff of a1 without a2 get 404 for a2's. */
function ticketProbes(rest: string, body: unknown, clientAdminExpect: 403 | 404 = 403) {
  return (w: World) => [
    { as: "adminB" as const, path: t(w.ids.clientA1, w.ids.ticketA1, rest), body, expect: 404 as const },
    // The right ticket id under another client's path is not found either.
    { as: "adminA" as const, path: t(w.ids.clientA2, w.ids.ticketA1, rest), body, expect: 404 as const },
    { as: "adminA" as const, path: t(w.ids.clientB1, w.ids.ticketB1, rest), body, expect: 404 as const },
    { as: "agentA1" as const, path: t(w.ids.clientA2, w.ids.ticketA2, rest), body, expect: 404 as const },
    { as: "clientAdminA2" as const, path: t(w.ids.clientA1, w.ids.ticketA1, rest), body, expect: 404 as const },
    { as: "clientAdminA1" as const, path: t(w.ids.clientA2, w.ids.ticketA2, rest), body, expect: 404 as const },
    { as: "keyA1" as const, path: t(w.ids.clientA2, w.ids.ticketA2, rest), body, expect: 404 as const },
    { as: "clientAdminA1" as const, path: t(w.ids.clientA1, w.ids.ticketA1, rest), body, expect: clientAdminExpect },
  ];
}

function ticketRereads(w: World) {
  return [
    { as: "adminA" as const, path: t(w.ids.clientA1, w.ids.ticketA1) },
    { as: "adminA" as const, path: t(w.ids.clientA2, w.ids.ticketA2) },
    { as: "adminB" as const, path: t(w.ids.clientB1, w.ids.ticketB1) },
  ];
}

function ticketCreate(clientId: string) {
  return { clientId, subject: "Probe", body: "probe", requester: { email: "probe@x.example" } };
}

function clientRereads(w: World) {
  return [
    { as: "adminA" as const, path: `/v1/clients/${w.ids.clientA1}` },
    { as: "adminA" as const, path: `/v1/clients/${w.ids.clientA2}` },
    { as: "adminB" as const, path: `/v1/clients/${w.ids.clientB1}` },
  ];
}

function clientAction(action: "archive" | "restore") {
  return {
    sample: (w: World) => ({ path: `/v1/clients/${w.ids.clientA1}/${action}` }),
    probes: (w: World) => [
      { as: "adminB" as const, path: `/v1/clients/${w.ids.clientA1}/${action}`, expect: 404 as const },
      { as: "agentA1" as const, path: `/v1/clients/${w.ids.clientA2}/${action}`, expect: 404 as const },
      { as: "agentA1" as const, path: `/v1/clients/${w.ids.clientA1}/${action}`, expect: 403 as const },
      { as: "clientAdminA1" as const, path: `/v1/clients/${w.ids.clientA1}/${action}`, expect: 403 as const },
      { as: "clientAdminA2" as const, path: `/v1/clients/${w.ids.clientA1}/${action}`, expect: 404 as const },
      { as: "adminA" as const, path: `/v1/clients/${w.ids.clientB1}/${action}`, expect: 404 as const },
    ],
    rereads: clientRereads,
  };
}

const addressPath = (clientId: string, rest = "") => `/v1/clients/${clientId}/addresses${rest}`;

/** Mail to an unknown address naming provider A (recorded before the matrix runs). */
let unknownRecipientA = "";

/** Everyone outside a1's addresses aims at them (a1's address under a2's path too); staff without the role get 403. */
function addressProbes(rest: string, body?: unknown) {
  return (w: World) => [
    { as: "adminB" as const, path: addressPath(w.ids.clientA1, rest), body, expect: 404 as const },
    { as: "adminA" as const, path: addressPath(w.ids.clientB1, rest), body, expect: 404 as const },
    { as: "agentA1" as const, path: addressPath(w.ids.clientA2, rest), body, expect: 404 as const },
    { as: "agentA1" as const, path: addressPath(w.ids.clientA1, rest), body, expect: 403 as const },
    { as: "clientAdminA2" as const, path: addressPath(w.ids.clientA1, rest), body, expect: 404 as const },
    { as: "clientAdminA1" as const, path: addressPath(w.ids.clientA1, rest), body, expect: 403 as const },
    { as: "keyA1" as const, path: addressPath(w.ids.clientA2, rest), body, expect: 404 as const },
    { as: "keyA1" as const, path: addressPath(w.ids.clientA1, rest), body, expect: 403 as const },
    ...(rest.startsWith(`/${w.ids.addressA1}`)
      ? [{ as: "adminA" as const, path: addressPath(w.ids.clientA2, rest), body, expect: 404 as const }]
      : []),
  ];
}

function addressRereads(w: World) {
  return [
    { as: "adminA" as const, path: addressPath(w.ids.clientA1) },
    { as: "adminA" as const, path: addressPath(w.ids.clientA2) },
    { as: "adminB" as const, path: addressPath(w.ids.clientB1) },
    ...clientRereads(w),
  ];
}

function invite(email: string, role: string, clientIds: string[]) {
  return { email, name: email, role, clientIds };
}

describe("isolation matrix", () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld();
    const { slug } = (await call(world.personas.adminA, "GET", "/v1/me")).body.provider;
    unknownRecipientA = `gone-client.${slug}@${Config.get("mailDomain")}`;
    await Addresses.recordUnknown({
      recipient: unknownRecipientA,
      sesMessageId: "isolation-unknown-a",
      from: "someone@customer.example",
      subject: "For a client that was renamed",
      receivedAt: new Date().toISOString(),
    });
    expectStatus(await call(world.personas.adminA, "POST", "/v1/suppressions", { address: SUPPRESSED_A }), 201);
    await Outdesk.entities.notification
      .create({
        providerId: world.ids.providerA,
        userId: world.ids.adminA,
        notificationId: NOTIFICATION_A,
        kind: "sla_breach",
        clientId: world.ids.clientA1,
        ticketId: world.ids.ticketA1,
        ticketKey: "A1-1",
        subject: "probe",
        text: "the first reply target was breached",
        createdAt: new Date().toISOString(),
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
      })
      .go();
    expectStatus(
      await call(world.personas.adminA, "POST", `/v1/clients/${world.ids.clientA1}/sla-statements`, {
        month: FROZEN_MONTH,
      }),
      201,
    );
    calendarA = expectStatus(
      await call(world.personas.adminA, "POST", "/v1/calendars", { name: "A's hours", schedule: mondayHours() }),
      201,
    ).body.id;
    const { adminA, clientAdminA1 } = world.personas;
    attachedA1 = {
      note: await attachFile(adminA, world.ids.clientA1, world.ids.ticketA1, "notes"),
      reply: await attachFile(clientAdminA1, world.ids.clientA1, world.ids.ticketA1, "replies"),
    };
  });

  it("covers every registered route", () => {
    assertEveryRouteCovered(spec);
  });

  for (const [route, isolation] of Object.entries(spec)) {
    describe(route, () => {
      it("refuses missing, forged, expired and tampered credentials with 401", async () => {
        await checkUnauthenticated(world, route, isolation);
      });
      it("answers outsiders without revealing or changing anything", async () => {
        await checkProbes(world, route, isolation);
      });
    });
  }
});
