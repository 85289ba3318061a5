import { type FormEvent, useCallback, useEffect, useState } from "react";
import {
  ApiError,
  addAddress,
  api,
  listAddresses,
  listUnknownMail,
  removeAddress,
  resendAddressCode,
  type MailSettings as Settings,
  type SupportAddress,
  type UnknownRecipientMail,
  updateMailSettings,
  verifyAddress,
  verifyAddressDomain,
} from "../api";
import { isolate } from "../bidi";
import { when } from "../format";
import { path } from "../paths";
import { Empty, ErrorNote, Spinner } from "../ui";

/**
 * Provider admins: one client's mail. Its default address (where its own addresses forward),
 * its own addresses with their verification, and what its mail goes out with. Everything a
 * user or a sender wrote is rendered as text, isolated (`<bdi>`, `isolate` in options).
 */

interface ClientMail {
  id: string;
  name: string;
  version: number;
  defaultAddress: string;
  supportAddresses: string[];
  mailSettings: Settings;
}

const message = (reason: unknown) => (reason instanceof ApiError ? reason.detail : "Something went wrong");

const PLACEHOLDERS = [
  ["{{ticket.key}}", "the ticket number, e.g. ACME-1042"],
  ["{{ticket.subject}}", "the ticket's subject"],
  ["{{requester.name}}", "the requester's name (or address)"],
  ["{{client.name}}", "the client's name"],
] as const;

const stateLabel: Record<SupportAddress["state"], string> = {
  pending: "Pending",
  verified: "Verified",
  conflict: "In use elsewhere",
};
const stateBadge: Record<SupportAddress["state"], string> = {
  pending: "status-pending",
  verified: "status-solved",
  conflict: "status-open",
};

export function MailSettings({ clientId, onClose }: { clientId: string; onClose: () => void }) {
  const [client, setClient] = useState<ClientMail | null>(null);
  const [addresses, setAddresses] = useState<SupportAddress[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    const [loaded, list] = await Promise.all([
      api<ClientMail>("GET", path`/v1/clients/${clientId}`),
      listAddresses(clientId),
    ]);
    setClient(loaded);
    setAddresses(list.items);
  }, [clientId]);
  useEffect(() => {
    load().catch((reason) => setError(message(reason)));
  }, [load]);

  async function act(work: () => Promise<unknown>, done?: string) {
    setError(null);
    setNotice(null);
    try {
      await work();
      await load();
      if (done) setNotice(done);
    } catch (reason) {
      setError(message(reason));
      await load().catch(() => undefined);
    }
  }

  return (
    <section className="admin" data-testid="mail-settings" aria-label="Mail settings">
      <div className="inline-form">
        <h2>
          Mail for <bdi>{client?.name ?? "…"}</bdi>
        </h2>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {error && <ErrorNote>{error}</ErrorNote>}
      {notice && (
        <div className="notice" role="status">
          {notice}
        </div>
      )}
      {!client || !addresses ? (
        <Spinner />
      ) : (
        <>
          <DefaultAddress address={client.defaultAddress} />
          <Addresses
            clientId={clientId}
            addresses={addresses}
            act={act}
            onAdd={(address) =>
              act(
                () => addAddress(clientId, address),
                `A verification code was mailed to ${address}. The address receives mail once verified.`,
              )
            }
          />
          <SettingsForm
            key={client.version}
            client={client}
            onSave={(change) => act(() => updateMailSettings(clientId, client.version, change), "Mail settings saved.")}
          />
        </>
      )}
    </section>
  );
}

function DefaultAddress({ address }: { address: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice" data-testid="default-address">
      <strong>Default address:</strong> <code>{address}</code>{" "}
      <button
        type="button"
        className="link-button"
        onClick={() =>
          navigator.clipboard
            .writeText(address)
            .then(() => setCopied(true))
            .catch(() => setCopied(false))
        }
      >
        {copied ? "Copied" : "Copy"}
      </button>
      <p className="muted">
        Mail to this address always reaches this client. Have the client forward its own support addresses here; the
        verification code we mail to a forwarded address then comes back by itself and confirms it.
      </p>
    </div>
  );
}

function Addresses({
  clientId,
  addresses,
  act,
  onAdd,
}: {
  clientId: string;
  addresses: SupportAddress[];
  act: (work: () => Promise<unknown>, done?: string) => Promise<void>;
  onAdd: (address: string) => Promise<void>;
}) {
  const [address, setAddress] = useState("");
  const [codes, setCodes] = useState<Record<string, string>>({});
  async function submit(event: FormEvent) {
    event.preventDefault();
    await onAdd(address.trim());
    setAddress("");
  }
  return (
    <>
      <h2>Support addresses</h2>
      {addresses.length === 0 ? (
        <Empty title="No addresses of the client's own yet">
          Add one (e.g. help@client.example); it routes mail once verified.
        </Empty>
      ) : (
        <table className="tickets" data-testid="addresses-table">
          <thead>
            <tr>
              <th>Address</th>
              <th>State</th>
              <th>Details</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {addresses.map((item) => (
              <tr key={item.address} data-testid={`address-${item.address}`}>
                <td>
                  <bdi>{item.address}</bdi>
                </td>
                <td>
                  <span className={`badge ${stateBadge[item.state]}`}>{stateLabel[item.state]}</span>
                </td>
                <td className="muted">
                  <AddressDetails item={item} />
                </td>
                <td className="row-actions">
                  {item.state !== "verified" && (
                    <form
                      className="inline-form"
                      aria-label={`Verify ${item.address}`}
                      onSubmit={(event) => {
                        event.preventDefault();
                        void act(
                          () => verifyAddress(clientId, item.address, codes[item.address] ?? ""),
                          `${item.address} is verified and receives mail.`,
                        );
                      }}
                    >
                      {item.state === "pending" && (
                        <>
                          <input
                            name="code"
                            aria-label={`Verification code for ${item.address}`}
                            placeholder="XXXX-XXXX"
                            autoComplete="one-time-code"
                            maxLength={12}
                            value={codes[item.address] ?? ""}
                            onChange={(e) => setCodes((all) => ({ ...all, [item.address]: e.target.value }))}
                          />
                          <button type="submit" className="primary">
                            Verify
                          </button>
                        </>
                      )}
                      <button
                        type="button"
                        onClick={() =>
                          void act(() => resendAddressCode(clientId, item.address), `A new code was mailed.`)
                        }
                      >
                        {item.state === "pending" ? "Resend code" : "Send a new code"}
                      </button>
                      <button
                        type="button"
                        title="The domain is a verified SES identity set up for you"
                        onClick={() =>
                          void act(
                            () => verifyAddressDomain(clientId, item.address),
                            `${item.address} is verified and receives mail.`,
                          )
                        }
                      >
                        Verify by domain
                      </button>
                    </form>
                  )}
                  <button
                    type="button"
                    onClick={() => {
                      if (window.confirm(`Remove ${isolate(item.address)}? Mail to it stops reaching this client.`)) {
                        void act(() => removeAddress(clientId, item.address), "Address removed.");
                      }
                    }}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form" onSubmit={submit} aria-label="Add address">
        <input
          name="newAddress"
          aria-label="Support address to add"
          type="email"
          required
          placeholder="help@client.example"
          value={address}
          onChange={(e) => setAddress(e.target.value)}
        />
        <button type="submit" className="primary">
          Add address
        </button>
      </form>
    </>
  );
}

function AddressDetails({ item }: { item: SupportAddress }) {
  if (item.state === "verified") {
    const how = { code: "with the code", mail: "by forwarding", domain: "by its domain", system: "by Outdesk" };
    return <>{item.verifiedAt ? `Verified ${how[item.method ?? "system"]} ${when(item.verifiedAt)}` : "Verified"}</>;
  }
  if (item.state === "conflict") {
    return <>This address already receives mail for another account. Ask Outdesk support to release it.</>;
  }
  if (item.sendFailed) return <>The code could not be sent. Resend it.</>;
  return (
    <>
      {item.codeSentAt ? `Code sent ${when(item.codeSentAt)}` : "Code not sent yet"}
      {item.codeExpiresAt && `, valid until ${when(item.codeExpiresAt)}`}
      {item.attemptsLeft !== null && ` · ${item.attemptsLeft} tries left`}
    </>
  );
}

/** Keyed by the client's version: a save (or a removed From address) starts it from what was stored. */
function SettingsForm({
  client,
  onSave,
}: {
  client: ClientMail;
  onSave: (change: Parameters<typeof updateMailSettings>[2]) => Promise<void>;
}) {
  const current = client.mailSettings;
  const [fromName, setFromName] = useState(current.fromName);
  const [fromAddress, setFromAddress] = useState(current.fromAddress);
  const [signature, setSignature] = useState(current.signature);
  const [enabled, setEnabled] = useState(current.autoAck.enabled);
  const [subject, setSubject] = useState(current.autoAck.subject);
  const [body, setBody] = useState(current.autoAck.body);
  const senders = [client.defaultAddress, ...client.supportAddresses];
  return (
    <form
      className="edit-client"
      aria-label="Outgoing mail"
      onSubmit={(event) => {
        event.preventDefault();
        void onSave({
          fromName: fromName.trim() || null,
          fromAddress: fromAddress === client.defaultAddress ? null : fromAddress,
          signature: signature.trim() ? signature : null,
          autoAck: { enabled, subject, body },
        });
      }}
    >
      <h2>Outgoing mail</h2>
      <div className="grid-2">
        <label>
          From name
          <input name="fromName" maxLength={120} value={fromName} onChange={(e) => setFromName(e.target.value)} />
        </label>
        <label>
          From address
          <select name="fromAddress" value={fromAddress} onChange={(e) => setFromAddress(e.target.value)}>
            {senders.map((address) => (
              <option key={address} value={address}>
                {`${isolate(address)}${address === client.defaultAddress ? " (default)" : ""}`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        Signature (plain text, added to replies)
        <textarea
          name="signature"
          rows={3}
          maxLength={2000}
          value={signature}
          onChange={(e) => setSignature(e.target.value)}
        />
      </label>
      <h2>Automatic acknowledgement</h2>
      <label className="inline">
        <input type="checkbox" name="autoAck" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        Confirm each new ticket to its requester by mail (at most once a day per sender; never to automated mail)
      </label>
      <label>
        Subject
        <input name="autoAckSubject" maxLength={200} value={subject} onChange={(e) => setSubject(e.target.value)} />
      </label>
      <label>
        Text
        <textarea name="autoAckBody" rows={8} maxLength={5000} value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      <div className="muted" data-testid="placeholder-help">
        Placeholders for the subject, text and signature:
        <ul>
          {PLACEHOLDERS.map(([placeholder, meaning]) => (
            <li key={placeholder}>
              <code>{placeholder}</code> {meaning}
            </li>
          ))}
        </ul>
      </div>
      <div className="actions">
        <button type="submit" className="primary">
          Save mail settings
        </button>
      </div>
    </form>
  );
}

/** Provider admins: mail to addresses of the provider's that reach no client (a renamed client, a typo). */
export function UnknownMail() {
  const [items, setItems] = useState<UnknownRecipientMail[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const more = useCallback(async (from: string | null) => {
    const page = await listUnknownMail(from);
    setItems((list) => (from ? [...(list ?? []), ...page.items] : page.items));
    setCursor(page.cursor);
  }, []);
  useEffect(() => {
    more(null).catch((reason) => setError(message(reason)));
  }, [more]);
  return (
    <section className="admin" data-testid="unknown-mail">
      <h2>Mail to unknown addresses</h2>
      <p className="muted">
        Mail to an address on your mail domain that no client has (kept 90 days; the original stays stored). If a client
        was renamed, its old address lands here.
      </p>
      {error && <ErrorNote>{error}</ErrorNote>}
      {!items ? (
        <Spinner />
      ) : items.length === 0 ? (
        <Empty title="No unknown-recipient mail" />
      ) : (
        <table className="tickets">
          <thead>
            <tr>
              <th>To</th>
              <th>From</th>
              <th>Subject</th>
              <th>Received</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={`${item.sesMessageId}/${item.recipient}`}>
                <td>
                  <bdi>{item.recipient}</bdi>
                </td>
                <td>
                  <bdi>{item.from}</bdi>
                </td>
                <td>
                  <bdi>{item.subject || "(no subject)"}</bdi>
                </td>
                <td>{when(item.receivedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button
          type="button"
          className="load-more"
          onClick={() => more(cursor).catch((reason) => setError(message(reason)))}
        >
          Load more
        </button>
      )}
    </section>
  );
}
