import type { EntityItem } from "electrodb";
import * as z from "zod";
import { assertRole, useTenant } from "../actor";
import { readByKeys } from "../common/batch";
import { Cursor, type Page, paginate } from "../common/cursor";
import { primaryKey } from "../common/keys";
import { step, writeTransaction } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Conflict, InvalidField, NotFound } from "../error";
import { fn } from "../fn";
import { createId } from "../id";
import { Name, PageQuery, Version } from "../tenancy/schema";
import type { CalendarEntity, CalendarVersionEntity } from "./calendar.entity";
import { parseIcal } from "./ical";
import { addBusinessMinutes, businessMinutes, openIntervals, type Timeline } from "./math";
import { Schedule } from "./schema";

export { addBusinessMinutes, businessMinutes, openIntervals, type Timeline } from "./math";
export { Holiday, Schedule, WEEKDAYS, WorkingInterval } from "./schema";

type HeadItem = EntityItem<CalendarEntity>;
type VersionItem = EntityItem<CalendarVersionEntity>;

/** A calendar keeps at most this many versions (each change is one; a year of monthly edits is 12). */
export const MAX_VERSIONS = 500;
/** The widest window the working-time route explains at once. */
const MAX_WINDOW_DAYS = 62;
/** A new version may start this much in the past (the clocks of the admin's machine and ours differ). */
const CLOCK_SKEW_MS = 60_000;

const IsoInstant = z.iso.datetime({ offset: true }).meta({ example: "2027-01-01T00:00:00Z" });

/**
 * Business calendars of a provider: named, versioned schedules (calendar/schema.ts) that SLA
 * targets count working time on. A change is a new version from now or later; earlier versions
 * stay as they were, so time already measured keeps its hours.
 */
export namespace Calendar {
  export const VersionInfo = z
    .object({
      number: z.number(),
      effectiveFrom: z.string().describe("applies from this instant; version 1 also covers all time before"),
      schedule: Schedule,
      note: z.string().nullable(),
      createdBy: z.string().nullable(),
      createdAt: z.string(),
    })
    .meta({ id: "CalendarVersion" });
  export type VersionInfo = z.infer<typeof VersionInfo>;

  export const Summary = z
    .object({
      id: z.string(),
      name: z.string(),
      latestVersion: z.number(),
      latestEffectiveFrom: z.string(),
      version: z.number().describe("changes with every edit; send it back to update safely"),
      createdAt: z.string(),
      updatedAt: z.string(),
    })
    .meta({ id: "CalendarSummary" });
  export type Summary = z.infer<typeof Summary>;

  export const Info = Summary.extend({
    current: VersionInfo.describe("the version in force now"),
    versions: z.array(VersionInfo).describe("every version, oldest first"),
  }).meta({ id: "Calendar" });
  export type Info = z.infer<typeof Info>;

  export const ListInput = PageQuery;

  export const CreateInput = z.strictObject({ name: Name, schedule: Schedule }).meta({ id: "CalendarCreate" });

  export const RenameInput = z
    .strictObject({ name: Name, version: Version.optional().describe("the version you read; 409 if it changed") })
    .meta({ id: "CalendarRename" });

  const Change = {
    effectiveFrom: IsoInstant.optional().describe("default now; never in the past, never before the latest version"),
    note: z.string().trim().max(500).optional().describe("why it changed, for the audit"),
    version: Version.optional().describe("the calendar version you read; 409 if it changed"),
  };
  export const ChangeInput = z.strictObject({ schedule: Schedule, ...Change }).meta({ id: "CalendarChange" });
  export const IcalInput = z
    .strictObject({
      ics: z
        .string()
        .min(1)
        .max(1_000_000)
        .describe("an iCalendar file's text (public-holiday feeds, Outlook or Google exports)"),
      ...Change,
    })
    .meta({ id: "CalendarIcalImport" });
  export const IcalResult = z
    .object({
      calendar: Info,
      imported: z.number().describe("holidays added (ones the schedule already had are not repeated)"),
      skipped: z.array(z.object({ summary: z.string(), reason: z.string() })),
    })
    .meta({ id: "CalendarIcalImportResult" });

  export const WorkingTimeQuery = z
    .object({
      from: IsoInstant,
      to: IsoInstant.optional().describe(`default from + 7 days; at most ${MAX_WINDOW_DAYS} days after from`),
      minutes: z.coerce
        .number()
        .int()
        .positive()
        .max(525_600)
        .optional()
        .describe("also answer when this many working minutes after `from` have passed"),
    })
    .superRefine((query, ctx) => {
      if (!query.to) return;
      const span = Date.parse(query.to) - Date.parse(query.from);
      if (span <= 0) ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
      else if (span > MAX_WINDOW_DAYS * 86_400_000)
        ctx.addIssue({ code: "custom", path: ["to"], message: `at most ${MAX_WINDOW_DAYS} days after from` });
    });
  export const WorkingTime = z
    .object({
      intervals: z.array(z.object({ start: z.string(), end: z.string() })).describe("working time, UTC"),
      minutes: z.number().describe("working minutes between from and to"),
      dueAt: z.string().nullable().describe("when `minutes` working minutes after from have passed"),
    })
    .meta({ id: "CalendarWorkingTime" });

  const staff = () => assertRole("provider_admin", "agent");

  function toSummary(head: HeadItem): Summary {
    return {
      id: head.calendarId,
      name: head.name,
      latestVersion: head.latestVersion,
      latestEffectiveFrom: head.latestEffectiveFrom,
      version: head.version,
      createdAt: head.createdAt,
      updatedAt: head.updatedAt,
    };
  }

  function toVersion(item: VersionItem): VersionInfo {
    return {
      number: item.number,
      effectiveFrom: item.effectiveFrom,
      schedule: item.schedule as Schedule,
      note: item.note ?? null,
      createdBy: item.createdBy ?? null,
      createdAt: item.createdAt,
    };
  }

  /** The schedule timeline the clock maths reads, from a calendar's versions. */
  export function timeline(versions: readonly Pick<VersionInfo, "effectiveFrom" | "schedule">[]): Timeline {
    return versions.map((v) => ({ effectiveFrom: Date.parse(v.effectiveFrom), schedule: v.schedule }));
  }

  /** A calendar of the actor's provider with every version, and the clients whose policy sets copy it. */
  export async function load(calendarId: string): Promise<Info & { usedBy: string[] }> {
    const { providerId } = useTenant();
    const [head, versions] = await Promise.all([
      Outdesk.entities.calendar.get({ providerId, calendarId }).go(),
      Outdesk.entities.calendarVersion.query.byNumber({ providerId, calendarId }).go({ pages: "all" }),
    ]);
    if (!head.data) throw NotFound("Calendar");
    const all = versions.data.map(toVersion).sort((a, b) => a.number - b.number);
    const now = Date.now();
    const current = all.filter((v) => Date.parse(v.effectiveFrom) <= now).pop() ?? all[0]!;
    return { ...toSummary(head.data), current, versions: all, usedBy: [...(head.data.usedBy ?? [])] };
  }

  async function read(calendarId: string): Promise<Info> {
    const { usedBy: _, ...info } = await load(calendarId);
    return info;
  }

  /** A calendar as a policy set copies it: the versions of the last 400 days and the one in force before. */
  export interface Copy {
    name: string;
    versions: Pick<VersionInfo, "number" | "effectiveFrom" | "schedule">[];
  }
  const COPY_DAYS = 400;
  export function copyOf(calendar: Pick<Info, "name" | "versions">, now = Date.now()): Copy {
    const cutoff = now - COPY_DAYS * 86_400_000;
    const { versions } = calendar;
    const firstKept = Math.max(
      0,
      versions.findLastIndex((v) => Date.parse(v.effectiveFrom) <= cutoff),
    );
    return {
      name: calendar.name,
      versions: versions
        .slice(firstKept)
        .map(({ number, effectiveFrom, schedule }) => ({ number, effectiveFrom, schedule })),
    };
  }

  export const list = fn(ListInput, async ({ cursor, limit }): Promise<Page<Summary>> => {
    const { providerId } = staff();
    return paginate(
      (position) => Outdesk.entities.calendar.query.byId({ providerId }).go({ cursor: position, count: limit }),
      { cursor, binding: Cursor.binding(providerId, "calendar.list", {}), map: toSummary },
    );
  });

  export const get = fn(z.object({ calendarId: z.string().max(64) }), async ({ calendarId }) => {
    staff();
    return read(calendarId);
  });

  /** Provider admins: a new calendar, its schedule version 1 in force from now (and for all time before). */
  export const create = fn(CreateInput, async ({ name, schedule }) => {
    const actor = assertRole("provider_admin");
    const { providerId } = actor;
    const calendarId = createId("calendar");
    const now = new Date().toISOString();
    await writeTransaction(({ calendar, calendarVersion }) => [
      step(
        calendar
          .create({
            providerId,
            calendarId,
            name,
            latestVersion: 1,
            latestEffectiveFrom: now,
            createdAt: now,
            updatedAt: now,
          })
          .commit(),
      ),
      step(
        calendarVersion
          .create({
            providerId,
            calendarId,
            number: 1,
            effectiveFrom: now,
            schedule,
            createdBy: actor.id,
            createdAt: now,
          })
          .commit(),
      ),
    ]);
    return read(calendarId);
  });

  export const rename = fn(RenameInput.extend({ calendarId: z.string().max(64) }), async (input) => {
    const { providerId } = assertRole("provider_admin");
    const current = (await Outdesk.entities.calendar.get({ providerId, calendarId: input.calendarId }).go()).data;
    if (!current) throw NotFound("Calendar");
    if (input.version !== undefined && input.version !== current.version) throw stale(current.version);
    await writeTransaction(({ calendar }) => [
      step(
        calendar
          .patch({ providerId, calendarId: input.calendarId })
          .set({ name: input.name, updatedAt: new Date().toISOString() })
          .add({ version: 1 })
          .where((attr, op) => op.eq(attr.version, current.version))
          .commit(),
        stale(current.version),
      ),
    ]);
    return read(input.calendarId);
  });

  const stale = (version: number) => Conflict("The calendar changed since you read it", { currentVersion: version });

  /** Appends a version; earlier ones never change. */
  async function addVersion(
    calendarId: string,
    schedule: Schedule,
    change: { effectiveFrom?: string | undefined; note?: string | undefined; version?: number | undefined },
  ): Promise<Info> {
    const actor = assertRole("provider_admin");
    const { providerId } = actor;
    const head = (await Outdesk.entities.calendar.get({ providerId, calendarId }).go()).data;
    if (!head) throw NotFound("Calendar");
    if (change.version !== undefined && change.version !== head.version) throw stale(head.version);
    const now = Date.now();
    const effectiveFrom = change.effectiveFrom ? new Date(Date.parse(change.effectiveFrom)) : new Date(now);
    if (effectiveFrom.getTime() < now - CLOCK_SKEW_MS) {
      throw InvalidField(["effectiveFrom"], "must not be in the past: time already measured keeps its schedule");
    }
    if (effectiveFrom.getTime() < Date.parse(head.latestEffectiveFrom)) {
      throw InvalidField(["effectiveFrom"], `must not be before the latest version's (${head.latestEffectiveFrom})`);
    }
    if (head.latestVersion >= MAX_VERSIONS) {
      throw Conflict(`The calendar has ${MAX_VERSIONS} versions, the most it keeps: create a new calendar`);
    }
    const number = head.latestVersion + 1;
    const at = new Date(now).toISOString();
    const from = effectiveFrom.toISOString();
    const version: VersionInfo = {
      number,
      effectiveFrom: from,
      schedule,
      note: change.note || null,
      createdBy: actor.id,
      createdAt: at,
    };
    // The policy sets that copy this calendar get the new version in the same transaction.
    const clients = [...(head.usedBy ?? [])];
    const sets = clients.length
      ? Outdesk.entities.slaPolicySet.parse(
          (
            await readByKeys(
              clients.map((clientId) => primaryKey(Outdesk.entities.slaPolicySet, { providerId, clientId })),
            )
          )("slaPolicySet"),
        ).data
      : [];
    const versions = (
      await Outdesk.entities.calendarVersion.query.byNumber({ providerId, calendarId }).go({ pages: "all" })
    ).data
      .map(toVersion)
      .sort((a, b) => a.number - b.number);
    const copy = copyOf({ name: head.name, versions: [...versions, version] }, now);
    await writeTransaction(({ calendar, calendarVersion, slaPolicySet }) => [
      step(
        calendar
          .patch({ providerId, calendarId })
          .set({ latestVersion: number, latestEffectiveFrom: from, updatedAt: at })
          .add({ version: 1 })
          .where((attr, op) => op.eq(attr.version, head.version))
          .commit(),
        stale(head.version),
      ),
      step(
        calendarVersion
          .create({
            providerId,
            calendarId,
            number,
            effectiveFrom: from,
            schedule,
            note: change.note || undefined,
            createdBy: actor.id,
            createdAt: at,
          })
          .commit(),
        stale(head.version),
      ),
      ...sets.map((set) =>
        step(
          slaPolicySet
            .patch({ providerId, clientId: set.clientId })
            .set({ calendars: { ...(set.calendars as Record<string, Copy>), [calendarId]: copy }, updatedAt: at })
            .add({ version: 1 })
            .where((attr, op) => op.eq(attr.version, set.version))
            .commit(),
          Conflict("A client's SLA policies changed meanwhile; try again"),
        ),
      ),
    ]);
    return read(calendarId);
  }

  export const change = fn(ChangeInput.extend({ calendarId: z.string().max(64) }), async (input) =>
    addVersion(input.calendarId, input.schedule, input),
  );

  /** Holidays of an iCalendar file added to the latest schedule, as a new version. */
  export const importIcal = fn(IcalInput.extend({ calendarId: z.string().max(64) }), async (input) => {
    assertRole("provider_admin");
    const current = await read(input.calendarId);
    const latest = current.versions[current.versions.length - 1]!.schedule;
    const parsed = parseIcal(input.ics, latest.timeZone);
    const key = (h: Schedule["holidays"][number]) =>
      `${h.yearly ? h.date.slice(5) : h.date}|${h.from ?? ""}|${h.to ?? ""}`;
    const have = new Set(latest.holidays.map(key));
    const added = parsed.holidays.filter((h) => {
      if (have.has(key(h))) return false;
      have.add(key(h));
      return true;
    });
    const next = Schedule.safeParse({ ...latest, holidays: [...latest.holidays, ...added] });
    if (!next.success) {
      throw InvalidField(["ics"], next.error.issues[0]?.message ?? "the file's holidays do not fit the schedule");
    }
    if (added.length === 0) {
      return { calendar: current, imported: 0, skipped: parsed.skipped };
    }
    const calendar = await addVersion(input.calendarId, next.data, {
      ...input,
      note: input.note ?? "iCalendar import",
    });
    return { calendar, imported: added.length, skipped: parsed.skipped };
  });

  /** The working time of a window, and optionally when a number of working minutes will have passed. */
  export const workingTime = fn(
    WorkingTimeQuery.extend({ calendarId: z.string().max(64) }),
    async ({ calendarId, from, to, minutes }) => {
      staff();
      const line = timeline((await read(calendarId)).versions);
      const start = Date.parse(from);
      const end = to ? Date.parse(to) : start + 7 * 86_400_000;
      return {
        intervals: openIntervals(line, start, end).map(([a, b]) => ({
          start: new Date(a).toISOString(),
          end: new Date(b).toISOString(),
        })),
        minutes: businessMinutes(line, start, end),
        dueAt: minutes === undefined ? null : new Date(addBusinessMinutes(line, start, minutes)).toISOString(),
      };
    },
  );
}
