import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { collapseEscapes, renderPrintfColumn } from './printf-format.js';

const ad = ClassAd.parseText('ClusterId = 12\nProcId = 3\nOwner = "alice"\nRequestMemory = 2048\nScale = 1.5\nDouble = RequestMemory * 2\nFlag = true');
const render = (format: string, attr: string) => renderPrintfColumn(ad, { format, attr });

t.test('one conversion, with the text around it and its escapes', async (t) => {
  t.equal(render('%d.', 'ClusterId') + render('%d\\n', 'ProcId'), '12.3\n');
  t.equal(render('[%5d]', 'ProcId'), '[    3]');
  t.equal(render('%-8s|', 'Owner'), 'alice   |');
  t.equal(render('%.2f%%\\t', 'Scale'), '1.50%\t');
  t.equal(render('%x', 'RequestMemory'), '800');
  t.equal(render('%d', 'Scale'), '1', 'a real written with %d is truncated');
  t.equal(render('%d', 'Double'), '4096', 'an expression attribute is evaluated');
  t.equal(render('%d', 'ClusterId * 10'), '120', 'an expression that is not an attribute');
});

t.test('a value that does not suit the conversion prints nothing; %s of a non-string writes its expression', async (t) => {
  t.equal(render('%d\\n', 'Owner'), '');
  t.equal(render('%d\\n', 'Missing'), '');
  t.equal(render('%s\\n', 'Missing'), '');
  t.equal(render('%s', 'Double'), 'RequestMemory * 2');
  t.equal(render('%s', 'RequestMemory'), '2048');
});

t.test('%v and %V: the value, strings plain or quoted', async (t) => {
  t.equal(render('%v', 'Owner'), 'alice');
  t.equal(render('%V', 'Owner'), '"alice"');
  t.equal(render('%v', 'Missing'), 'undefined');
  t.equal(render('%v', 'Flag'), 'true');
});

t.test('a format without a conversion is written as it is', async (t) => {
  t.equal(render('\\n', 'Owner'), '\n');
  t.equal(render('-- %%', 'Owner'), '-- %%');
  t.equal(collapseEscapes('a\\tb\\x41\\101\\\\'), 'a\tbAA\\');
});

t.test('%r: the expression unparsed', async (t) => {
  const raw = new ClassAd().set('Memory', 10);
  raw.setExpr('Requirements', 'Memory > 5');
  t.equal(renderPrintfColumn(raw, { format: '[%r]', attr: 'Requirements' }), '[Memory > 5]');
  t.equal(renderPrintfColumn(raw, { format: '%r', attr: 'Missing' }), '');
});
