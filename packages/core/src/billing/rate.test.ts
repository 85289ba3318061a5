import { describe, expect, it } from "vitest";
import { bandAt, bandClassifier, bandsOf, hourMiddle } from "./bands";
import { computeCredits, earnBacks } from "./credits";
import { formatMoney, minorDigits, roundMinor } from "./money";
import { noBands, rate, type Usage } from "./rate";
import { ContractTerms } from "./schema";

const usage = (over: Partial<Usage> = {}): Usage => ({
  ticketsCreated: 0,
  ticketsSolved: 0,
  contacts: {},
  handledMinutes: noBands(),
  billableMinutes: noBands(),
  ...over,
});
const terms = (input: unknown) => ContractTerms.parse(input);
const amounts = (lines: { amount: number }[]) => lines.map((l) => l.amount);

describe("money", () => {
  it("knows each currency's minor digits and rounds half away from zero once", () => {
    expect([minorDigits("USD"), minorDigits("JPY"), minorDigits("KWD"), minorDigits("XXY")]).toEqual([2, 0, 3, null]);
    expect([roundMinor(100.5), roundMinor(1.005 * 100), roundMinor(-2.5), roundMinor(2.4999)]).toEqual([
      101, 101, -3, 2,
    ]);
    expect(formatMoney(4_800_000, "USD")).toBe("$48,000.00");
    expect(formatMoney(1200, "JPY")).toBe("¥1,200");
  });
});

describe("rating", () => {
  it("prices graduated tiers per tier and volume tiers all at the reached tier's price", () => {
    const tiers = [
      { upTo: 100, unitPrice: 500 },
      { upTo: 500, unitPrice: 400 },
      { upTo: null, unitPrice: 300 },
    ];
    const graduated = rate(
      terms({
        name: "g",
        currency: "USD",
        components: [{ kind: "per_unit", name: "Solved", meter: "tickets_solved", pricing: "graduated", tiers }],
      }),
      usage({ ticketsSolved: 650 }),
    );
    // 100 × $5 + 400 × $4 + 150 × $3
    expect(graduated.lines.map((l) => [l.quantity, l.unitPrice, l.amount])).toEqual([
      [100, 500, 50_000],
      [400, 400, 160_000],
      [150, 300, 45_000],
    ]);
    const volume = rate(
      terms({
        name: "v",
        currency: "USD",
        components: [{ kind: "per_unit", name: "Solved", meter: "tickets_solved", pricing: "volume", tiers }],
      }),
      usage({ ticketsSolved: 650 }),
    );
    expect(volume.lines.map((l) => [l.quantity, l.unitPrice, l.amount])).toEqual([[650, 300, 195_000]]);
    expect(
      rate(
        terms({
          name: "v",
          currency: "USD",
          components: [{ kind: "per_unit", name: "S", meter: "tickets_solved", pricing: "volume", tiers }],
        }),
        usage({ ticketsSolved: 100 }),
      ).charges,
    ).toBe(50_000);
  });

  it("counts contacts of one channel, prices hours with after-hours multipliers, and rounds each line once", () => {
    const rated = rate(
      terms({
        name: "c",
        currency: "USD",
        components: [
          {
            kind: "per_unit",
            name: "Chats",
            meter: "contacts",
            channel: "chat",
            pricing: "graduated",
            tiers: [{ upTo: null, unitPrice: 125.5 }],
          },
          { kind: "agent_hours", name: "Agents", hourlyRate: 4000 },
        ],
        multipliers: { calendarId: "cal_x", afterHours: 1.5, weekend: 2, holiday: 2.5 },
      }),
      usage({
        contacts: { chat: 3, email: 10 },
        // 60 business + 40 after hours (×1.5) + 30 weekend (×2) + 12 holiday (×2.5) = 210 weighted minutes
        billableMinutes: { business: 60, afterHours: 40, weekend: 30, holiday: 12 },
      }),
    );
    expect(amounts(rated.lines)).toEqual([377, 14_000]);
    expect(rated.lines[1]!.quantity).toBe(3.5);
    expect(rated.lines[1]!.working).toContain("after hours ×1.5");
  });

  it("bills a retainer's overage and rolls unused included hours over, capped; carried hours are used first", () => {
    const contract = terms({
      name: "r",
      currency: "EUR",
      components: [
        {
          kind: "allowance",
          name: "Retainer",
          meter: "billable_hours",
          fee: 200_000,
          included: 40,
          overageRate: 6000,
          rolloverCap: 10,
        },
      ],
    });
    const quiet = rate(contract, usage({ billableMinutes: { ...noBands(), business: 25 * 60 } }));
    expect(amounts(quiet.lines)).toEqual([200_000]);
    expect(quiet.carryOut).toEqual({ 0: 10 });
    const busy = rate(contract, usage({ billableMinutes: { ...noBands(), business: 52 * 60 } }), quiet.carryOut);
    // 52 used of 40 + 10 carried: 2 hours over at €60.
    expect(amounts(busy.lines)).toEqual([200_000, 12_000]);
    expect(busy.carryOut).toEqual({ 0: 0 });
    expect(busy.monthlyFee).toBe(200_000);
  });

  it("trues a month up to the minimum commitment, and puts fixed fees and FTEs at risk", () => {
    const rated = rate(
      terms({
        name: "m",
        currency: "USD",
        components: [
          { kind: "fixed_fee", name: "Platform", amount: 100_000 },
          { kind: "fte", name: "Dedicated team", count: 2, monthlyRate: 450_000 },
          {
            kind: "per_unit",
            name: "Tickets",
            meter: "tickets_created",
            pricing: "graduated",
            tiers: [{ upTo: null, unitPrice: 200 }],
          },
          { kind: "minimum_commitment", name: "Minimum", amount: 1_200_000 },
        ],
      }),
      usage({ ticketsCreated: 150 }),
    );
    expect(amounts(rated.lines)).toEqual([100_000, 900_000, 30_000, 170_000]);
    expect(rated.lines.at(-1)!.kind).toBe("minimum_true_up");
    expect(rated.charges).toBe(1_200_000);
    expect(rated.monthlyFee).toBe(1_000_000);
  });

  it("refuses contracts that cannot be priced, naming the field", () => {
    const issues = (input: unknown) =>
      ContractTerms.safeParse(input).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
    expect(
      issues({
        name: "bad",
        currency: "USD",
        components: [
          { kind: "fixed_fee", name: "Fee", amount: -5 },
          {
            kind: "per_unit",
            name: "T",
            meter: "tickets_solved",
            pricing: "graduated",
            tiers: [
              { upTo: 10, unitPrice: 1 },
              { upTo: 5, unitPrice: 1 },
              { upTo: null, unitPrice: 1 },
            ],
          },
          { kind: "fixed_fee", name: "Euro fee", amount: 5, currency: "EUR" },
        ],
        rounding: { incrementMinutes: 0 },
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^components\.0\.amount: not negative/),
        expect.stringMatching(/^components\.1\.tiers\.1\.upTo: tiers in increasing order/),
        expect.stringMatching(/^rounding\.incrementMinutes: at least 1 minute/),
      ]),
    );
    expect(
      issues({
        name: "mixed",
        currency: "USD",
        components: [{ kind: "fixed_fee", name: "Euro fee", amount: 5, currency: "EUR" }],
      }),
    ).toEqual(["components.0.currency: EUR in a USD contract: one currency per contract"]);
    expect(issues({ name: "x", currency: "ABC", components: [{ kind: "fixed_fee", name: "F", amount: 1 }] })).toEqual([
      "currency: an ISO 4217 currency code",
    ]);
  });
});

describe("SLA credits", () => {
  const credits = (compliance: { met: number; breached: number }) =>
    ContractTerms.parse({
      name: "BPO",
      currency: "USD",
      components: [{ kind: "fixed_fee", name: "Managed service", amount: 4_800_000 }],
      slaCredits: {
        atRiskPercent: 12,
        allocations: [
          {
            name: "Chat service level",
            metric: "first_reply",
            targetPercent: 90,
            sharePercent: 40,
            tiers: [
              { pointsBelow: 0, creditPercent: 50 },
              { pointsBelow: 5, creditPercent: 100 },
            ],
          },
        ],
      },
    }).slaCredits!;

  it("gives the worked example: $48,000 fee, 12 % at risk, 40 % to chat, 6 points under → $2,304", () => {
    const result = computeCredits(credits({ met: 0, breached: 0 }), {
      monthlyFee: 4_800_000,
      currency: "USD",
      measured: () => ({ met: 84, breached: 16 }),
    });
    expect(result.atRisk).toBe(576_000);
    expect(result.allocations[0]).toMatchObject({
      allocation: 230_400,
      compliance: 84,
      pointsBelow: 6,
      creditPercent: 100,
      credit: 230_400,
    });
    expect(result.total).toBe(230_400);
    expect(result.allocations[0]!.working).toBe(
      "40% of $5,760.00 at risk = $2,304.00; compliance 84% (84 met of 100) vs target 90%: 6 points below → 100% of the allocation = $2,304.00",
    );
  });

  it("credits half on any miss under 5 points, none on target, none when nothing was measured; exclusions lift compliance", () => {
    const terms = credits({ met: 0, breached: 0 });
    const at = (
      met: number,
      breached: number,
      exclusions = [] as { allocation: string; breaches: number; reason: string }[],
    ) =>
      computeCredits(terms, { monthlyFee: 4_800_000, currency: "USD", measured: () => ({ met, breached }), exclusions })
        .total;
    expect(at(88, 12)).toBe(115_200);
    expect(at(90, 10)).toBe(0);
    expect(at(0, 0)).toBe(0);
    // 84 met, 16 breached of which 7 client-caused: 84 / 93 = 90.32 %.
    expect(at(84, 16, [{ allocation: "Chat service level", breaches: 7, reason: "client-caused waiting" }])).toBe(0);
  });

  it("waives credits above the volume forecast, caps them, and earns a credit back after three good months", () => {
    const terms = {
      ...credits({ met: 0, breached: 0 }),
      capPercent: 2,
      volumeForecast: { ticketsCreated: 1000, tolerancePercent: 10 },
    };
    const input = { monthlyFee: 4_800_000, currency: "USD", measured: () => ({ met: 50, breached: 50 }) };
    expect(computeCredits(terms, { ...input, ticketsCreated: 1100 })).toMatchObject({
      total: 96_000,
      capped: true,
      waived: null,
    });
    expect(computeCredits(terms, { ...input, ticketsCreated: 1101 })).toMatchObject({ total: 0 });
    const history = [
      { month: "2026-08", allocations: [{ name: "Chat", credit: 230_400, met: false }] },
      { month: "2026-09", allocations: [{ name: "Chat", credit: 0, met: true }] },
      { month: "2026-10", allocations: [{ name: "Chat", credit: 0, met: true }] },
    ];
    expect(earnBacks(history, "2026-11", new Map([["Chat", true]]))).toEqual([
      { name: "Chat", month: "2026-08", amount: 230_400 },
    ]);
    expect(earnBacks(history, "2026-11", new Map([["Chat", false]]))).toEqual([]);
    expect(earnBacks(history.slice(1), "2026-11", new Map([["Chat", true]]))).toEqual([]);
  });
});

describe("after-hours bands", () => {
  const berlin = [
    {
      effectiveFrom: 0,
      schedule: {
        timeZone: "Europe/Berlin",
        alwaysOpen: false,
        hours: (["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, from: "09:00", to: "17:00" })),
        holidays: [{ date: "2025-12-25", name: "Christmas Day", yearly: true }],
      },
    },
  ];
  it("classifies each hour of the client's day on the contract's calendar, across zones", () => {
    // A New York client's hours, on a Berlin calendar: 04:00 in New York is 10:00 in Berlin.
    const band = (day: string, hour: number, zone = "Europe/Berlin") => bandAt(berlin, hourMiddle(day, hour, zone));
    expect(band("2026-12-07", 10)).toBe("business");
    expect(band("2026-12-07", 20)).toBe("afterHours");
    expect(band("2026-12-05", 10)).toBe("weekend");
    expect(band("2026-12-25", 10)).toBe("holiday");
    expect(band("2026-12-07", 4, "America/New_York")).toBe("business");
    expect(
      bandsOf(
        [
          { day: "2026-12-07", meter: "billable", h8: 30, h9: 60, h17: 15 },
          { day: "2026-12-06", meter: "billable", h12: 45 },
        ],
        bandClassifier("Europe/Berlin", berlin),
      ),
    ).toEqual({ business: 60, afterHours: 45, weekend: 45, holiday: 0 });
    // A day at a time gives each hour the band its own middle has, over DST changes and holidays too.
    for (const zone of ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe"]) {
      const classify = bandClassifier(zone, berlin);
      for (const day of [
        "2026-03-08",
        "2026-03-29",
        "2026-04-05",
        "2026-10-25",
        "2026-11-01",
        "2026-12-25",
        "2026-12-28",
      ])
        for (let h = 0; h < 24; h++) expect(classify(day, h), `${zone} ${day} ${h}`).toBe(band(day, h, zone));
    }
  });
});
