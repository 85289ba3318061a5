/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  app(input) {
    return {
      name: "outdesk",
      home: "aws",
      // Production data outlives a mistaken `sst remove`; other stages clean up after themselves.
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
    };
  },
  async run() {
    const storage = await import("./infra/storage");
    const secrets = await import("./infra/secrets");
    const api = await import("./infra/api");
    const email = await import("./infra/email");
    await import("./infra/cron");
    await import("./infra/search");
    const web = await import("./infra/web");
    return {
      url: web.router.url,
      api: api.api.url,
      table: storage.table.name,
      rawMailBucket: storage.rawMail.name,
      attachmentsBucket: storage.attachments.name,
      signingKeySecret: secrets.jwtSigningKey.name,
      mailDomain: secrets.mail.domain,
      mailDnsRecords: email.mailDnsRecords,
    };
  },
});
