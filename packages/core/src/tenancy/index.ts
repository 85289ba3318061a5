export { Client } from "./client";
export { Me } from "./me";
export { Provider } from "./provider";
export { User } from "./user";
