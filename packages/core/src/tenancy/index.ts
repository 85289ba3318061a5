export { Client } from "./client";
export { Provider } from "./provider";
export * as TenancySchema from "./schema";
export { Me } from "./me";
export { User } from "./user";
