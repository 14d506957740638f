import { compareAttrNames } from './text.js';
export function formatLong(ads) {
    return ads.map((ad) => {
        const lines = [...ad.names()].sort(compareAttrNames).map((name) => `${name} = ${ad.getSource(name) ?? 'undefined'}\n`);
        return lines.length === 0 ? '' : lines.join('') + '\n';
    }).join('');
}
//# sourceMappingURL=long.js.map