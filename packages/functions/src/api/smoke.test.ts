import { describe, expect, it } from "vitest";
import { call } from "../../../../test/api";
import { buildWorld } from "../../../../test/world";

describe("smoke", () => {
  it("builds a world", async () => {
    const world = await buildWorld();
    const me = await call(world.personas.agentA1, "GET", "/v1/me");
    expect(me.status).toBe(200);
    expect(me.body.user.role).toBe("agent");
  });
});
