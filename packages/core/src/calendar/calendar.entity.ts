import { Entity } from "electrodb";
import { timestamps, version } from "../common/attributes";
import { entityConfig, key } from "../common/keys";

/**
 * A provider's business calendar: its name and how many schedule versions it has. The versions
 * are items of their own (calendarVersion), so a calendar edited for years never outgrows an
 * item, and the list of calendars is one Query over heads only (`cal#…`, versions are `calv#…`).
 */
export const calendarEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "calendar", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        calendarId: { type: "string", required: true, readOnly: true },
        name: { type: "string", required: true },
        /** The newest version's number and effective time (a new one must start at or after it). */
        latestVersion: { type: "number", required: true },
        latestEffectiveFrom: { type: "string", required: true },
        /** Clients whose SLA policies count on it: their policy sets hold a copy to rewrite on change. */
        usedBy: { type: "set", items: "string" },
        ...timestamps,
        ...version,
      },
      indexes: {
        byId: { pk: key("pk", ["providerId"]), sk: key("sk", ["calendarId"], "cal") },
      },
    },
    entityConfig,
  );

/**
 * One schedule of a calendar and the instant it applies from. Never changed once written: a
 * change is a new version, effective from now or later, so closed periods keep their hours.
 */
export const calendarVersionEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "calendarVersion", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        calendarId: { type: "string", required: true, readOnly: true },
        /** 1, 2, …; zero-padded in the key so versions sort. */
        number: { type: "number", required: true, readOnly: true, padding: { length: 5, char: "0" } },
        effectiveFrom: { type: "string", required: true, readOnly: true },
        /** The validated Schedule (calendar/schema.ts). */
        schedule: { type: "any", required: true, readOnly: true },
        note: { type: "string", readOnly: true },
        createdBy: { type: "string", readOnly: true },
        createdAt: { type: "string", required: true, readOnly: true },
      },
      indexes: {
        byNumber: { pk: key("pk", ["providerId"]), sk: key("sk", ["calendarId", "number"], "calv") },
      },
    },
    entityConfig,
  );

export type CalendarEntity = ReturnType<typeof calendarEntity>;
export type CalendarVersionEntity = ReturnType<typeof calendarVersionEntity>;
