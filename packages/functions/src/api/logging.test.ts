import { Log } from "@outdesk/core/log";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { call } from "../../../../test/api";
import { buildWorld, type World } from "../../../../test/world";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});
afterEach(() => {
  Log.setQuiet(true);
  vi.restoreAllMocks();
});

function captureLines() {
  const lines: Record<string, unknown>[] = [];
  Log.setQuiet(false);
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      return true;
    });
  }
  return lines;
}

describe("structured logs", () => {
  it("writes one JSON line per request with the request id and the provider id", async () => {
    const lines = captureLines();
    const reply = await call(world.personas.agentA1, "GET", "/v1/clients", undefined, {
      "x-request-id": "req-test-0001",
    });
    expect(reply.headers.get("x-request-id")).toBe("req-test-0001");
    const line = lines.find((entry) => entry.message === "request");
    expect(line).toMatchObject({
      level: "info",
      requestId: "req-test-0001",
      providerId: world.ids.providerA,
      method: "GET",
      path: "/v1/clients",
      status: 200,
    });
  });

  it("logs unexpected errors with their request id, and answers 500 without internals", async () => {
    const lines = captureLines();
    const { Outdesk } = await import("@outdesk/core/dynamo");
    vi.spyOn(Outdesk.entities.client.query, "byId").mockImplementation(() => {
      throw new Error("secret internal detail");
    });
    const reply = await call(world.personas.adminA, "GET", "/v1/clients");
    expect(reply.status).toBe(500);
    expect(JSON.stringify(reply.body)).not.toContain("secret internal detail");
    const error = lines.find((entry) => entry.level === "error");
    expect(error).toMatchObject({ message: "unhandled error", requestId: reply.body.requestId });
    expect(error?.providerId).toBe(world.ids.providerA);
  });
});
