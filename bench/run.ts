import { billingReport, printBilling } from "./billing";
import { bundleReport, printBundleReport } from "./bundle";
import { calendarReport, printCalendar } from "./calendar";
import { printLifeCost, ticketLife } from "./cost";
import { benchStack, printTable } from "./harness";
import { inboundReport, printInbound } from "./inbound";
import { overheadRows, printOverhead } from "./overhead";
import { requestsPerOperation } from "./requests-per-operation";
import { printSearch, searchReport } from "./search";
import { printSla, slaReport } from "./sla";
import { printViews, viewsAtScale } from "./views";

/** Every benchmark, in one run. The bundle's import timing goes first, before DynamoDB Local's JVM starts. */
printBundleReport("API bundle as SST builds it (infra/api-bundle.ts)", await bundleReport());
const dynamo = await benchStack();
try {
  printTable("DynamoDB requests and capacity units per API operation (mean of 5 runs)", await requestsPerOperation());
  printLifeCost(await ticketLife());
  printViews(await viewsAtScale());
  printOverhead(await overheadRows());
  printInbound(await inboundReport());
  printCalendar(calendarReport());
  printBilling(await billingReport());
  printSearch(await searchReport());
  // Last: it sweeps the SLA index every tenant shares, the earlier benches' tickets included.
  printSla(await slaReport());
} finally {
  await dynamo.stop();
}
