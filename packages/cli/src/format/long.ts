// -long: every attribute as `Name = expression`, sorted by name, each ad followed by a blank line.
import type { ClassAd } from './classad.js';
import { compareAttrNames } from './text.js';

export function formatLong(ads: ClassAd[]): string {
  return ads.map((ad) => {
    const lines = [...ad.names()].sort(compareAttrNames).map((name) => `${name} = ${ad.getSource(name) ?? 'undefined'}\n`);
    return lines.length === 0 ? '' : lines.join('') + '\n';
  }).join('');
}
