import t from 'tap';
import { ClassAd } from '@tinycondor/shared/classad/index';
import { formatXml } from './xml.js';

const HEADER = '<?xml version="1.0"?>\n<!DOCTYPE classads SYSTEM "classads.dtd">\n<classads>\n';

t.test('-xml: each ad as ClassAdXMLUnParser writes it, attributes sorted, inside the file header and footer', async (t) => {
  const ad = ClassAd.parseText([
    'ProcId = 0',
    'Cmd = "/bin/a&b<c>\\d"',
    'ClusterId = 12',
    'Rank = 0.5',
    'WantCheckpoint = false',
    'Requirements = (TARGET.Memory >= RequestMemory) && true',
    'Ratio = Load * 0.5 =?= "C:\\x"',
    'Nothing = undefined',
    'Tags = { "x", 1 }',
  ].join('\n'));
  t.equal(formatXml([ad, new ClassAd()]), HEADER + [
    '<c>',
    '    <a n="ClusterId"><i>12</i></a>',
    '    <a n="Cmd"><s>/bin/a&amp;b&lt;c&gt;\\\\d</s></a>',
    '    <a n="Nothing"><u/></a>',
    '    <a n="ProcId"><i>0</i></a>',
    '    <a n="Rank"><r>5.000000000000000E-01</r></a>',
    '    <a n="Ratio"><e>Load * 5.000000000000000E-01 is "C:\\\\x"</e></a>',
    '    <a n="Requirements"><e>(TARGET.Memory &gt;= RequestMemory) &amp;&amp; true</e></a>',
    '    <a n="Tags"><l><s>x</s><i>1</i></l></a>',
    '    <a n="WantCheckpoint"><b v="f"/></a>',
    '</c>',
    '</classads>',
    '',
  ].join('\n'), 'an ad with no attributes is left out');
  t.equal(formatXml([]), `${HEADER}</classads>\n`, 'header and footer even with no ads');
});
