import { describe, expect, it } from "vitest";
import type { Timeline } from "../calendar/math";
import { Schedule } from "../calendar/schema";
import { apply, type Calendars, due, earliestDue, type Happening, nextActionAt, type SlaState } from "./clock";
import { DEFAULT_PAUSES, type Policy, PolicyInput } from "./schema";

const BERLIN = "cal_berlin";
const berlinHours: Timeline = [
  {
    effectiveFrom: 0,
    schedule: Schedule.parse({
      timeZone: "Europe/Berlin",
      hours: ["mon", "tue", "wed", "thu", "fri"].map((day) => ({ day, from: "09:00", to: "17:00" })),
      holidays: [{ date: "2026-12-25", name: "Christmas Day", yearly: true }],
    }),
  },
];
const calendars: Calendars = new Map([[BERLIN, berlinHours]]);

function policy(input: Partial<Parameters<typeof PolicyInput.parse>[0]> = {}): Policy {
  const parsed = PolicyInput.parse({
    name: "Standard",
    targets: {
      first_reply: { calendarId: BERLIN, minutes: { normal: 120, urgent: 30 } },
      next_reply: { calendarId: BERLIN, minutes: { normal: 240 } },
      resolution: { calendarId: BERLIN, minutes: { normal: 960, urgent: 240 } },
    },
    ...input,
  });
  return { ...parsed, id: parsed.id ?? "slp_standard", pauses: { ...DEFAULT_PAUSES, ...parsed.pauses } };
}

const ticket = { priority: "normal" as const, type: "question", channel: "email", tags: [] as string[] };

/** One write's happening at a Berlin wall time (CET, UTC+1 in winter). */
function at(local: string, rest: Partial<Happening> & Pick<Happening, "status">): Happening {
  return { at: new Date(`${local}+01:00`).toISOString(), priority: "normal", ticket, ...rest };
}

function create(local: string, policies: Policy[] = [policy()]) {
  return apply(
    null,
    at(local, { status: { from: null, to: "new" }, policies: { version: 1, list: policies } }),
    calendars,
  );
}

const utc = (local: string) => new Date(`${local}+01:00`).toISOString();

describe("SLA clocks on a business calendar", () => {
  it("start at creation and run on working time only", () => {
    // Friday 16:00 Berlin: one working hour left that day, then the weekend.
    const { state, events } = create("2026-12-04T16:00:00");
    expect(state.policy).toMatchObject({ id: "slp_standard", name: "Standard", setVersion: 1 });
    expect(events.map((e) => e.kind)).toEqual(["policy_applied", "start", "start"]);
    expect(state.cycles.first_reply).toMatchObject({
      state: "running",
      target: 120,
      dueAt: utc("2026-12-07T10:00:00"),
    });
    // 960 minutes = 2 working days: Friday's hour, Monday, and 7 hours on Tuesday.
    expect(state.cycles.resolution?.dueAt).toBe(utc("2026-12-08T16:00:00"));
    expect(earliestDue(state)).toBe(utc("2026-12-07T10:00:00"));
  });

  it("a public staff reply fulfils the first reply; late is a breach, recorded at the due time", () => {
    const created = create("2026-12-04T16:00:00").state;
    const met = apply(
      created,
      at("2026-12-07T09:30:00", { status: { from: "new", to: "open" }, staffReply: true }),
      calendars,
    );
    expect(met.state.cycles.first_reply).toMatchObject({ state: "stopped", outcome: "met", used: 90 });
    const late = apply(
      created,
      at("2026-12-07T11:00:00", { status: { from: "new", to: "open" }, staffReply: true }),
      calendars,
    );
    expect(late.state.cycles.first_reply).toMatchObject({
      state: "stopped",
      outcome: "breached",
      breachedAt: utc("2026-12-07T10:00:00"),
      used: 180,
    });
    expect(late.events.filter((e) => e.metric === "first_reply").map((e) => e.kind)).toEqual(["breach", "fulfil"]);
  });

  it("pending pauses every clock, on hold all but resolution; resuming moves the due time by the paused working time", () => {
    const created = create("2026-12-07T09:00:00").state; // Monday 09:00
    const pending = apply(created, at("2026-12-07T10:00:00", { status: { from: "new", to: "pending" } }), calendars);
    expect(pending.state.cycles.first_reply).toMatchObject({ state: "paused", used: 60 });
    expect(pending.state.cycles.resolution).toMatchObject({ state: "paused", used: 60 });
    expect(earliestDue(pending.state)).toBeUndefined();
    // Back on Tuesday 09:00: 60 of 120 first-reply minutes left.
    const resumed = apply(
      pending.state,
      at("2026-12-08T09:00:00", { status: { from: "pending", to: "open" } }),
      calendars,
    );
    expect(resumed.state.cycles.first_reply).toMatchObject({
      state: "running",
      used: 60,
      dueAt: utc("2026-12-08T10:00:00"),
    });
    expect(resumed.state.cycles.first_reply?.pausedMs).toBe(23 * 3600_000);
    const onHold = apply(
      resumed.state,
      at("2026-12-08T09:30:00", { status: { from: "open", to: "on_hold" } }),
      calendars,
    );
    expect(onHold.state.cycles.first_reply?.state).toBe("paused");
    expect(onHold.state.cycles.resolution?.state).toBe("running");
  });

  it("the requester's message after the first reply starts next reply; later ones find it running", () => {
    let state = create("2026-12-07T09:00:00").state;
    state = apply(
      state,
      at("2026-12-07T09:10:00", { status: { from: "new", to: "open" }, staffReply: true }),
      calendars,
    ).state;
    expect(state.cycles.next_reply).toBeUndefined();
    state = apply(
      state,
      at("2026-12-07T10:00:00", { status: { from: "open", to: "open" }, requesterMessage: true }),
      calendars,
    ).state;
    expect(state.cycles.next_reply).toMatchObject({ state: "running", startedAt: utc("2026-12-07T10:00:00") });
    state = apply(
      state,
      at("2026-12-07T11:00:00", { status: { from: "open", to: "open" }, requesterMessage: true }),
      calendars,
    ).state;
    expect(state.cycles.next_reply?.startedAt).toBe(utc("2026-12-07T10:00:00"));
    state = apply(
      state,
      at("2026-12-07T12:00:00", { status: { from: "open", to: "open" }, staffReply: true }),
      calendars,
    ).state;
    expect(state.cycles.next_reply).toMatchObject({ state: "stopped", outcome: "met", used: 120 });
  });

  it("solving fulfils resolution; a reopen resumes the same cycle with its used minutes", () => {
    let state = create("2026-12-07T09:00:00").state;
    state = apply(state, at("2026-12-07T13:00:00", { status: { from: "new", to: "solved" } }), calendars).state;
    expect(state.cycles.resolution).toMatchObject({ state: "stopped", outcome: "met", used: 240 });
    const reopened = apply(
      state,
      at("2026-12-08T09:00:00", { status: { from: "solved", to: "open" }, requesterMessage: true }),
      calendars,
    );
    expect(reopened.state.cycles.resolution).toMatchObject({
      state: "running",
      used: 240,
      startedAt: utc("2026-12-07T09:00:00"),
      // 720 minutes left from Tuesday 09:00: Tuesday's 480, then 240 on Wednesday.
      dueAt: utc("2026-12-09T13:00:00"),
    });
    expect(reopened.events.map((e) => `${e.kind}:${e.metric}`)).toEqual(["resume:resolution", "start:next_reply"]);
  });

  it("a new priority retargets unfinished clocks and keeps their used time", () => {
    const created = create("2026-12-07T09:00:00").state;
    const urgent = apply(
      created,
      at("2026-12-07T09:20:00", {
        status: { from: "new", to: "new" },
        priority: "urgent",
        ticket: { ...ticket, priority: "urgent" },
        policies: { version: 1, list: [policy()] },
      }),
      calendars,
    );
    expect(urgent.state.cycles.first_reply).toMatchObject({ target: 30, used: 20, dueAt: utc("2026-12-07T09:30:00") });
    expect(urgent.events.map((e) => e.kind)).toEqual(["retarget", "retarget"]);
  });

  it("takes the first policy whose conditions hold, and none when nothing matches (no clocks)", () => {
    const vip = policy({ id: "slp_vip", name: "VIP", match: { tags: ["vip"] } });
    const incidents = policy({ id: "slp_inc", name: "Incidents", match: { types: ["incident"] } });
    const chosen = apply(
      null,
      at("2026-12-07T09:00:00", {
        status: { from: null, to: "new" },
        ticket: { ...ticket, type: "incident", tags: ["vip"] },
        policies: { version: 3, list: [vip, incidents] },
      }),
      calendars,
    );
    expect(chosen.state.policy?.id).toBe("slp_vip");
    const none = create("2026-12-07T09:00:00", [incidents]);
    expect(none.state.policy).toBeNull();
    expect(none.state.cycles).toEqual({});
    expect(none.events.map((e) => e.kind)).toEqual(["no_policy"]);
  });

  it("warns, breaches and escalates when due, once: sweeping twice finds nothing new", () => {
    const state: SlaState = create("2026-12-07T09:00:00").state; // first reply due 11:00
    expect(new Date(nextActionAt(state, calendars)!).toISOString()).toBe(utc("2026-12-07T10:30:00")); // 75 %
    const early = due(state, Date.parse(utc("2026-12-07T10:00:00")), calendars);
    expect(early.events).toEqual([]);
    const late = due(state, Date.parse(utc("2026-12-07T14:00:00")), calendars);
    expect(late.events.filter((e) => e.metric === "first_reply").map((e) => `${e.kind}@${e.at}`)).toEqual([
      `warn@${utc("2026-12-07T10:30:00")}`,
      `warn@${utc("2026-12-07T10:48:00")}`,
      `escalate@${utc("2026-12-07T10:48:00")}`,
      `breach@${utc("2026-12-07T11:00:00")}`,
      `escalate@${utc("2026-12-07T11:00:00")}`,
      `escalate@${utc("2026-12-07T12:00:00")}`,
    ]);
    expect(late.state.cycles.first_reply).toMatchObject({
      warned: 2,
      escalated: 3,
      breachedAt: utc("2026-12-07T11:00:00"),
    });
    expect(due(late.state, Date.parse(utc("2026-12-07T14:00:00")), calendars).events).toEqual([]);
    // A reply after the breach fulfils the cycle as breached, without a second breach event.
    const replied = apply(
      late.state,
      at("2026-12-07T14:30:00", { status: { from: "new", to: "open" }, staffReply: true }),
      calendars,
    );
    expect(replied.state.cycles.first_reply).toMatchObject({ outcome: "breached" });
    expect(replied.events.filter((e) => e.kind === "breach" && e.metric === "first_reply")).toEqual([]);
  });

  it("counts calendar minutes when a target names no calendar, and keeps counting across Christmas", () => {
    const plain = policy({
      targets: {
        first_reply: { calendarId: null, minutes: { normal: 60 } },
        resolution: { calendarId: BERLIN, minutes: { normal: 60 } },
      },
    });
    const { state } = create("2026-12-24T16:30:00", [plain]);
    expect(state.cycles.first_reply?.dueAt).toBe(utc("2026-12-24T17:30:00"));
    // 30 minutes on the 24th, then Christmas (a holiday) and the weekend: Monday 28th 09:30.
    expect(state.cycles.resolution?.dueAt).toBe(utc("2026-12-28T09:30:00"));
  });
});
