import { useState } from "react";
import { type Channel, type Component, type ComponentKind, channels, type Tier } from "../billing";
import { FieldIssue } from "../issues";
import {
  type At,
  type FieldContext,
  MoneyField,
  NumberField,
  removeAt,
  replaceAt,
  SelectField,
  TextField,
} from "./ContractFields";

export const kindLabel: Record<ComponentKind, string> = {
  fixed_fee: "Fixed fee",
  per_unit: "Per unit (tiers)",
  agent_hours: "Agent hours",
  fte: "Dedicated agents (FTE)",
  allowance: "Retainer (allowance)",
  minimum_commitment: "Minimum commitment",
};
const kinds = Object.keys(kindLabel) as ComponentKind[];

const meterLabel: Record<string, string> = {
  tickets_created: "Tickets created",
  tickets_solved: "Tickets solved",
  contacts: "Contacts",
  handled_hours: "Handled hours",
  billable_hours: "Billable hours",
};
const meterOptions = <T extends string>(meters: readonly T[]) =>
  meters.map((m) => ({ value: m, label: meterLabel[m] ?? m }));

/** A new component of a kind, with every field it needs. */
export function newComponent(kind: ComponentKind): Component {
  switch (kind) {
    case "fixed_fee":
      return { kind, name: "Platform fee", amount: 0 };
    case "per_unit":
      return {
        kind,
        name: "Solved tickets",
        meter: "tickets_solved",
        pricing: "graduated",
        tiers: [{ upTo: null, unitPrice: 0 }],
      };
    case "agent_hours":
      return { kind, name: "Agent time", hourlyRate: 0 };
    case "fte":
      return { kind, name: "Dedicated agents", count: 1, monthlyRate: 0 };
    case "allowance":
      return {
        kind,
        name: "Retainer",
        meter: "billable_hours",
        fee: 0,
        included: 0,
        overageRate: 0,
        rolloverCap: null,
      };
    case "minimum_commitment":
      return { kind, name: "Minimum commitment", amount: 0 };
  }
}

/** The pricing components of the terms being edited: one card each, and a way to add any kind. */
export function ComponentsEditor({
  components,
  onChange,
  ctx,
}: {
  components: Component[];
  onChange: (components: Component[]) => void;
  ctx: FieldContext;
}) {
  const [adding, setAdding] = useState<ComponentKind>("fixed_fee");
  return (
    <fieldset className="contract-section" data-testid="contract-components">
      <legend>Pricing components</legend>
      <FieldIssue problem={ctx.problem} at={["terms", "components"]} />
      {components.map((component, index) => (
        <ComponentCard
          // Components have no id: the index is what the API names them by too.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          key={index}
          component={component}
          at={["terms", "components", index]}
          ctx={ctx}
          onChange={(next) => onChange(replaceAt(components, index, next))}
          onRemove={() => onChange(removeAt(components, index))}
        />
      ))}
      <div className="inline-form">
        <select
          aria-label="Component kind"
          data-testid="component-kind"
          value={adding}
          onChange={(event) => setAdding(event.target.value as ComponentKind)}
        >
          {kinds.map((kind) => (
            <option key={kind} value={kind}>
              {kindLabel[kind]}
            </option>
          ))}
        </select>
        <button
          type="button"
          data-testid="component-add"
          onClick={() => onChange([...components, newComponent(adding)])}
        >
          Add component
        </button>
      </div>
    </fieldset>
  );
}

function ComponentCard({
  component: c,
  at,
  ctx,
  onChange,
  onRemove,
}: {
  component: Component;
  at: At;
  ctx: FieldContext;
  onChange: (component: Component) => void;
  onRemove: () => void;
}) {
  const field = (name: string) => [...at, name];
  const index = at[at.length - 1];
  return (
    <div className="contract-card" data-testid="component" data-kind={c.kind} data-index={index}>
      <div className="inline-form">
        <strong>{kindLabel[c.kind]}</strong>
        <span className="spacer" />
        <button type="button" className="link-button" data-testid="component-remove" onClick={onRemove}>
          Remove
        </button>
      </div>
      <FieldIssue problem={ctx.problem} at={at} />
      <div className="contract-fields">
        <TextField
          label="Name"
          value={c.name}
          at={field("name")}
          ctx={ctx}
          onChange={(name) => onChange({ ...c, name })}
        />
        {(c.kind === "fixed_fee" || c.kind === "minimum_commitment") && (
          <MoneyField
            label={c.kind === "fixed_fee" ? "Monthly amount" : "At least"}
            value={c.amount}
            at={field("amount")}
            ctx={ctx}
            testId="component-amount"
            onChange={(amount) => onChange({ ...c, amount: amount ?? Number.NaN })}
          />
        )}
        {c.kind === "agent_hours" && (
          <MoneyField
            label="Per hour"
            value={c.hourlyRate}
            at={field("hourlyRate")}
            ctx={ctx}
            testId="component-hourly-rate"
            onChange={(hourlyRate) => onChange({ ...c, hourlyRate: hourlyRate ?? Number.NaN })}
          />
        )}
        {c.kind === "fte" && (
          <>
            <NumberField
              label="Agents"
              value={c.count}
              at={field("count")}
              ctx={ctx}
              onChange={(count) => onChange({ ...c, count: count ?? Number.NaN })}
            />
            <MoneyField
              label="Per agent per month"
              value={c.monthlyRate}
              at={field("monthlyRate")}
              ctx={ctx}
              onChange={(monthlyRate) => onChange({ ...c, monthlyRate: monthlyRate ?? Number.NaN })}
            />
          </>
        )}
        {c.kind === "per_unit" && (
          <>
            <SelectField
              label="Meter"
              value={c.meter}
              options={meterOptions(["tickets_created", "tickets_solved", "contacts", "handled_hours"] as const)}
              at={field("meter")}
              ctx={ctx}
              onChange={(meter) => onChange({ ...c, meter, ...(meter === "contacts" ? {} : { channel: undefined }) })}
            />
            {c.meter === "contacts" && (
              <SelectField<Channel | "">
                label="Channel"
                value={c.channel ?? ""}
                options={[{ value: "", label: "Every channel" }, ...channels.map((ch) => ({ value: ch, label: ch }))]}
                at={field("channel")}
                ctx={ctx}
                onChange={(channel) => onChange({ ...c, channel: channel || undefined })}
              />
            )}
            <SelectField
              label="Pricing"
              value={c.pricing}
              options={[
                { value: "graduated", label: "Graduated: each tier's units at its price" },
                { value: "volume", label: "Volume: every unit at the tier reached" },
              ]}
              at={field("pricing")}
              ctx={ctx}
              testId="component-pricing"
              onChange={(pricing) => onChange({ ...c, pricing })}
            />
          </>
        )}
        {c.kind === "allowance" && (
          <>
            <SelectField
              label="Meter"
              value={c.meter}
              options={meterOptions(["tickets_solved", "contacts", "handled_hours", "billable_hours"] as const)}
              at={field("meter")}
              ctx={ctx}
              onChange={(meter) => onChange({ ...c, meter })}
            />
            <MoneyField
              label="Monthly fee"
              value={c.fee}
              at={field("fee")}
              ctx={ctx}
              testId="allowance-fee"
              onChange={(fee) => onChange({ ...c, fee: fee ?? Number.NaN })}
            />
            <NumberField
              label="Included"
              value={c.included}
              at={field("included")}
              ctx={ctx}
              testId="allowance-included"
              onChange={(included) => onChange({ ...c, included: included ?? Number.NaN })}
            />
            <MoneyField
              rate
              label="Overage per unit"
              value={c.overageRate}
              at={field("overageRate")}
              ctx={ctx}
              testId="allowance-overage"
              onChange={(overageRate) => onChange({ ...c, overageRate: overageRate ?? Number.NaN })}
            />
            <NumberField
              nullable
              label="Rollover cap"
              placeholder="no rollover"
              value={c.rolloverCap}
              at={field("rolloverCap")}
              ctx={ctx}
              testId="allowance-rollover"
              onChange={(rolloverCap) => onChange({ ...c, rolloverCap })}
            />
          </>
        )}
      </div>
      {c.kind === "per_unit" && (
        <TiersEditor tiers={c.tiers} at={field("tiers")} ctx={ctx} onChange={(tiers) => onChange({ ...c, tiers })} />
      )}
    </div>
  );
}

/** Tiers by their last unit; the last one is unbounded (left empty). */
function TiersEditor({
  tiers,
  at,
  ctx,
  onChange,
}: {
  tiers: Tier[];
  at: At;
  ctx: FieldContext;
  onChange: (tiers: Tier[]) => void;
}) {
  return (
    <div className="contract-tiers" data-testid="tiers">
      <FieldIssue problem={ctx.problem} at={at} />
      {tiers.map((tier, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: tiers are named by their index
        <div key={i} className="contract-fields" data-testid="tier">
          <NumberField
            nullable
            label={`Tier ${i + 1}: up to`}
            placeholder="no limit"
            value={tier.upTo}
            at={[...at, i, "upTo"]}
            ctx={ctx}
            testId="tier-up-to"
            onChange={(upTo) => onChange(replaceAt(tiers, i, { ...tier, upTo }))}
          />
          <MoneyField
            rate
            label="Unit price"
            value={tier.unitPrice}
            at={[...at, i, "unitPrice"]}
            ctx={ctx}
            testId="tier-unit-price"
            onChange={(unitPrice) => onChange(replaceAt(tiers, i, { ...tier, unitPrice: unitPrice ?? Number.NaN }))}
          />
          {tiers.length > 1 && (
            <button type="button" className="link-button" onClick={() => onChange(removeAt(tiers, i))}>
              Remove tier
            </button>
          )}
        </div>
      ))}
      <button
        type="button"
        className="link-button"
        data-testid="tier-add"
        onClick={() => {
          // A new bounded tier goes before the last (unbounded) one.
          const last = tiers[tiers.length - 1];
          const before = tiers[tiers.length - 2]?.upTo ?? 0;
          onChange([
            ...tiers.slice(0, -1),
            { upTo: before + 100, unitPrice: last?.unitPrice ?? 0 },
            ...(last ? [last] : []),
          ]);
        }}
      >
        Add tier
      </button>
    </div>
  );
}
