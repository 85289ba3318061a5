import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { buildWorld, type World } from "../../../../test/world";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});

const weekdays = ["mon", "tue", "wed", "thu", "fri"] as const;
const officeHours = (timeZone = "Europe/Berlin") => ({
  timeZone,
  hours: weekdays.map((day) => ({ day, from: "09:00", to: "17:00" })),
  holidays: [{ date: "2026-12-25", name: "Christmas Day", yearly: true }],
});

async function created(schedule: unknown = officeHours(), name = "Berlin office") {
  return expectStatus(await call(world.personas.adminA, "POST", "/v1/calendars", { name, schedule }), 201).body;
}

describe("business calendars", () => {
  it("a provider admin creates one; staff list and read it with its version in force", async () => {
    const calendar = await created();
    expect(calendar).toMatchObject({
      id: expect.stringMatching(/^cal_/),
      name: "Berlin office",
      latestVersion: 1,
      version: 1,
      current: { number: 1, schedule: { timeZone: "Europe/Berlin", alwaysOpen: false } },
    });
    expect(calendar.versions).toHaveLength(1);
    const listed = expectStatus(await call(world.personas.agentA1, "GET", "/v1/calendars"), 200).body;
    expect(listed.items.map((c: { id: string }) => c.id)).toContain(calendar.id);
    const read = expectStatus(await call(world.personas.agentA1, "GET", `/v1/calendars/${calendar.id}`), 200).body;
    expect(read.current.schedule.hours).toHaveLength(5);
  });

  it("explains working time: Christmas, the weekend and the hours in Berlin's zone", async () => {
    const { id } = await created();
    // Thursday 24 December 2026, 16:00 Berlin (15:00Z): an hour left that day, then Christmas and a weekend.
    const reply = expectStatus(
      await call(
        world.personas.agentA1,
        "GET",
        `/v1/calendars/${id}/working-time?from=2026-12-24T15:00:00Z&to=2026-12-29T00:00:00Z&minutes=120`,
      ),
      200,
    ).body;
    expect(reply.intervals).toEqual([
      { start: "2026-12-24T15:00:00.000Z", end: "2026-12-24T16:00:00.000Z" },
      { start: "2026-12-28T08:00:00.000Z", end: "2026-12-28T16:00:00.000Z" },
    ]);
    expect(reply.minutes).toBe(60 + 480);
    expect(reply.dueAt).toBe("2026-12-28T09:00:00.000Z");
  });

  it("refuses bad schedules with the field that is wrong, and writes nothing", async () => {
    const { adminA } = world.personas;
    const before = expectStatus(await call(adminA, "GET", "/v1/calendars?limit=100"), 200).body.items.length;
    const cases: [unknown, (string | number)[]][] = [
      [{ ...officeHours(), timeZone: "Mars/Olympus" }, ["schedule", "timeZone"]],
      [{ ...officeHours(), hours: [{ day: "mon", from: "17:00", to: "09:00" }] }, ["schedule", "hours", 0, "to"]],
      [
        {
          ...officeHours(),
          hours: [
            { day: "mon", from: "09:00", to: "17:00" },
            { day: "mon", from: "16:00", to: "18:00" },
          ],
        },
        ["schedule", "hours", 1],
      ],
      [
        {
          ...officeHours(),
          hours: [
            { day: "sun", from: "22:00", to: "06:00", overnight: true },
            { day: "mon", from: "05:00", to: "12:00" },
          ],
        },
        ["schedule", "hours", 1],
      ],
      [{ ...officeHours(), holidays: [{ date: "2026-02-30", name: "Nope" }] }, ["schedule", "holidays", 0, "date"]],
      [{ ...officeHours(), holidays: [{ date: "1800-01-01", name: "Old" }] }, ["schedule", "holidays", 0, "date"]],
      [
        { ...officeHours(), holidays: [{ date: "2026-12-24", name: "Eve", from: "12:00" }] },
        ["schedule", "holidays", 0, "to"],
      ],
      [{ timeZone: "UTC", hours: [] }, ["schedule", "hours"]],
    ];
    for (const [schedule, path] of cases) {
      const reply = await call(adminA, "POST", "/v1/calendars", { name: "Bad", schedule });
      expect(reply.status, JSON.stringify(schedule)).toBe(400);
      expect(
        reply.body.issues.map((issue: { path: unknown }) => issue.path),
        JSON.stringify(schedule),
      ).toContainEqual(path);
    }
    expect(expectStatus(await call(adminA, "GET", "/v1/calendars?limit=100"), 200).body.items).toHaveLength(before);
  });

  it("a change is a new version from now or later; the past keeps its hours", async () => {
    const { adminA } = world.personas;
    const calendar = await created();
    const path = `/v1/calendars/${calendar.id}/versions`;
    const past = await call(adminA, "POST", path, {
      schedule: { timeZone: "Europe/Berlin", alwaysOpen: true },
      effectiveFrom: "2020-01-01T00:00:00Z",
    });
    expect(past.status).toBe(400);
    expect(past.body.issues[0].path).toEqual(["effectiveFrom"]);
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const changed = expectStatus(
      await call(adminA, "POST", path, {
        schedule: { timeZone: "Europe/Berlin", alwaysOpen: true },
        effectiveFrom: later,
        note: "24×7 from next month",
        version: calendar.version,
      }),
      201,
    ).body;
    expect(changed.latestVersion).toBe(2);
    // Version 1 stays in force until the change starts.
    expect(changed.current.number).toBe(1);
    expect(changed.versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);
    expect(changed.versions[1]).toMatchObject({ note: "24×7 from next month", createdBy: world.ids.adminA });
    // Before the latest version: refused, as is a stale version.
    const early = await call(adminA, "POST", path, {
      schedule: officeHours(),
      effectiveFrom: new Date().toISOString(),
    });
    expect(early.status).toBe(400);
    expect(early.body.issues[0].path).toEqual(["effectiveFrom"]);
    const stale = await call(adminA, "POST", path, { schedule: officeHours(), version: calendar.version });
    expect(stale.status).toBe(409);
    // The working time around the change: office hours before it, every minute after.
    const start = new Date(Date.parse(later) - 86_400_000).toISOString();
    const reply = expectStatus(
      await call(adminA, "GET", `/v1/calendars/${calendar.id}/working-time?from=${start}&to=${later}`),
      200,
    ).body;
    expect(reply.minutes).toBeLessThanOrEqual(480);
    const after = expectStatus(
      await call(adminA, "GET", `/v1/calendars/${calendar.id}/working-time?from=${later}&minutes=60`),
      200,
    ).body;
    expect(after.dueAt).toBe(new Date(Date.parse(later) + 3_600_000).toISOString());
    expect(after.minutes).toBe(7 * 1440);
  });

  it("imports holidays from an iCalendar file: all-day, partial, yearly; other rules are listed, not guessed", async () => {
    const { adminA } = world.personas;
    const calendar = await created();
    const ics = [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Example//Holidays//EN",
      "BEGIN:VEVENT",
      "UID:1@example",
      "DTSTART;VALUE=DATE:20270101",
      "DTEND;VALUE=DATE:20270102",
      "RRULE:FREQ=YEARLY",
      "SUMMARY:New Year's Day",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:2@example",
      "DTSTART;VALUE=DATE:20270405",
      "DTEND;VALUE=DATE:20270407",
      "SUMMARY:Easter Monday and the day af",
      " ter",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:3@example",
      "DTSTART;TZID=Europe/Berlin:20271231T120000",
      "DTEND;TZID=Europe/Berlin:20271231T235900",
      "SUMMARY:New Year's Eve afternoon",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:4@example",
      "DTSTART:20270301T100000Z",
      "DTEND:20270301T120000Z",
      "SUMMARY:Team offsite",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:5@example",
      "DTSTART;VALUE=DATE:20270105",
      "RRULE:FREQ=WEEKLY;BYDAY=TU",
      "SUMMARY:Weekly thing",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:6@example",
      "DTSTART;VALUE=DATE:20261225",
      "DTEND;VALUE=DATE:20261226",
      "RRULE:FREQ=YEARLY",
      "SUMMARY:Christmas Day",
      "END:VEVENT",
      "END:VCALENDAR",
    ].join("\r\n");
    const reply = expectStatus(await call(adminA, "POST", `/v1/calendars/${calendar.id}/ical`, { ics }), 200).body;
    // Christmas was already there; the weekly rule is skipped and said so.
    expect(reply.imported).toBe(5);
    expect(reply.skipped).toEqual([{ summary: "Weekly thing", reason: expect.stringContaining("FREQ=WEEKLY") }]);
    expect(reply.calendar.latestVersion).toBe(2);
    expect(reply.calendar.versions[1].note).toBe("iCalendar import");
    const holidays = reply.calendar.versions[1].schedule.holidays;
    expect(holidays).toEqual([
      { date: "2026-12-25", name: "Christmas Day", yearly: true },
      { date: "2027-01-01", name: "New Year's Day", yearly: true },
      { date: "2027-04-05", name: "Easter Monday and the day after" },
      { date: "2027-04-06", name: "Easter Monday and the day after" },
      { date: "2027-12-31", name: "New Year's Eve afternoon", from: "12:00", to: "23:59" },
      // 10:00–12:00 UTC is 11:00–13:00 in Berlin in March.
      { date: "2027-03-01", name: "Team offsite", from: "11:00", to: "13:00" },
    ]);
    const again = expectStatus(await call(adminA, "POST", `/v1/calendars/${calendar.id}/ical`, { ics }), 200).body;
    expect(again.imported).toBe(0);
    expect(again.calendar.latestVersion).toBe(2);
  });

  it("only provider admins write; client admins see no calendars; another provider's is 404", async () => {
    const { adminA, agentA1, clientAdminA1, adminB } = world.personas;
    const calendar = await created();
    expect((await call(agentA1, "POST", "/v1/calendars", { name: "x", schedule: officeHours() })).status).toBe(403);
    expect((await call(agentA1, "PATCH", `/v1/calendars/${calendar.id}`, { name: "x" })).status).toBe(403);
    expect((await call(clientAdminA1, "GET", "/v1/calendars")).status).toBe(403);
    expect((await call(clientAdminA1, "GET", `/v1/calendars/${calendar.id}`)).status).toBe(403);
    expect((await call(adminB, "GET", `/v1/calendars/${calendar.id}`)).status).toBe(404);
    expect((await call(adminB, "PATCH", `/v1/calendars/${calendar.id}`, { name: "mine" })).status).toBe(404);
    const renamed = expectStatus(
      await call(adminA, "PATCH", `/v1/calendars/${calendar.id}`, { name: "Berlin HQ", version: calendar.version }),
      200,
    ).body;
    expect(renamed).toMatchObject({ name: "Berlin HQ", version: 2, latestVersion: 1 });
    const listB = expectStatus(await call(adminB, "GET", "/v1/calendars"), 200).body;
    expect(listB.items.map((c: { id: string }) => c.id)).not.toContain(calendar.id);
  });
});
