import { describe, expect, it } from "vitest";
import { issueInWords, labelOf, setTicketFieldLabels } from "./field-words";
import { normalizeTagsText, tagsOf } from "./tags";

describe("the API's issues in words", () => {
  it("names a ticket field by its label", () => {
    setTicketFieldLabels(new Map([["order_id", "Order ID"]]));
    expect(issueInWords({ path: ["fields", "order_id"], message: "is required before the ticket is solved" })).toBe(
      "Order ID is required before the ticket is solved",
    );
    expect(labelOf(["fields", "unknown_key"])).toBe("Unknown key");
  });

  it("uses the form's labels, then the shared ones, then the key in words", () => {
    expect(issueInWords({ path: ["timeZone"], message: "must be an IANA zone" })).toBe(
      "Time zone must be an IANA zone",
    );
    expect(issueInWords({ path: ["slug"], message: "lower-case letters only" })).toBe("Slug: lower-case letters only");
    expect(issueInWords({ path: ["body"], message: "Too short" }, { body: "Description" })).toBe(
      "Description: Too short",
    );
    expect(labelOf(["autoApproveAfterDays"])).toBe("Auto approve after days");
    expect(issueInWords({ path: [], message: "Nothing to change" })).toBe("Nothing to change");
  });

  it("says which row of a list an issue is in", () => {
    expect(labelOf(["ticketFields", 1, "options"])).toBe("Options (ticket field 2)");
    expect(labelOf(["clientIds", 0])).toBe("Clients");
  });
});

describe("tags as typed", () => {
  it("lowercases, trims and turns spaces into dashes while typing", () => {
    expect(normalizeTagsText("VIP Customer")).toBe("vip-customer");
    expect(normalizeTagsText("Billing,  Late Fee")).toBe("billing, late-fee");
    expect(normalizeTagsText("billing,")).toBe("billing, ");
    expect(normalizeTagsText("Ünïcode & more")).toBe("unicode-more");
  });

  it("saves what the API accepts: no empty tags, edges trimmed, no repeats", () => {
    expect(tagsOf("vip-customer, , billing, billing, late-")).toEqual(["vip-customer", "billing", "late"]);
  });
});
