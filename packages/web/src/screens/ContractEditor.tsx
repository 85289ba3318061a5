import { type FormEvent, useCallback, useEffect, useState } from "react";
import { ApiError } from "../api";
import {
  addContractVersion,
  billingLink,
  type Contract,
  type ContractTerms,
  getContract,
  getUsage,
  noBandsUsage,
  type UsageInput,
} from "../billing";
import { type CalendarSummary, listCalendars } from "../calendars";
import { when } from "../format";
import { FieldIssue, type FormProblem, ProblemSummary, problemOf } from "../issues";
import { Link } from "../router";
import { useSession } from "../session";
import { addMonths, monthIn, monthLabel } from "../sla-report";
import { ErrorNote, NotFound, Spinner } from "../ui";
import { ComponentsEditor, kindLabel, newComponent } from "./ContractComponents";
import { type FieldContext, TextField } from "./ContractFields";
import { ContractPreview } from "./ContractPreview";
import { CreditTermsEditor, TimeTermsEditor } from "./ContractTerms";

const defaultTerms = (): ContractTerms => ({
  name: "Managed desk",
  currency: "USD",
  components: [newComponent("fixed_fee")],
  rounding: { incrementMinutes: 1, minimumMinutes: 0 },
  multipliers: null,
  slaCredits: null,
});

interface Draft {
  effectiveFrom: string;
  effectiveTo: string;
  note: string;
  terms: ContractTerms;
}

/** The month a new version would start: next month, or after the latest version's start. */
function nextStart(contract: Contract, now: string): string {
  const latest = contract.versions[contract.versions.length - 1];
  if (!latest) return now;
  const next = addMonths(now, 1);
  return latest.effectiveFrom >= next ? addMonths(latest.effectiveFrom, 1) : next;
}

const draftFrom = (contract: Contract, now: string): Draft => {
  const latest = contract.versions[contract.versions.length - 1];
  return {
    effectiveFrom: nextStart(contract, now),
    effectiveTo: "",
    note: "",
    terms: latest ? structuredClone(latest.terms) : defaultTerms(),
  };
};

/**
 * /clients/:clientId/contract (provider admins): the contract's versions, a form for the next
 * one editing every pricing component, and beside it the live price of what is being typed.
 */
export function ContractEditorPage({ clientId }: { clientId: string }) {
  const session = useSession();
  const client = session.clients.find((c) => c.id === clientId);
  const now = monthIn(client?.timeZone ?? "UTC");
  const [contract, setContract] = useState<Contract | null>(null);
  const [calendars, setCalendars] = useState<CalendarSummary[]>([]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [usage, setUsage] = useState<UsageInput>(noBandsUsage);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [saveProblem, setSaveProblem] = useState<FormProblem | null>(null);
  const [previewProblem, setPreviewProblem] = useState<FormProblem | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const read = await getContract(clientId);
      setContract(read);
      setDraft((old) => old ?? draftFrom(read, now));
      setError(null);
    } catch (reason) {
      if (reason instanceof ApiError && (reason.status === 404 || reason.status === 403)) setMissing(true);
      else setError(reason instanceof ApiError ? reason.detail : "Could not load the contract");
    }
  }, [clientId, now]);
  useEffect(() => {
    void load();
    listCalendars()
      .then((page) => setCalendars(page.items))
      .catch(() => setCalendars([]));
    // The preview starts from the month so far; hours all count as business hours until edited.
    getUsage(clientId, now)
      .then((u) =>
        setUsage({
          ticketsCreated: u.totals.ticketsCreated,
          ticketsSolved: u.totals.ticketsSolved,
          contacts: u.totals.contacts,
          handledMinutes: { business: u.totals.handledMinutes, afterHours: 0, weekend: 0, holiday: 0 },
          billableMinutes: { business: u.totals.billableMinutes, afterHours: 0, weekend: 0, holiday: 0 },
        }),
      )
      .catch(() => undefined);
  }, [load, clientId, now]);

  if (missing) return <NotFound />;
  if (error) return <ErrorNote onRetry={() => void load()}>{error}</ErrorNote>;
  if (!contract || !draft) return <Spinner label="Loading the contract…" />;

  const problem = saveProblem ?? previewProblem;
  const ctx: FieldContext = {
    problem,
    currency: /^[A-Z]{3}$/.test(draft.terms.currency) ? draft.terms.currency : "USD",
  };
  const setTerms = (terms: ContractTerms) => {
    setDraft({ ...draft, terms });
    setSaveProblem(null);
    setSaved(null);
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!contract || !draft) return;
    setBusy(true);
    setSaved(null);
    try {
      const next = await addContractVersion(clientId, {
        effectiveFrom: draft.effectiveFrom,
        effectiveTo: draft.effectiveTo || null,
        terms: draft.terms,
        ...(draft.note.trim() ? { note: draft.note.trim() } : {}),
        version: contract.version,
      });
      setContract(next);
      setSaveProblem(null);
      setSaved(next.versions[next.versions.length - 1]?.number ?? null);
      setDraft({ ...draft, effectiveFrom: nextStart(next, now), effectiveTo: "", note: "" });
    } catch (reason) {
      setSaveProblem(problemOf(reason));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="admin contract-editor" aria-label="Contract" data-testid="contract-editor">
      <Link to={billingLink(clientId)} className="small">
        ← Billing
      </Link>
      <h1 data-testid="contract-title">
        <bdi>{client?.name ?? clientId}</bdi> · Contract
      </h1>
      <VersionList
        contract={contract}
        onCopy={(terms) => {
          setDraft({ ...draft, terms: structuredClone(terms) });
          setSaveProblem(null);
        }}
      />
      <div className="contract-layout">
        <form className="contract-form" aria-label="New contract version" onSubmit={submit} noValidate>
          <h2>New version</h2>
          <ProblemSummary problem={saveProblem} />
          {saveProblem?.conflict && (
            <ErrorNote
              onRetry={() => {
                setSaveProblem(null);
                void load();
              }}
            >
              Someone changed this contract since you opened it: reload it (your form stays) and save again.
            </ErrorNote>
          )}
          <fieldset className="contract-section">
            <legend>When</legend>
            <div className="contract-fields">
              <label className="contract-field">
                <span>From (first month it prices)</span>
                <input
                  type="month"
                  data-testid="contract-from"
                  value={draft.effectiveFrom}
                  onChange={(event) => setDraft({ ...draft, effectiveFrom: event.target.value })}
                />
                <FieldIssue problem={saveProblem} at={["effectiveFrom"]} />
              </label>
              <label className="contract-field">
                <span>To (optional: until a later version)</span>
                <input
                  type="month"
                  data-testid="contract-to"
                  value={draft.effectiveTo}
                  onChange={(event) => setDraft({ ...draft, effectiveTo: event.target.value })}
                />
                <FieldIssue problem={saveProblem} at={["effectiveTo"]} />
              </label>
              <TextField
                label="Note (why)"
                value={draft.note}
                maxLength={500}
                at={["note"]}
                ctx={ctx}
                testId="contract-note"
                onChange={(note) => setDraft({ ...draft, note })}
              />
            </div>
          </fieldset>
          <fieldset className="contract-section">
            <legend>Terms</legend>
            <div className="contract-fields">
              <TextField
                label="Contract name"
                value={draft.terms.name}
                at={["terms", "name"]}
                ctx={ctx}
                testId="contract-name"
                onChange={(name) => setTerms({ ...draft.terms, name })}
              />
              <TextField
                label="Currency (ISO 4217)"
                value={draft.terms.currency}
                maxLength={3}
                at={["terms", "currency"]}
                ctx={ctx}
                testId="contract-currency"
                onChange={(currency) => setTerms({ ...draft.terms, currency: currency.toUpperCase() })}
              />
            </div>
          </fieldset>
          <ComponentsEditor
            components={draft.terms.components}
            ctx={ctx}
            onChange={(components) => setTerms({ ...draft.terms, components })}
          />
          <TimeTermsEditor terms={draft.terms} calendars={calendars} ctx={ctx} onChange={setTerms} />
          <CreditTermsEditor terms={draft.terms} ctx={ctx} onChange={setTerms} />
          <div className="actions gap">
            {saved !== null && (
              <span role="status" className="muted" data-testid="contract-saved">
                Saved as version {saved}.
              </span>
            )}
            <button type="submit" className="primary" disabled={busy} data-testid="contract-save">
              Save version
            </button>
          </div>
        </form>
        <ContractPreview
          clientId={clientId}
          terms={draft.terms}
          usage={usage}
          usageMonth={now}
          onUsage={setUsage}
          onProblem={setPreviewProblem}
          ctx={{ ...ctx, problem: previewProblem }}
        />
      </div>
    </section>
  );
}

function VersionList({ contract, onCopy }: { contract: Contract; onCopy: (terms: ContractTerms) => void }) {
  const session = useSession();
  if (contract.versions.length === 0)
    return (
      <p className="muted" data-testid="contract-versions">
        No contract yet: the first version you save prices its months.
      </p>
    );
  return (
    <table className="tickets compact" data-testid="contract-versions">
      <thead>
        <tr>
          <th>Version</th>
          <th>Months</th>
          <th>Terms</th>
          <th>Note</th>
          <th>Added</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {[...contract.versions].reverse().map((v) => (
          <tr key={v.number} data-testid="contract-version" data-number={v.number}>
            <td>{v.number}</td>
            <td>
              {monthLabel(v.effectiveFrom)} – {v.effectiveTo ? monthLabel(v.effectiveTo) : "until a later version"}
            </td>
            <td>
              <bdi>{v.terms.name}</bdi> ({v.terms.currency}):{" "}
              <span className="muted">{v.terms.components.map((c) => kindLabel[c.kind] ?? c.kind).join(", ")}</span>
            </td>
            <td>{v.note && <bdi>{v.note}</bdi>}</td>
            <td className="muted small">
              {when(v.createdAt)} · <bdi>{session.userName(v.createdBy)}</bdi>
            </td>
            <td>
              <button type="button" className="link-button" onClick={() => onCopy(v.terms)}>
                Copy into the form
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
