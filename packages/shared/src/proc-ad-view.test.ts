import t from 'tap';
import { ClassAdParseError } from './classad/index.js';
import { ClusterAd, type ProcOverlay } from './cluster-ad.js';
import { ProcAdView } from './proc-ad-view.js';

const common = {
  ClusterId: '7',
  ProcId: '0',
  Cmd: '"/bin/true"',
  Out: '"out.0"',
  Twice: 'ProcId * 2',
  Chain: 'Twice + 1',
  Label: 'strcat(Out, ".", Missing)',
  Fallback: 'ifThenElse(isUndefined(Missing), "none", Missing)',
  Real: '2.75',
  Flag: 'true',
};

const overlays: ProcOverlay[] = [
  {},
  { ProcId: '3' },
  { ProcId: '3', Out: '"out.3"' },
  { procid: '4', OUT: '"o4"' },
  { Missing: '"here"' },
  { Missing: '12', Twice: null },
  { Cmd: null, Flag: '0' },
  { Chain: 'ProcId - 1', ProcId: '9' },
  { Extra: 'Chain * 10', ProcId: '2' },
  { Out: '"quote \\" inside"' },
  { Real: '007', Flag: '-1' },
];

const names = ['ClusterId', 'ProcId', 'Cmd', 'Out', 'Twice', 'Chain', 'Label', 'Fallback', 'Real', 'Flag', 'Missing', 'Extra', 'Absent'];

t.test('a view reads every attribute as the whole proc ad does', async (t) => {
  const cluster = new ClusterAd(common);
  for (const overlay of overlays) {
    const whole = cluster.procAd(overlay);
    const view = new ProcAdView(cluster, overlay);
    for (const name of names) {
      const where = `${name} under ${JSON.stringify(overlay)}`;
      t.same(view.evaluate(name), whole.evaluate(name), where);
      t.equal(view.getInt(name), whole.getInt(name), `getInt ${where}`);
      t.equal(view.getString(name), whole.getString(name), `getString ${where}`);
      t.equal(view.getBool(name), whole.getBool(name), `getBool ${where}`);
      t.equal(view.has(name), whole.has(name), `has ${where}`);
      t.same(view.get(name), whole.get(name), `get ${where}`);
    }
  }
});

t.test('an overlay of plain literals is read without building the ad', async (t) => {
  const cluster = new ClusterAd(common);
  const view = new ProcAdView(cluster, { ProcId: '5', Out: '"out.5"' });
  t.equal(view.getInt('ClusterId'), 7);
  t.equal(view.getString('Cmd'), '/bin/true');
  t.equal(view.getInt('ProcId'), 5);
  t.equal(view.getString('Label'), undefined, 'Label reads Out, which the overlay changes');
  t.equal(view.getInt('Twice'), 10, 'Twice reads ProcId: evaluated in the whole ad');
});

t.test('an overlay that does not parse is refused at once, naming the attribute', async (t) => {
  const cluster = new ClusterAd(common);
  t.throws(() => new ProcAdView(cluster, { ProcId: '1', Requirements: 'Memory >' }), ClassAdParseError);
  t.throws(() => new ProcAdView(cluster, { Requirements: 'Memory >' }), /Requirements/);
});
