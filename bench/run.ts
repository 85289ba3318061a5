import { bundleReport, printBundleReport } from "./bundle";
import { benchStack, printTable } from "./harness";
import { requestsPerOperation } from "./requests-per-operation";

/** Every benchmark, in one run. The bundle's import timing goes first, before DynamoDB Local's JVM starts. */
printBundleReport("API bundle as SST builds it (infra/api-bundle.ts)", await bundleReport());
const dynamo = await benchStack();
try {
  printTable("DynamoDB requests per API operation (mean of 5 runs)", await requestsPerOperation());
} finally {
  await dynamo.stop();
}
