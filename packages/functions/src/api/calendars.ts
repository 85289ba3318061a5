import { createRoute } from "@hono/zod-openapi";
import { Calendar } from "@outdesk/core/calendar";
import * as z from "zod";
import { router } from "./context";
import { commonErrors, conflictError } from "./errors";
import { bearer, etag, json, jsonBody, pageOf } from "./http";
import { requireAuth } from "./middleware";

const CalendarPage = pageOf(Calendar.Summary, "CalendarPage");
const params = z.object({ calendarId: z.string().max(64) });
const tags = ["Calendars"];

export const calendars = router();
calendars.use(requireAuth);
calendars
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List the provider's business calendars (provider staff)",
      security: bearer,
      request: { query: Calendar.ListInput },
      responses: { 200: json(CalendarPage, "A page of calendars"), ...commonErrors },
    }),
    async (c) => c.json(await Calendar.list(c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a business calendar (provider admins)",
      description:
        "A time zone, weekly working hours (several intervals a day, overnight shifts, or alwaysOpen for 24×7) and holidays (whole or partial days, yearly or once). Version 1 applies from now and to all time before.",
      security: bearer,
      request: { body: jsonBody(Calendar.CreateInput) },
      responses: { 201: json(Calendar.Info, "Created"), ...commonErrors },
    }),
    async (c) => {
      const calendar = await Calendar.create(c.req.valid("json"));
      etag(c, calendar.version);
      return c.json(calendar, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{calendarId}",
      tags,
      summary: "Get a calendar with every schedule version (provider staff)",
      security: bearer,
      request: { params },
      responses: { 200: json(Calendar.Info, "The calendar"), ...commonErrors },
    }),
    async (c) => {
      const calendar = await Calendar.get(c.req.valid("param"));
      etag(c, calendar.version);
      return c.json(calendar, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{calendarId}",
      tags,
      summary: "Rename a calendar (provider admins)",
      security: bearer,
      request: { params, body: jsonBody(Calendar.RenameInput) },
      responses: { 200: json(Calendar.Info, "Renamed"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const calendar = await Calendar.rename({ ...c.req.valid("json"), ...c.req.valid("param") });
      etag(c, calendar.version);
      return c.json(calendar, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{calendarId}/versions",
      tags,
      summary: "Change a calendar's schedule from now or a later time (provider admins)",
      description:
        "Adds a version; earlier versions never change, so time already measured keeps the hours it was measured on. `effectiveFrom` may not be in the past or before the latest version's.",
      security: bearer,
      request: { params, body: jsonBody(Calendar.ChangeInput) },
      responses: { 201: json(Calendar.Info, "The calendar with its new version"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const calendar = await Calendar.change({ ...c.req.valid("json"), ...c.req.valid("param") });
      etag(c, calendar.version);
      return c.json(calendar, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{calendarId}/ical",
      tags,
      summary: "Import holidays from an iCalendar file as a new version (provider admins)",
      description:
        "All-day events close whole days, timed ones the part of each day they cover, RRULE:FREQ=YEARLY repeats yearly; other repeat rules and events over 31 days are skipped and listed.",
      security: bearer,
      request: { params, body: jsonBody(Calendar.IcalInput) },
      responses: { 200: json(Calendar.IcalResult, "What was imported and skipped"), ...commonErrors, ...conflictError },
    }),
    async (c) => c.json(await Calendar.importIcal({ ...c.req.valid("json"), ...c.req.valid("param") }), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{calendarId}/working-time",
      tags,
      summary: "Working time between two instants, and when N working minutes have passed (provider staff)",
      security: bearer,
      request: { params, query: Calendar.WorkingTimeQuery },
      responses: { 200: json(Calendar.WorkingTime, "Working intervals (UTC) and minutes"), ...commonErrors },
    }),
    async (c) => c.json(await Calendar.workingTime({ ...c.req.valid("query"), ...c.req.valid("param") }), 200),
  );
