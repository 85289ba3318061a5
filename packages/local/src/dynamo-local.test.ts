import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nonLoopbackAddresses, type RunningDynamo, startDynamo } from "./dynamo-local";
import { freePort } from "./errors";

/** Whether a TCP connection to host:port is accepted. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

let dynamo: RunningDynamo;
let port: number;
beforeAll(async () => {
  port = await freePort();
  dynamo = await startDynamo({ port });
}, 60_000);
afterAll(() => dynamo?.stop());

describe("DynamoDB Local", () => {
  it("answers on 127.0.0.1 and on none of this machine's network addresses", async () => {
    const addresses = nonLoopbackAddresses();
    // The check means nothing on a machine without a network address: say so rather than pass.
    expect(addresses.length, "this machine has no non-loopback address to probe").toBeGreaterThan(0);
    expect(await reachable("127.0.0.1", port)).toBe(true);
    for (const address of addresses) {
      expect(await reachable(address, port), `reachable on ${address}`).toBe(false);
    }
  });
});
