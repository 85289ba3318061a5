import { benchStack, printTable } from "./harness";
import { requestsPerOperation } from "./requests-per-operation";

/** Every benchmark, in one run against one DynamoDB Local. */
const dynamo = await benchStack();
try {
  printTable("DynamoDB requests per API operation (mean of 5 runs)", await requestsPerOperation());
} finally {
  await dynamo.stop();
}
