import type { EntityItem } from "electrodb";
import * as z from "zod";
import { assertClientAccess, assertRole } from "../actor";
import { Calendar } from "../calendar";
import type { Timeline } from "../calendar/math";
import { readByKeys } from "../common/batch";
import { primaryKey } from "../common/keys";
import { step, writeTransaction } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Conflict, NotFound, OutdeskError } from "../error";
import { fn } from "../fn";
import { createId } from "../id";
import type { SlaPolicySetEntity } from "./policy-set.entity";
import { DEFAULT_PAUSES, Metrics, type Policy, PolicyInput, PolicySetInput } from "./schema";

type SetItem = EntityItem<SlaPolicySetEntity>;

/** Clients one calendar may serve: changing it rewrites each one's copy in one transaction. */
export const MAX_CLIENTS_PER_CALENDAR = 90;

export const FALLBACK =
  "No policy matched: the ticket has no SLA targets and is not counted in SLA reports (it shows “No SLA”).";

/** The timelines of a policy set's calendars, for the clock maths. */
export function timelines(calendars: Record<string, Calendar.Copy> | undefined): Map<string, Timeline> {
  return new Map(Object.entries(calendars ?? {}).map(([id, copy]) => [id, Calendar.timeline(copy.versions)]));
}

export const PolicySetInfo = z
  .object({
    clientId: z.string(),
    version: z.number().describe("0 until the first save; send it back to update safely"),
    policies: z.array(z.any()).describe("SlaPolicyInput with every default filled in and an id"),
    calendars: z.array(z.object({ id: z.string(), name: z.string() })).describe("the calendars the targets count on"),
    fallback: z.string().describe("what happens to a ticket no policy matches"),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: "SlaPolicySet" });
export type PolicySetInfo = z.infer<typeof PolicySetInfo>;

function toInfo(clientId: string, item: SetItem | undefined): PolicySetInfo {
  const calendars = (item?.calendars ?? {}) as Record<string, Calendar.Copy>;
  return {
    clientId,
    version: item?.version ?? 0,
    policies: (item?.policies ?? []) as Policy[],
    calendars: Object.entries(calendars).map(([id, copy]) => ({ id, name: copy.name })),
    fallback: FALLBACK,
    updatedAt: item?.updatedAt ?? null,
  };
}

/** A client's policy set as the ticket writes read it (or undefined: no policies yet). */
export function setKey(providerId: string, clientId: string) {
  return primaryKey(Outdesk.entities.slaPolicySet, { providerId, clientId });
}

export namespace SlaPolicies {
  export const Info = PolicySetInfo;
  export const Input = PolicySetInput;

  /** Staff serving the client and its client admins read the policies their tickets are measured by. */
  export const get = fn(z.object({ clientId: z.string().max(64) }), async ({ clientId }) => {
    const { providerId } = assertClientAccess(clientId);
    const of = await readByKeys([
      primaryKey(Outdesk.entities.client, { providerId, clientId }),
      setKey(providerId, clientId),
    ]);
    if (!Outdesk.entities.client.parse(of("client")).data[0]) throw NotFound("Client");
    return toInfo(clientId, Outdesk.entities.slaPolicySet.parse(of("slaPolicySet")).data[0] as SetItem | undefined);
  });

  /**
   * Provider admins replace a client's policies. Tickets already measured keep the policy they
   * got (a copy on the ticket); new tickets, and tickets whose priority, type or tags change,
   * get the new ones.
   */
  export const put = fn(PolicySetInput.extend({ clientId: z.string().max(64) }), async (input) => {
    const actor = assertRole("provider_admin");
    const { providerId } = actor;
    const { clientId } = input;
    const of = await readByKeys([
      primaryKey(Outdesk.entities.client, { providerId, clientId }),
      setKey(providerId, clientId),
    ]);
    if (!Outdesk.entities.client.parse(of("client")).data[0]) throw NotFound("Client");
    const current = Outdesk.entities.slaPolicySet.parse(of("slaPolicySet")).data[0] as SetItem | undefined;
    const version = current?.version ?? 0;
    if (input.version !== undefined && input.version !== version) throw stale(version);

    const seen = new Set<string>();
    const policies: Policy[] = input.policies.map((raw, index) => {
      const parsed = PolicyInput.parse(raw);
      const id = parsed.id ?? createId("slaPolicy");
      if (seen.has(id)) throw invalid(["policies", index, "id"], "repeats another policy's id");
      seen.add(id);
      return { ...parsed, id, pauses: { ...DEFAULT_PAUSES, ...parsed.pauses } };
    });

    // Every calendar named must be this provider's; each is copied into the set.
    const named = new Map<string, (string | number)[]>();
    policies.forEach((policy, index) => {
      for (const metric of Metrics) {
        const calendarId = policy.targets[metric]?.calendarId;
        if (calendarId && !named.has(calendarId))
          named.set(calendarId, ["policies", index, "targets", metric, "calendarId"]);
      }
    });
    const calendars: Record<string, Calendar.Copy> = {};
    const heads = new Map<string, number>();
    for (const [calendarId, path] of named) {
      const calendar = await Calendar.load(calendarId).catch((error) => {
        if (error instanceof OutdeskError && error.code === "not_found") throw invalid(path, "no such calendar");
        throw error;
      });
      if (calendar.usedBy.length >= MAX_CLIENTS_PER_CALENDAR && !calendar.usedBy.includes(clientId)) {
        throw invalid(path, `this calendar already serves ${MAX_CLIENTS_PER_CALENDAR} clients; use a copy of it`);
      }
      calendars[calendarId] = Calendar.copyOf(calendar);
      heads.set(calendarId, calendar.version);
    }
    const previous = Object.keys((current?.calendars ?? {}) as Record<string, Calendar.Copy>);
    const dropped = previous.filter((id) => !named.has(id));
    const now = new Date().toISOString();

    await writeTransaction(({ slaPolicySet, calendar }) => [
      step(
        current
          ? slaPolicySet
              .patch({ providerId, clientId })
              .set({ policies, calendars, updatedBy: actor.id, updatedAt: now })
              .add({ version: 1 })
              .where((attr, op) => op.eq(attr.version, version))
              .commit()
          : slaPolicySet
              .create({
                providerId,
                clientId,
                policies,
                calendars,
                updatedBy: actor.id,
                createdAt: now,
                updatedAt: now,
              })
              .commit(),
        stale(version),
      ),
      // The calendars record who copies them, so their changes reach this set; unchanged since read.
      ...[...heads].map(([calendarId, head]) =>
        step(
          calendar
            .patch({ providerId, calendarId })
            .add({ usedBy: [clientId], version: 1 })
            .where((attr, op) => op.eq(attr.version, head))
            .commit(),
          Conflict("A calendar changed while the policies were saved; save again"),
        ),
      ),
      ...dropped.map((calendarId) =>
        step(
          calendar
            .patch({ providerId, calendarId })
            .delete({ usedBy: [clientId] })
            .commit(),
        ),
      ),
    ]);
    return get({ clientId });
  });

  const stale = (version: number) =>
    Conflict("The SLA policies changed since you read them", { currentVersion: version });
  const invalid = (path: (string | number)[], message: string) =>
    new OutdeskError("validation", "The request has invalid fields", { issues: [{ path, message }] });
}
