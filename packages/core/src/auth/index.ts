export { ApiKey } from "./api-key";
export { generateSigningKey } from "./keys";
export { LoginLock, lockSeconds } from "./login-lock";
export { RateLimit } from "./rate-limit";
export { Auth, Tokens } from "./session";
export { SessionCheck, sessionOf } from "./session-check";
