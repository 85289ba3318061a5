export { ApiKey } from "./api-key";
export { generateSigningKey } from "./keys";
export { RateLimit } from "./rate-limit";
export { Auth, lockSeconds, Tokens } from "./session";
