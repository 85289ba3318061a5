import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Service } from "electrodb";
import { ApiKeyEntity } from "./auth/api-key.entity";
import { RateLimitEntity } from "./auth/rate-limit.entity";
import { SessionEntity } from "./auth/session.entity";
import { Config } from "./config";
import { ClientEntity } from "./tenancy/client.entity";
import { InboundAddressEntity } from "./tenancy/inbound-address.entity";
import { ProviderEntity } from "./tenancy/provider.entity";
import { ProviderSlugEntity } from "./tenancy/provider-slug.entity";
import { UniqueEntity } from "./tenancy/unique.entity";
import { UserEntity } from "./tenancy/user.entity";
import { QueueStatsEntity } from "./ticket/queue-stats.entity";
import { MessageEntity, TicketEntity, TicketEventEntity } from "./ticket/ticket.entity";

let client: DynamoDBClient | undefined;
let requests = 0;

function buildClient(): DynamoDBClient {
  const endpoint = Config.get("dynamoEndpoint");
  const created = new DynamoDBClient({
    region: Config.get("region"),
    ...(endpoint ? { endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 3 } : {}),
  });
  // Counts operations, not HTTP attempts: the figure benchmarks and tests compare against.
  created.middlewareStack.add(
    (next) => (args) => {
      requests++;
      return next(args);
    },
    { step: "initialize", name: "outdeskRequestCounter" },
  );
  return created;
}

/** Forwards to the current client, so configuration can change (tests, local stack) after import. */
const forwardingClient = {
  send: (...args: Parameters<DynamoDBClient["send"]>) => {
    client ??= buildClient();
    return client.send(...args);
  },
};

const entities = {
  provider: ProviderEntity,
  providerSlug: ProviderSlugEntity,
  client: ClientEntity,
  inboundAddress: InboundAddressEntity,
  unique: UniqueEntity,
  user: UserEntity,
  session: SessionEntity,
  apiKey: ApiKeyEntity,
  rateLimit: RateLimitEntity,
  ticket: TicketEntity,
  message: MessageEntity,
  ticketEvent: TicketEventEntity,
  queueStats: QueueStatsEntity,
};

function tableName(): string | undefined {
  try {
    return Config.get("tableName");
  } catch {
    return undefined;
  }
}

export const Outdesk = new Service(entities, {
  client: forwardingClient as unknown as DynamoDBClient,
  table: tableName(),
});

Config.onChange(() => {
  client?.destroy();
  client = undefined;
  const table = tableName();
  if (table) Outdesk.setTableName(table);
});

export namespace Dynamo {
  /** The raw client, for table administration and transactions ElectroDB cannot express. */
  export function raw(): DynamoDBClient {
    client ??= buildClient();
    return client;
  }

  /** Runs `work` and returns how many DynamoDB operations it sent. */
  export async function countRequests<T>(work: () => Promise<T>): Promise<{ result: T; requests: number }> {
    const before = requests;
    const result = await work();
    return { result, requests: requests - before };
  }
}
