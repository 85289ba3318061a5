import { useCallback, useEffect, useState } from "react";
import { api } from "../api";
import { isolate } from "../bidi";
import { when } from "../format";
import { FieldIssue, type FormProblem, ProblemSummary, problemOf } from "../issues";
import { path, withQuery } from "../paths";
import { type ClientInfo, type Role, type UserInfo, useSession } from "../session";
import { Empty, LoadError, Spinner, useTitle } from "../ui";

interface User extends UserInfo {
  lastLoginAt: string | null;
  version: number;
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

const PAGE_SIZE = "25";
/** A page of people in email order: the API's paging (a sealed cursor). */
const pageAfter = (after: string | null) =>
  api<{ items: User[]; cursor: string | null }>(
    "GET",
    withQuery("/v1/users", { limit: PAGE_SIZE, cursor: after ?? undefined }),
  );
const roleLabel: Record<Role, string> = {
  agent: "Agent",
  client_admin: "Client admin",
  provider_admin: "Provider admin",
};
const roles = Object.keys(roleLabel) as Role[];

/** Clients a role takes: none for provider admins, exactly one for a client admin. */
const fitClients = (role: Role, ids: string[]) =>
  role === "provider_admin" ? [] : role === "client_admin" ? ids.slice(-1) : ids;

/**
 * Provider admins: everyone, paged, with roles and clients changeable in place; client admins:
 * their own client's admins. Invitations are mailed; the link is shown once too, with a copy button.
 */
export function AdminUsers() {
  const session = useSession();
  const providerAdmin = session.me.actor.role === "provider_admin";
  useTitle(providerAdmin ? "People" : "Your team");
  const [users, setUsers] = useState<User[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [invite, setInvite] = useState<Invited | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const loadFirst = useCallback(async () => {
    setLoadError(null);
    try {
      const page = await pageAfter(null);
      setUsers(page.items);
      setCursor(page.cursor);
    } catch (reason) {
      setLoadError(reason);
    }
  }, []);
  useEffect(() => {
    void loadFirst();
  }, [loadFirst]);

  async function loadMore() {
    setLoadingMore(true);
    try {
      const page = await pageAfter(cursor);
      setUsers((list) => [...(list ?? []), ...page.items.filter((user) => !list?.some((u) => u.id === user.id))]);
      setCursor(page.cursor);
    } catch (reason) {
      setProblem(problemOf(reason));
    } finally {
      setLoadingMore(false);
    }
  }

  /** A change to one user, kept in place (the pages loaded stay); the problem, if refused. */
  async function change(user: User, body: Record<string, unknown>): Promise<FormProblem | null> {
    setProblem(null);
    try {
      const next = await api<User>("PATCH", path`/v1/users/${user.id}`, body, { "if-match": `"${user.version}"` });
      setUsers((list) => list?.map((u) => (u.id === next.id ? next : u)) ?? null);
      return null;
    } catch (reason) {
      const found = problemOf(reason);
      setProblem(found);
      return found;
    }
  }
  async function sendAgain(user: User) {
    setProblem(null);
    try {
      setInvite(invited(await api<Invitation>("POST", path`/v1/users/${user.id}/invitation`)));
    } catch (reason) {
      setProblem(problemOf(reason));
    }
  }
  function toggleStatus(user: User) {
    const disabling = user.status === "active";
    if (
      disabling &&
      !window.confirm(`Disable ${user.name}? They are signed out at once and cannot sign in until enabled again.`)
    ) {
      return;
    }
    void change(user, { status: disabling ? "disabled" : "active" });
  }

  return (
    <section className="admin">
      <h1>{providerAdmin ? "People" : "Your team"}</h1>
      <InviteForm
        providerAdmin={providerAdmin}
        onInvite={async (body) => {
          try {
            setInvite(invited(await api<Invitation>("POST", "/v1/users", body)));
            await loadFirst();
            return null;
          } catch (reason) {
            return problemOf(reason);
          }
        }}
      />
      {invite && <InviteLink invite={invite} />}
      {!editing && <ProblemSummary problem={problem} />}
      {loadError ? (
        <LoadError reason={loadError} onRetry={() => void loadFirst()} />
      ) : !users ? (
        <Spinner />
      ) : users.length === 0 ? (
        <Empty title="Nobody here yet">Invite the first person above.</Empty>
      ) : (
        <table className="tickets" data-testid="users-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Clients</th>
              <th>Status</th>
              <th>Last login</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) =>
              editing === user.id ? (
                <tr key={user.id}>
                  <td colSpan={6}>
                    <EditAccess
                      user={user}
                      clients={session.clients}
                      onCancel={() => setEditing(null)}
                      onSave={async (body) => {
                        const refused = await change(user, body);
                        if (!refused) setEditing(null);
                        return refused;
                      }}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={user.id} data-testid="user-row" data-email={user.email}>
                  <td className="user-text">
                    <strong>
                      <bdi>{user.name}</bdi>
                    </strong>{" "}
                    <bdi className="muted">{user.email}</bdi>
                  </td>
                  <td data-testid="user-role">{roleLabel[user.role]}</td>
                  <td>
                    {user.role === "provider_admin"
                      ? "all"
                      : user.clientIds.map((id) => isolate(session.clientName(id))).join(", ") || "—"}
                  </td>
                  <td>{user.status}</td>
                  <td>{user.lastLoginAt ? when(user.lastLoginAt) : "—"}</td>
                  <td className="row-actions">
                    {providerAdmin && user.id !== session.me.user?.id && (
                      <button
                        type="button"
                        aria-label={`Change role and clients of ${user.name}`}
                        onClick={() => {
                          setProblem(null);
                          setEditing(user.id);
                        }}
                      >
                        Role…
                      </button>
                    )}
                    {user.status === "invited" && (providerAdmin || user.role === "client_admin") && (
                      <button type="button" data-testid="send-invite-again" onClick={() => void sendAgain(user)}>
                        Send again
                      </button>
                    )}
                    {user.status !== "invited" &&
                      user.id !== session.me.user?.id &&
                      (providerAdmin || user.role === "client_admin") && (
                        <button type="button" onClick={() => toggleStatus(user)}>
                          {user.status === "active" ? "Disable" : "Enable"}
                        </button>
                      )}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
      {cursor && users && (
        <button
          type="button"
          className="load-more"
          data-testid="users-more"
          disabled={loadingMore}
          onClick={() => void loadMore()}
        >
          {loadingMore ? "Loading…" : "Show more people"}
        </button>
      )}
    </section>
  );
}

/** The invitation's link, shown once, with a button that copies it. */
function InviteLink({ invite }: { invite: Invited }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(invite.link);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  }
  return (
    <div className="notice" data-testid="invite-link">
      {invite.sent ? (
        <>
          Invitation mailed to <bdi>{invite.email}</bdi>. The link, if they need it another way (valid 7 days, shown
          once):
        </>
      ) : (
        <>
          Not mailed to <bdi>{invite.email}</bdi>: {invite.detail}. Send this link yourself (valid 7 days, shown once):
        </>
      )}
      <div className="copy-line">
        <code data-testid="invite-url">{invite.link}</code>
        <button type="button" data-testid="copy-invite" onClick={() => void copy()}>
          Copy link
        </button>
        <span role="status" className="small">
          {copied === "yes" ? "Copied" : copied === "no" ? "Could not copy: select the link and copy it" : ""}
        </span>
      </div>
    </div>
  );
}

/** A user's role and clients, changed together (a client admin belongs to exactly one client). */
function EditAccess({
  user,
  clients,
  onSave,
  onCancel,
}: {
  user: User;
  clients: ClientInfo[];
  onSave: (body: { role: Role; clientIds: string[] }) => Promise<FormProblem | null>;
  onCancel: () => void;
}) {
  const [role, setRole] = useState<Role>(user.role);
  const [clientIds, setClientIds] = useState(user.clientIds);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  return (
    <form
      className="edit-access"
      aria-label={`Role and clients of ${user.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        void onSave({ role, clientIds: fitClients(role, clientIds) }).then(setProblem);
      }}
    >
      <div className="inline-form">
        <strong>
          <bdi>{user.name}</bdi>
        </strong>
        <label className="inline">
          Role
          <select name="userRole" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((value) => (
              <option key={value} value={value}>
                {roleLabel[value]}
              </option>
            ))}
          </select>
        </label>
        <FieldIssue problem={problem} at={["role"]} />
      </div>
      {role !== "provider_admin" && (
        <fieldset className="plain">
          <legend>{role === "client_admin" ? "Client (one)" : "Clients served"}</legend>
          <ClientChecks
            clients={clients}
            selected={clientIds}
            onChange={(ids) => setClientIds(fitClients(role, ids))}
          />
        </fieldset>
      )}
      <FieldIssue problem={problem} at={["clientIds"]} />
      {problem && problem.issues.length === 0 && <ProblemSummary problem={problem} />}
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

export function ClientChecks({
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
  onInvite: (body: Record<string, unknown>) => Promise<FormProblem | null>;
}) {
  const session = useSession();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>(providerAdmin ? "agent" : "client_admin");
  const [clientIds, setClientIds] = useState<string[]>(
    providerAdmin ? [] : session.clients.slice(0, 1).map((c) => c.id),
  );
  const [problem, setProblem] = useState<FormProblem | null>(null);
  return (
    <form
      className="invite-form"
      aria-label="Invite"
      onSubmit={(event) => {
        event.preventDefault();
        void onInvite({ email, name, role, clientIds: fitClients(role, clientIds) }).then((refused) => {
          setProblem(refused);
          // What was typed stays when the invitation is refused.
          if (!refused) {
            setEmail("");
            setName("");
          }
        });
      }}
    >
      <div className="inline-form">
        <label>
          Name
          <input name="inviteName" required value={name} onChange={(e) => setName(e.target.value)} />
          <FieldIssue problem={problem} at={["name"]} />
        </label>
        <label>
          Email
          <input name="inviteEmail" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          <FieldIssue problem={problem} at={["email"]} />
        </label>
        {providerAdmin && (
          <label>
            Role
            <select name="inviteRole" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {roles.map((value) => (
                <option key={value} value={value}>
                  {roleLabel[value]}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" className="primary">
          Invite
        </button>
      </div>
      {providerAdmin && role !== "provider_admin" && (
        <ClientChecks
          clients={session.clients}
          selected={clientIds}
          onChange={(ids) => setClientIds(fitClients(role, ids))}
        />
      )}
      <FieldIssue problem={problem} at={["clientIds"]} />
      {problem && problem.issues.length === 0 && <ProblemSummary problem={problem} />}
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
  useTitle("Accept invitation");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<FormProblem | null>(null);
  return (
    <main className="login">
      <form
        className="login-card"
        aria-label="Accept invitation"
        onSubmit={(event) => {
          event.preventDefault();
          api<{ accessToken: string; refreshToken: string }>("POST", "/v1/auth/accept-invite", { token, password })
            .then(onDone)
            .catch((reason) => setProblem(problemOf(reason)));
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
          <FieldIssue problem={problem} at={["password"]} />
        </label>
        {problem && !problem.issues.some((issue) => issue.path[0] === "password") && (
          <ProblemSummary problem={problem} />
        )}
        <button type="submit" className="primary">
          Set password and sign in
        </button>
      </form>
    </main>
  );
}
