export { Inbound } from "./inbound";
export { OriginalInfo, originalUrl } from "./original";
