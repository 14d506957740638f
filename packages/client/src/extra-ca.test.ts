import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import t from 'tap';
import { trustedCas } from './extra-ca.js';

const noWarning = (text: string) => {
  throw new Error(`unexpected warning: ${text}`);
};

t.test('the extra CAs are added to node\'s bundled roots, as node\'s default store holds them', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'extra-ca-test-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'ca.pem');
  const pem = fs.readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'tls', 'ca.pem'), 'utf8');
  fs.writeFileSync(file, pem);
  const cas = trustedCas({ NODE_EXTRA_CA_CERTS: file }, noWarning);
  t.same(cas, [...tls.rootCertificates, pem]);
  t.doesNotThrow(() => tls.createSecureContext({ ca: cas }), 'a CA list node accepts');
});

t.test('unset or empty: node\'s default; an unreadable file: node\'s warning, then the default', async (t) => {
  t.equal(trustedCas({}, noWarning), undefined);
  t.equal(trustedCas({ NODE_EXTRA_CA_CERTS: '' }, noWarning), undefined);
  const warnings: string[] = [];
  t.equal(trustedCas({ NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' }, (text) => warnings.push(text)), undefined);
  t.match(warnings, [/^Warning: Ignoring extra certs from `\/nonexistent\/ca\.pem`, load failed: .*ENOENT/]);
});
