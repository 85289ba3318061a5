export { Inbound } from "./inbound";
