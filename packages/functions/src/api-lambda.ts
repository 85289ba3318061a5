import { handle } from "hono/aws-lambda";
import { app } from "./api/app";

/** The API Lambda (Function URL / API Gateway v2 events): the same app the local stack serves. */
export const handler = handle(app);
