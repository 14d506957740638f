import t from 'tap';
import { ClassAd } from '../classad/index.js';
import type { JobEvent } from './events.js';
import { formatEventText } from './format-text.js';
import { jobAdInformationEvent } from './job-ad-information.js';

const time = new Date('2026-12-07T10:00:00Z');
const terminated: JobEvent = { code: 5, cluster: 3, proc: 1, time, exit: { bySignal: false, returnValue: 2 } };

t.test('a 028 event follows each event of a job naming attributes: the trigger\'s ad, then the attributes', async (t) => {
  const ad = ClassAd.fromJSON({ JobAdInformationAttrs: '"JobPrio, Cmd List  Missing ReturnValue"', JobPrio: '1 + 1', Cmd: '"/bin/x"', List: '{1}', ReturnValue: '"mine"' });
  const info = jobAdInformationEvent(terminated, ad);
  t.match(info, { code: 28, cluster: 3, proc: 1, time, triggerCode: 5 });
  t.same(info?.code === 28 ? Object.entries(info.attrs).filter(([name]) => /^(JobPrio|Cmd|List|Missing|ReturnValue|TerminatedNormally)$/.test(name)) : [], [
    ['TerminatedNormally', true],
    ['JobPrio', 2],
    ['Cmd', '/bin/x'],
    ['ReturnValue', 'mine'],
  ], 'evaluated scalars only, a job attribute replacing the event\'s of its name');
  const text = formatEventText(info!);
  t.match(text, /^028 \(003\.001\.000\) .* Job ad information event triggered\.\n/);
  t.match(text, /\nTriggerEventTypeNumber = 5\n/);
  t.equal(jobAdInformationEvent(terminated, ClassAd.fromJSON({})), undefined);
  t.equal(jobAdInformationEvent(info!, ad), undefined, 'none after a 028 event');
});
