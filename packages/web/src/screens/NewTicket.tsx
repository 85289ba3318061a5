import { type FormEvent, useState } from "react";
import { api } from "../api";
import { AttachmentPicker, useUploads } from "../attachments";
import { isolate } from "../bidi";
import { priorities, types } from "../format";
import { FieldIssue, type FormProblem, ProblemSummary, problemOf } from "../issues";
import { path, ticketLink } from "../paths";
import { navigate } from "../router";
import { useSession } from "../session";
import { normalizeTagsText, tagsOf } from "../tags";
import { Options } from "../ui";

/** Create a ticket: web form, or a phone call logged by an agent. */
export function NewTicket({ defaultClientId }: { defaultClientId?: string }) {
  const session = useSession();
  const [clientId, setClientId] = useState(defaultClientId ?? session.clients[0]?.id ?? "");
  const [form, setForm] = useState({
    subject: "",
    requesterName: session.staff ? "" : (session.me.user?.name ?? ""),
    requesterEmail: session.staff ? "" : (session.me.user?.email ?? ""),
    body: "",
    priority: "normal",
    type: "question",
    channel: "web",
    tags: "",
  });
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [busy, setBusy] = useState(false);
  // Files for a ticket not yet created go up as drafts of the client; choosing another client drops them.
  const uploads = useUploads(path`/v1/clients/${clientId}/attachments`);
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [key]: event.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const ticket = await api<{ id: string; clientId: string }>("POST", "/v1/tickets", {
        clientId,
        subject: form.subject,
        body: form.body,
        requester: { name: form.requesterName || undefined, email: form.requesterEmail },
        priority: form.priority,
        type: form.type,
        channel: form.channel,
        tags: tagsOf(form.tags),
        attachments: uploads.attachments,
      });
      session.reloadCounts();
      navigate(ticketLink(ticket.clientId, ticket.id));
    } catch (reason) {
      // Every field keeps what was typed; the API's words go beside the fields they name.
      setProblem(problemOf(reason));
      setBusy(false);
    }
  }

  return (
    <form className="new-ticket" onSubmit={submit} aria-label="New ticket">
      <h1>New ticket</h1>
      <div className="grid-2">
        <label>
          Client
          <select value={clientId} onChange={(e) => setClientId(e.target.value)} name="clientId">
            {session.clients.map((client) => (
              <option key={client.id} value={client.id}>
                {isolate(client.name)}
              </option>
            ))}
          </select>
        </label>
        {session.staff && (
          <label>
            Channel
            <select value={form.channel} onChange={set("channel")} name="channel">
              <option value="web">Web</option>
              <option value="phone">Phone call</option>
              <option value="chat">Chat</option>
            </select>
          </label>
        )}
        <label>
          Requester name
          <input name="requesterName" value={form.requesterName} onChange={set("requesterName")} />
          <FieldIssue problem={problem} at={["requester", "name"]} label="Requester name" />
        </label>
        <label>
          Requester email
          <input
            name="requesterEmail"
            type="email"
            required
            value={form.requesterEmail}
            onChange={set("requesterEmail")}
          />
          <FieldIssue problem={problem} at={["requester", "email"]} label="Requester email" />
        </label>
      </div>
      <label>
        Subject
        <input name="subject" required value={form.subject} onChange={set("subject")} />
        <FieldIssue problem={problem} at={["subject"]} />
      </label>
      <label>
        Description
        <textarea name="body" required rows={8} value={form.body} onChange={set("body")} />
        <FieldIssue problem={problem} at={["body"]} label="Description" />
      </label>
      <div className="grid-3">
        <label>
          Priority
          <select name="priority" value={form.priority} onChange={set("priority")}>
            <Options values={priorities} />
          </select>
        </label>
        <label>
          Type
          <select name="type" value={form.type} onChange={set("type")}>
            <Options values={types} />
          </select>
        </label>
        <label>
          Tags
          <input
            name="tags"
            placeholder="billing, vip-customer"
            aria-describedby="new-ticket-tags-hint"
            value={form.tags}
            onChange={(e) => set("tags")({ target: { value: normalizeTagsText(e.target.value) } })}
          />
          <span id="new-ticket-tags-hint" className="small muted">
            Commas separate tags; spaces become dashes
          </span>
          <FieldIssue problem={problem} at={["tags"]} deep />
        </label>
      </div>
      <AttachmentPicker uploads={uploads} disabled={busy} />
      <ProblemSummary problem={problem} labels={{ body: "Description", "requester.email": "Requester email" }} />
      <div className="actions">
        <button
          type="submit"
          className="primary"
          disabled={busy || uploads.busy || uploads.failed || uploads.tooMany}
          data-testid="create-ticket"
        >
          {busy ? "Creating…" : "Create ticket"}
        </button>
      </div>
    </form>
  );
}
