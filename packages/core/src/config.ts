import { Resource } from "sst/resource";

/**
 * Runtime settings. On AWS they come from SST links (`Resource.*`); the local stack and the
 * tests call `Config.configure` once at start. Nothing reads hand-set environment variables.
 */
export interface RuntimeConfig {
  tableName: string;
  /** DynamoDB Local's URL; unset on AWS. */
  dynamoEndpoint?: string;
  region: string;
  /** Private Ed25519 JWK (JSON) that signs access tokens and derives the cursor key. */
  signingKey: string;
  /** Whether public self-service sign-up is open. */
  signup: "open" | "closed";
  /**
   * How long an instance trusts what it last read about a session or API key (revoked, disabled,
   * role, clients). Bounds how long a revoked credential keeps working elsewhere.
   */
  credentialCacheMs: number;
  /** S3's URL (s3rver locally); unset on AWS. */
  s3Endpoint?: string;
  /** SES v2's URL (aws-ses-v2-local locally); unset on AWS. */
  sesEndpoint?: string;
  /** Raw inbound MIME, where the SES receipt rule stores it (key `inbound/<SES message id>`). */
  rawMailBucket: string;
  /** Attachments under tenant-prefixed keys. */
  attachmentsBucket: string;
  /** The inbound mail domain: every client's default address and signed reply addresses live on it. */
  mailDomain: string;
  /** The SES configuration set outbound mail goes through (its events feed delivery states); unset locally. */
  sesConfigurationSet?: string;
}

interface LinkedResources {
  Table?: { name: string };
  JwtSigningKey?: { value: string };
  Settings?: { signup: "open" | "closed"; region: string; mailDomain: string; sesConfigurationSet: string };
  RawMail?: { name: string };
  Attachments?: { name: string };
}

const overrides: Partial<RuntimeConfig> = {};
const listeners: (() => void)[] = [];

function linked(): LinkedResources {
  const resource = Resource as unknown as LinkedResources;
  const pick = <K extends keyof LinkedResources>(key: K) => (key in resource ? resource[key] : undefined);
  return {
    Table: pick("Table"),
    JwtSigningKey: pick("JwtSigningKey"),
    Settings: pick("Settings"),
    RawMail: pick("RawMail"),
    Attachments: pick("Attachments"),
  };
}

function fromLinks(): Partial<RuntimeConfig> {
  const links = linked();
  return {
    tableName: links.Table?.name,
    signingKey: links.JwtSigningKey?.value,
    signup: links.Settings?.signup,
    region: links.Settings?.region,
    mailDomain: links.Settings?.mailDomain,
    sesConfigurationSet: links.Settings?.sesConfigurationSet,
    rawMailBucket: links.RawMail?.name,
    attachmentsBucket: links.Attachments?.name,
  };
}

export namespace Config {
  export function configure(values: Partial<RuntimeConfig>) {
    Object.assign(overrides, values);
    for (const listener of listeners) listener();
  }

  export function get<K extends keyof RuntimeConfig>(key: K): RuntimeConfig[K] {
    const value = overrides[key] ?? fromLinks()[key] ?? defaults[key];
    if (value === undefined && !optional.has(key)) {
      throw new Error(`Outdesk is not configured: ${key} is missing (link it in infra/ or call Config.configure)`);
    }
    return value as RuntimeConfig[K];
  }

  /** Runs when configuration changes, so long-lived clients can rebuild. */
  export function onChange(listener: () => void) {
    listeners.push(listener);
  }
}

const optional = new Set<keyof RuntimeConfig>(["dynamoEndpoint", "s3Endpoint", "sesEndpoint", "sesConfigurationSet"]);

const defaults: Partial<RuntimeConfig> = { region: "us-east-1", signup: "open", credentialCacheMs: 20_000 };
