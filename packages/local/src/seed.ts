import { type Actor, withActor } from "@outdesk/core/actor";
import { Calendar } from "@outdesk/core/calendar";
import { Addresses } from "@outdesk/core/email/addresses";
import { SlaPolicies } from "@outdesk/core/sla";
import { Client, Provider, User } from "@outdesk/core/tenancy";
import { Ticket } from "@outdesk/core/ticket";
import { addDemoContracts, type BillingClient, closeDemoMonths } from "./demo-contracts";
import { type HistoryClient, historyStart, seedHistory } from "./history";

export const DEMO_PASSWORD = "outdesk-demo";
export const DEMO_PROVIDER = "northwind";

export interface DemoLogin {
  role: string;
  email: string;
  scope: string;
}

type PriorityMinutes = Record<"low" | "normal" | "high" | "urgent", number>;

/** A client's business calendar and the one policy that measures all its tickets on it. */
interface DemoSla {
  calendar: Parameters<typeof Calendar.create>[0];
  policy: string;
  minutes: Record<"first_reply" | "next_reply" | "resolution", PriorityMinutes>;
}

const weekdays = (from: string, to: string) =>
  (["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, from, to }));

const clients = [
  {
    name: "Acme Corporation",
    slug: "acme" as const,
    timeZone: "America/New_York",
    supportAddresses: ["help@acme.example"],
    mailSettings: {
      fromName: "Acme Support",
      fromAddress: "help@acme.example",
      signature: "Acme Support · support for {{client.name}} customers, around the clock",
    },
    ticketFields: [
      { key: "order_id", label: "Order ID", type: "text" as const, required: true },
      {
        key: "plan",
        label: "Plan",
        type: "select" as const,
        options: ["starter", "business", "enterprise"],
        required: false,
      },
    ],
    // Acme's shop sells around the clock: every minute counts, and an urgent ticket is due in 30.
    sla: {
      calendar: { name: "Acme 24×7", schedule: { timeZone: "America/New_York", alwaysOpen: true } },
      policy: "Around the clock",
      minutes: {
        first_reply: { low: 120, normal: 60, high: 45, urgent: 30 },
        next_reply: { low: 120, normal: 120, high: 120, urgent: 120 },
        resolution: { low: 1440, normal: 1440, high: 1440, urgent: 1440 },
      },
    } satisfies DemoSla,
  },
  {
    name: "Globex",
    slug: "globex" as const,
    timeZone: "Europe/London",
    supportAddresses: ["support@globex.example"],
    mailSettings: { fromAddress: "support@globex.example", signature: "The Globex service desk" },
    // London office hours (a 600-minute day), closed over Christmas and early on Christmas Eve.
    sla: {
      calendar: {
        name: "Globex office hours, Europe/London",
        schedule: {
          timeZone: "Europe/London",
          hours: weekdays("08:00", "18:00"),
          holidays: [
            { date: "2025-12-24", name: "Christmas Eve (closes at 13:00)", from: "13:00", to: "18:00", yearly: true },
            { date: "2025-12-25", name: "Christmas Day", yearly: true },
            { date: "2025-12-26", name: "Boxing Day", yearly: true },
          ],
        },
      },
      policy: "Office hours",
      minutes: {
        first_reply: { low: 480, normal: 240, high: 120, urgent: 60 },
        next_reply: { low: 600, normal: 480, high: 240, urgent: 120 },
        resolution: { low: 6000, normal: 3000, high: 1200, urgent: 600 },
      },
    } satisfies DemoSla,
  },
  {
    name: "Initech",
    slug: "initech" as const,
    timeZone: "America/Chicago",
    supportAddresses: ["help@initech.example"],
    // Initech answers from its default address and sends no auto-acknowledgement.
    mailSettings: { fromName: "Initech IT", autoAck: { enabled: false } },
    // Chicago business hours (a 480-minute day); resolution targets in business days.
    sla: {
      calendar: {
        name: "Initech business hours, America/Chicago",
        schedule: { timeZone: "America/Chicago", hours: weekdays("09:00", "17:00") },
      },
      policy: "Business hours",
      minutes: {
        first_reply: { low: 960, normal: 240, high: 120, urgent: 60 },
        next_reply: { low: 960, normal: 480, high: 240, urgent: 120 },
        resolution: { low: 4800, normal: 2400, high: 960, urgent: 480 },
      },
    } satisfies DemoSla,
  },
];

/** What each client's past months were about (seedHistory). */
const pastTopics: Pick<HistoryClient, "requester" | "topics" | "fields" | "lateFirstReplies">[] = [
  {
    requester: ["Tom Becker", "tom.becker@acme.example"],
    topics: [
      [
        "Checkout times out on the payment step",
        "Several customers report the payment page spinning.",
        "incident",
        ["checkout"],
      ],
      [
        "Discount code not applied to the cart",
        "SPRING20 shows as valid but the total does not change.",
        "problem",
        ["orders"],
      ],
      [
        "Change the shipping address on an order",
        "The customer moved; the order has not shipped yet.",
        "task",
        ["orders"],
      ],
      [
        "How do refunds show on the statement?",
        "A customer asks how long a refund takes to appear.",
        "question",
        ["billing"],
      ],
    ],
    fields: (n) => ({ order_id: `A-${9000 + n}` }),
  },
  {
    requester: ["Hannah Price", "hannah.price@globex.example"],
    // Its second ticket's first reply is late: the first month misses the target, and Globex's contract credits it.
    lateFirstReplies: [1],
    topics: [
      [
        "Shared drive is read-only for Finance",
        "Nobody in Finance can save to the shared drive since this morning.",
        "incident",
        ["storage"],
      ],
      ["Request a monitor for the new desk", "We need a second monitor for desk 4.12.", "task", ["hardware"]],
      ["Outlook keeps asking for my password", "It prompts every few minutes on my laptop.", "problem", ["email"]],
      ["Can we get access to the design tool?", "The marketing team needs three licences.", "question", ["licences"]],
    ],
  },
  {
    requester: ["Bill Lumbergh", "bill.lumbergh@initech.example"],
    topics: [
      ["Monday report macro fails", "The weekly report macro stops with error 1004.", "problem", ["templates"]],
      [
        "Conference room screen has no signal",
        "Room B cannot connect laptops to the screen.",
        "incident",
        ["hardware"],
      ],
      ["Add Peter to the TPS mailing list", "Peter Gibbons should get the TPS updates.", "task", ["accounts"]],
      ["Where are the new cover sheets?", "Is there a new version of the cover sheet?", "question", ["templates"]],
    ],
  },
];

export const demoLogins: DemoLogin[] = [
  { role: "provider_admin", email: "admin@northwind.example", scope: "all clients" },
  { role: "agent", email: "maya@northwind.example", scope: "Acme, Globex" },
  { role: "agent", email: "leo@northwind.example", scope: "Initech" },
  { role: "client_admin", email: "ops@acme.example", scope: "Acme" },
  { role: "client_admin", email: "it@globex.example", scope: "Globex" },
  { role: "client_admin", email: "desk@initech.example", scope: "Initech" },
];

type Step =
  | { reply: string; status?: "pending" | "on_hold" | "solved" | "open"; minutes?: number }
  | { note: string }
  | { clientReply: string }
  | { escalate: "L2" | "L3"; reason: string }
  | { take: true };

interface DemoTicket {
  client: 0 | 1 | 2;
  subject: string;
  body: string;
  requester: [string, string];
  priority?: "low" | "normal" | "high" | "urgent";
  type?: "question" | "incident" | "problem" | "task";
  channel?: "web" | "phone" | "api";
  tags?: string[];
  fields?: Record<string, string>;
  steps?: Step[];
}

const tickets: DemoTicket[] = [
  {
    client: 0,
    subject: "Checkout fails with error 502 on card payment",
    body: "Since 9am our customers see 'Bad gateway' when paying by card. PayPal still works.",
    requester: ["Priya Shah", "priya.shah@acme.example"],
    priority: "urgent",
    type: "incident",
    tags: ["payments", "outage"],
    fields: { order_id: "A-10233", plan: "enterprise" },
    steps: [
      { take: true },
      { reply: "We are on it. Could you send one failed order number and the time it happened?", minutes: 10 },
      { note: "Gateway logs show TLS handshake failures to the PSP since 08:57 UTC." },
      { escalate: "L2", reason: "Needs access to the payment gateway configuration" },
      { clientReply: "Order A-10233 at 09:14 EST. It keeps happening." },
    ],
  },
  {
    client: 0,
    subject: "How do I add a second admin to our account?",
    body: "Our operations lead needs admin rights. Where do I set this up?",
    requester: ["Tom Becker", "tom.becker@acme.example"],
    type: "question",
    tags: ["accounts"],
    steps: [{ reply: "Settings → Team → Invite, then pick the Admin role. Did that work for you?", status: "pending" }],
  },
  {
    client: 0,
    subject: "Invoice for October shows the wrong VAT number",
    body: "Please correct our VAT ID to DE811907980 and reissue the invoice.",
    requester: ["Lena Vogel", "lena.vogel@acme.example"],
    type: "task",
    tags: ["billing"],
    fields: { order_id: "INV-2026-10-0042" },
    steps: [
      { take: true },
      { reply: "Corrected and reissued; you will find it under Billing.", status: "solved", minutes: 15 },
    ],
  },
  {
    client: 0,
    subject: "Request: export all tickets from Q3",
    body: "Called in: needs a CSV of all Q3 tickets for their audit.",
    requester: ["Priya Shah", "priya.shah@acme.example"],
    channel: "phone",
    type: "task",
    steps: [
      { note: "Waiting for the data team; promised by Friday." },
      { reply: "The export is being prepared.", status: "on_hold" },
    ],
  },
  {
    // Unanswered on Acme's 24×7 calendar: its first reply is due 30 minutes after seeding.
    client: 0,
    subject: "Order confirmation emails stopped going out",
    body: "Customers who ordered in the last hour got no confirmation email. Orders themselves look fine.",
    requester: ["Tom Becker", "tom.becker@acme.example"],
    priority: "urgent",
    type: "incident",
    tags: ["email", "orders"],
    fields: { order_id: "A-10412", plan: "enterprise" },
  },
  {
    client: 1,
    subject: "VPN disconnects every 10 minutes",
    body: "Several people in the London office lose the VPN connection every ten minutes.",
    requester: ["Oliver Grant", "oliver.grant@globex.example"],
    priority: "high",
    type: "problem",
    tags: ["network", "vpn"],
    steps: [
      { take: true },
      { reply: "Which client version do you use? Settings → About shows it.", status: "pending" },
    ],
  },
  {
    client: 1,
    subject: "New starter laptop setup for Monday",
    body: "Please prepare a laptop for Amelia Clarke, starting Monday in Finance.",
    requester: ["Hannah Price", "hannah.price@globex.example"],
    type: "task",
    tags: ["onboarding"],
  },
  {
    client: 1,
    subject: "Password reset email never arrives",
    body: "I requested a password reset three times and got nothing, not even in spam.",
    requester: ["George Hill", "george.hill@globex.example"],
    steps: [{ reply: "Reset link sent manually; please check now." }, { clientReply: "Got it, thanks!" }],
  },
  {
    client: 2,
    subject: "TPS report cover sheet missing from template",
    body: "The new TPS report template no longer has the cover sheet. Everyone is asking about it.",
    requester: ["Bill Lumbergh", "bill.lumbergh@initech.example"],
    tags: ["templates"],
    steps: [
      { take: true },
      { reply: "Restored the cover sheet in the template library.", status: "solved", minutes: 20 },
    ],
  },
  {
    client: 2,
    subject: "Printer on floor 3 jams on every print job",
    body: "PC LOAD LETTER. What does that even mean?",
    requester: ["Michael Bolton", "michael.bolton@initech.example"],
    priority: "high",
    type: "incident",
    tags: ["hardware", "printer"],
    steps: [
      { reply: "It means the letter tray is empty. A technician is on the way to check the rollers." },
      { note: "Second jam report this week; consider replacing the unit." },
      { escalate: "L2", reason: "Hardware replacement needs approval" },
    ],
  },
  {
    client: 2,
    subject: "Stapler was moved to the basement",
    body: "Someone took my red stapler. I was told there would be a ticket for this.",
    requester: ["Milton Waddams", "milton.waddams@initech.example"],
    priority: "low",
    channel: "web",
  },
];

/**
 * Seeds "Northwind Support" once, through the same core operations the API uses: clients,
 * staff and client admins, each client's business calendar and SLA policy, and realistic
 * tickets in every client's queue, measured by those policies, after months of worked history
 * billed under each client's contract, its older months locked (`history: false` leaves all of
 * that out, for tests that start many stacks). Returns false when it is already there (the data
 * dir persists across restarts).
 */
export async function seedDemo({ history = true }: { history?: boolean } = {}): Promise<boolean> {
  if (await Provider.resolveSlug(DEMO_PROVIDER)) return false;
  const now = Date.now();
  const { providerId, userId } = await Provider.signup({
    providerName: "Northwind Support",
    providerSlug: DEMO_PROVIDER,
    adminName: "Nora Admin",
    adminEmail: "admin@northwind.example",
    password: DEMO_PASSWORD,
  });
  const system: Actor = { type: "system", providerId, id: "seed", role: "system", clientIds: "all", name: "Seed" };
  const created = await withActor(system, async () => {
    const made = await Promise.all(
      clients.map(({ supportAddresses: _, mailSettings: __, sla: ___, ...client }) => Client.create(client)),
    );
    const [acme, globex, initech] = made.map((client) => client.id) as [string, string, string];
    for (const [index, client] of clients.entries()) {
      const clientId = made[index]!.id;
      // Demo data only: the system marks the example addresses verified (nobody can receive mail at
      // *.example to answer a code). Real addresses are claimed and verified through the API.
      for (const address of client.supportAddresses) await Addresses.markVerified({ clientId, address });
      await Client.update({ clientId, mailSettings: client.mailSettings });
    }
    const staff = [
      { email: "maya@northwind.example", name: "Maya Agent", role: "agent" as const, clientIds: [acme, globex] },
      { email: "leo@northwind.example", name: "Leo Agent", role: "agent" as const, clientIds: [initech] },
      { email: "ops@acme.example", name: "Olivia (Acme)", role: "client_admin" as const, clientIds: [acme] },
      { email: "it@globex.example", name: "Ian (Globex)", role: "client_admin" as const, clientIds: [globex] },
      { email: "desk@initech.example", name: "Dee (Initech)", role: "client_admin" as const, clientIds: [initech] },
    ];
    const users = [];
    for (const user of staff) users.push((await User.insert(providerId, { ...user, password: DEMO_PASSWORD })).user);
    return { clientIds: [acme, globex, initech], users };
  });
  // Calendars and policies are the provider admin's to set; saved before any ticket, so every
  // demo ticket starts its clocks.
  type UserActor = Actor & { type: "user" };
  const admin: UserActor = {
    type: "user",
    providerId,
    id: userId,
    role: "provider_admin",
    clientIds: "all",
    name: "Nora Admin",
  };
  const calendarIds = await withActor(admin, async () => {
    const ids: string[] = [];
    for (const [index, { sla }] of clients.entries()) {
      const calendar = await Calendar.create(sla.calendar);
      ids.push(calendar.id);
      const on = (minutes: PriorityMinutes) => ({ calendarId: calendar.id, minutes });
      await SlaPolicies.put({
        clientId: created.clientIds[index]!,
        policies: [
          {
            name: sla.policy,
            targets: {
              first_reply: on(sla.minutes.first_reply),
              next_reply: on(sla.minutes.next_reply),
              resolution: on(sla.minutes.resolution),
            },
          },
        ],
      });
    }
    return ids;
  });
  const actorFor = (user: User.Info): UserActor => ({
    type: "user",
    providerId,
    id: user.id,
    role: user.role,
    clientIds: user.role === "provider_admin" ? "all" : user.clientIds,
    name: user.name,
  });
  const [maya, leo, olivia, ian, dee] = created.users.map(actorFor) as UserActor[];
  const agentOf = [maya!, maya!, leo!];
  const clientAdminOf = [olivia!, ian!, dee!];
  // Months of past work first, so today's demo tickets stay on top of every queue: billed under
  // contracts signed before it, its time approved, its older months closed.
  if (history) {
    const from = historyStart(now);
    const billing: BillingClient[] = clients.map((client, index) => ({
      clientId: created.clientIds[index]!,
      slug: client.slug,
      timeZone: client.timeZone,
      calendarId: calendarIds[index]!,
    }));
    await addDemoContracts(admin, billing, from);
    await seedHistory(
      pastTopics.map((past, index) => ({
        ...past,
        clientId: created.clientIds[index]!,
        timeZone: clients[index]!.timeZone,
        agent: agentOf[index]!,
        clientAdmin: clientAdminOf[index]!,
      })),
      { approver: admin, now },
    );
    await closeDemoMonths(admin, billing, from, now);
  }
  for (const demo of tickets) {
    const clientId = created.clientIds[demo.client]!;
    const agent = agentOf[demo.client]!;
    const ticket = await withActor(agent, () =>
      Ticket.create({
        clientId,
        subject: demo.subject,
        body: demo.body,
        requester: { name: demo.requester[0], email: demo.requester[1] },
        priority: demo.priority ?? "normal",
        type: demo.type ?? "question",
        channel: demo.channel ?? "web",
        tags: demo.tags ?? [],
        fields: demo.fields ?? {},
      }),
    );
    const ids = { clientId, ticketId: ticket.id };
    for (const step of demo.steps ?? []) {
      if ("take" in step) await withActor(agent, () => Ticket.take(ids));
      else if ("reply" in step)
        await withActor(agent, () =>
          Ticket.addMessage({
            ...ids,
            visibility: "public",
            body: step.reply,
            status: step.status,
            timeSpentMinutes: step.minutes ?? 5,
            // Demo history, not new replies: nothing goes out by mail at seed time.
            email: { send: false, cc: undefined },
          }),
        );
      else if ("note" in step)
        await withActor(agent, () => Ticket.addMessage({ ...ids, visibility: "internal", body: step.note }));
      else if ("clientReply" in step)
        await withActor(clientAdminOf[demo.client]!, () =>
          Ticket.addMessage({ ...ids, visibility: "public", body: step.clientReply }),
        );
      else await withActor(agent, () => Ticket.escalate({ ...ids, tier: step.escalate, reason: step.reason }));
    }
  }
  return true;
}
