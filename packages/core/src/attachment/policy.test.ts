import { describe, expect, it } from "vitest";
import {
  cleanContentId,
  cleanFilename,
  contentDisposition,
  downloadContentType,
  mailFilename,
  normalizeContentType,
  uploadRefusal,
} from "./policy";

describe("file names", () => {
  it.each([
    ["../../etc/passwd", "passwd"],
    ["C:\\Users\\lucas\\Desktop\\report.pdf", "report.pdf"],
    ["invoice\u202Efdp.exe", "invoicefdp.exe"],
    ["\u2066tab\tand\nnewline\u0000.txt\u2069", "tabandnewline.txt"],
    ["  .hidden  ", "hidden"],
    ["trailing dots...", "trailing dots"],
    ['what?<a>:"b"|*.txt', "what__a___b___.txt"],
    ["CON.txt", "_CON.txt"],
    ["lpt1", "_lpt1"],
    ["Cafe\u0301.pdf", "Café.pdf"],
    ["\u202E\u2066", ""],
    ["/", ""],
  ])("%j is saved as %j", (name, clean) => {
    expect(cleanFilename(name)).toBe(clean);
  });

  it("keeps the extension when it shortens a long name", () => {
    const clean = cleanFilename(`${"x".repeat(300)}.pdf`);
    expect([...clean]).toHaveLength(200);
    expect(clean.endsWith(".pdf")).toBe(true);
  });

  it("names nameless mail parts from their type", () => {
    expect(mailFilename(null, "image/png")).toBe("image.png");
    expect(mailFilename("\u202E", "message/rfc822")).toBe("message.eml");
    expect(mailFilename(undefined, "application/pdf")).toBe("attachment.pdf");
    expect(mailFilename("", "application/x-unknown")).toBe("attachment");
  });

  it("cleans Content-IDs of brackets and controls", () => {
    expect(cleanContentId("<image001.png@01DCAB3E.5F2C1A70>")).toBe("image001.png@01DCAB3E.5F2C1A70");
    expect(cleanContentId(" <a\r\n@b> ")).toBe("a@b");
    expect(cleanContentId("<>")).toBeUndefined();
    expect(cleanContentId(undefined)).toBeUndefined();
  });
});

describe("types", () => {
  it("normalizes MIME types and falls back to octet-stream", () => {
    expect(normalizeContentType("Image/PNG; name=x.png")).toBe("image/png");
    expect(normalizeContentType("not a type")).toBe("application/octet-stream");
    expect(normalizeContentType(undefined)).toBe("application/octet-stream");
  });

  it("refuses programs and scripts by extension or type, whatever the other says", () => {
    expect(uploadRefusal("setup.EXE", "application/pdf")).toMatch(/\.exe/);
    expect(uploadRefusal("report.pdf", "application/x-msdownload")).toMatch(/x-msdownload/);
    expect(uploadRefusal("script.js", "text/plain")).toBeDefined();
    expect(uploadRefusal("report.pdf", "application/pdf")).toBeUndefined();
    expect(uploadRefusal("page.html", "text/html")).toBeUndefined();
  });

  it("serves active content as application/octet-stream", () => {
    for (const type of ["text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/javascript"]) {
      expect(downloadContentType(type), type).toBe("application/octet-stream");
    }
    for (const type of ["application/pdf", "image/png", "text/plain", "text/csv", "video/mp4"]) {
      expect(downloadContentType(type), type).toBe(type);
    }
    expect(downloadContentType("application/vnd.openxmlformats-officedocument.wordprocessingml.document")).not.toBe(
      "application/octet-stream",
    );
  });
});

describe("Content-Disposition", () => {
  it("gives an ASCII fallback and the UTF-8 name (RFC 6266)", () => {
    expect(contentDisposition("attachment", "Überweisung März (1).pdf")).toBe(
      `attachment; filename="_berweisung M_rz (1).pdf"; filename*=UTF-8''%C3%9Cberweisung%20M%C3%A4rz%20%281%29.pdf`,
    );
    expect(contentDisposition("inline", "a'b(c).png")).toBe(
      `inline; filename="a'b(c).png"; filename*=UTF-8''a%27b%28c%29.png`,
    );
  });

  it("cannot be broken out of: quotes, backslashes and line breaks never reach the header", () => {
    const header = contentDisposition("attachment", 'x"; filename="evil.html\r\nSet-Cookie: a=b\\.txt');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.match(/"/g)).toHaveLength(2);
    expect(header).not.toContain("\\");
  });
});
