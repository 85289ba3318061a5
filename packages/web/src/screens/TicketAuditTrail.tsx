import { isolate } from "../bidi";
import { statusLabel } from "../format";
import { ZonedTime } from "../zoned-time";
import { SlaEventText } from "./SlaClocks";
import type { TicketEvent } from "./ticket-page";

const person = (value: unknown) => {
  const p = (value ?? {}) as { name?: string | null; email?: string };
  return p.name ? `${p.name} <${p.email ?? ""}>` : (p.email ?? "—");
};

/** Fields the trail names in words; any other is shown as the API names it. */
const fieldNames: Record<string, string> = {
  ccs: "the CCs",
  requester: "the requester",
  subject: "the subject",
  category: "the category",
  priority: "priority",
  type: "type",
  tags: "tags",
  assignee: "assignee",
  fields: "fields",
};

function describe(event: TicketEvent, name: (id: string | null) => string): string {
  const show = (value: unknown) =>
    event.field === "assignee"
      ? name((value as string | null) ?? null)
      : event.field === "requester"
        ? person(value)
        : value === null || (Array.isArray(value) && value.length === 0)
          ? "—"
          : Array.isArray(value)
            ? value.map((item) => isolate(String(item))).join(", ")
            : typeof value === "object"
              ? JSON.stringify(value)
              : String(value);
  const shown = (value: unknown) => isolate(show(value));
  switch (event.field) {
    case "created":
      return "created the ticket";
    case "reply":
      return "replied";
    case "note":
      return "added an internal note";
    case "merged":
      return event.to
        ? `merged this ticket into ${(event.to as { key: string }).key}`
        : `merged ${(event.from as { key: string }).key} into this ticket`;
    case "status":
      return `changed status ${statusLabel[String(event.from)] ?? event.from} → ${statusLabel[String(event.to)] ?? event.to}`;
    default:
      return `changed ${fieldNames[event.field] ?? isolate(event.field)} ${shown(event.from)} → ${shown(event.to)}`;
  }
}

/** What happened to the ticket, newest first; each person named as the thread names them. */
export function AuditTrail({
  events,
  name,
  clientZone,
}: {
  events: TicketEvent[];
  name: (id: string | null) => string;
  clientZone: string | undefined;
}) {
  return (
    <section className="audit" aria-label="Audit trail">
      <h2>Audit trail</h2>
      <ol data-testid="audit-trail">
        {[...events].reverse().map((event) => (
          <li key={event.id}>
            <span>
              <strong data-testid="trail-actor">
                <bdi>{event.actor.type === "system" ? "Outdesk" : name(event.actor.id)}</bdi>
              </strong>{" "}
              {event.field === "sla" ? (
                <SlaEventText events={event.to} reason={event.reason} />
              ) : (
                describe(event, (id) => isolate(name(id)))
              )}
            </span>
            {event.reason && event.field !== "sla" && (
              <em>
                {" "}
                — <bdi>{event.reason}</bdi>
              </em>
            )}
            <ZonedTime className="muted small" at={event.at.slice(0, 24)} clientZone={clientZone} />
          </li>
        ))}
      </ol>
    </section>
  );
}
