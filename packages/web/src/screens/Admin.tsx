import { type FormEvent, useCallback, useEffect, useState } from "react";
import { api } from "../api";
import { isolate } from "../bidi";
import { FieldIssue, type FormProblem, ProblemSummary, problemOf } from "../issues";
import { path, withQuery } from "../paths";
import { type ClientInfo, type TicketField, useSession } from "../session";
import { Empty, LoadError, Options, Spinner } from "../ui";
import { MailSettings, UnknownMail } from "./MailSettings";
import { SlaPolicies } from "./SlaPolicies";
import { Suppressions } from "./Suppressions";
import { TimeZoneInput } from "./TimeZoneInput";

export { AcceptInvite, AdminUsers } from "./People";

interface Client extends ClientInfo {
  slug: string;
  timeZone: string;
  /** Verified addresses only; claims and mail settings are on the mail screen. */
  supportAddresses: string[];
  defaultAddress: string;
  autoCloseDays: number;
  version: number;
}

const fieldTypes = ["text", "number", "boolean", "date", "select"] as const;

async function loadClients(): Promise<Client[]> {
  const [active, archived] = await Promise.all([
    api<{ items: Client[] }>("GET", withQuery("/v1/clients", { limit: "100", status: "active" })),
    api<{ items: Client[] }>("GET", withQuery("/v1/clients", { limit: "100", status: "archived" })),
  ]);
  return [...active.items, ...archived.items];
}

/** Provider admins: the client companies, their support addresses, settings and ticket fields. */
export function AdminClients() {
  const session = useSession();
  const [clients, setClients] = useState<Client[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [mailFor, setMailFor] = useState<string | null>(null);
  const [slaFor, setSlaFor] = useState<string | null>(null);
  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setClients(await loadClients());
    } catch (reason) {
      setLoadError(reason);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  /** Runs a change, then reads the list and the sidebar's clients again; the problem, if refused. */
  async function act(work: () => Promise<unknown>): Promise<FormProblem | null> {
    setProblem(null);
    try {
      await work();
    } catch (reason) {
      return problemOf(reason);
    }
    await Promise.all([load(), session.reloadClients().catch(() => undefined)]);
    return null;
  }
  const rowAction = (work: () => Promise<unknown>) => void act(work).then(setProblem);
  function archive(client: Client) {
    if (client.status === "active") {
      if (!window.confirm(`Archive ${client.name}? It leaves the sidebar and every queue until you restore it.`))
        return;
      rowAction(() => api("POST", path`/v1/clients/${client.id}/archive`));
    } else {
      rowAction(() => api("POST", path`/v1/clients/${client.id}/restore`));
    }
  }

  return (
    <section className="admin">
      <h1>Clients</h1>
      <p className="muted">Client companies you support.</p>
      <NewClient onCreate={(body) => act(() => api("POST", "/v1/clients", body))} />
      <ProblemSummary problem={problem} />
      {loadError ? (
        <LoadError reason={loadError} onRetry={() => void load()} />
      ) : !clients ? (
        <Spinner />
      ) : clients.length === 0 ? (
        <Empty title="No clients yet">Create the first client company above.</Empty>
      ) : (
        <table className="tickets" data-testid="clients-table">
          <thead>
            <tr>
              <th>Client</th>
              <th>Prefix</th>
              <th>Support addresses</th>
              <th>Time zone</th>
              <th>Auto-close</th>
              <th>Status</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {clients.map((client) =>
              slaFor === client.id ? (
                <tr key={client.id}>
                  <td colSpan={7} data-testid={`client-sla-${client.ticketPrefix}`}>
                    <div className="inline-form">
                      <strong>
                        <bdi>{client.name}</bdi>
                      </strong>
                      <span className="spacer" />
                      <button type="button" onClick={() => setSlaFor(null)}>
                        Close
                      </button>
                    </div>
                    <SlaPolicies clientId={client.id} editable />
                  </td>
                </tr>
              ) : mailFor === client.id ? (
                <tr key={client.id}>
                  <td colSpan={7}>
                    <MailSettings clientId={client.id} onClose={() => void act(async () => setMailFor(null))} />
                  </td>
                </tr>
              ) : editing === client.id ? (
                <tr key={client.id}>
                  <td colSpan={7}>
                    <EditClient
                      client={client}
                      onCancel={() => setEditing(null)}
                      onSave={async (body) => {
                        const refused = await act(() =>
                          api("PATCH", path`/v1/clients/${client.id}`, body, { "if-match": `"${client.version}"` }),
                        );
                        if (!refused) setEditing(null);
                        return refused;
                      }}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={client.id} data-testid="client-row" data-prefix={client.ticketPrefix}>
                  <td className="user-text">
                    <strong>
                      <bdi>{client.name}</bdi>
                    </strong>{" "}
                    <bdi className="muted">{client.slug}</bdi>
                  </td>
                  <td className="mono">{client.ticketPrefix}</td>
                  <td className="user-text">{client.supportAddresses.map(isolate).join(", ") || "—"}</td>
                  <td>
                    <bdi>{client.timeZone}</bdi>
                  </td>
                  <td>{client.autoCloseDays} days</td>
                  <td>{client.status}</td>
                  <td className="row-actions">
                    <button type="button" onClick={() => setEditing(client.id)}>
                      Edit
                    </button>
                    <button type="button" onClick={() => setMailFor(client.id)}>
                      Mail
                    </button>
                    <button
                      type="button"
                      data-testid={`open-sla-${client.ticketPrefix}`}
                      onClick={() => setSlaFor(client.id)}
                    >
                      SLA
                    </button>
                    <button type="button" onClick={() => archive(client)}>
                      {client.status === "active" ? "Archive" : "Restore"}
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
      <UnknownMail />
      <Suppressions />
    </section>
  );
}

/** A select field's choices as typed: commas separate them, spaces inside one are kept. */
const optionsOf = (text: string) =>
  text
    .split(/[,\n]/)
    .map((part) => part.trim())
    .filter(Boolean);

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function NewClient({ onCreate }: { onCreate: (body: Record<string, unknown>) => Promise<FormProblem | null> }) {
  const blank = () => ({ name: "", slug: "", timeZone: browserZone() });
  const [form, setForm] = useState(blank);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const set = (key: keyof typeof form) => (value: string) => setForm((current) => ({ ...current, [key]: value }));
  async function submit(event: FormEvent) {
    event.preventDefault();
    const refused = await onCreate({ name: form.name, slug: form.slug, timeZone: form.timeZone });
    setProblem(refused);
    // What was typed stays when the API refuses it.
    if (!refused) setForm(blank());
  }
  return (
    <form className="new-client" onSubmit={submit} aria-label="New client">
      <div className="grid-3">
        <label>
          Company name
          <input name="clientName" required value={form.name} onChange={(e) => set("name")(e.target.value)} />
          <FieldIssue problem={problem} at={["name"]} label="Company name" />
        </label>
        <label>
          Slug
          <input
            name="clientSlug"
            placeholder="acme"
            required
            value={form.slug}
            onChange={(e) => set("slug")(e.target.value)}
          />
          <FieldIssue problem={problem} at={["slug"]} />
        </label>
        <TimeZoneInput name="clientTimeZone" value={form.timeZone} onChange={set("timeZone")}>
          <FieldIssue problem={problem} at={["timeZone"]} />
        </TimeZoneInput>
      </div>
      {problem && problem.issues.length === 0 && <ProblemSummary problem={problem} />}
      <div className="actions">
        <button type="submit" className="primary">
          Add client
        </button>
      </div>
    </form>
  );
}

type FieldRow = TicketField & { row: string; optionsText: string };

function EditClient({
  client,
  onSave,
  onCancel,
}: {
  client: Client;
  onSave: (body: Record<string, unknown>) => Promise<FormProblem | null>;
  onCancel: () => void;
}) {
  const [name, setName] = useState(client.name);
  const [timeZone, setTimeZone] = useState(client.timeZone);
  const [autoCloseDays, setAutoCloseDays] = useState(String(client.autoCloseDays));
  const [problem, setProblem] = useState<FormProblem | null>(null);
  // Each row keeps a stable id while its key is being typed, and its options as typed.
  const [fields, setFields] = useState<FieldRow[]>(() =>
    client.ticketFields.map((field) => ({
      ...field,
      row: crypto.randomUUID(),
      optionsText: (field.options ?? []).join(", "),
    })),
  );
  const update = (index: number, patch: Partial<FieldRow>) =>
    setFields((list) => list.map((field, i) => (i === index ? { ...field, ...patch } : field)));
  const labels = Object.fromEntries(
    fields.flatMap((field, index) => {
      const what = field.label || `field ${index + 1}`;
      return [
        [`ticketFields.${index}.key`, `Key of ${what}`],
        [`ticketFields.${index}.label`, `Label of field ${index + 1}`],
        [`ticketFields.${index}.options`, `Options of ${what}`],
      ];
    }),
  );

  return (
    <form
      className="edit-client"
      aria-label={`Edit ${client.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        void onSave({
          name,
          timeZone,
          autoCloseDays: Number(autoCloseDays),
          ticketFields: fields.map(({ row: _row, optionsText, ...field }) => ({
            ...field,
            options: field.type === "select" ? optionsOf(optionsText) : undefined,
          })),
        }).then(setProblem);
      }}
    >
      <div className="grid-3">
        <label>
          Name
          <input name="editName" value={name} onChange={(e) => setName(e.target.value)} />
          <FieldIssue problem={problem} at={["name"]} />
        </label>
        <TimeZoneInput name="editTimeZone" value={timeZone} onChange={setTimeZone}>
          <FieldIssue problem={problem} at={["timeZone"]} />
        </TimeZoneInput>
        <label>
          Close solved tickets after (days)
          <input
            name="autoCloseDays"
            type="number"
            min={1}
            max={90}
            value={autoCloseDays}
            onChange={(e) => setAutoCloseDays(e.target.value)}
          />
          <FieldIssue problem={problem} at={["autoCloseDays"]} />
        </label>
      </div>
      <h2>Ticket fields</h2>
      {fields.map((field, index) => (
        <div className="field-editor" key={field.row} data-testid="field-editor">
          <input
            aria-label={`Key of field ${index + 1}`}
            placeholder="key"
            value={field.key}
            onChange={(e) => update(index, { key: e.target.value })}
          />
          <input
            aria-label={`Label of field ${index + 1}`}
            placeholder="Label"
            value={field.label}
            onChange={(e) => update(index, { label: e.target.value })}
          />
          <select
            aria-label={`Type of field ${index + 1}`}
            value={field.type}
            onChange={(e) => update(index, { type: e.target.value as TicketField["type"] })}
          >
            <Options values={fieldTypes} />
          </select>
          {field.type === "select" && (
            <input
              aria-label={`Options of field ${index + 1}, separated by commas`}
              data-testid="field-options"
              placeholder="Next day, Same day"
              value={field.optionsText}
              onChange={(e) => update(index, { optionsText: e.target.value })}
            />
          )}
          <label className="inline">
            <input
              type="checkbox"
              checked={field.required ?? false}
              onChange={(e) => update(index, { required: e.target.checked })}
            />
            required to solve
          </label>
          <button
            type="button"
            aria-label={`Remove field ${index + 1}`}
            onClick={() => setFields((list) => list.filter((_, i) => i !== index))}
          >
            Remove
          </button>
          <FieldIssue problem={problem} at={["ticketFields", index]} deep />
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          setFields((list) => [
            ...list,
            { key: "", label: "", type: "text", required: false, row: crypto.randomUUID(), optionsText: "" },
          ])
        }
      >
        Add field
      </button>
      {problem && problem.issues.length === 0 && <ProblemSummary problem={problem} labels={labels} />}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary">
          Save
        </button>
      </div>
    </form>
  );
}
