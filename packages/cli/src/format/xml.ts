// -xml: the ads as CondorClassAdListWriter writes them in XML form: the file header, each ad by
// classad::ClassAdXMLUnParser without compact spacing (src/classad/xmlSink.cpp), its attributes sorted,
// then the footer, both written even when there are no ads (condor_q's always_write_xml_footer).
import { unparseNewSyntax, type Expr, type ScalarValue } from '@tinycondor/shared/classad/index';
import { escapeXmlString, formatXmlReal } from '@tinycondor/shared/eventlog/index';
import type { ClassAd } from './classad.js';
import { attrOrder } from './long.js';

const HEADER = '<?xml version="1.0"?>\n<!DOCTYPE classads SYSTEM "classads.dtd">\n<classads>\n';
const FOOTER = '</classads>\n';

/** ClassAdUnParser with setXMLUnparse (xmlSink.cpp: new ClassAd syntax): the expression's text with &, < and > as entities. */
function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function literal(v: ScalarValue): string {
  switch (v.type) {
    case 'undefined': return '<u/>';
    case 'error': return '<er/>';
    case 'bool': return `<b v="${v.value ? 't' : 'f'}"/>`;
    case 'int': return `<i>${v.value}</i>`;
    case 'real': return `<r>${formatXmlReal(v.value)}</r>`;
    case 'string': return `<s>${escapeXmlString(v.value)}</s>`;
  }
}

/** Literals, lists and nested ads in their own tags; any other expression as `<e>` and its text. */
function unparseExpr(expr: Expr, indent: number): string {
  switch (expr.kind) {
    case 'literal':
      return literal(expr.value);
    case 'list':
      return `<l>${expr.items.map((item) => unparseExpr(item, indent)).join('')}</l>`;
    case 'record':
      return unparseAttrs(expr.entries.map((e) => [e.name, e.expr]), indent);
    default:
      return `<e>${xmlText(unparseNewSyntax(expr))}</e>`;
  }
}

/** UnparseAux: `<c>`, one `<a n="...">` line per attribute indented 4 deeper, `</c>`. */
function unparseAttrs(attrs: Array<[string, Expr]>, indent: number): string {
  let out = '<c>\n';
  for (const [name, expr] of attrs) {
    out += `${' '.repeat(indent + 4)}<a n="${escapeXmlString(name)}">${unparseExpr(expr, indent + 4)}</a>\n`;
  }
  out += `${' '.repeat(indent)}</c>`;
  return indent === 0 ? `${out}\n` : out;
}

export function formatXml(ads: ClassAd[], sorted = true): string {
  const body = ads
    .filter((ad) => ad.names().length > 0)
    .map((ad) => unparseAttrs(attrOrder(ad, sorted).map((name): [string, Expr] => [name, ad.get(name)!]), 0));
  return HEADER + body.join('') + FOOTER;
}
