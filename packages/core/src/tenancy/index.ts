export { Client } from "./client";
export { Me } from "./me";
export { Provider } from "./provider";
export * as TenancySchema from "./schema";
export { User } from "./user";
