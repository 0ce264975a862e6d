import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListing } from '../ingest/listing.js';
import {
  DATASETS,
  countDatasets,
  extractCodeLinks,
  extractEntities,
  extractResults,
  findDatasetMentions,
  lookupDataset,
  sentenceRanges,
  type ReportedResult,
} from './entities.js';

const names = (text: string) => findDatasetMentions(text).flatMap((m) => m.names);
const results = (text: string) => extractResults(text);
const only = (text: string): ReportedResult => {
  const rs = extractResults(text);
  expect(rs, JSON.stringify(rs)).toHaveLength(1);
  const r = rs[0];
  if (!r) throw new Error('no result');
  return r;
};

describe('the dataset dictionary', () => {
  it('has well over 80 entries with unique canonical names', () => {
    expect(DATASETS.length).toBeGreaterThan(200);
    expect(new Set(DATASETS.map((d) => d.name)).size).toBe(DATASETS.length);
    for (const wanted of [
      'CIFAR-10',
      'CIFAR-100',
      'ImageNet',
      'MNIST',
      'Fashion-MNIST',
      'SVHN',
      'CelebA',
      'LSUN',
      'COCO',
      'Pascal VOC',
      'Cityscapes',
      'KITTI',
      'GLUE',
      'SuperGLUE',
      'SQuAD',
      'MultiNLI',
      'SNLI',
      'WMT14',
      'IWSLT',
      'Penn Treebank',
      'WikiText-103',
      'enwik8',
      'One Billion Word',
      'Atari',
      'MuJoCo',
      'DeepMind Control Suite',
      'OpenAI Gym',
      'StarCraft II',
      'VizDoom',
      'Omniglot',
      'miniImageNet',
      'tieredImageNet',
      'CUB-200-2011',
      'Stanford Cars',
      'Stanford Dogs',
      'Tiny ImageNet',
      'UCI',
      'ModelNet40',
      'ShapeNet',
      'QM9',
      'ZINC',
      'Cora',
      'Citeseer',
      'PubMed',
      'OGB',
      'PPI',
      'Reddit',
      'MS MARCO',
      'Natural Questions',
      'HotpotQA',
      'bAbI',
      'CLEVR',
      'VQA',
      'Visual Genome',
      'LibriSpeech',
      'TIMIT',
      'VCTK',
      'Kinetics',
      'UCF101',
      'Something-Something',
      'NAS-Bench-101',
      'NAS-Bench-201',
    ]) {
      expect(lookupDataset(wanted)?.name, wanted).toBe(wanted);
    }
  });

  it('finds every canonical name and alias as its own entry (no spelling claimed twice)', () => {
    for (const d of DATASETS) {
      for (const alias of [...d.aliases, ...d.exact]) {
        expect(names(`We evaluate on ${alias} today.`), `${d.name} <- ${alias}`).toEqual([d.name]);
      }
    }
  });

  it('skips only tokens no spelling starts with (any case, non-ASCII letters looked up)', () => {
    // Tokens are skipped by length and first and last letter before the trie is consulted.
    for (const d of DATASETS) {
      for (const alias of d.aliases) {
        for (const form of [alias.toUpperCase(), alias.toLowerCase()]) {
          // Upper-casing can make a longer name (ß → SS) or an exact spelling of another entry.
          if (form.length !== alias.length || DATASETS.some((e) => e.exact.includes(form)))
            continue;
          expect(names(`We evaluate on ${form} today.`), `${d.name} <- ${form}`).toEqual([d.name]);
        }
      }
    }
    expect(names('on αNLI and ΑNLI')).toEqual(['Abductive NLI', 'Abductive NLI']);
    // The Kelvin sign lower-cases to an ASCII k.
    expect(names('on \u212AITTI and KITTI')).toEqual(['KITTI', 'KITTI']);
    expect(names('the zeta of kitty, mnists and q m n i s t')).toEqual([]);
  });

  it('matches case, hyphen, space and joined variants', () => {
    for (const s of ['CIFAR-10', 'CIFAR10', 'CIFAR 10', 'cifar-10', 'Cifar10', 'CIFAR‐10']) {
      expect(names(`on ${s}.`), s).toEqual(['CIFAR-10']);
    }
    for (const s of [
      'ImageNet',
      'ImageNet-1k',
      'ImageNet 1K',
      'ILSVRC-2012',
      'IMAGENET',
      'ILSVRC',
    ]) {
      expect(names(`on ${s}.`), s).toEqual(['ImageNet']);
    }
    for (const s of ['miniImageNet', 'Mini-ImageNet', 'mini ImageNet', 'MiniImageNet']) {
      expect(names(`on ${s}.`), s).toEqual(['miniImageNet']);
    }
    for (const s of ['Fashion-MNIST', 'FashionMNIST', 'fashion mnist']) {
      expect(names(`on ${s}.`), s).toEqual(['Fashion-MNIST']);
    }
    for (const s of ["WMT'14", 'WMT14', 'WMT 2014', 'WMT-14', 'WMT’14']) {
      expect(names(`on ${s} En-De.`), s).toEqual(['WMT14']);
    }
    expect(names('on NAS-Bench-201 and NASBench-101')).toEqual(['NAS-Bench-201', 'NAS-Bench-101']);
    expect(names('Atari 2600 games, Atari-57 and the Arcade Learning Environment')).toEqual([
      'Atari',
      'Atari',
      'Atari',
    ]);
    expect(names('Human3.6M and Penn Tree Bank and \\squad')).toEqual([
      'Human3.6M',
      'Penn Treebank',
      'SQuAD',
    ]);
  });

  it('respects word boundaries and prefers the longest name', () => {
    expect(names('CIFAR-100 and CIFAR-10')).toEqual(['CIFAR-100', 'CIFAR-10']);
    expect(names('Fashion-MNIST, EMNIST, KMNIST, Moving MNIST')).toEqual([
      'Fashion-MNIST',
      'EMNIST',
      'KMNIST',
      'Moving MNIST',
    ]);
    expect(names('MNISTs are boring; CIFAR100C; CelebA-HQ')).toEqual(['CIFAR-100-C', 'CelebA-HQ']);
    expect(names('ImageNet. A new result; ImageNet-21k; ImageNet-LT')).toEqual([
      'ImageNet',
      'ImageNet-21k',
      'ImageNet-LT',
    ]);
    expect(names('IMDB-BINARY and REDDIT-BINARY')).toEqual(['IMDB-BINARY', 'REDDIT-BINARY']);
  });

  it('matches ordinary words only with the dataset spelling', () => {
    expect(names('we drop the scan and study kinetics of natural questions in a race')).toEqual([]);
    expect(names('On DROP, SCAN and RACE; Kinetics; Natural Questions')).toEqual([
      'DROP',
      'SCAN',
      'RACE',
      'Kinetics',
      'Natural Questions',
    ]);
    expect(names('a spider in the habitat of a doom pitfall')).toEqual([]);
  });

  it('expands combined spellings and counts mentions', () => {
    expect(names('the CIFAR-10/100 datasets')).toEqual(['CIFAR-10', 'CIFAR-100']);
    expect(countDatasets('CIFAR-10 and CIFAR10 and cifar 10, then MNIST.')).toEqual([
      { name: 'CIFAR-10', mentions: 3 },
      { name: 'MNIST', mentions: 1 },
    ]);
  });

  it('decides: a passing mention still names the dataset, but it is not a result', () => {
    // "We cite the ImageNet moment" names ImageNet: the facet means "papers naming the
    // dataset", as the dataset: search filter does. No number, so no result.
    const e = extractEntities({ title: null, abstract: 'We cite the ImageNet moment.', links: [] });
    expect(e.datasets).toEqual([{ name: 'ImageNet', mentions: 1 }]);
    expect(e.results).toEqual([]);
  });

  it('counts the title as well as the abstract', () => {
    const e = extractEntities({
      title: 'NAS-Bench-201: Extending the Scope',
      abstract: 'We extend NAS-Bench-101 into NAS-Bench-201.',
      links: [],
    });
    expect(e.datasets).toEqual([
      { name: 'NAS-Bench-201', mentions: 2 },
      { name: 'NAS-Bench-101', mentions: 1 },
    ]);
  });
});

describe('reported results', () => {
  it('reads the stated forms', () => {
    expect(only('We get 93.73% accuracy on CIFAR-10 with 250 labels.')).toEqual({
      metric: 'accuracy',
      value: '93.73%',
      dataset: 'CIFAR-10',
      sentence: 'We get 93.73% accuracy on CIFAR-10 with 250 labels.',
      condition: 'with 250 labels',
    });
    expect(only('We achieve a top-1 accuracy of 65.19% on ImageNet.')).toMatchObject({
      metric: 'top-1 accuracy',
      value: '65.19%',
      dataset: 'ImageNet',
    });
    expect(only("It reaches a BLEU score of 29.3 on WMT'14 En-De.")).toMatchObject({
      metric: 'BLEU',
      value: '29.3',
      dataset: 'WMT14',
    });
    expect(only('The model reaches a perplexity of 15.79.')).toMatchObject({
      metric: 'perplexity',
      value: '15.79',
      dataset: null,
    });
    expect(only('It obtains an F1 of 90.2 on SQuAD.')).toMatchObject({
      metric: 'F1',
      value: '90.2',
    });
    expect(only('It has an error rate of 4.5% on SVHN.')).toMatchObject({
      metric: 'error',
      value: '4.5%',
      dataset: 'SVHN',
    });
    expect(only('Our GAN achieves 2.7 FID on CelebA-HQ.')).toMatchObject({
      metric: 'FID',
      value: '2.7',
      dataset: 'CelebA-HQ',
    });
    expect(only('We report 17.1 ppl.')).toMatchObject({ metric: 'perplexity', value: '17.1' });
    expect(only('It gets 0.97bpc on enwik8.')).toMatchObject({
      metric: 'bpc',
      value: '0.97',
      dataset: 'enwik8',
    });
    expect(
      only('OFA achieves a new SOTA 80.0% ImageNet top-1 accuracy under the mobile setting.'),
    ).toMatchObject({
      metric: 'top-1 accuracy',
      value: '80.0%',
      dataset: 'ImageNet',
      condition: 'under the mobile setting',
    });
  });

  it('cleans LaTeX from the value and keeps the sentence as written', () => {
    const s = 'We achieve top-1 accuracy of $65.19\\%$ on ImageNet.';
    expect(only(s)).toEqual({
      metric: 'top-1 accuracy',
      value: '65.19%',
      dataset: 'ImageNet',
      sentence: s,
    });
  });

  it('takes a condition that comes before the number', () => {
    const r = results(
      "For example, on CIFAR-10 with 250 labeled examples we reach 93.73% accuracy (compared to MixMatch's accuracy of 93.58% with 4000 examples).",
    );
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({
      value: '93.73%',
      dataset: 'CIFAR-10',
      condition: 'with 250 labeled examples',
    });
  });

  it('pairs lists of values with lists of datasets', () => {
    const a = results(
      'It achieves test accuracies of 85.44% and 67.75% on ARC-Easy and ARC-Challenge.',
    );
    expect(a.map((r) => [r.value, r.dataset])).toEqual([
      ['85.44%', 'AI2 ARC'],
      ['67.75%', 'AI2 ARC'],
    ]);
    const b = results(
      'It obtains state-of-the-art results in the WikiText-103 and Enwik8 benchmarks, achieving 17.1 ppl and 0.97bpc respectively.',
    );
    expect(b.map((r) => [r.metric, r.value, r.dataset])).toEqual([
      ['perplexity', '17.1', 'WikiText-103'],
      ['bpc', '0.97', 'enwik8'],
    ]);
    const c = results(
      'It achieves new state-of-the-art F1 scores for PPI (0.995) and Reddit (0.970).',
    );
    expect(c.map((r) => [r.metric, r.value, r.dataset])).toEqual([
      ['F1', '0.995', 'PPI'],
      ['F1', '0.970', 'Reddit'],
    ]);
    const d = results('We obtain 58.6% mAP on Charades and 34.27% accuracy on Moments-in-Time.');
    expect(d.map((r) => [r.metric, r.value, r.dataset])).toEqual([
      ['mAP', '58.6%', 'Charades'],
      ['accuracy', '34.27%', 'Moments in Time'],
    ]);
  });

  it('continues a metric over ", and X on D"', () => {
    const r = results(
      'Notably, we achieve 7.02% verified test error on MNIST at epsilon=0.3, and 66.94% on CIFAR-10 with epsilon=8/255.',
    );
    expect(r.map((x) => [x.metric, x.value, x.dataset, x.condition])).toEqual([
      ['verified error', '7.02%', 'MNIST', 'at epsilon=0.3'],
      ['verified error', '66.94%', 'CIFAR-10', 'with epsilon=8/255'],
    ]);
  });

  it('takes the new value of "from X to Y"', () => {
    const r = results(
      'CR-GAN improves state-of-the-art FID scores for conditional generation from 14.73 to 11.48 on CIFAR-10 and from 8.73 to 6.66 on ImageNet-2012.',
    );
    expect(r.map((x) => [x.metric, x.value, x.dataset])).toEqual([
      ['FID', '11.48', 'CIFAR-10'],
      ['FID', '6.66', 'ImageNet'],
    ]);
  });

  it('skips differences, bounds, baselines and vague numbers', () => {
    for (const s of [
      'Our method improves accuracy by 2.1% on CIFAR-10.',
      'It yields a 3% higher accuracy than the baseline.',
      'We obtain a 2.3 BLEU improvement on WMT14.',
      'This gives 5% top-1 accuracy gains on ImageNet.',
      'It reaches more than 85% accuracy, compared with less than 50% accuracy for baselines.',
      'The baseline reaches 70% accuracy on SVHN.',
      'Compared to the 69.76% accuracy of the baseline, ours is better.',
      'Human performance is an accuracy of 91.4%.',
      'We beat the previous best accuracy of 88% on MNIST.',
      'It outperforms Transformer on WMT14 by 1.2/1.7 BLEU, respectively.',
      'It achieves 1.8 lower perplexity than the transformer.',
      'We attack with epsilon=8/255 and 3-hop questions on 10x fewer GPUs.',
      'It improves 0.01–0.05 bpc on four character-based datasets.',
      'The improvements of 14.4%, 18.2% and 13.1% mAP are large.',
      'Our attack has a nearly 100% success rate.',
      'It gets up to 4.0% ImageNet top-1 accuracy improvement.',
      'The target error $1\\epsilon$ is small.',
      'We cite the ImageNet moment of 2012 and the accuracy of the 2019 models.',
      'The accuracy rose, and the error of 3 models fell.',
    ]) {
      expect(results(s), s).toEqual([]);
    }
  });

  it('only keeps plausible values for the metric', () => {
    expect(results('It has an accuracy of 250 on the test.')).toEqual([]);
    expect(results('A perplexity of 0.5 is impossible.')).toEqual([]);
    expect(results('It reaches a BLEU of 2014.')).toEqual([]);
  });
});

describe('code links', () => {
  it('takes code hosts, and other pages only when the sentence says they hold code', () => {
    const abstract = [
      'We propose X.',
      'Code is available at https://example.org/project/.',
      'Videos are available at https://sites.google.com/view/videos.',
      'Our implementation: \\url{https://github.com/a/b}.',
      'Code and videos are available at sites.google.com/view/hippo-rl.',
      'See (https://huggingface.co/m/n) and github.com/c/d for models.',
      'Listen at https://storage.googleapis.com/x/abstract.wav',
    ].join(' ');
    expect(extractCodeLinks(abstract)).toEqual([
      'https://example.org/project/',
      'https://github.com/a/b',
      'https://sites.google.com/view/hippo-rl',
      'https://huggingface.co/m/n',
      'https://github.com/c/d',
    ]);
  });

  it('deduplicates by host and path and adds code-host links the parser found', () => {
    // The quick test for a URL must let every form urlInChunk accepts through.
    const bare = [
      'gitlab.com/a/b',
      'bitbucket.org/a/b',
      'huggingface.co/a/b',
      'colab.research.google.com/drive/x',
      'anonymous.4open.science/r/x',
      'me.github.io/x',
      'www.example.org/code',
    ];
    for (const url of bare)
      expect(extractCodeLinks(`Our code is at ${url}.`), url).toEqual([`https://${url}`]);
    expect(extractCodeLinks('Code: HTTPS://GITHUB.COM/A/B.')).toEqual(['HTTPS://GITHUB.COM/A/B']);
    expect(extractCodeLinks('Code at www.example.org and on example.org/x.')).toEqual([
      'https://www.example.org',
    ]);
    expect(extractCodeLinks('No link here, e.g. a.b/c or 3.14/2.')).toEqual([]);

    const abstract =
      'Code: https://github.com/a/b and http://www.github.com/a/b/ again. Our code is released on~https://github.com/DropEdge/DropEdge.';
    expect(extractCodeLinks(abstract, ['https://gitlab.com/x/y', 'https://example.com/z'])).toEqual(
      ['https://github.com/a/b', 'https://github.com/DropEdge/DropEdge', 'https://gitlab.com/x/y'],
    );
  });
});

describe('sentences', () => {
  it('splits at sentence ends but not after abbreviations, initials or inside numbers and URLs', () => {
    const t =
      'We use e.g. CIFAR-10 (Krizhevsky et al. 2009). It gets 93.7% at https://x.org/a.b. J. Smith agrees! Done?\n\nNew paragraph';
    expect(sentenceRanges(t).map(([s, e]) => t.slice(s, e))).toEqual([
      'We use e.g. CIFAR-10 (Krizhevsky et al. 2009).',
      'It gets 93.7% at https://x.org/a.b.',
      'J. Smith agrees!',
      'Done?',
      'New paragraph',
    ]);
    const openers = 'Ab. (b. [b. "b. \'b. “b. $b. \\b. 7b. b. Ab.';
    expect(sentenceRanges(openers).map(([s, e]) => openers.slice(s, e))).toEqual([
      'Ab.',
      '(b.',
      '[b.',
      '"b.',
      "'b.",
      '“b.',
      '$b.',
      '\\b.',
      '7b. b.',
      'Ab.',
    ]);
  });
});

describe('linear time on adversarial input', () => {
  const MB = 1 << 20;
  const rep = (s: string) => s.repeat(Math.ceil(MB / s.length)).slice(0, MB);
  const cases: Record<string, string> = {
    'one long word': 'a'.repeat(MB),
    'one long number': '9'.repeat(MB),
    'a name prefix repeated': rep('CIFAR-'),
    'a multi-word name prefix repeated': rep('DeepMind Control '),
    'dotted numbers': rep('1.1.'),
    'thousands separators': rep('1,000,'),
    'a metric sentence without end': rep('93.7% accuracy on CIFAR-10 with 250 labels and '),
    'many short result sentences': rep('We reach 93.7% accuracy on CIFAR-10 with 250 labels. '),
    'unbalanced brackets after a URL': 'https://github.com/a/b' + ')'.repeat(MB),
    'bare hosts without spaces': rep('github.com/x/'),
    'LaTeX escapes': rep('\\%$'),
    abbreviations: rep('e.g. '),
    mixed: rep('top-1 accuracy of 65.19\\% on ImageNet-1k (compared to 3% on SVHN) by F1 = 0.9, '),
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`handles 1 MB of ${name}`, () => {
      const t0 = performance.now();
      const e = extractEntities({ title: null, abstract: text, links: [] });
      const ms = performance.now() - t0;
      expect(e).toBeDefined();
      // Generous: linear work takes well under a second; quadratic work would take minutes.
      expect(ms).toBeLessThan(2000);
    });
  }
});

describe('the real ICLR 2020 listing', () => {
  const text = readFileSync(new URL('../../data/iclr2020/listing.md', import.meta.url), 'utf8');
  const { records } = parseListing(text, 'data/iclr2020/listing.md');
  const all = records.map((r) => ({ r, e: extractEntities(r) }));

  it('finds datasets in at least 200 papers, CIFAR-10 and ImageNet most often', () => {
    const withDatasets = all.filter(({ e }) => e.datasets.length > 0).length;
    expect(withDatasets).toBeGreaterThanOrEqual(200);
    const papers = new Map<string, number>();
    for (const { e } of all)
      for (const d of e.datasets) papers.set(d.name, (papers.get(d.name) ?? 0) + 1);
    const top = [...papers].sort((a, b) => b[1] - a[1]).map(([n]) => n);
    expect(top.slice(0, 3)).toContain('CIFAR-10');
    expect(top.slice(0, 3)).toContain('ImageNet');
    expect(top.slice(0, 5)).toContain('MNIST');
    const known = new Set(DATASETS.map((d) => d.name));
    for (const name of papers.keys()) expect(known.has(name)).toBe(true);
  });

  it("reads ReMixMatch's 93.73% on CIFAR-10 with 250 labels", () => {
    const hit = all.find(({ r }) => r.title?.startsWith('ReMixMatch'));
    expect(hit).toBeDefined();
    const res = hit?.e.results.find((x) => x.value === '93.73%');
    expect(res).toMatchObject({ metric: 'accuracy', dataset: 'CIFAR-10' });
    expect(res?.condition).toMatch(/250 label/);
    expect(hit?.e.results.some((x) => x.value === '93.58%')).toBe(false); // MixMatch's number
  });

  it('finds results and code links in plausible numbers, every value in its sentence', () => {
    const rs = all.flatMap(({ e }) => e.results);
    expect(rs.length).toBeGreaterThanOrEqual(35);
    for (const r of rs) {
      expect(r.sentence.replace(/\\%/g, '%')).toContain(r.value.split(' ')[0]);
    }
    const code = all.filter(({ e }) => e.codeLinks.length > 0).length;
    expect(code).toBeGreaterThanOrEqual(30);
    const links = all.flatMap(({ e }) => e.codeLinks);
    expect(links).toContain('https://github.com/LiJunnan1992/DivideMix');
    expect(links).toContain('https://sites.google.com/view/hippo-rl');
    expect(links).not.toContain('https://sites.google.com/view/ndq'); // videos only
  });
});
