import { withActor } from "@outdesk/core/actor";
import { Client, Provider, User } from "@outdesk/core/tenancy";

export const DEMO_PASSWORD = "outdesk-demo";
export const DEMO_PROVIDER = "northwind";

export interface DemoLogin {
  role: string;
  email: string;
  scope: string;
}

const clients = [
  { name: "Acme Corporation", slug: "acme", timeZone: "America/New_York", supportAddresses: ["help@acme.example"] },
  { name: "Globex", slug: "globex", timeZone: "Europe/London", supportAddresses: ["support@globex.example"] },
  { name: "Initech", slug: "initech", timeZone: "America/Chicago", supportAddresses: ["help@initech.example"] },
];

export const demoLogins: DemoLogin[] = [
  { role: "provider_admin", email: "admin@northwind.example", scope: "all clients" },
  { role: "agent", email: "maya@northwind.example", scope: "Acme, Globex" },
  { role: "agent", email: "leo@northwind.example", scope: "Initech" },
  { role: "client_admin", email: "ops@acme.example", scope: "Acme" },
  { role: "client_admin", email: "it@globex.example", scope: "Globex" },
  { role: "client_admin", email: "desk@initech.example", scope: "Initech" },
];

/**
 * Seeds "Northwind Support" once, through the same core operations the API uses. Returns
 * false when it is already there (the data dir persists across restarts).
 */
export async function seedDemo(): Promise<boolean> {
  if (await Provider.resolveSlug(DEMO_PROVIDER)) return false;
  const { providerId } = await Provider.signup({
    providerName: "Northwind Support",
    providerSlug: DEMO_PROVIDER,
    adminName: "Nora Admin",
    adminEmail: "admin@northwind.example",
    password: DEMO_PASSWORD,
  });
  await withActor({ type: "system", providerId, id: "seed", role: "system", clientIds: "all" }, async () => {
    const [acme, globex, initech] = await Promise.all(clients.map((client) => Client.create(client)));
    const users = [
      {
        email: "maya@northwind.example",
        name: "Maya Agent",
        role: "agent" as const,
        clientIds: [acme!.id, globex!.id],
      },
      { email: "leo@northwind.example", name: "Leo Agent", role: "agent" as const, clientIds: [initech!.id] },
      { email: "ops@acme.example", name: "Olivia (Acme)", role: "client_admin" as const, clientIds: [acme!.id] },
      { email: "it@globex.example", name: "Ian (Globex)", role: "client_admin" as const, clientIds: [globex!.id] },
      { email: "desk@initech.example", name: "Dee (Initech)", role: "client_admin" as const, clientIds: [initech!.id] },
    ];
    for (const user of users) await User.insert(providerId, { ...user, password: DEMO_PASSWORD });
  });
  return true;
}
