import { type FormEvent, useCallback, useEffect, useState } from "react";
import { ApiError, api } from "../api";
import { isolate } from "../bidi";
import { when } from "../format";
import { path, withQuery } from "../paths";
import { type ClientInfo, type TicketField, type UserInfo, useSession } from "../session";
import { Empty, ErrorNote, Options, Spinner } from "../ui";
import { MailSettings, UnknownMail } from "./MailSettings";
import { SlaPolicies } from "./SlaPolicies";
import { Suppressions } from "./Suppressions";

interface Client extends ClientInfo {
  slug: string;
  timeZone: string;
  /** Verified addresses only; claims and mail settings are on the mail screen. */
  supportAddresses: string[];
  defaultAddress: string;
  autoCloseDays: number;
  version: number;
}

interface User extends UserInfo {
  lastLoginAt: string | null;
  version: number;
}

const fieldTypes = ["text", "number", "boolean", "date", "select"] as const;
const message = (reason: unknown) => (reason instanceof ApiError ? reason.detail : "Something went wrong");

/** Loads data and runs actions that reload it; failures land in `error`, shown in place. */
function useReloading<T>(fetch: () => Promise<T>) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => setData(await fetch()), [fetch]);
  useEffect(() => {
    load().catch((reason) => setError(message(reason)));
  }, [load]);
  async function act(work: () => Promise<unknown>) {
    setError(null);
    try {
      await work();
      await load();
    } catch (reason) {
      setError(message(reason));
    }
  }
  return { data, error, act };
}

async function loadClients(): Promise<Client[]> {
  const [active, archived] = await Promise.all([
    api<{ items: Client[] }>("GET", withQuery("/v1/clients", { limit: "100", status: "active" })),
    api<{ items: Client[] }>("GET", withQuery("/v1/clients", { limit: "100", status: "archived" })),
  ]);
  return [...active.items, ...archived.items];
}

async function loadUsers(): Promise<User[]> {
  return (await api<{ items: User[] }>("GET", withQuery("/v1/users", { limit: "100" }))).items;
}

/** Provider admins: the client companies, their support addresses, settings and ticket fields. */
export function AdminClients() {
  const { data: clients, error, act } = useReloading(loadClients);
  const [editing, setEditing] = useState<string | null>(null);
  const [mailFor, setMailFor] = useState<string | null>(null);
  const [slaFor, setSlaFor] = useState<string | null>(null);

  return (
    <section className="admin">
      <h1>Clients</h1>
      <p className="muted">Client companies you support. Reload the page after changes to see them in the sidebar.</p>
      {error && <ErrorNote>{error}</ErrorNote>}
      <NewClient onCreate={(body) => act(() => api("POST", "/v1/clients", body))} />
      {!clients ? (
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
              <th />
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
                    <MailSettings clientId={client.id} onClose={() => act(async () => setMailFor(null))} />
                  </td>
                </tr>
              ) : editing === client.id ? (
                <tr key={client.id}>
                  <td colSpan={7}>
                    <EditClient
                      client={client}
                      onCancel={() => setEditing(null)}
                      onSave={(body) =>
                        act(async () => {
                          await api("PATCH", path`/v1/clients/${client.id}`, body, {
                            "if-match": `"${client.version}"`,
                          });
                          setEditing(null);
                        })
                      }
                    />
                  </td>
                </tr>
              ) : (
                <tr key={client.id}>
                  <td>
                    <strong>
                      <bdi>{client.name}</bdi>
                    </strong>{" "}
                    <bdi className="muted">{client.slug}</bdi>
                  </td>
                  <td className="mono">{client.ticketPrefix}</td>
                  <td>{client.supportAddresses.map(isolate).join(", ") || "—"}</td>
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
                    <button
                      type="button"
                      onClick={() =>
                        act(() =>
                          api(
                            "POST",
                            client.status === "active"
                              ? path`/v1/clients/${client.id}/archive`
                              : path`/v1/clients/${client.id}/restore`,
                          ),
                        )
                      }
                    >
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

const splitList = (value: string) =>
  value
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter(Boolean);

function NewClient({ onCreate }: { onCreate: (body: Record<string, unknown>) => Promise<void> }) {
  const [form, setForm] = useState({ name: "", slug: "", timeZone: "UTC" });
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [key]: event.target.value }));
  async function submit(event: FormEvent) {
    event.preventDefault();
    await onCreate({
      name: form.name,
      slug: form.slug,
      timeZone: form.timeZone,
    });
    setForm({ name: "", slug: "", timeZone: "UTC" });
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label="New client">
      <input name="clientName" placeholder="Company name" required value={form.name} onChange={set("name")} />
      <input name="clientSlug" placeholder="slug (e.g. acme)" required value={form.slug} onChange={set("slug")} />
      <input name="clientTimeZone" placeholder="Time zone" required value={form.timeZone} onChange={set("timeZone")} />
      <button type="submit" className="primary">
        Add client
      </button>
    </form>
  );
}

function EditClient({
  client,
  onSave,
  onCancel,
}: {
  client: Client;
  onSave: (body: Record<string, unknown>) => Promise<void>;
  onCancel: () => void;
}) {
  const [name, setName] = useState(client.name);
  const [timeZone, setTimeZone] = useState(client.timeZone);
  const [autoCloseDays, setAutoCloseDays] = useState(String(client.autoCloseDays));
  // Each row keeps a stable id while its key is being typed.
  const [fields, setFields] = useState<(TicketField & { row: string })[]>(() =>
    client.ticketFields.map((field) => ({ ...field, row: crypto.randomUUID() })),
  );
  const update = (index: number, patch: Partial<TicketField>) =>
    setFields((list) => list.map((field, i) => (i === index ? { ...field, ...patch } : field)));

  return (
    <form
      className="edit-client"
      onSubmit={(event) => {
        event.preventDefault();
        void onSave({
          name,
          timeZone,
          autoCloseDays: Number(autoCloseDays),
          ticketFields: fields.map(({ row: _row, ...field }) => ({
            ...field,
            options: field.type === "select" ? (field.options ?? []) : undefined,
          })),
        });
      }}
    >
      <div className="grid-3">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Time zone
          <input value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />
        </label>
        <label>
          Close solved tickets after (days)
          <input
            type="number"
            min={1}
            max={90}
            value={autoCloseDays}
            onChange={(e) => setAutoCloseDays(e.target.value)}
          />
        </label>
      </div>
      <h2>Ticket fields</h2>
      {fields.map((field, index) => (
        <div className="field-editor" key={field.row}>
          <input placeholder="key" value={field.key} onChange={(e) => update(index, { key: e.target.value })} />
          <input placeholder="Label" value={field.label} onChange={(e) => update(index, { label: e.target.value })} />
          <select value={field.type} onChange={(e) => update(index, { type: e.target.value as TicketField["type"] })}>
            <Options values={fieldTypes} />
          </select>
          {field.type === "select" && (
            <input
              placeholder="options, comma separated"
              value={(field.options ?? []).join(", ")}
              onChange={(e) => update(index, { options: splitList(e.target.value) })}
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
          <button type="button" onClick={() => setFields((list) => list.filter((_, i) => i !== index))}>
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          setFields((list) => [
            ...list,
            { key: "", label: "", type: "text", required: false, row: crypto.randomUUID() },
          ])
        }
      >
        Add field
      </button>
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

interface Invitation {
  inviteToken: string;
  user: User;
  mail: { status: "sent" | "suppressed" | "failed"; detail?: string };
}
interface Invited {
  email: string;
  link: string;
  sent: boolean;
  detail?: string;
}
const invited = (result: Invitation): Invited => ({
  email: result.user.email,
  link: `${window.location.origin}${withQuery("/accept-invite", { token: result.inviteToken })}`,
  sent: result.mail.status === "sent",
  detail: result.mail.detail,
});

/** Provider admins: everyone; client admins: their own client's admins. Invitations are mailed; the link is shown once too. */
export function AdminUsers() {
  const session = useSession();
  const { data: users, error, act } = useReloading(loadUsers);
  const [invite, setInvite] = useState<Invited | null>(null);
  const providerAdmin = session.me.actor.role === "provider_admin";

  const setClients = (user: User, clientIds: string[]) =>
    act(() => api("PATCH", path`/v1/users/${user.id}`, { clientIds }, { "if-match": `"${user.version}"` }));

  return (
    <section className="admin">
      <h1>{providerAdmin ? "People" : "Your team"}</h1>
      {error && <ErrorNote>{error}</ErrorNote>}
      <InviteForm
        providerAdmin={providerAdmin}
        onInvite={(body) =>
          act(async () => {
            setInvite(invited(await api<Invitation>("POST", "/v1/users", body)));
          })
        }
      />
      {invite && (
        <div className="notice" data-testid="invite-link">
          {invite.sent ? (
            <>
              Invitation mailed to <bdi>{invite.email}</bdi>. The link, if they need it another way (valid 7 days, shown
              once): <code>{invite.link}</code>
            </>
          ) : (
            <>
              Not mailed to <bdi>{invite.email}</bdi>: {invite.detail}. Send this link yourself (valid 7 days, shown
              once): <code>{invite.link}</code>
            </>
          )}
        </div>
      )}
      {!users ? (
        <Spinner />
      ) : (
        <table className="tickets" data-testid="users-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Clients</th>
              <th>Status</th>
              <th>Last login</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <td>
                  <strong>
                    <bdi>{user.name}</bdi>
                  </strong>{" "}
                  <bdi className="muted">{user.email}</bdi>
                </td>
                <td>{user.role.replace("_", " ")}</td>
                <td>
                  {user.role === "provider_admin" ? (
                    "all"
                  ) : user.role === "agent" && providerAdmin ? (
                    <ClientChecks
                      clients={session.clients}
                      selected={user.clientIds}
                      onChange={(clientIds) => void setClients(user, clientIds)}
                    />
                  ) : (
                    user.clientIds.map((id) => isolate(session.clientName(id))).join(", ")
                  )}
                </td>
                <td>{user.status}</td>
                <td>{user.lastLoginAt ? when(user.lastLoginAt) : "—"}</td>
                <td className="row-actions">
                  {user.status === "invited" && (providerAdmin || user.role === "client_admin") && (
                    <button
                      type="button"
                      data-testid="send-invite-again"
                      onClick={() =>
                        act(async () =>
                          setInvite(invited(await api<Invitation>("POST", path`/v1/users/${user.id}/invitation`))),
                        )
                      }
                    >
                      Send again
                    </button>
                  )}
                  {user.status !== "invited" &&
                    user.id !== session.me.user?.id &&
                    (providerAdmin || user.role === "client_admin") && (
                      <button
                        type="button"
                        onClick={() =>
                          act(() =>
                            api(
                              "PATCH",
                              path`/v1/users/${user.id}`,
                              { status: user.status === "active" ? "disabled" : "active" },
                              { "if-match": `"${user.version}"` },
                            ),
                          )
                        }
                      >
                        {user.status === "active" ? "Disable" : "Enable"}
                      </button>
                    )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ClientChecks({
  clients,
  selected,
  onChange,
}: {
  clients: ClientInfo[];
  selected: string[];
  onChange: (clientIds: string[]) => void;
}) {
  return (
    <div className="checks">
      {clients.map((client) => (
        <label key={client.id} className="inline">
          <input
            type="checkbox"
            checked={selected.includes(client.id)}
            onChange={(e) =>
              onChange(e.target.checked ? [...selected, client.id] : selected.filter((id) => id !== client.id))
            }
          />
          <bdi>{client.name}</bdi>
        </label>
      ))}
    </div>
  );
}

function InviteForm({
  providerAdmin,
  onInvite,
}: {
  providerAdmin: boolean;
  onInvite: (body: Record<string, unknown>) => Promise<void>;
}) {
  const session = useSession();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState(providerAdmin ? "agent" : "client_admin");
  const [clientIds, setClientIds] = useState<string[]>(
    providerAdmin ? [] : session.clients.slice(0, 1).map((c) => c.id),
  );
  return (
    <form
      className="invite-form"
      aria-label="Invite"
      onSubmit={(event) => {
        event.preventDefault();
        void onInvite({ email, name, role, clientIds: role === "provider_admin" ? [] : clientIds }).then(() => {
          setEmail("");
          setName("");
        });
      }}
    >
      <div className="inline-form">
        <input name="inviteName" placeholder="Name" required value={name} onChange={(e) => setName(e.target.value)} />
        <input
          name="inviteEmail"
          type="email"
          placeholder="Email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        {providerAdmin && (
          <select name="inviteRole" aria-label="Role" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="agent">Agent</option>
            <option value="client_admin">Client admin</option>
            <option value="provider_admin">Provider admin</option>
          </select>
        )}
        <button type="submit" className="primary">
          Invite
        </button>
      </div>
      {providerAdmin && role !== "provider_admin" && (
        <ClientChecks
          clients={session.clients}
          selected={clientIds}
          onChange={(ids) => setClientIds(role === "client_admin" ? ids.slice(-1) : ids)}
        />
      )}
    </form>
  );
}

/** Public: the invitee sets a password and is signed in. */
export function AcceptInvite({
  token,
  onDone,
}: {
  token: string;
  onDone: (tokens: { accessToken: string; refreshToken: string }) => void;
}) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <main className="login">
      <form
        className="login-card"
        aria-label="Accept invitation"
        onSubmit={(event) => {
          event.preventDefault();
          api<{ accessToken: string; refreshToken: string }>("POST", "/v1/auth/accept-invite", { token, password })
            .then(onDone)
            .catch((reason) => setError(message(reason)));
        }}
      >
        <h1>Welcome to Outdesk</h1>
        <p className="muted">Choose a password (at least 10 characters) to finish setting up your account.</p>
        <label>
          Password
          <input
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <div className="error-note" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="primary">
          Set password and sign in
        </button>
      </form>
    </main>
  );
}
