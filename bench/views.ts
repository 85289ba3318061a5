import { withActor } from "@outdesk/core/actor";
import { Dynamo } from "@outdesk/core/dynamo";
import { Ticket } from "@outdesk/core/ticket";
import { call, expectStatus, type Persona } from "../test/api";
import { createClient, inviteAndAccept, signup } from "../test/world";
import { runIfMain } from "./harness";

/**
 * Views on a BPO with one big client: pages walked to the end of a view and what each page
 * costs, against the page count a perfect index gives (⌈matches ÷ page⌉). The issue's figures
 * for the old layout are printed beside them.
 */
export interface ViewRow {
  view: string;
  matches: number;
  pages: number;
  target: number;
  before?: string;
  readUnitsPerPage: number;
  maxReadUnits: number;
  requestsPerPage: number;
}

const PAGE = 50;

async function walk(persona: Persona, query: string) {
  let cursor: string | null = null;
  const pages: { items: number; readUnits: number; requests: number }[] = [];
  do {
    const url: string = `/v1/tickets?${query}&limit=${PAGE}${cursor ? `&cursor=${cursor}` : ""}`;
    const { result, readUnits, requests } = await Dynamo.measure(() =>
      call<{ items: unknown[]; cursor: string | null }>(persona, "GET", url),
    );
    expectStatus(result, 200);
    pages.push({ items: result.body.items.length, readUnits, requests });
    cursor = result.body.cursor;
  } while (cursor);
  return pages;
}

async function seed(providerId: string, userId: string, clientId: string, count: number, urgentEvery: number) {
  const actor = {
    type: "user",
    providerId,
    id: userId,
    role: "provider_admin",
    clientIds: "all",
    name: "Bench",
  } as const;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await withActor(actor, () =>
        Ticket.create({
          clientId,
          subject: `Cannot sign in (${i})`,
          body: "Since this morning nobody can sign in.",
          requester: { email: `user${i % 400}@customer.example` },
          priority: i % urgentEvery === 0 ? "urgent" : "normal",
          channel: "web",
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

export async function viewsAtScale(big = 5000, small = 50): Promise<ViewRow[]> {
  const admin = await signup(`views-${Date.now()}`);
  const bigClient = await createClient(admin, "big");
  const smallClient = await createClient(admin, "small");
  const agent = await inviteAndAccept(admin, { email: "small@bench.example", role: "agent", clientIds: [smallClient] });
  await seed(admin.providerId!, admin.userId!, bigClient, big, 10);
  await seed(admin.providerId!, admin.userId!, smallClient, small, 10);
  const urgent = Math.ceil(big / 10);
  const rows: ViewRow[] = [];
  const row = async (view: string, persona: Persona, query: string, matches: number, before?: string) => {
    const pages = await walk(persona, query);
    const units = pages.map((p) => p.readUnits);
    rows.push({
      view,
      matches,
      pages: pages.length,
      target: Math.max(1, Math.ceil(matches / PAGE)),
      before,
      readUnitsPerPage: Math.round((units.reduce((a, b) => a + b, 0) / pages.length) * 100) / 100,
      maxReadUnits: Math.max(...units),
      requestsPerPage: Math.round((pages.reduce((a, p) => a + p.requests, 0) / pages.length) * 100) / 100,
    });
  };
  await row(
    "urgent tickets of the big client",
    admin,
    `view=client&clientId=${bigClient}&status=new&priority=urgent`,
    urgent,
    "101 pages (51 empty)",
  );
  await row("small client's agent: Unassigned to the end", agent, "view=unassigned", small, "102 pages (99 empty)");
  await row("view=all&status=new (provider admin)", admin, "view=all&status=new", big + small, "102 pages");
  await row("big client's queue, status new", admin, `view=client&clientId=${bigClient}&status=new`, big);
  return rows;
}

export function printViews(rows: ViewRow[]) {
  const lines = [
    `Views at scale (5,000 tickets in one client, 50 in another; page = ${PAGE})`,
    "view                                          matches  pages  target  RRU/page  max RRU  requests/page  before",
    ...rows.map(
      (r) =>
        `${r.view.padEnd(44)}  ${String(r.matches).padStart(7)}  ${String(r.pages).padStart(5)}  ${String(r.target).padStart(6)}  ${String(r.readUnitsPerPage).padStart(8)}  ${String(r.maxReadUnits).padStart(7)}  ${String(r.requestsPerPage).padStart(13)}  ${r.before ?? ""}`,
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

await runIfMain(import.meta.url, async () => {
  printViews(await viewsAtScale());
});
