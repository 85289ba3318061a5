import { type FormEvent, useState } from "react";
import { FieldIssue, type FormProblem, problemOf } from "../issues";
import type { Change, Ticket } from "./ticket-page";

const list = (text: string) =>
  text
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);

/**
 * Who the ticket is for, who is copied, and its category: edited together and saved as one
 * PATCH, so a refused address is shown at its field and nothing else changes.
 */
export function PeopleEditor({ ticket, change }: { ticket: Ticket; change: Change }) {
  const initial = () => ({
    name: ticket.requester.name ?? "",
    email: ticket.requester.email,
    ccs: ticket.ccs.join(", "),
    category: ticket.category ?? "",
  });
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(initial);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    const patch: Record<string, unknown> = {};
    const optimistic: Partial<Ticket> = {};
    const requester = { email: form.email.trim(), ...(form.name.trim() ? { name: form.name.trim() } : {}) };
    if (requester.email !== ticket.requester.email || (requester.name ?? null) !== ticket.requester.name) {
      patch.requester = requester;
      optimistic.requester = { name: requester.name ?? null, email: requester.email };
    }
    const ccs = list(form.ccs);
    if (ccs.join(",") !== ticket.ccs.join(",")) {
      patch.ccs = ccs;
      optimistic.ccs = ccs;
    }
    const category = form.category.trim();
    if (category !== (ticket.category ?? "")) {
      patch.category = category || null;
      optimistic.category = category || null;
    }
    if (Object.keys(patch).length === 0) {
      setOpen(false);
      return;
    }
    setBusy(true);
    const refused = await change(patch, optimistic, { inPlace: true, label: "the requester, CCs and category" });
    setBusy(false);
    if (refused) setProblem(problemOf(refused));
    else {
      setProblem(null);
      setOpen(false);
    }
  }

  if (!open) {
    return (
      <section className="people" aria-label="People">
        <h2>People</h2>
        <dl className="props">
          <dt>Requester</dt>
          <dd data-testid="requester">
            {ticket.requester.name && <bdi>{ticket.requester.name} </bdi>}&lt;<bdi>{ticket.requester.email}</bdi>&gt;
          </dd>
          <dt>CC</dt>
          <dd data-testid="ccs">{ticket.ccs.length ? <bdi>{ticket.ccs.join(", ")}</bdi> : "—"}</dd>
          <dt>Category</dt>
          <dd data-testid="category">{ticket.category ? <bdi>{ticket.category}</bdi> : "—"}</dd>
        </dl>
        <button
          type="button"
          className="link-button"
          data-testid="edit-people"
          onClick={() => {
            setForm(initial());
            setProblem(null);
            setOpen(true);
          }}
        >
          Edit requester, CCs, category
        </button>
      </section>
    );
  }

  const field = (key: keyof ReturnType<typeof initial>) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });
  return (
    <form className="people props-form" aria-label="People" onSubmit={save}>
      <h2>People</h2>
      <label>
        Requester name
        <input data-testid="requester-name" maxLength={120} {...field("name")} />
        <FieldIssue problem={problem} at={["requester", "name"]} />
      </label>
      <label>
        Requester email
        <input data-testid="requester-email" type="email" required maxLength={254} {...field("email")} />
        <FieldIssue problem={problem} at={["requester", "email"]} />
      </label>
      <label>
        CC (comma-separated)
        <input data-testid="ccs-input" {...field("ccs")} />
        <FieldIssue problem={problem} at={["ccs"]} deep />
      </label>
      <label>
        Category
        <input data-testid="category-input" maxLength={80} {...field("category")} />
        <FieldIssue problem={problem} at={["category"]} />
      </label>
      <div className="actions">
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy} data-testid="save-people">
          Save
        </button>
      </div>
    </form>
  );
}
