// Builders for the tests of this directory (not exported from index.ts).
import { ClassAd } from '@tinycondor/shared/classad/index';
/** Seconds since the epoch for an ISO time; tests run with TZ=UTC so local time is UTC. */
export function at(iso) {
    return Math.floor(Date.parse(iso) / 1000);
}
/** A job ad from attribute values; strings are string literals. */
export function jobAd(attrs) {
    const ad = new ClassAd();
    for (const [name, value] of Object.entries(attrs))
        ad.set(name, value);
    return ad;
}
export const CTX = {
    scheddName: 'submit.example.org',
    scheddAddress: '<127.0.0.1:9618?addrs=127.0.0.1-9618&alias=submit.example.org>',
    now: new Date('2026-11-23T10:00:01Z'),
    currentUser: 'alice',
};
export const TITLE = '\n\n-- Schedd: submit.example.org : <127.0.0.1:9618?... @ 11/23/26 10:00:01\n';
//# sourceMappingURL=test-ads.js.map