import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import { Log } from "@outdesk/core/log";

/** What a stream subscriber Lambda receives: the records of one shard, oldest first. */
export interface DynamoStreamEvent {
  Records: (Omit<StreamRecord, "dynamodb"> & {
    eventSourceARN: string;
    dynamodb?: Omit<NonNullable<StreamRecord["dynamodb"]>, "ApproximateCreationDateTime"> & {
      ApproximateCreationDateTime?: number;
    };
  })[];
}

interface Shard {
  iterator?: string;
  lastSequence?: string;
  failures: number;
}

/**
 * The local twin of a Lambda subscribed to the table's stream (infra/search.ts): polls DynamoDB
 * Local's Streams API and hands each shard's new records to the same handler, in the event shape
 * Lambda delivers. A batch that throws is handed again on the next poll (a few times, like
 * Lambda's retries), then skipped with an error logged.
 */
export function startStreamPoller(options: {
  endpoint: string;
  tableName: string;
  handler: (event: DynamoStreamEvent) => Promise<unknown>;
  name: string;
  intervalMs?: number;
  /** Records from before the poller started too (the local stack's seed), or only new ones. */
  from?: "TRIM_HORIZON" | "LATEST";
}): () => Promise<void> {
  const { endpoint, tableName, handler, name, intervalMs = 200, from = "TRIM_HORIZON" } = options;
  const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };
  const dynamo = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const shards = new Map<string, Shard>();
  let streamArn: string | undefined;
  let stopped = false;
  let discoveredAt = 0;
  let first = true;

  async function discover() {
    if (!streamArn) {
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
      streamArn = Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`table ${tableName} has no stream`);
    }
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const id = shard.ShardId;
      if (!id || shards.has(id)) continue;
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      // Started from LATEST, shards that were there at the start are read from now on only.
      if (first && from === "LATEST" && closed) {
        shards.set(id, { failures: 0 });
        continue;
      }
      const type = first && from === "LATEST" ? "LATEST" : "TRIM_HORIZON";
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ShardIteratorType: type }),
      );
      shards.set(id, { iterator: ShardIterator, failures: 0 });
    }
    first = false;
    discoveredAt = Date.now();
  }

  async function poll(shardId: string, shard: Shard) {
    if (!shard.iterator || !streamArn) return;
    let output: Awaited<ReturnType<typeof getRecords>>;
    try {
      output = await getRecords(shard.iterator);
    } catch (error) {
      if ((error as { name?: string }).name !== "ExpiredIteratorException") throw error;
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(shard.lastSequence
            ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: shard.lastSequence }
            : { ShardIteratorType: "TRIM_HORIZON" }),
        }),
      );
      shard.iterator = ShardIterator;
      return;
    }
    const records = output.Records ?? [];
    if (records.length > 0) {
      const arn = streamArn;
      const event: DynamoStreamEvent = {
        Records: records.map((record) => ({
          ...record,
          eventSourceARN: arn,
          dynamodb: record.dynamodb && {
            ...record.dynamodb,
            ApproximateCreationDateTime: record.dynamodb.ApproximateCreationDateTime
              ? record.dynamodb.ApproximateCreationDateTime.getTime() / 1000
              : undefined,
          },
        })),
      };
      try {
        await handler(event);
      } catch (error) {
        shard.failures++;
        Log.error("stream handler failed", { handler: name, shardId, attempt: shard.failures, error: String(error) });
        // Not advanced: the same records come again on the next poll, up to a few times.
        if (shard.failures < 3) return;
      }
      shard.failures = 0;
      shard.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber ?? shard.lastSequence;
    }
    shard.iterator = output.NextShardIterator;
  }

  const getRecords = (iterator: string) => streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));

  const loop = (async () => {
    while (!stopped) {
      try {
        if (Date.now() - discoveredAt > 2_000) await discover();
        for (const [id, shard] of shards) {
          if (stopped) break;
          await poll(id, shard);
        }
      } catch (error) {
        if (!stopped) Log.error("stream poll failed", { handler: name, error: String(error) });
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();

  return async () => {
    stopped = true;
    await loop;
    dynamo.destroy();
    streams.destroy();
  };
}
