/**
 * The API's issues in words: a zod path (`["fields", "order_id"]`) becomes the label the form
 * shows ("Order ID"), and the message follows it ("Order ID is required before the ticket is
 * solved"), instead of `fields.order_id: …`.
 */
export interface Issue {
  path: readonly (string | number)[];
  message: string;
}

/** Labels of the request fields every form shares; a form passes its own for the rest. */
const known: Record<string, string> = {
  name: "Name",
  slug: "Slug",
  email: "Email",
  password: "Password",
  timeZone: "Time zone",
  autoCloseDays: "Close solved tickets after",
  ticketFields: "Ticket fields",
  key: "Key",
  label: "Label",
  type: "Type",
  options: "Options",
  role: "Role",
  clientIds: "Clients",
  clientId: "Client",
  status: "Status",
  month: "Month",
  subject: "Subject",
  body: "Message",
  requester: "Requester",
  ccs: "CCs",
  tags: "Tags",
  addTags: "Tags to add",
  removeTags: "Tags to remove",
  priority: "Priority",
  assigneeId: "Assignee",
  category: "Category",
  address: "Address",
  code: "Code",
  version: "Version",
};

/** Ticket field labels by key, per client, as the session loaded them (`fields.<key>` paths). */
let ticketFieldLabels = new Map<string, string>();
export function setTicketFieldLabels(labels: Map<string, string>) {
  ticketFieldLabels = labels;
}

const words = (key: string) => {
  const spaced = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
};
const singular = (key: string) => (known[key] ?? words(key)).replace(/s$/, "").toLowerCase();

/**
 * The label of a path: the form's own (`labels["fields.order_id"]`), a ticket field's, or the
 * shared one; an index in the path says which row ("Options (ticket field 2)").
 */
export function labelOf(path: readonly (string | number)[], labels: Record<string, string> = {}): string {
  const joined = path.join(".");
  if (labels[joined]) return labels[joined];
  if (path[0] === "fields" && typeof path[1] === "string") {
    return labels[`fields.${path[1]}`] ?? ticketFieldLabels.get(path[1]) ?? words(path[1]);
  }
  const last = [...path].reverse().find((part): part is string => typeof part === "string");
  if (last === undefined) return "This field";
  const label = labels[last] ?? known[last] ?? words(last);
  const index = path.findIndex((part) => typeof part === "number");
  const list = index > 0 ? path[index - 1] : undefined;
  if (typeof list === "string" && list !== last && index < path.length - 1) {
    return `${label} (${singular(list)} ${(path[index] as number) + 1})`;
  }
  return label;
}

// Messages that go on from the field's name ("is required…", "must be after…").
const predicate = /^(is|are|must|should|has|have|cannot|can|needs?|was|were|does|do|already|may|will|not)\b/;

/** "Order ID is required before the ticket is solved"; "Slug: lower-case letters…" when the message does not follow on. */
export function issueInWords(issue: Issue, labels: Record<string, string> = {}): string {
  if (issue.path.length === 0) return issue.message;
  const label = labelOf(issue.path, labels);
  return predicate.test(issue.message) ? `${label} ${issue.message}` : `${label}: ${issue.message}`;
}
