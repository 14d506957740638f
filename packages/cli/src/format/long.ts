// -long: every attribute as `Name = expression` in old ClassAd syntax (sPrintAd), sorted by name, each ad
// followed by a blank line;
// -long:new and -long:newl: each ad in new ClassAd syntax, `[ Name = expression; ... ]`.
import { formatAttributeName as formatAttrName, unparseNewSyntax } from '@tinycondor/shared/classad/index';
import type { ClassAd } from './classad.js';
import { compareAttrNames } from './text.js';

/** The ad's attribute names, sorted by name unless `sorted` is false (-long:nosort: the ad's own order). */
export function attrOrder(ad: ClassAd, sorted: boolean): string[] {
  return sorted ? [...ad.names()].sort(compareAttrNames) : [...ad.names()];
}

export function formatLong(ads: ClassAd[], sorted = true): string {
  return ads.map((ad) => {
    const lines = attrOrder(ad, sorted).map((name) => `${name} = ${ad.getOldSource(name) ?? 'undefined'}\n`);
    return lines.length === 0 ? '' : lines.join('') + '\n';
  }).join('');
}

/** ClassAdUnParser in new syntax: `[ A = 1; B = "x" ]`. */
function newSyntaxAd(ad: ClassAd, sorted: boolean): string {
  return `[ ${attrOrder(ad, sorted).map((name) => `${formatAttrName(name, 'new')} = ${unparseNewSyntax(ad.get(name)!)}`).join('; ')} ]`;
}

/**
 * CondorClassAdListWriter's Parse_new (`{`, the ads separated by `,` lines, `}`; nothing for no ads) and, with
 * `oneLine`, Parse_new_l (one ad a line).
 */
export function formatNewSyntax(ads: ClassAd[], oneLine: boolean, sorted = true): string {
  const texts = ads.filter((ad) => ad.names().length > 0).map((ad) => `${newSyntaxAd(ad, sorted)}\n`);
  if (oneLine || texts.length === 0) return texts.join('');
  return `{\n${texts.join(',\n')}}\n`;
}
