/**
 * Node's TextDecoder (20.18.3+, 22.13+) decodes windows-1252 and its aliases (iso-8859-1,
 * us-ascii) as Latin-1, so bytes 0x80–0x9F come out as C1 controls instead of € “ ” ’ …
 * (nodejs/node#60888); postal-mime decodes with it. C1 controls never occur in mail text, so
 * mapping them back is safe on any decoded string.
 */
const HIGH = [..."€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ"];

export function repairWindows1252(text: string): string {
  return /[\u0080-\u009f]/.test(text)
    ? text.replace(/[\u0080-\u009f]/g, (c) => HIGH[c.charCodeAt(0) - 0x80] ?? c)
    : text;
}
