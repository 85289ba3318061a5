import type { EntityItem } from "electrodb";
import * as z from "zod";
import { assertClientAccess, assertRole } from "../actor";
import { Calendar } from "../calendar";
import { writeTime } from "../clock";
import { readByKeys } from "../common/batch";
import { primaryKey } from "../common/keys";
import { isConditionFailure } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Conflict, InvalidField, NotFound, OutdeskError } from "../error";
import { fn } from "../fn";
import type { ContractEntity } from "./contract.entity";
import { addMonths } from "./credits";
import { type Bands, noBands, rate, type Usage } from "./rate";
import { ContractTerms, Month } from "./schema";

type ContractItem = EntityItem<ContractEntity>;

export const MAX_CONTRACT_VERSIONS = 120;

export const ContractVersion = z
  .object({
    number: z.number(),
    effectiveFrom: z.string().describe("the first month it prices"),
    effectiveTo: z.string().nullable().describe("its last month; null: until the next version starts"),
    terms: z.any().describe("ContractTerms with every default filled in"),
    note: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "ContractVersion" });
export type ContractVersion = Omit<z.infer<typeof ContractVersion>, "terms"> & { terms: ContractTerms };

export const ContractInfo = z
  .object({
    clientId: z.string(),
    version: z.number().describe("0 until the first version; send it back to add one safely"),
    versions: z.array(ContractVersion).describe("oldest first"),
  })
  .meta({ id: "Contract" });
export type ContractInfo = Omit<z.infer<typeof ContractInfo>, "versions"> & { versions: ContractVersion[] };

export const VersionInput = z
  .strictObject({
    effectiveFrom: Month.describe("the first month this version prices"),
    effectiveTo: Month.nullable().default(null).describe("its last month; null: until a later version starts"),
    terms: ContractTerms,
    note: z.string().trim().max(500).optional().describe("why, for whoever reads the history"),
    version: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("the contract version you read (0: none yet); 409 if it changed"),
  })
  .meta({ id: "ContractVersionInput" });

const BandsInput = z
  .strictObject({
    business: z.number().min(0).max(1e8).default(0),
    afterHours: z.number().min(0).max(1e8).default(0),
    weekend: z.number().min(0).max(1e8).default(0),
    holiday: z.number().min(0).max(1e8).default(0),
  })
  .describe("minutes, by when they were worked on the contract's calendar");
export const UsageInput = z
  .strictObject({
    ticketsCreated: z.number().int().min(0).max(1e9).default(0),
    ticketsSolved: z.number().int().min(0).max(1e9).default(0),
    contacts: z
      .strictObject({
        email: z.number().int().min(0).optional(),
        web: z.number().int().min(0).optional(),
        api: z.number().int().min(0).optional(),
        phone: z.number().int().min(0).optional(),
        chat: z.number().int().min(0).optional(),
      })
      .default({}),
    handledMinutes: BandsInput.default(noBands()),
    billableMinutes: BandsInput.default(noBands()),
  })
  .meta({ id: "BillingUsageInput" });

export const LineInfo = z
  .object({
    component: z.number().describe("the component's index in the contract's terms"),
    kind: z.string(),
    name: z.string(),
    description: z.string(),
    quantity: z.number(),
    unit: z.enum(["month", "ticket", "contact", "hour", "FTE"]),
    unitPrice: z.number().describe("minor units per unit"),
    amount: z.number().describe("minor units, rounded once (half away from zero)"),
    working: z.string().describe("how the amount was computed, in words"),
  })
  .meta({ id: "BillingLine" });
export const PreviewInfo = z
  .object({
    lines: z.array(LineInfo),
    monthlyFee: z.number().describe("fixed fees, FTEs and retainer fees: what SLA credits put at risk"),
    charges: z.number().describe("every line, the minimum commitment's true-up included, before credits"),
    carryOut: z.record(z.string(), z.number()).describe("unused included units each allowance rolls over"),
  })
  .meta({ id: "BillingPreview" });

/** The version that prices a month, if any. */
export function versionFor(versions: readonly ContractVersion[], month: string): ContractVersion | undefined {
  return versions.findLast((v) => v.effectiveFrom <= month && (v.effectiveTo === null || month <= v.effectiveTo));
}

function toInfo(clientId: string, item: ContractItem | undefined): ContractInfo {
  return { clientId, version: item?.version ?? 0, versions: (item?.versions ?? []) as ContractVersion[] };
}

/** Why a new version cannot sit among the others, naming the field; undefined when it fits. */
function overlap(versions: readonly ContractVersion[], from: string, to: string | null): string | undefined {
  for (const v of versions) {
    if (from === v.effectiveFrom) return `version ${v.number} already starts in ${from}`;
    if (v.effectiveTo !== null && from > v.effectiveFrom && from <= v.effectiveTo)
      return `inside version ${v.number} (${v.effectiveFrom} to ${v.effectiveTo})`;
    if (to !== null && from < v.effectiveFrom && to >= v.effectiveFrom)
      return `runs to ${to}, into version ${v.number} from ${v.effectiveFrom}`;
  }
  return undefined;
}

async function load(clientId: string) {
  const { providerId } = assertClientAccess(clientId);
  const of = await readByKeys([
    primaryKey(Outdesk.entities.client, { providerId, clientId }),
    primaryKey(Outdesk.entities.contract, { providerId, clientId }),
  ]);
  if (!Outdesk.entities.client.parse(of("client")).data[0]) throw NotFound("Client");
  return {
    providerId,
    item: Outdesk.entities.contract.parse(of("contract")).data[0] as ContractItem | undefined,
  };
}

export namespace Contracts {
  export const Info = ContractInfo;
  export const Terms = ContractTerms;
  export const Input = VersionInput;
  export const Usage = UsageInput;
  export const Preview = PreviewInfo;

  /** Provider admins read a client's contract with every version (client admins read their statements). */
  export const get = fn(z.object({ clientId: z.string().max(64) }), async ({ clientId }) => {
    const { item } = await load(clientId);
    assertRole("provider_admin");
    return toInfo(clientId, item);
  });

  /**
   * Adds a version from a month on: never in a month a version already starts in or runs
   * through, never more than a month back (an older month keeps the terms it was rated on;
   * a locked one always does).
   * One conditional write on the contract item, so two admins cannot interleave.
   */
  export const addVersion = fn(VersionInput.extend({ clientId: z.string().max(64) }), async (input) => {
    const { providerId, item } = await load(input.clientId);
    const actor = assertRole("provider_admin");
    const { effectiveFrom, effectiveTo, terms } = input;
    if (input.version !== undefined && input.version !== (item?.version ?? 0))
      throw Conflict("The contract changed since you read it");
    if (effectiveTo !== null && effectiveTo < effectiveFrom)
      throw InvalidField(["effectiveTo"], "not before effectiveFrom");
    // The write's own clock: an imported history adds its contract as of its first month.
    const thisMonth = writeTime().slice(0, 7);
    if (effectiveFrom < addMonths(thisMonth, -1))
      throw InvalidField(
        ["effectiveFrom"],
        `a past month keeps the terms it was rated on: ${addMonths(thisMonth, -1)} or later`,
      );
    const { data: locked } = await Outdesk.entities.billingPeriod.query
      .byMonth({ providerId, clientId: input.clientId })
      .go({ pages: "all", attributes: ["month"] });
    const lastLocked = locked
      .map((p) => p.month)
      .sort()
      .pop();
    if (lastLocked && effectiveFrom <= lastLocked)
      throw InvalidField(["effectiveFrom"], `${lastLocked} is locked for billing: a new version starts after it`);
    const versions = toInfo(input.clientId, item).versions;
    if (versions.length >= MAX_CONTRACT_VERSIONS)
      throw InvalidField(["effectiveFrom"], `at most ${MAX_CONTRACT_VERSIONS} versions`);
    const clash = overlap(versions, effectiveFrom, effectiveTo);
    if (clash) throw InvalidField(["effectiveFrom"], `overlaps: ${clash}`);
    if (terms.multipliers) {
      try {
        await Calendar.get({ calendarId: terms.multipliers.calendarId });
      } catch (error) {
        if (error instanceof OutdeskError && error.code === "not_found")
          throw InvalidField(["terms", "multipliers", "calendarId"], "no such calendar");
        throw error;
      }
    }
    const now = writeTime();
    const version: ContractVersion = {
      number: versions.reduce((max, v) => Math.max(max, v.number), 0) + 1,
      effectiveFrom,
      effectiveTo,
      terms,
      note: input.note ?? null,
      createdBy: actor.id,
      createdAt: now,
    };
    const all = [...versions, version].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    const key = { providerId, clientId: input.clientId };
    try {
      if (item) {
        await Outdesk.entities.contract
          .patch(key)
          .set({ versions: all, updatedAt: now, version: item.version + 1 })
          .where((attr, op) => op.eq(attr.version, item.version))
          .go();
      } else {
        await Outdesk.entities.contract
          .create({ ...key, versions: all, createdAt: now, updatedAt: now, version: 1 })
          .go();
      }
    } catch (error) {
      if (isConditionFailure(error)) throw Conflict("The contract changed meanwhile; read it again");
      throw error;
    }
    return { clientId: input.clientId, version: (item?.version ?? 0) + 1, versions: all } satisfies ContractInfo;
  });

  /** The live price preview: what given terms would charge for a month's usage (nothing is saved). */
  export const preview = fn(
    z.strictObject({ clientId: z.string().max(64), terms: ContractTerms, usage: UsageInput }),
    async ({ clientId, terms, usage }) => {
      await load(clientId);
      assertRole("provider_admin");
      return rate(terms, usage as Usage);
    },
  );
}

export type { Bands };
