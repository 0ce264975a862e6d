// Entity extraction from a paper's abstract: code links, named datasets and benchmarks (from a
// maintained dictionary), and results stated as numbers ("93.73% accuracy on CIFAR-10 with 250
// labels"). Pure and deterministic; every pass is linear in the text (hand-written scanners and a
// token trie, no backtracking regular expressions over unbounded input). Results are read sentence
// by sentence and "sentences" over 3,000 characters are skipped, so the work per sentence is
// bounded whatever the input.
//
// Precision is preferred to recall: a dataset alias that is an ordinary English word is matched
// only with its exact case (DROP, SCAN, Kinetics), and a number becomes a result only when a
// metric is attached to it and nothing around it says it is a difference ("by 2%", "2% higher"),
// a baseline's number ("compared to … 93.58%") or a bound ("more than 85%").

// ---------------------------------------------------------------------------------------------
// Public types

export interface ReportedResult {
  /** Normalised metric: accuracy, top-1 accuracy, error, BLEU, perplexity, F1, FID, … */
  metric: string;
  /** The number as written, with its % when it has one (LaTeX `\%` and `$` removed). */
  value: string;
  /** Canonical name of the dictionary dataset the number belongs to, or null when none is named. */
  dataset: string | null;
  /** The sentence of the abstract that states it. */
  sentence: string;
  /** The setting that qualifies the number, when the sentence gives one ("with 250 labels"). */
  condition?: string;
}

export interface DatasetMentionCount {
  name: string;
  mentions: number;
}

export interface Entities {
  codeLinks: string[];
  datasets: DatasetMentionCount[];
  results: ReportedResult[];
}

export interface EntityInput {
  title: string | null;
  abstract: string;
  links: string[];
}

export type DatasetArea =
  | 'vision'
  | 'video'
  | '3d'
  | 'nlp'
  | 'speech'
  | 'rl'
  | 'graph'
  | 'molecules'
  | 'tabular'
  | 'time-series'
  | 'recsys'
  | 'multimodal'
  | 'nas'
  | 'other';

export interface DatasetEntry {
  /** Canonical name: what `extractEntities` reports and what a search facet shows. */
  readonly name: string;
  readonly area: DatasetArea;
  /** Case-insensitive spellings. The name is one of them unless it is listed in `exact`. */
  readonly aliases: readonly string[];
  /** Case-sensitive spellings: names that are ordinary words in lower case (DROP, Kinetics). */
  readonly exact: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// The dictionary
//
// Spelling variants need not be listed when they differ only in case, in the separator between
// parts (space, hyphen, apostrophe, nothing: "CIFAR-10" = "CIFAR 10" = "CIFAR10" = "cifar10") or
// in joining word parts ("Mini-ImageNet" also matches "MiniImageNet"): the matcher compares
// token sequences in which letters and digits are separate tokens.

function d(
  name: string,
  area: DatasetArea,
  aliases: readonly string[] = [],
  exact: readonly string[] = [],
): DatasetEntry {
  const all = exact.includes(name) ? aliases : [name, ...aliases];
  return { name, area, aliases: all, exact };
}

const wmt = (year: number): DatasetEntry => {
  const yy = String(year).slice(2);
  return d(`WMT${yy}`, 'nlp', [`WMT'${yy}`, `WMT ${year}`, `WMT-${year}`]);
};
const iwslt = (year: number): DatasetEntry => {
  const yy = String(year).slice(2);
  return d(`IWSLT${yy}`, 'nlp', [`IWSLT'${yy}`, `IWSLT ${year}`]);
};

export const DATASETS: readonly DatasetEntry[] = [
  // Images: classification
  d('MNIST', 'vision', ['sequential MNIST', 'permuted MNIST', 'rotated MNIST', 'MNIST-scale']),
  d('Fashion-MNIST', 'vision', ['F-MNIST', 'FMNIST', 'Zalando MNIST']),
  d('EMNIST', 'vision'),
  d('KMNIST', 'vision', ['Kuzushiji-MNIST']),
  d('Moving MNIST', 'video'),
  d('CIFAR-10', 'vision'),
  d('CIFAR-100', 'vision', ['Split-CIFAR-100']),
  d('CIFAR', 'vision', [], ['CIFAR']),
  d('CIFAR-10-C', 'vision', [], ['CIFAR-10-C', 'CIFAR10-C']),
  d('CIFAR-100-C', 'vision', [], ['CIFAR-100-C', 'CIFAR100-C']),
  d('SVHN', 'vision', ['Street View House Numbers']),
  d('STL-10', 'vision'),
  d('ImageNet', 'vision', [
    'ILSVRC',
    'ILSVRC-2012',
    'ILSVRC 2012',
    'ImageNet-1k',
    'ImageNet 1K',
    'ImageNet-2012',
    'ImageNet 2012',
    'ImageNet ILSVRC',
    'ILSVRC ImageNet',
    'Downsampled ImageNet',
  ]),
  d('ImageNet-21k', 'vision', ['ImageNet-22k', 'ImageNet 21k', 'full ImageNet']),
  d('ImageNet-C', 'vision', [], ['ImageNet-C']),
  d('ImageNet-LT', 'vision'),
  d('Places-LT', 'vision'),
  d('Tiny ImageNet', 'vision', ['Tiny-ImageNet', 'TinyImageNet', 'Tiny ImageNet-200']),
  d('miniImageNet', 'vision', ['mini-ImageNet', 'mini ImageNet']),
  d('tieredImageNet', 'vision', ['tiered-ImageNet', 'tiered ImageNet']),
  d('CIFAR-FS', 'vision'),
  d('FC100', 'vision', ['FC-100']),
  d('Meta-Dataset', 'vision', [], ['Meta-Dataset', 'Meta-dataset', 'MetaDataset']),
  d('Omniglot', 'vision'),
  d('CUB-200-2011', 'vision', [
    'CUB',
    'CUB-200',
    'CUB200',
    'CUB-2011',
    'CUB 200 2011',
    'Caltech-UCSD Birds',
    'Caltech-UCSD Birds-200-2011',
  ]),
  d('Stanford Cars', 'vision', ['Cars196', 'Cars-196']),
  d('Stanford Dogs', 'vision', ['Stanford Dogs 120']),
  d('Oxford Flowers-102', 'vision', [
    'Oxford Flowers',
    'Oxford 102 Flowers',
    'Flowers-102',
    'Flowers102',
    'Oxford Flowers 102',
    'Oxford 102 Flower',
  ]),
  d('Oxford-IIIT Pets', 'vision', ['Oxford-IIIT Pet', 'Oxford Pets', 'Oxford Pet']),
  d('FGVC-Aircraft', 'vision', ['FGVC Aircraft', 'FGVCAircraft']),
  d('Caltech-101', 'vision', ['Caltech 101']),
  d('Caltech-256', 'vision', ['Caltech 256']),
  d('Places365', 'vision', ['Places-365', 'Places205', 'Places 205', 'Places2']),
  d('SUN397', 'vision', ['SUN 397']),
  d('DTD', 'vision', ['Describable Textures Dataset', 'Describable Textures'], ['DTD']),
  d('iNaturalist', 'vision', ['iNat2017', 'iNat2018', 'iNaturalist 2017', 'iNaturalist 2018']),
  d('CelebA', 'vision', ['CelebFaces', 'Celeb-A']),
  d('CelebA-HQ', 'vision', ['CelebAHQ']),
  d('FFHQ', 'vision', ['Flickr-Faces-HQ']),
  d('LSUN', 'vision'),
  d('LFW', 'vision', ['Labeled Faces in the Wild'], ['LFW']),
  d('MS-Celeb-1M', 'vision', ['MS Celeb 1M']),
  d('dSprites', 'vision', ['Multi-dSprites']),
  d('3D Shapes', 'vision', ['3dshapes', 'Shapes3D', '3D-Shapes'], ['3D Shapes']),
  d('SmallNORB', 'vision', ['small NORB', 'NORB']),
  d('MPI3D', 'vision'),
  d('PCam', 'vision', ['PatchCamelyon']),
  d('ChestX-ray14', 'vision', ['ChestX-ray8', 'NIH Chest X-ray']),
  d('Sketchy', 'vision', [], ['Sketchy']),
  d('MIR-Flickr', 'vision', ['MIRFlickr', 'MIR Flickr 25K']),
  d('Market-1501', 'vision'),
  d('DukeMTMC-reID', 'vision', ['DukeMTMC']),
  d('MSMT17', 'vision', [], ['MSMT17', 'MSMT']),
  d('Traffic4cast', 'time-series'),
  // Images: detection, segmentation, driving, depth
  d('COCO', 'vision', ['MS COCO', 'MSCOCO', 'MS-COCO', 'Microsoft COCO', 'COCO 2017', 'COCO 2014']),
  d('Pascal VOC', 'vision', [
    'PASCAL VOC 2007',
    'PASCAL VOC 2012',
    'VOC07',
    'VOC2007',
    'VOC 2007',
    'VOC12',
    'VOC2012',
    'VOC 2012',
  ]),
  d('Cityscapes', 'vision'),
  d('KITTI', 'vision'),
  d('ADE20K', 'vision', ['ADE20k', 'ADE-20K']),
  d('CamVid', 'vision'),
  d('NYU Depth v2', 'vision', ['NYUv2', 'NYU-Depth V2', 'NYU Depth', 'NYUDv2', 'NYU-v2']),
  d('Berkeley DeepDrive', 'vision', ['BDD100K', 'BDD-100K', 'Berkeley Deep Drive']),
  d('nuScenes', 'vision'),
  d('Waymo Open Dataset', 'vision'),
  d('LVIS', 'vision', [], ['LVIS']),
  d('Open Images', 'vision', ['OpenImages'], ['Open Images']),
  d('Visual Genome', 'multimodal'),
  // 3D
  d('ShapeNet', '3d', ['ShapeNetCore', 'ShapeNet Core']),
  d('ModelNet40', '3d', ['ModelNet-40', 'ModelNet']),
  d('ModelNet10', '3d', ['ModelNet-10']),
  d('ScanNet', '3d'),
  d('Matterport3D', '3d', ['Matterport 3D']),
  d('PartNet', '3d'),
  d('3D-EPN', '3d'),
  d('S3DIS', '3d'),
  d('Human3.6M', '3d', ['Human 3.6M', 'H36M']),
  // Video
  d('Kinetics', 'video', [], ['Kinetics', 'Kinetics-400', 'Kinetics-600', 'Kinetics-700']),
  d('UCF101', 'video', ['UCF-101']),
  d('HMDB51', 'video', ['HMDB-51', 'HMDB']),
  d('Something-Something', 'video', ['Something-Something V2', 'Something Something', 'SSv2']),
  d('Charades', 'video', [], ['Charades']),
  d('Moments in Time', 'video', [], ['Moments in Time', 'Moments-in-Time', 'Moments In Time']),
  d('ActivityNet', 'video'),
  d('AVA', 'video', [], ['AVA']),
  d('CATER', 'video', [], ['CATER']),
  d('CLEVRER', 'video'),
  d('BAIR Robot Pushing', 'video', ['BAIR robot pushing', 'BAIR pushing']),
  // Vision and language
  d('CLEVR', 'multimodal'),
  d('VQA', 'multimodal', ['VQA v2', 'VQAv2', 'VQA 2.0', 'VQA-CP', 'VQA v1'], ['VQA']),
  d('GQA', 'multimodal', [], ['GQA']),
  d('VCR', 'multimodal', [], ['VCR', 'Visual Commonsense Reasoning']),
  d('NLVR2', 'multimodal', ['NLVR']),
  d('Conceptual Captions', 'multimodal', [], ['Conceptual Captions']),
  d('Flickr30k', 'multimodal', ['Flickr30K Entities', 'Flickr 30k']),
  d('MSR-VTT', 'multimodal', ['MSRVTT']),
  d('RefCOCO', 'multimodal', ['RefCOCO+', 'RefCOCOg']),
  d('Room-to-Room', 'multimodal', ['R2R'], []),
  d('ALFRED', 'multimodal', [], ['ALFRED']),
  // Language: benchmarks and classification
  d('GLUE', 'nlp', [], ['GLUE']),
  d('SuperGLUE', 'nlp', ['Super GLUE']),
  d('SQuAD', 'nlp', ['SQuAD 1.1', 'SQuAD v1.1', 'SQuAD 2.0', 'SQuAD v2.0', 'SQuAD2.0', 'SQuAD2']),
  d('MultiNLI', 'nlp', ['MNLI', 'Multi-NLI', 'MultiNLI-matched', 'MNLI-m']),
  d('SNLI', 'nlp'),
  d('XNLI', 'nlp'),
  d('Abductive NLI', 'nlp', ['αNLI'], ['Abductive NLI', 'Abductive Natural Language Inference']),
  d('SST', 'nlp', ['SST-2', 'SST-5', 'Stanford Sentiment Treebank', 'SST2'], ['SST']),
  d('CoLA', 'nlp', ['Corpus of Linguistic Acceptability'], ['CoLA']),
  d('MRPC', 'nlp', ['Microsoft Research Paraphrase Corpus']),
  d('QQP', 'nlp', ['Quora Question Pairs']),
  d('QNLI', 'nlp'),
  d('RTE', 'nlp', [], ['RTE']),
  d('STS-B', 'nlp', ['STS Benchmark', 'STSB']),
  d('WNLI', 'nlp'),
  d('WSC', 'nlp', ['Winograd Schema Challenge'], ['WSC']),
  d('WinoGrande', 'nlp'),
  d('SWAG', 'nlp', [], ['SWAG']),
  d('HellaSwag', 'nlp'),
  d('IMDB', 'nlp', ['IMDb reviews', 'IMDB reviews']),
  d('Yelp', 'nlp', ['Yelp reviews', 'Yelp Review Polarity', 'Yelp-2', 'Yelp-5']),
  d('AG News', 'nlp', ["AG's News", 'AGNews']),
  d('DBpedia', 'nlp', ['DBPedia-14']),
  d('Yahoo Answers', 'nlp'),
  d('Amazon Reviews', 'nlp', [
    'Amazon Review',
    'Amazon Review Polarity',
    'Amazon Review Full',
    'Amazon Reviews Polarity',
  ]),
  d('20 Newsgroups', 'nlp', ['20news', '20 News Groups', '20Newsgroups', '20NG']),
  d('Reuters', 'nlp', ['Reuters-21578', 'RCV1'], ['Reuters', 'RCV1']),
  d('CoNLL-2003', 'nlp', ['CoNLL 2003', 'CoNLL03', 'CoNLL']),
  d('OntoNotes', 'nlp', ['OntoNotes 5.0']),
  d('FIGER', 'nlp', [], ['FIGER']),
  d('MUSE', 'nlp', ['MUSE bilingual lexicon'], ['MUSE']),
  // Language: question answering, reading comprehension, reasoning
  d('MS MARCO', 'nlp', ['MSMARCO']),
  d('Natural Questions', 'nlp', [], ['Natural Questions', 'NaturalQuestions']),
  d('HotpotQA', 'nlp', ['Hotpot QA']),
  d('TriviaQA', 'nlp', ['Trivia QA']),
  d('SearchQA', 'nlp'),
  d('Quasar-T', 'nlp'),
  d('WikiHop', 'nlp', ['QAngaroo']),
  d('WebQuestions', 'nlp', ['WebQuestionsSP', 'WebQSP']),
  d('ComplexWebQuestions', 'nlp'),
  d('MetaQA', 'nlp'),
  d('bAbI', 'nlp'),
  d('CoQA', 'nlp'),
  d('QuAC', 'nlp'),
  d('NarrativeQA', 'nlp'),
  d('DROP', 'nlp', [], ['DROP']),
  d('RACE', 'nlp', [], ['RACE']),
  d('ReClor', 'nlp'),
  d('CommonsenseQA', 'nlp', ['Commonsense QA']),
  d('OpenBookQA', 'nlp'),
  d('AI2 ARC', 'nlp', ['ARC-Easy', 'ARC-Challenge', 'AI2 Reasoning Challenge']),
  d('MathQA', 'nlp'),
  d('FEVER', 'nlp', [], ['FEVER']),
  d('WikiSQL', 'nlp'),
  d('Spider', 'nlp', [], ['Spider']),
  d('SCAN', 'nlp', [], ['SCAN']),
  d('CFQ', 'nlp'),
  d('LAMBADA', 'nlp'),
  d('ROCStories', 'nlp', ['Story Cloze', 'ROC Stories']),
  // Language: dialogue
  d('MultiWOZ', 'nlp', ['Multi-WOZ']),
  d('DailyDialog', 'nlp', ['Daily Dialogue', 'Daily Dialog', 'DailyDialogue']),
  d('PersonaChat', 'nlp', ['Persona-Chat', 'ConvAI2']),
  d('Wizard of Wikipedia', 'nlp'),
  d('Holl-E', 'nlp'),
  d('Ubuntu Dialogue Corpus', 'nlp', ['Ubuntu Dialogue', 'Ubuntu Corpus']),
  // Language: translation
  d('WMT', 'nlp', [], ['WMT']),
  wmt(2014),
  wmt(2015),
  wmt(2016),
  wmt(2017),
  wmt(2018),
  wmt(2019),
  d('IWSLT', 'nlp', [], ['IWSLT']),
  iwslt(2014),
  iwslt(2015),
  iwslt(2016),
  iwslt(2017),
  d('Multi30k', 'multimodal', ['Multi-30k']),
  d('Europarl', 'nlp'),
  d('OpenSubtitles', 'nlp'),
  // Language: modelling, summarisation, generation
  d('Penn Treebank', 'nlp', ['Penn Tree Bank', 'Penn Treebank WSJ'], ['PTB']),
  d('WikiText-103', 'nlp'),
  d('WikiText-2', 'nlp'),
  d('WikiText', 'nlp'),
  d('enwik8', 'nlp', ['Hutter Prize']),
  d('text8', 'nlp'),
  d('One Billion Word', 'nlp', [
    'Billion Word',
    'Billion Words',
    'One Billion Words',
    '1B Word',
    'LM1B',
    'Billion Word Benchmark',
  ]),
  d('PG-19', 'nlp'),
  d('BookCorpus', 'nlp', ['Toronto BookCorpus', 'Books Corpus']),
  d('CNN/Daily Mail', 'nlp', ['CNN/DailyMail', 'CNN-DailyMail', 'CNN/DM', 'CNN-DM']),
  d('Gigaword', 'nlp'),
  d('XSum', 'nlp'),
  d('WikiBio', 'nlp'),
  d('WebNLG', 'nlp'),
  d('TabFact', 'nlp'),
  // Knowledge graphs
  d('FB15k-237', 'graph', ['FB15K237']),
  d('FB15k', 'graph'),
  d('WN18RR', 'graph'),
  d('WN18', 'graph'),
  d('YAGO3-10', 'graph'),
  d('NELL', 'graph', ['NELL-995', 'NELL995']),
  // Speech and audio
  d('LibriSpeech', 'speech', ['Libri-Speech']),
  d('TIMIT', 'speech'),
  d('VCTK', 'speech'),
  d('WSJ', 'speech', ['Wall Street Journal corpus', 'WSJ0', 'WSJ0-2mix'], ['WSJ']),
  d('Switchboard', 'speech'),
  d('LJSpeech', 'speech', ['LJ Speech']),
  d('AudioSet', 'speech', ['Audio Set']),
  d('ESC-50', 'speech'),
  d('Speech Commands', 'speech'),
  d('NSynth', 'speech'),
  d('VoxCeleb', 'speech', ['VoxCeleb1', 'VoxCeleb2']),
  d('ZeroSpeech', 'speech'),
  d('MAESTRO', 'speech', [], ['MAESTRO']),
  // Reinforcement learning environments and suites
  d(
    'Atari',
    'rl',
    [
      'Atari 2600',
      'Atari-57',
      'Arcade Learning Environment',
      "Montezuma's Revenge",
      'Space Invaders',
      'Seaquest',
      'Ms Pac-Man',
      'MsPacman',
    ],
    ['Atari', 'ALE', 'Pitfall!', 'Pong', 'Breakout', 'Gravitar', 'Private Eye'],
  ),
  d('MuJoCo', 'rl', ['HalfCheetah', 'Half-Cheetah', 'Walker2d', 'Walker2D']),
  d('DeepMind Control Suite', 'rl', [
    'DeepMind Control',
    'DM Control',
    'dm_control',
    'DMControl',
    'Control Suite',
    'DeepMind Control Suite',
  ]),
  d('OpenAI Gym', 'rl', ['Gym environments'], []),
  // Bare "SMAC" is left out: it also names a hyper-parameter optimiser used in NAS papers.
  d('StarCraft II', 'rl', ['StarCraft', 'StarCraft 2', 'StarCraft Multi-Agent Challenge', 'SC2']),
  d('VizDoom', 'rl', ['ViZDoom'], ['Doom']),
  d('DeepMind Lab', 'rl', ['DMLab', 'DMLab-30', 'DM Lab']),
  d('Google Research Football', 'rl', ['Google Football']),
  d('Hanabi', 'rl'),
  d('Dota 2', 'rl', [], ['Dota', 'Dota 2']),
  d('Leduc Poker', 'rl', ["Leduc Hold'em", 'Leduc Holdem', 'Leduc']),
  d('Kuhn Poker', 'rl', []),
  d('MiniGrid', 'rl', ['gym-minigrid', 'Mini-Grid']),
  d('BabyAI', 'rl'),
  d('Procgen', 'rl', ['Procgen Benchmark']),
  d('CoinRun', 'rl'),
  d('Meta-World', 'rl', ['MetaWorld']),
  d('bsuite', 'rl', ['Behaviour Suite for Reinforcement Learning', 'Behavior Suite']),
  d('Sokoban', 'rl'),
  d('Minecraft', 'rl', ['MineRL', 'Malmo', 'Project Malmo']),
  d('Neural MMO', 'rl'),
  d('Habitat', 'rl', ['Habitat-Sim', 'AI Habitat'], ['Habitat']),
  d('AI2-THOR', 'rl', ['AI2THOR']),
  d('House3D', 'rl'),
  d('CARLA', 'rl', [], ['CARLA']),
  d('TORCS', 'rl', [], ['TORCS']),
  d('TextWorld', 'rl'),
  d('Jericho', 'rl', [], ['Jericho']),
  d('PyBullet', 'rl', ['Bullet Physics']),
  d('Box2D', 'rl', ['Box 2D']),
  d('Roboschool', 'rl'),
  d('D4RL', 'rl'),
  // Graphs
  d('Cora', 'graph', ['Cora-ML']),
  d('Citeseer', 'graph', ['CiteSeer']),
  d('PubMed', 'graph', ['Pubmed Diabetes']),
  d('OGB', 'graph', ['Open Graph Benchmark', 'ogbn-arxiv', 'ogbn-products', 'ogbg-molhiv']),
  d('PPI', 'graph', ['Protein-Protein Interaction dataset'], ['PPI']),
  d('Reddit', 'graph', [], ['Reddit']),
  d('Amazon co-purchase', 'graph', ['Amazon Computers', 'Amazon Photo']),
  d('Coauthor CS', 'graph', ['Coauthor Physics']),
  d('MUTAG', 'graph', [], ['MUTAG']),
  d('PROTEINS', 'graph', [], ['PROTEINS']),
  d('NCI1', 'graph', ['NCI109']),
  d('ENZYMES', 'graph', [], ['ENZYMES']),
  d('COLLAB', 'graph', [], ['COLLAB']),
  d('IMDB-BINARY', 'graph', ['IMDB-B', 'IMDB-MULTI', 'IMDB-M']),
  d('REDDIT-BINARY', 'graph', ['REDDIT-B', 'REDDIT-MULTI-5K', 'REDDIT-MULTI']),
  // Molecules and biology
  d('QM9', 'molecules'),
  d('QM7', 'molecules', ['QM7b']),
  d('MD17', 'molecules'),
  d('ZINC', 'molecules', ['ZINC250k', 'ZINC-250k'], ['ZINC']),
  d('MoleculeNet', 'molecules'),
  d('Tox21', 'molecules'),
  d('ChEMBL', 'molecules'),
  d('PDBbind', 'molecules'),
  // Tabular, recommendation, time series, systems
  d('UCI', 'tabular', ['UCI repository', 'UCI Machine Learning Repository']),
  d('HIGGS', 'tabular', [], ['HIGGS']),
  d('Criteo', 'tabular'),
  d('Covertype', 'tabular', ['Forest Covertype']),
  d('MovieLens', 'recsys', ['MovieLens-1M', 'MovieLens-100K', 'ML-1M', 'ML-100K', 'ML-20M']),
  d('Netflix Prize', 'recsys', [], ['Netflix']),
  d('Douban', 'recsys'),
  d('Flixster', 'recsys'),
  d('YahooMusic', 'recsys', ['Yahoo Music']),
  d('M4', 'time-series', ['M4 competition'], ['M4']),
  d('M3', 'time-series', ['M3 competition'], ['M3']),
  d('TOURISM', 'time-series', ['Tourism competition'], ['TOURISM']),
  d('SPEC CPU', 'other', ['SPEC CPU2006', 'SPEC2006', 'SPEC CPU 2006']),
  d('Code2Inv', 'other'),
  // Neural architecture search
  d('NAS-Bench-101', 'nas', ['NASBench-101', 'NAS Bench 101', 'NASBench']),
  d('NAS-Bench-201', 'nas', ['NASBench-201', 'NAS-Bench-102']),
  d('NAS-Bench-1Shot1', 'nas', ['NASBench-1Shot1']),
  // Abstract reasoning
  d('PGM', 'vision', ['Procedurally Generated Matrices'], ['PGM']),
  d('RAVEN', 'vision', [], ['RAVEN']),
];

/** Aliases that name several datasets at once ("CIFAR-10/100"). */
const COMBINED: readonly (readonly [string, readonly string[]])[] = [
  ['CIFAR-10/100', ['CIFAR-10', 'CIFAR-100']],
  ['CIFAR-10/-100', ['CIFAR-10', 'CIFAR-100']],
  ['ModelNet10/40', ['ModelNet10', 'ModelNet40']],
  ['FB15k-237/WN18RR', ['FB15k-237', 'WN18RR']],
];

// ---------------------------------------------------------------------------------------------
// Dataset matching: a trie over token sequences (letters and digits are separate tokens).

interface Tok {
  /** The token as written. */
  raw: string;
  lower: string;
  start: number;
  end: number;
}

const isDigitCode = (c: number) => c >= 48 && c <= 57;
const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const LETTER = /\p{L}/u;

/** 1 = letter, 2 = digit, 0 = anything else. */
function charClass(s: string, i: number): 0 | 1 | 2 {
  const c = s.charCodeAt(i);
  if (isDigitCode(c)) return 2;
  if (isAsciiLetter(c)) return 1;
  if (c < 128) return 0;
  // Surrogate halves are rare in abstracts; a lone half is treated as a separator.
  return LETTER.test(s[i] ?? '') ? 1 : 0;
}

/** Runs of letters and runs of digits, in order, with their offsets. Linear. */
function wordTokens(text: string): Tok[] {
  const out: Tok[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const k = charClass(text, i);
    if (k === 0) {
      i++;
      continue;
    }
    const s = i;
    while (i < n && charClass(text, i) === k) i++;
    const raw = text.slice(s, i);
    out.push({ raw, lower: raw.toLowerCase(), start: s, end: i });
  }
  return out;
}

/** Separators allowed inside a multi-word name: "CIFAR-10", "WMT'14", "CNN/Daily Mail". */
function joinable(text: string, from: number, to: number): boolean {
  if (to - from > 2) return false;
  if (text[from] === '.' && to - from === 1) {
    return charClass(text, from - 1) === 2 && charClass(text, to) === 2; // "Human3.6M"
  }
  for (let i = from; i < to; i++) {
    if (!" -\u2010\u2011_'\u2019/".includes(text[i] ?? '.')) return false;
  }
  return true;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  /** Dataset indices named by the sequence ending here. */
  hit?: readonly number[];
}

interface Matcher {
  folded: TrieNode;
  exact: TrieNode;
  depth: number;
  /** First tokens of the spellings, folded, by `firstKey`: most words can start none. */
  firsts: Uint32Array;
}

/**
 * A token's (length, first and last character) folded, as a bit index into `Matcher.firsts`,
 * or -1 when one of those characters is not ASCII: such tokens are always looked up, and such
 * spellings (αNLI) are not in the set. ASCII letters fold to ASCII letters and every spelling
 * is ASCII inside, so a token can only equal a spelling with the same key.
 */
function firstKey(s: string, start: number, end: number): number {
  const a = s.charCodeAt(start);
  const b = s.charCodeAt(end - 1);
  if (a > 127 || b > 127) return -1;
  const fa = a >= 65 && a <= 90 ? a + 32 : a;
  const fb = b >= 65 && b <= 90 ? b + 32 : b;
  return (Math.min(end - start, 31) << 14) | (fa << 7) | fb;
}

function addPath(root: TrieNode, keys: readonly string[], hit: readonly number[]): void {
  let node = root;
  for (const k of keys) {
    let nx = node.next.get(k);
    if (!nx) {
      nx = { next: new Map() };
      node.next.set(k, nx);
    }
    node = nx;
  }
  node.hit ??= hit; // The first entry to claim a spelling keeps it.
}

/** The token sequences of an alias: as written, and with adjacent word parts joined. */
function aliasVariants(alias: string, fold: boolean): string[][] {
  const toks = wordTokens(alias).map((t) => (fold ? t.lower : t.raw));
  const joined: string[] = [];
  for (const t of toks) {
    const prev = joined.at(-1);
    if (prev !== undefined && /^\D+$/.test(prev) && /^\D+$/.test(t)) {
      joined[joined.length - 1] = prev + t;
    } else joined.push(t);
  }
  return joined.length === toks.length ? [toks] : [toks, joined];
}

function buildMatcher(): Matcher {
  const m: Matcher = {
    folded: { next: new Map() },
    exact: { next: new Map() },
    depth: 0,
    firsts: new Uint32Array(1 << 14),
  };
  const add = (alias: string, fold: boolean, hit: readonly number[]) => {
    for (const v of aliasVariants(alias, fold)) {
      const first = v[0];
      if (first === undefined) continue;
      addPath(fold ? m.folded : m.exact, v, hit);
      m.depth = Math.max(m.depth, v.length);
      const key = firstKey(first, 0, first.length);
      if (key >= 0) m.firsts[key >>> 5] = (m.firsts[key >>> 5] ?? 0) | (1 << (key & 31));
    }
  };
  const index = new Map(DATASETS.map((e, i) => [e.name, i]));
  for (const [alias, names] of COMBINED) {
    const hit = names.map((n) => index.get(n)).filter((i) => i !== undefined);
    add(alias, true, hit);
  }
  DATASETS.forEach((e, i) => {
    for (const a of e.exact) add(a, false, [i]);
    for (const a of e.aliases) add(a, true, [i]);
  });
  return m;
}

let matcher: Matcher | undefined;

/** One mention of a dictionary dataset in a text. */
export interface DatasetMention {
  /** Canonical names (one, or several for a combined spelling like "CIFAR-10/100"). */
  names: string[];
  start: number;
  end: number;
}

/** Token boundaries of a text (letter runs and digit runs) as flat offset arrays: no objects. */
function tokenBounds(text: string): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const k = charClass(text, i);
    if (k === 0) {
      i++;
      continue;
    }
    starts.push(i);
    while (i < n && charClass(text, i) === k) i++;
    ends.push(i);
  }
  return { starts, ends };
}

/**
 * Every mention of a dictionary dataset, left to right, longest spelling first, never
 * overlapping. Time is linear in the text (each position walks the trie at most `depth` tokens).
 */
export function findDatasetMentions(text: string): DatasetMention[] {
  const m = (matcher ??= buildMatcher());
  const { starts, ends } = tokenBounds(text);
  // Lower-case once; per token only when lower-casing changed the length (rare Unicode).
  const whole = text.toLowerCase();
  const lowerAt =
    whole.length === text.length
      ? (s: number, e: number) => whole.slice(s, e)
      : (s: number, e: number) => text.slice(s, e).toLowerCase();
  const out: DatasetMention[] = [];
  const count = starts.length;
  let i = 0;
  while (i < count) {
    let best: readonly number[] | undefined;
    let bestEnd = -1;
    // No spelling starts with a token of this length and first and last letters (nearly every
    // word): skip the two lookups, each of which would slice the token out of the text.
    const key = firstKey(text, starts[i] ?? 0, ends[i] ?? 0);
    if (key >= 0 && ((m.firsts[key >>> 5] ?? 0) & (1 << (key & 31))) === 0) {
      i++;
      continue;
    }
    for (let pass = 0; pass < 2; pass++) {
      const fold = pass === 0;
      let node: TrieNode | undefined = fold ? m.folded : m.exact;
      for (let j = i; j < count && j - i < m.depth; j++) {
        const s = starts[j] ?? 0;
        const e = ends[j] ?? 0;
        if (j > i && !joinable(text, ends[j - 1] ?? 0, s)) break;
        node = node.next.get(fold ? lowerAt(s, e) : text.slice(s, e));
        if (!node) break;
        if (node.hit && j > bestEnd) {
          best = node.hit;
          bestEnd = j;
        }
      }
    }
    const end = ends[bestEnd] ?? -1;
    if (best && end >= 0 && boundaryAfter(text, end)) {
      out.push({
        names: best.map((k) => DATASETS[k]?.name ?? ''),
        start: starts[i] ?? 0,
        end,
      });
      i = bestEnd + 1;
    } else i++;
  }
  return out;
}

/** A name must not run on into letters ("MNISTs" is not MNIST; "CIFAR-10" ends at "10"). */
function boundaryAfter(text: string, end: number): boolean {
  return end >= text.length || charClass(text, end) !== 1 || charClass(text, end - 1) === 2;
}

// ---------------------------------------------------------------------------------------------
// Sentences

const ABBREVIATIONS = new Set([
  'e.g',
  'i.e',
  'al',
  'etc',
  'vs',
  'cf',
  'fig',
  'figs',
  'eq',
  'eqs',
  'sec',
  'resp',
  'approx',
  'no',
  'ref',
  'refs',
  'viz',
  'ms',
  'mr',
  'dr',
  'st',
]);

/** Sentence ranges [start, end) of a text. A sentence ends at . ! ? followed by a space and a
 * capital, digit or opening bracket (not after e.g., et al., …), or at a blank line. Linear. */
export function sentenceRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  const n = text.length;
  let start = 0;
  const push = (end: number) => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s] ?? '')) s++;
    while (e > s && /\s/.test(text[e - 1] ?? '')) e--;
    if (e > s) out.push([s, e]);
  };
  // Character codes, not one-character strings and a regular expression: this runs over every
  // character of every abstract, twice.
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 && text.charCodeAt(i + 1) === 10) {
      push(i);
      start = i + 2;
      i++;
      continue;
    }
    if (c !== 46 && c !== 33 && c !== 63) continue; // . ! ?
    const next = text.charCodeAt(i + 1);
    if (next !== 32 && next !== 10) continue;
    let j = i + 1;
    while (j < n && j - i < 4 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 10)) j++;
    if (!startsSentence(text.charCodeAt(j))) continue;
    if (c === 46 && isAbbreviation(text, i)) continue;
    push(i + 1);
    start = j;
    i = j - 1;
  }
  push(n);
  return out;
}

/** A capital, digit, ( [ " ' “ $ or backslash (NaN, past the end: no). */
function startsSentence(c: number): boolean {
  return (
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 40 ||
    c === 91 ||
    c === 34 ||
    c === 39 ||
    c === 0x201c ||
    c === 36 ||
    c === 92
  );
}

function isAbbreviation(text: string, dot: number): boolean {
  let s = dot;
  while (s > 0 && dot - s < 8 && /[A-Za-z.]/.test(text[s - 1] ?? '')) s--;
  const word = text.slice(s, dot);
  if (/^[A-Z]$/.test(word)) return true; // an initial: "J. Smith"
  return ABBREVIATIONS.has(word.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Code links

const CODE_HOST =
  /^(?:www\.)?(?:github\.com|gist\.github\.com|gitlab\.com|bitbucket\.org|huggingface\.co|colab\.research\.google\.com|codeocean\.com|sourceforge\.net|pypi\.org|anonymous\.4open\.science)$/i;
const CODE_WORDS =
  /\b(?:code|codes|codebase|source[- ]code|implementations?|software|library|package|toolkit|toolbox|repository|repo)\b/i;
const BARE_HOST =
  /^(?:www\.[a-z0-9-]+\.[a-z]{2,}|github\.com|gitlab\.com|bitbucket\.org|huggingface\.co|colab\.research\.google\.com|sites\.google\.com|anonymous\.4open\.science|[a-z0-9-]+\.github\.io)(?:\/|$)/i;
const URL_CHARS = /^[^\s<>"'`{}|\\^]*/;
/** In every URL `urlInChunk` accepts: a scheme, or a part of a BARE_HOST. */
const MAY_HAVE_URL =
  /https?:\/\/|www\.|github\.|gitlab\.|bitbucket\.|huggingface\.|google\.|4open\./i;

/** The URL inside a whitespace-free chunk ("\url{https://…}.", "on~github.com/x/y"), or null. */
function urlInChunk(chunk: string): string | null {
  let body: string | undefined;
  const http = chunk.search(/https?:\/\//i);
  if (http >= 0) body = chunk.slice(http);
  else {
    const lead = /^[^A-Za-z0-9]*(?:\\url\{)?[~]?/.exec(chunk);
    const rest = chunk.slice(lead ? lead[0].length : 0);
    if (BARE_HOST.test(rest)) body = `https://${rest}`;
  }
  if (body === undefined) return null;
  const scheme = /^https?:\/\//i.exec(body)?.[0] ?? 'https://';
  const url = trimUrl(URL_CHARS.exec(body.slice(scheme.length))?.[0] ?? '');
  if (!/^[^/]*\w\.\w/.test(url)) return null;
  return scheme + url;
}

/** Drop trailing punctuation and unbalanced closing brackets. Linear. */
function trimUrl(url: string): string {
  let open = 0;
  let close = 0;
  let openSq = 0;
  let closeSq = 0;
  for (const ch of url) {
    if (ch === '(') open++;
    else if (ch === ')') close++;
    else if (ch === '[') openSq++;
    else if (ch === ']') closeSq++;
  }
  let end = url.length;
  for (;;) {
    const last = url[end - 1];
    if (last === undefined) break;
    if ('.,;:!?~*'.includes(last)) end--;
    else if (last === ')' && open < close) {
      end--;
      close--;
    } else if (last === ']' && openSq < closeSq) {
      end--;
      closeSq--;
    } else break;
  }
  return url.slice(0, end);
}

function urlKey(url: string): string {
  const m = /^https?:\/\/(?:www\.)?([^/?#]*)(.*)$/i.exec(url);
  if (!m) return url;
  return `${(m[1] ?? '').toLowerCase()}${(m[2] ?? '').replace(/\/+$/, '')}`;
}

function hostOf(url: string): string {
  return (/^https?:\/\/([^/?#:]*)/i.exec(url)?.[1] ?? '').toLowerCase();
}

/**
 * Links to code: any URL on a code host (GitHub, GitLab, Bitbucket, Hugging Face, Colab, …) and
 * any other URL (project page, Dropbox) whose sentence says it holds code or an implementation.
 * Deduplicated by host and path (scheme, "www." and a trailing slash ignored), in order.
 */
export function extractCodeLinks(abstract: string, links: readonly string[] = []): string[] {
  const found: { url: string; sentence: string }[] = [];
  // Every URL `urlInChunk` finds contains one of these: most abstracts have none, and need no
  // sentences and chunks.
  const mayHaveUrl = MAY_HAVE_URL.test(abstract);
  for (const [s, e] of mayHaveUrl ? sentenceRanges(abstract) : []) {
    const sentence = abstract.slice(s, e);
    for (const chunk of sentence.split(/\s+/)) {
      if (chunk.length < 8 || !/[./]/.test(chunk)) continue;
      const url = urlInChunk(chunk);
      if (url) found.push({ url, sentence });
    }
  }
  // Links the parser found that the scan did not (none in practice): judged by host only.
  const seenKeys = new Set(found.map((f) => urlKey(f.url)));
  for (const l of links) {
    if (!seenKeys.has(urlKey(l))) found.push({ url: l, sentence: '' });
  }
  const out: string[] = [];
  const keys = new Set<string>();
  for (const { url, sentence } of found) {
    const codeHost = CODE_HOST.test(hostOf(url));
    if (!codeHost && !CODE_WORDS.test(sentence)) continue;
    const key = urlKey(url);
    if (keys.has(key)) continue;
    keys.add(key);
    out.push(url);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reported results

type RKind = 'num' | 'word' | 'punct';

interface RTok {
  kind: RKind;
  /** Lower case word, the number as written (with %), or the punctuation character. */
  text: string;
  raw: string;
  start: number;
  end: number;
  /** For numbers: written with a percent sign. */
  pct?: boolean;
  /** For numbers: letters follow with no space ("0.97bpc", "10x", "3D"). */
  glued?: boolean;
  /** Index of the dataset mention this token lies in, if any. */
  ds?: number;
}

/** Same-length cleaning of LaTeX: `\%` → `%`, `$`, braces and other commands → spaces. */
function cleanLatex(text: string): string {
  return text.replace(/\\%|\\[a-zA-Z]+|[${}~]/g, (m) => {
    if (m === '\\%') return '% ';
    if (m === '\\times') return 'x'.padEnd(m.length, ' ');
    if (m === '\\pm') return '±'.padEnd(m.length, ' ');
    return ' '.repeat(m.length);
  });
}

const isWordChar = (c: number) => isAsciiLetter(c) || isDigitCode(c) || c === 95;

function resultTokens(text: string, from: number, to: number): RTok[] {
  const out: RTok[] = [];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13 || c === 0xa0) {
      i++;
      continue;
    }
    const s = i;
    if (isDigitCode(c)) {
      i++;
      while (i < to) {
        const ch = text.charCodeAt(i);
        if (isDigitCode(ch)) i++;
        else if (ch === 46 && i + 1 < to && isDigitCode(text.charCodeAt(i + 1))) i++;
        else if (
          ch === 44 &&
          i + 3 < to + 1 &&
          isDigitCode(text.charCodeAt(i + 1)) &&
          isDigitCode(text.charCodeAt(i + 2)) &&
          isDigitCode(text.charCodeAt(i + 3)) &&
          !(i + 4 < to && isDigitCode(text.charCodeAt(i + 4)))
        ) {
          i += 4;
        } else break;
      }
      const num = text.slice(s, i);
      let j = i;
      if (text[j] === ' ' && text[j + 1] === '%') j++;
      const tok: RTok = { kind: 'num', text: num, raw: num, start: s, end: i };
      if (text[j] === '%') {
        tok.pct = true;
        tok.text = `${num}%`;
        tok.end = j + 1;
        i = j + 1;
      } else if (i < to && isAsciiLetter(text.charCodeAt(i))) tok.glued = true;
      out.push(tok);
      continue;
    }
    if (isAsciiLetter(c) || c > 127) {
      // A word: letters and digits, with inner - . @ ' joining parts (top-1, v1.1, Hits@10).
      if (c > 127 && !LETTER.test(text[i] ?? '')) {
        out.push({ kind: 'punct', text: text[i] ?? '', raw: text[i] ?? '', start: s, end: i + 1 });
        i++;
        continue;
      }
      i++;
      while (i < to) {
        const ch = text.charCodeAt(i);
        if (isWordChar(ch) || (ch > 127 && LETTER.test(text[i] ?? ''))) i++;
        else if (
          (ch === 45 || ch === 46 || ch === 64 || ch === 0x2010) &&
          i + 1 < to &&
          isWordChar(text.charCodeAt(i + 1))
        ) {
          i++;
        } else break;
      }
      const raw = text.slice(s, i);
      out.push({ kind: 'word', text: raw.toLowerCase(), raw, start: s, end: i });
      continue;
    }
    const ch = text[i] ?? '';
    out.push({ kind: 'punct', text: ch, raw: ch, start: s, end: i + 1 });
    i++;
  }
  return out;
}

// Metric lexicon: word sequences (lower case, hyphens dropped) → normalised metric.
interface MetricDef {
  words: string;
  metric: string;
  /** Matched only with this exact case (mAP, IS, AP). */
  exact?: boolean;
  /** Only directly after a number ("92.1 EM"), never before one. */
  afterValueOnly?: boolean;
  /** Upper bound of a plausible value (percent-like metrics ≤ 100). */
  max?: number;
  min?: number;
}

const PCT = 100;
/** Metrics without an upper bound that are still written as percentages. */
const PERCENT_TOO = new Set(['human-normalized score', 'MAPE', 'sMAPE']);
const METRICS: readonly MetricDef[] = [
  { words: 'accuracy', metric: 'accuracy', max: PCT },
  { words: 'accuracies', metric: 'accuracy', max: PCT },
  { words: 'acc', metric: 'accuracy', max: PCT, afterValueOnly: true },
  { words: 'top1 accuracy', metric: 'top-1 accuracy', max: PCT },
  { words: 'top1 accuracies', metric: 'top-1 accuracy', max: PCT },
  { words: 'top1 acc', metric: 'top-1 accuracy', max: PCT },
  { words: 'top1', metric: 'top-1 accuracy', max: PCT, afterValueOnly: true },
  { words: 'top5 accuracy', metric: 'top-5 accuracy', max: PCT },
  { words: 'top5', metric: 'top-5 accuracy', max: PCT, afterValueOnly: true },
  { words: 'top1 error', metric: 'top-1 error', max: PCT },
  { words: 'top1 error rate', metric: 'top-1 error', max: PCT },
  { words: 'top1 test error', metric: 'top-1 error', max: PCT },
  { words: 'top5 error', metric: 'top-5 error', max: PCT },
  { words: 'top5 error rate', metric: 'top-5 error', max: PCT },
  { words: 'joint goal accuracy', metric: 'joint goal accuracy', max: PCT },
  { words: 'joint accuracy', metric: 'joint goal accuracy', max: PCT },
  { words: 'error', metric: 'error', max: PCT },
  { words: 'errors', metric: 'error', max: PCT },
  { words: 'error rate', metric: 'error', max: PCT },
  { words: 'error rates', metric: 'error', max: PCT },
  { words: 'misclassification error', metric: 'error', max: PCT },
  { words: 'misclassification rate', metric: 'error', max: PCT },
  { words: 'word error rate', metric: 'WER', max: PCT },
  { words: 'wer', metric: 'WER', max: PCT },
  { words: 'character error rate', metric: 'CER', max: PCT },
  { words: 'phone error rate', metric: 'PER', max: PCT },
  { words: 'phoneme error rate', metric: 'PER', max: PCT },
  { words: 'bleu', metric: 'BLEU', max: PCT },
  { words: 'bleu score', metric: 'BLEU', max: PCT },
  { words: 'bleu scores', metric: 'BLEU', max: PCT },
  { words: 'bleu4', metric: 'BLEU', max: PCT },
  { words: 'sacrebleu', metric: 'BLEU', max: PCT },
  { words: 'perplexity', metric: 'perplexity', min: 1 },
  { words: 'perplexities', metric: 'perplexity', min: 1 },
  { words: 'ppl', metric: 'perplexity', min: 1 },
  { words: 'test perplexity', metric: 'perplexity', min: 1 },
  { words: 'bpc', metric: 'bpc', max: 16 },
  { words: 'bits per character', metric: 'bpc', max: 16 },
  { words: 'bitspercharacter', metric: 'bpc', max: 16 },
  { words: 'bpd', metric: 'bits/dim', max: 16 },
  { words: 'bits/dim', metric: 'bits/dim', max: 16 },
  { words: 'bits per dimension', metric: 'bits/dim', max: 16 },
  { words: 'bits per dim', metric: 'bits/dim', max: 16 },
  { words: 'f1', metric: 'F1', max: PCT },
  { words: 'f1 score', metric: 'F1', max: PCT },
  { words: 'f1 scores', metric: 'F1', max: PCT },
  { words: 'f1score', metric: 'F1', max: PCT },
  { words: 'f1 measure', metric: 'F1', max: PCT },
  { words: 'macrof1', metric: 'macro-F1', max: PCT },
  { words: 'microf1', metric: 'micro-F1', max: PCT },
  { words: 'macro f1', metric: 'macro-F1', max: PCT },
  { words: 'micro f1', metric: 'micro-F1', max: PCT },
  { words: 'exact match', metric: 'EM', max: PCT },
  { words: 'em', metric: 'EM', max: PCT, exact: true, afterValueOnly: true },
  { words: 'fid', metric: 'FID', min: 0 },
  { words: 'fid score', metric: 'FID', min: 0 },
  { words: 'fid scores', metric: 'FID', min: 0 },
  { words: 'fréchet inception distance', metric: 'FID', min: 0 },
  { words: 'frechet inception distance', metric: 'FID', min: 0 },
  { words: 'inception score', metric: 'IS', min: 1 },
  { words: 'inception scores', metric: 'IS', min: 1 },
  { words: 'is', metric: 'IS', min: 1, exact: true, afterValueOnly: true },
  { words: 'auc', metric: 'AUC', max: PCT },
  { words: 'rocauc', metric: 'AUC', max: PCT },
  { words: 'roc auc', metric: 'AUC', max: PCT },
  { words: 'aucroc', metric: 'AUC', max: PCT },
  { words: 'auroc', metric: 'AUC', max: PCT },
  { words: 'area under the roc curve', metric: 'AUC', max: PCT },
  { words: 'aupr', metric: 'AUPR', max: PCT },
  { words: 'map', metric: 'mAP', max: PCT, exact: true },
  { words: 'mean average precision', metric: 'mAP', max: PCT },
  { words: 'ap', metric: 'AP', max: PCT, exact: true },
  { words: 'average precision', metric: 'AP', max: PCT },
  { words: 'box ap', metric: 'AP', max: PCT },
  { words: 'miou', metric: 'mIoU', max: PCT },
  { words: 'mean iou', metric: 'mIoU', max: PCT },
  { words: 'iou', metric: 'IoU', max: PCT },
  { words: 'psnr', metric: 'PSNR', max: 100 },
  { words: 'ssim', metric: 'SSIM', max: 1 },
  { words: 'rouge1', metric: 'ROUGE-1', max: PCT },
  { words: 'rouge2', metric: 'ROUGE-2', max: PCT },
  { words: 'rougel', metric: 'ROUGE-L', max: PCT },
  { words: 'meteor', metric: 'METEOR', max: PCT, exact: true },
  { words: 'cider', metric: 'CIDEr', max: 1000 },
  { words: 'ndcg', metric: 'NDCG', max: PCT },
  { words: 'mrr', metric: 'MRR', max: PCT },
  { words: 'mean reciprocal rank', metric: 'MRR', max: PCT },
  { words: 'hits@1', metric: 'Hits@1', max: PCT },
  { words: 'hits@3', metric: 'Hits@3', max: PCT },
  { words: 'hits@10', metric: 'Hits@10', max: PCT },
  { words: 'success rate', metric: 'success rate', max: PCT },
  { words: 'success rates', metric: 'success rate', max: PCT },
  { words: 'human normalized score', metric: 'human-normalized score' },
  { words: 'human normalised score', metric: 'human-normalized score' },
  { words: 'humannormalized score', metric: 'human-normalized score' },
  { words: 'humannormalised score', metric: 'human-normalized score' },
  { words: 'glue score', metric: 'GLUE score', max: PCT },
  { words: 'rmse', metric: 'RMSE', min: 0 },
  { words: 'mape', metric: 'MAPE', min: 0 },
  { words: 'smape', metric: 'sMAPE', min: 0 },
  { words: 'mase', metric: 'MASE', min: 0 },
  { words: 'mse', metric: 'MSE', min: 0, exact: true },
  { words: 'mae', metric: 'MAE', min: 0, exact: true },
  { words: 'nll', metric: 'NLL' },
  { words: 'negative loglikelihood', metric: 'NLL' },
  { words: 'certified robustness', metric: 'certified accuracy', max: PCT },
  { words: 'certified accuracy', metric: 'certified accuracy', max: PCT },
  { words: 'certified top5 accuracy', metric: 'certified top-5 accuracy', max: PCT },
  { words: 'verified error', metric: 'verified error', max: PCT },
  { words: 'verified test error', metric: 'verified error', max: PCT },
  { words: 'verified accuracy', metric: 'verified accuracy', max: PCT },
  { words: 'robust accuracy', metric: 'robust accuracy', max: PCT },
  { words: 'adversarial accuracy', metric: 'robust accuracy', max: PCT },
];

/** Words that may stand before a metric without changing it ("test", "classification"). */
const METRIC_MODIFIERS = new Set([
  'test',
  'testing',
  'validation',
  'val',
  'dev',
  'classification',
  'recognition',
  'detection',
  'segmentation',
  'prediction',
  'singlemodel',
  'single',
  'model',
  'overall',
  'average',
  'averaged',
  'mean',
  'median',
  'final',
  'best',
  'new',
  'clean',
  'standard',
  'natural',
  'generalization',
  'zeroshot',
  'fewshot',
  'oneshot',
  'linear',
  'evaluation',
  'unconditional',
  'conditional',
  'stateoftheart',
  'sota',
  'a',
  'an',
  'the',
  'its',
  'our',
]);

interface MetricNode {
  next: Map<string, MetricNode>;
  defs: MetricDef[];
}

const metricKey = (w: string) => w.replace(/[-\u2010]/g, '');

let metricTrie: MetricNode | undefined;
let metricDepth = 0;
function metricRoot(): MetricNode {
  if (metricTrie) return metricTrie;
  const root: MetricNode = { next: new Map(), defs: [] };
  for (const def of METRICS) {
    let node = root;
    const words = def.words.split(' ');
    metricDepth = Math.max(metricDepth, words.length);
    for (const w of words) {
      let nx = node.next.get(w);
      if (!nx) {
        nx = { next: new Map(), defs: [] };
        node.next.set(w, nx);
      }
      node = nx;
    }
    node.defs.push(def);
  }
  return (metricTrie = root);
}

interface MetricSpan {
  /** First token (modifiers included) and one past the last. */
  start: number;
  end: number;
  def: MetricDef;
}

/** The longest metric phrase starting exactly at token k (no modifiers), or null. */
function metricHeadAt(toks: readonly RTok[], k: number): MetricSpan | null {
  let node: MetricNode | undefined = metricRoot();
  let best: MetricSpan | null = null;
  for (let j = k; j < toks.length && j - k < metricDepth; j++) {
    const t = toks[j];
    if (!t || t.kind !== 'word') break;
    node = node.next.get(metricKey(t.text));
    if (!node) break;
    for (const def of node.defs) {
      if (def.exact && !exactCaseOk(toks, k, j, def)) continue;
      best = { start: k, end: j + 1, def };
    }
  }
  return best;
}

function exactCaseOk(toks: readonly RTok[], k: number, j: number, def: MetricDef): boolean {
  const raw = toks
    .slice(k, j + 1)
    .map((t) => t.raw)
    .join(' ');
  if (def.words === 'map') return raw === 'mAP';
  if (def.words === 'ap') return raw === 'AP';
  if (def.words === 'is') return raw === 'IS';
  if (def.words === 'em') return raw === 'EM';
  return raw === raw.toUpperCase();
}

/** Metric phrases of a sentence, left to right: up to 4 modifiers, then a metric head. */
function metricSpans(toks: readonly RTok[]): MetricSpan[] {
  const out: MetricSpan[] = [];
  let i = 0;
  while (i < toks.length) {
    let j = i;
    let head: MetricSpan | null = null;
    while (j < toks.length && j - i <= 4) {
      head = metricHeadAt(toks, j);
      if (head) break;
      const t = toks[j];
      if (!t || t.kind !== 'word' || !METRIC_MODIFIERS.has(metricKey(t.text))) break;
      j++;
    }
    if (head) {
      // Leading articles are not part of the metric phrase.
      let s = i;
      while (s < head.start && ['a', 'an', 'the', 'its', 'our'].includes(toks[s]?.text ?? '')) s++;
      out.push({ start: s, end: head.end, def: head.def });
      i = head.end;
    } else i++;
  }
  return out;
}

/** Words right before a number that make it a difference, a bound or an old value. */
const DELTA_BEFORE = new Set([
  'by',
  'than',
  'within',
  'from',
  'vs',
  'versus',
  'up',
  'absolute',
  'relative',
  'additional',
  'extra',
  'over',
  'nearly',
  'around',
  'about',
  'roughly',
  'approximately',
  'almost',
  'only',
  'just',
  'least',
  'most',
  'under',
  'below',
  'above',
  'beyond',
  'exceeding',
]);
/** Words right after a result that make it a difference ("2% higher", "accuracy drop"). */
const DELTA_AFTER = new Set([
  'improvement',
  'improvements',
  'gain',
  'gains',
  'increase',
  'increases',
  'increment',
  'decrease',
  'decreases',
  'drop',
  'drops',
  'degradation',
  'reduction',
  'reductions',
  'higher',
  'lower',
  'better',
  'worse',
  'less',
  'more',
  'fewer',
  'boost',
  'loss',
  'losses',
  'gap',
  'margin',
  'point',
  'points',
  'pp',
  'difference',
  'advantage',
  'deficit',
  'speedup',
  'faster',
  'slower',
  'relative',
  'absolute',
  'lift',
]);
/** Words in the clause before a number that make it someone else's. */
const OTHERS = new Set([
  'compared',
  'comparison',
  'baseline',
  'baselines',
  'previous',
  'previously',
  'prior',
  'concurrent',
  'existing',
  'human',
  'humans',
  'competitor',
  'competitors',
  'vs',
  'versus',
  'than',
  'whereas',
  'unlike',
  'chance',
  'random',
  'original',
  'unpruned',
  'uncompressed',
  'fullprecision',
  'teacher',
]);
const DELTA_NOUNS = new Set([
  'improvement',
  'improvements',
  'gain',
  'gains',
  'increase',
  'increases',
  'reduction',
  'reductions',
  'drop',
  'drops',
  'decrease',
  'decreases',
  'boost',
  'margin',
  'margins',
  'degradation',
  'speedup',
]);
/** Words that end a condition phrase once it has said something ("at ε=8/255 | in 6 minutes"). */
const PHRASE_END = new Set(['in', 'for', 'on', 'within', 'over', 'after']);
const BASELINE_NOUNS = new Set(['baseline', 'baselines', 'human', 'humans', 'chance', 'teacher']);
const CLAUSE_PUNCT = new Set([',', ';', ':', '(', ')', '[', ']', '—', '–']);
const CHANGE_VERBS =
  /^(?:improv|boost|increas|reduc|decreas|lower|rais|push|bring|brought|cut|drop|advanc|mov)/;
const CONDITION_TRIGGERS = new Set(['with', 'using', 'at', 'under', 'given', 'when', 'without']);
const CONDITION_KEYWORDS =
  /^(?:labels?|labeled|labelled|examples?|samples?|shots?|bits?|bitwidth|perturbations?|epsilon|ε|settings?|budgets?|macs|flops|madds?|parameters|params|steps|frames|epochs|images|queries|data|augmentation|pretraining|pre-training|noise|radius|resolution|norm|ℓ|l2|linf|l∞|l-infinity|constraint|constraints|latency|attack|attacks|class|classes|per)$/;
const CONDITION_STOP = new Set([
  'we',
  'our',
  'it',
  'they',
  'and',
  'while',
  'which',
  'that',
  'whereas',
  'but',
  'compared',
  'outperforming',
  'achieving',
  'reaching',
  'obtaining',
  'respectively',
  'than',
]);
const CONDITION_BAD = new Set([
  'compared',
  'than',
  'baseline',
  'baselines',
  'improvement',
  'drop',
  'reduction',
  'fewer',
  'less',
  'faster',
  'slower',
  'cost',
  'only',
]);

interface Draft {
  metric: string;
  value: string;
  /** Token range of the result's own words (value and metric). */
  from: number;
  to: number;
  dataset: string | null;
  /** Character offset after the dataset it took from the text following it, if any. */
  claimedTo: number;
  /** Token index where its value is. */
  valueTok: number;
  condition?: string;
}

interface SentenceCtx {
  /** The abstract as written (LaTeX kept), same offsets as `text`. */
  raw: string;
  /** The abstract with LaTeX cleaned to spaces. */
  text: string;
  toks: RTok[];
  mentions: DatasetMention[];
  /** For each token, the index in `mentions` of the dataset it lies in, or -1. */
  dsOf: Int32Array;
  spans: MetricSpan[];
  /** For each token, the index in `spans` of the metric phrase it lies in, or -1. */
  spanOf: Int32Array;
}

/** Results stated in one sentence (text is the LaTeX-cleaned abstract). */
function sentenceResults(ctx: SentenceCtx): Draft[] {
  const { toks, spans, spanOf } = ctx;
  const drafts: Draft[] = [];
  const used = new Set<number>(); // value tokens already part of a result

  // Values: numbers that are not fractions, ranges, multipliers or part of a dataset name.
  const isValue = (k: number) => {
    const t = toks[k];
    if (!t || t.kind !== 'num' || (ctx.dsOf[k] ?? -1) >= 0) return false;
    const prev = toks[k - 1];
    const next = toks[k + 1];
    if (prev && prev.end === t.start && '/-.–—'.includes(prev.text)) return false;
    if (prev && prev.kind === 'word' && prev.end === t.start) return false; // "v1", "WMT'14"
    if (next && next.start === t.end && '/-–—'.includes(next.text)) return false; // 8/255, 3-hop
    if (ctx.raw[t.end] === '\\' && ctx.raw[t.end + 1] !== '%') return false; // "1\epsilon"
    if (next && (next.text === '–' || next.text === '-') && toks[k + 2]?.kind === 'num')
      return false;
    if (next && ['x', '×', 'times', 'fold'].includes(next.text)) return false;
    if (t.glued && next) {
      const head = metricHeadAt(toks, k + 1);
      return head !== null;
    }
    return true;
  };

  /** The value's text with a ± part when written "65.2 ± 0.3%". */
  const valueText = (k: number): [string, number] => {
    const t = toks[k];
    if (!t) return ['', k];
    const pm = toks[k + 1];
    const err = toks[k + 2];
    if (pm?.text === '±' && err?.kind === 'num') {
      return [`${t.text} ± ${err.text}`, k + 2];
    }
    return [t.text, k];
  };

  const plausible = (def: MetricDef, k: number) => {
    const t = toks[k];
    if (!t) return false;
    const v = Number(t.raw.replace(/,/g, ''));
    if (!Number.isFinite(v)) return false;
    if (def.max !== undefined && v > def.max) return false;
    if (def.min !== undefined && v < def.min) return false;
    // Percent signs only on percent-like metrics.
    if (t.pct && def.max !== PCT && !PERCENT_TOO.has(def.metric)) return false;
    if (!t.raw.includes('.') && v >= 1900 && v <= 2100) return false; // a year
    return true;
  };

  const wordBefore = (k: number) => {
    const t = toks[k - 1];
    return t?.kind === 'word' ? t.text : '';
  };

  /** Someone else's number, a bound or a difference, judged from the words before it. */
  const othersBefore = (k: number) => {
    for (let j = k - 1, n = 0; j >= 0 && n < 14; j--, n++) {
      const t = toks[j];
      if (!t) break;
      if (t.kind === 'punct' && CLAUSE_PUNCT.has(t.text)) break;
      if (t.kind === 'word' && OTHERS.has(metricKey(t.text))) return true;
      if (t.kind === 'word' && n < 4 && DELTA_NOUNS.has(t.text)) return true; // "gains of 2%"
    }
    return false;
  };
  const deltaAfter = (k: number) => {
    for (let j = k; j < k + 3; j++) {
      const t = toks[j];
      if (!t || t.kind !== 'word') return false;
      if (DELTA_AFTER.has(t.text)) return true;
      if (j > k && BASELINE_NOUNS.has(t.text)) return true; // "… accuracy of the baseline"
      if (!['of', 'the', 'for', 'in', 'on'].includes(t.text)) return false;
    }
    return false;
  };

  /** Values coordinated with the one at k, going left: "74.60% and 72.55%". */
  const listLeft = (k: number): number[] => {
    const out = [k];
    let j = k - 1;
    for (;;) {
      let p = j;
      if (toks[p]?.text === 'and' || toks[p]?.text === 'or') p--;
      if (toks[p]?.text === ',') p--;
      if (p === j || !isValue(p)) break;
      out.unshift(p);
      j = p - 1;
    }
    return out;
  };
  const listRight = (k: number): number[] => {
    const out = [k];
    let j = k + 1;
    for (;;) {
      let p = j;
      if (toks[p]?.text === ',') p++;
      if (toks[p]?.text === 'and' || toks[p]?.text === 'or') p++;
      if (p === j || !isValue(p) || spanStartsAt(p + 1)) break;
      out.push(p);
      j = p + 1;
    }
    return out;
  };
  const spanStartsAt = (k: number) => {
    const s = spanOf[k] ?? -1;
    return s >= 0 && spans[s]?.start === k;
  };

  const emit = (vals: number[], def: MetricDef, from: number, to: number) => {
    for (const k of vals) {
      if (used.has(k) || !plausible(def, k)) continue;
      const [value] = valueText(k);
      used.add(k);
      drafts.push({
        metric: def.metric,
        value,
        from: Math.min(from, k),
        to: Math.max(to, k + 1),
        dataset: null,
        claimedTo: -1,
        valueTok: k,
      });
    }
  };

  for (let k = 0; k < toks.length; k++) {
    if (used.has(k) || !isValue(k)) continue;
    const [, last] = valueText(k);
    // Pattern A: value(s) [dataset] metric — "93.73% accuracy", "80.0% ImageNet top-1 accuracy".
    let m = last + 1;
    const ds = ctx.dsOf[m] ?? -1;
    if (ds >= 0) while ((ctx.dsOf[m] ?? -1) === ds) m++;
    const sIdx = spanOf[m] ?? -1;
    const span = sIdx >= 0 ? spans[sIdx] : undefined;
    if (span?.start === m) {
      const vals = listLeft(k);
      const first = vals[0] ?? k;
      const prev = wordBefore(first);
      const upTo = prev === 'to' && wordBefore(first - 1) === 'up'; // "up to 4.0% top-1 accuracy"
      if (
        !DELTA_BEFORE.has(prev) &&
        !upTo &&
        !deltaAfter(span.end) &&
        !othersBefore(first) &&
        !(toks[first - 1]?.text === '<' || toks[first - 1]?.text === '>')
      ) {
        emit(vals, span.def, first, span.end);
      } else for (const v of vals) used.add(v);
      k = Math.max(k, span.end - 1);
      continue;
    }
    // Pattern B: metric [on DATASET …] (of|=|:|is|was|to|nothing) value(s).
    const b = metricBefore(ctx, k);
    if (b) {
      const vals = listRight(k);
      const lastVal = vals.at(-1) ?? k;
      const after = valueText(lastVal)[1] + 1;
      const follower = toks[after];
      const counts = follower?.kind === 'word' && !VALUE_FOLLOWERS.has(follower.text); // "of 3 models"
      if (
        !counts &&
        !deltaAfter(after) &&
        !othersBefore(b.start) &&
        !othersBetween(ctx, b.end, k)
      ) {
        emit(vals, b.def, b.start, after);
      } else for (const v of vals) used.add(v);
      continue;
    }
    // "from X to Y" after a metric and a verb of change: Y is the new result.
    if (wordBefore(k) === 'from' && toks[last + 1]?.text === 'to' && isValue(last + 2)) {
      const y = last + 2;
      const span2 = nearestSpanBefore(ctx, k);
      if (span2 && changeVerbBefore(ctx, span2.start) && !deltaAfter(valueText(y)[1] + 1)) {
        used.add(k);
        emit([y], span2.def, y, valueText(y)[1] + 1);
      } else used.add(y);
      k = y;
      continue;
    }
  }

  // Continuations: ", and 66.94% on CIFAR-10" repeats the metric of the result before it;
  // "F1 scores for PPI (0.995) and Reddit (0.970)" gives a value per dataset.
  for (let k = 0; k < toks.length; k++) {
    if (used.has(k) || !isValue(k)) continue;
    const prevDraft = lastDraftBefore(drafts, k);
    const prev = toks[k - 1]?.text;
    if (prevDraft && (prev === 'and' || prev === ',')) {
      let j = valueText(k)[1] + 1;
      if (['on', 'for', 'in'].includes(toks[j]?.text ?? '')) {
        j++;
        if (toks[j]?.text === 'the') j++;
        if ((ctx.dsOf[j] ?? -1) >= 0 && !DELTA_BEFORE.has(wordBefore(k - 1))) {
          const def = METRICS.find((x) => x.metric === prevDraft.metric);
          if (def) emit([k], def, k, j);
        }
      }
      continue;
    }
    if (prev === '(' && toks[valueText(k)[1] + 1]?.text === ')' && (ctx.dsOf[k - 2] ?? -1) >= 0) {
      const span3 = parenthesisedMetric(ctx, k - 2);
      if (span3) emit([k], span3.def, k, k + 1);
    }
  }

  drafts.sort((a, b) => a.valueTok - b.valueTok);
  assignDatasets(ctx, drafts);
  for (const dr of drafts) {
    const c = conditionFor(ctx, dr, drafts);
    if (c) dr.condition = c;
  }
  return drafts;
}

/** Words that may follow a value read as "metric of VALUE …"; any other word makes it a count. */
const VALUE_FOLLOWERS = new Set([
  'on',
  'in',
  'for',
  'with',
  'at',
  'and',
  'or',
  'while',
  'which',
  'that',
  'when',
  'using',
  'under',
  'without',
  'respectively',
  'across',
  'compared',
  'versus',
  'vs',
  'after',
  'within',
  'is',
  'was',
  'are',
  'were',
  'as',
  'even',
  'against',
  'among',
  'per',
  'by',
  'of',
]);

/** Connectors between a metric and its value: "accuracy of 93%", "error = 4.5%", "F1: 90.2". */
const CONNECTORS = new Set(['of', '=', ':', 'is', 'was', 'to', 'reaches', 'reaching', 'reached']);
/** Words that may follow the dataset in "accuracy on the SNLI test set to 91.7". */
const GAP_WORDS = new Set([
  'the',
  'test',
  'set',
  'dev',
  'validation',
  'benchmark',
  'dataset',
  'task',
  'question',
  'answering',
  'split',
  'data',
  'classification',
]);

/** The metric phrase a value at k follows: "accuracy of", "F1 score on SQuAD … to", "top-1 accuracy". */
function metricBefore(ctx: SentenceCtx, k: number): MetricSpan | null {
  const { toks, spans, spanOf } = ctx;
  const conn = toks[k - 1]?.text ?? '';
  let s = -1;
  if (!CONNECTORS.has(conn)) {
    const t = toks[k];
    // "top-1 accuracy 79.40%": with no connector the number must look like a score.
    if (t && (t.pct === true || t.raw.includes('.'))) s = spanOf[k - 1] ?? -1;
  } else {
    s = spanOf[k - 2] ?? -1;
    if (s < 0 && conn !== '=' && conn !== ':') {
      // "the F1 score on SQuAD v1.1 question answering to 93.0": on/for/in DATASET [words].
      let sawDataset = false;
      for (let p = k - 2, n = 0; p >= 1 && n < 10; p--, n++) {
        const t = toks[p];
        if (!t) break;
        if ((ctx.dsOf[p] ?? -1) >= 0) {
          sawDataset = true;
          continue;
        }
        if (t.kind !== 'word') break;
        if (['on', 'for', 'in'].includes(t.text)) {
          if (sawDataset) s = spanOf[p - 1] ?? -1;
          break;
        }
        if (!GAP_WORDS.has(t.text) && !/^v?\d/.test(t.text)) break;
      }
    }
  }
  const span = s >= 0 ? spans[s] : undefined;
  if (!span || span.def.afterValueOnly) return null;
  if (conn === 'to' && !changeVerbBefore(ctx, span.start)) return null;
  return span;
}

/** Words between a metric and its value that say it is not this paper's or not a level. */
function othersBetween(ctx: SentenceCtx, from: number, to: number): boolean {
  for (let j = from; j < to; j++) {
    const t = ctx.toks[j];
    if (t?.kind !== 'word') continue;
    if (OTHERS.has(metricKey(t.text)) || ['by', 'over', 'under', 'up', 'than'].includes(t.text)) {
      return true;
    }
  }
  return false;
}

function nearestSpanBefore(ctx: SentenceCtx, k: number): MetricSpan | null {
  let best: MetricSpan | null = null;
  for (const s of ctx.spans) {
    if (s.end <= k && !s.def.afterValueOnly) best = s;
    else if (s.start >= k) break;
  }
  if (!best) return null;
  // No other number between the metric and "from", except earlier "from X to Y" pairs.
  for (let j = best.end; j < k - 1; j++) {
    const t = ctx.toks[j];
    if (t?.kind !== 'num' || (ctx.dsOf[j] ?? -1) >= 0) continue;
    const prev = ctx.toks[j - 1]?.text;
    if (prev !== 'from' && prev !== 'to') return null;
  }
  return best;
}

/** A verb of change ("improves", "pushing", "reduces") earlier in the sentence. */
function changeVerbBefore(ctx: SentenceCtx, k: number): boolean {
  for (let j = k - 1, n = 0; j >= 0 && n < 40; j--, n++) {
    const t = ctx.toks[j];
    if (t?.kind === 'word' && CHANGE_VERBS.test(t.text)) return true;
  }
  return false;
}

function parenthesisedMetric(ctx: SentenceCtx, dsTok: number): MetricSpan | null {
  // Walk back over "for PPI (0.995) and Reddit" to a metric phrase.
  for (let j = dsTok, n = 0; j >= 0 && n < 16; j--, n++) {
    const t = ctx.toks[j];
    if (!t) break;
    const s = ctx.spanOf[j] ?? -1;
    if (s >= 0) {
      const span = ctx.spans[s];
      return span && !span.def.afterValueOnly ? span : null;
    }
    if ((ctx.dsOf[j] ?? -1) >= 0) continue;
    if (t.kind === 'num' && ctx.toks[j - 1]?.text === '(') continue;
    if ([',', '(', ')', 'and', 'for', 'on', 'the'].includes(t.text)) continue;
    return null;
  }
  return null;
}

function lastDraftBefore(drafts: readonly Draft[], k: number): Draft | undefined {
  let best: Draft | undefined;
  for (const dr of drafts) if (dr.valueTok < k && (!best || dr.valueTok > best.valueTok)) best = dr;
  return best;
}

/**
 * The dataset of each result: one named right after it ("… accuracy on the CIFAR-10 dataset"),
 * else the nearest named before it (not one an earlier result took from its right), else the
 * nearest in the sentence. A list of values meets a list of datasets in order ("85.44% and
 * 67.75% on ARC-Easy and ARC-Challenge"; "… respectively").
 */
function assignDatasets(ctx: SentenceCtx, drafts: Draft[]): void {
  const { toks, mentions } = ctx;
  if (mentions.length === 0 || drafts.length === 0) return;
  const nameOf = (mi: number) => mentions[mi]?.names[0] ?? null;
  /** Dataset mentions coordinated with mention mi, to the right: "ARC-Easy and ARC-Challenge". */
  const groupFrom = (mi: number): number[] => {
    const out = [mi];
    for (let x = mi + 1; x < mentions.length; x++) {
      const a = mentions[x - 1];
      const b = mentions[x];
      if (!a || !b) break;
      const gap = ctx.text.slice(a.end, b.start);
      if (gap.length > 40 || !/^\s*(?:,|,?\s*and|,?\s*or|\/)?\s*(?:the\s+)?$/i.test(gap)) break;
      out.push(x);
    }
    return out;
  };

  let barrier = -1;
  for (let i = 0; i < drafts.length; i++) {
    const dr = drafts[i];
    if (!dr || dr.dataset !== null) continue;
    // Inside: "80.0% ImageNet top-1 accuracy".
    let inside = -1;
    for (let j = dr.from; j < dr.to && inside < 0; j++) inside = ctx.dsOf[j] ?? -1;
    if (inside >= 0) {
      dr.dataset = nameOf(inside);
      continue;
    }
    // Forward: a dataset within 8 tokens after the result, before a clause break or a number.
    let fwd = -1;
    for (let j = dr.to, n = 0; j < toks.length && n < 9; j++, n++) {
      const t = toks[j];
      if (!t) break;
      const mi = ctx.dsOf[j] ?? -1;
      if (mi >= 0) {
        fwd = mi;
        break;
      }
      if (t.kind === 'num') break;
      if (t.kind === 'punct' && CLAUSE_PUNCT.has(t.text) && t.text !== ',') break;
      if (t.kind === 'punct' && t.text === ',' && n > 0) break;
      if (
        t.kind === 'word' &&
        ['while', 'whereas', 'compared', 'than', 'over', 'vs'].includes(t.text)
      )
        break;
      if ((ctx.spanOf[j] ?? -1) >= 0 && j > dr.to) break;
    }
    if (fwd >= 0) {
      // Values listed together and datasets listed together pair up in order.
      const sameGroup = drafts.filter(
        (o) => o.dataset === null && o.to === dr.to && o.metric === dr.metric,
      );
      const group = groupFrom(fwd);
      if (sameGroup.length > 1 && group.length === sameGroup.length) {
        sameGroup.forEach((o, x) => {
          o.dataset = nameOf(group[x] ?? fwd);
          o.claimedTo = mentions[group.at(-1) ?? fwd]?.end ?? -1;
        });
      } else {
        dr.dataset = nameOf(fwd);
        dr.claimedTo = mentions[fwd]?.end ?? -1;
      }
      barrier = Math.max(barrier, dr.claimedTo);
      continue;
    }
    // Backward: the nearest dataset before the result that no earlier result took.
    const startChar = toks[dr.from]?.start ?? 0;
    let back = -1;
    for (let x = mentions.length - 1; x >= 0; x--) {
      const mm = mentions[x];
      if (mm && mm.end <= startChar) {
        if (mm.start >= barrier) back = x;
        break;
      }
    }
    if (back >= 0) {
      dr.dataset = nameOf(back);
      continue;
    }
    // Otherwise the nearest dataset named anywhere in the sentence.
    const endChar = toks[dr.to - 1]?.end ?? startChar;
    let near = -1;
    let dist = Infinity;
    mentions.forEach((mm, x) => {
      const dd = mm.end <= startChar ? startChar - mm.end : mm.start - endChar;
      if (dd >= 0 && dd < dist) {
        dist = dd;
        near = x;
      }
    });
    if (near >= 0) dr.dataset = nameOf(near);
  }
  // "respectively": n results and a list of n datasets in the sentence pair up in order.
  if (toks.some((t) => t.text === 'respectively')) {
    for (let mi = 0; mi < mentions.length; mi++) {
      const g = groupFrom(mi);
      if (g.length > 1 && g.length === drafts.length) {
        drafts.forEach((o, x) => (o.dataset = nameOf(g[x] ?? mi)));
        return;
      }
      mi += g.length - 1;
    }
  }
}

/** "with 250 labeled examples", "at epsilon=0.3", "under the mobile setting": in the result's clause. */
function conditionFor(ctx: SentenceCtx, dr: Draft, all: readonly Draft[]): string | undefined {
  const { toks } = ctx;
  const others = new Set<number>();
  for (const o of all) if (o !== dr) for (let j = o.from; j < o.to; j++) others.add(j);
  const phraseAt = (j: number): [number, number] | null => {
    const trig = toks[j];
    if (!trig || trig.kind !== 'word' || !CONDITION_TRIGGERS.has(trig.text)) return null;
    let e = j + 1;
    let informative = false;
    for (; e < toks.length && e - j <= 10; e++) {
      const t = toks[e];
      if (!t) break;
      if (t.kind === 'punct' && (CLAUSE_PUNCT.has(t.text) || t.text === '.')) break;
      if (t.kind === 'word' && CONDITION_STOP.has(t.text)) break;
      if (informative && t.kind === 'word' && PHRASE_END.has(t.text)) break;
      if (others.has(e) || (e >= dr.from && e < dr.to)) return null;
      if (t.kind === 'word' && CONDITION_BAD.has(t.text)) return null;
      if ((ctx.spanOf[e] ?? -1) >= 0) return null;
      if (t.kind === 'num' || /\d/.test(t.text) || CONDITION_KEYWORDS.test(t.text))
        informative = true;
    }
    if (!informative || e === j + 1 || e - j > 10) return null;
    if (
      trig.text === 'without' &&
      !toks
        .slice(j, e)
        .some((t) => /^(?:extra|additional|pre-?training|data|labels?)$/.test(t.text))
    )
      return null;
    return [j, e];
  };
  // After the result (and its dataset), then before it, within the clause.
  let j = dr.to;
  while (j < toks.length && (ctx.dsOf[j] ?? -1) >= 0) j++;
  // "24.2% on ImageNet (under the mobile setting)": a bracket that opens with a condition.
  if (toks[j]?.text === '(' && CONDITION_TRIGGERS.has(toks[j + 1]?.text ?? '')) j++;
  for (let n = 0; j < toks.length && n < 10; j++, n++) {
    const t = toks[j];
    if (!t || (t.kind === 'punct' && (CLAUSE_PUNCT.has(t.text) || t.text === '.'))) break;
    if (t.kind === 'num' && (ctx.dsOf[j] ?? -1) < 0) break; // another number: another result
    const p = phraseAt(j);
    if (p)
      return ctx.text.slice(toks[p[0]]?.start ?? 0, toks[p[1] - 1]?.end ?? 0).replace(/\s+/g, ' ');
    if (others.has(j)) break;
  }
  for (let b = dr.from - 1, n = 0; b >= 0 && n < 12; b--, n++) {
    const t = toks[b];
    if (!t || (t.kind === 'punct' && CLAUSE_PUNCT.has(t.text)) || others.has(b)) break;
    const p = phraseAt(b);
    if (p && p[1] <= dr.from) {
      return ctx.text.slice(toks[p[0]]?.start ?? 0, toks[p[1] - 1]?.end ?? 0).replace(/\s+/g, ' ');
    }
  }
  return undefined;
}

/** The longest sentence searched for results; longer "sentences" are not prose. */
const MAX_RESULT_SENTENCE = 3000;

/** Results stated in an abstract, in order. */
export function extractResults(abstract: string): ReportedResult[] {
  return resultsIn(abstract, findDatasetMentions(abstract));
}

function resultsIn(abstract: string, mentions: readonly DatasetMention[]): ReportedResult[] {
  const clean = cleanLatex(abstract);
  const out: ReportedResult[] = [];
  const seen = new Set<string>();
  let mi = 0;
  for (const [s, e] of sentenceRanges(clean)) {
    while (mi < mentions.length && (mentions[mi]?.start ?? 0) < s) mi++;
    const local: DatasetMention[] = [];
    for (let x = mi; x < mentions.length; x++) {
      const m = mentions[x];
      if (!m || m.start >= e) break;
      if (m.end <= e) local.push(m);
    }
    if (e - s > MAX_RESULT_SENTENCE || !/\d/.test(clean.slice(s, e))) continue;
    const toks = resultTokens(clean, s, e);
    const dsOf = new Int32Array(toks.length).fill(-1);
    let x = 0;
    toks.forEach((t, j) => {
      while (x < local.length && (local[x]?.end ?? 0) <= t.start) x++;
      const m = local[x];
      if (m && m.start <= t.start && t.end <= m.end + 1) dsOf[j] = x;
    });
    const spans = metricSpans(toks);
    const spanOf = new Int32Array(toks.length).fill(-1);
    spans.forEach((sp, si) => {
      for (let j = sp.start; j < sp.end; j++) spanOf[j] = si;
    });
    const ctx: SentenceCtx = {
      raw: abstract,
      text: clean,
      toks,
      mentions: local,
      dsOf,
      spans,
      spanOf,
    };
    const sentence = abstract.slice(s, e);
    for (const dr of sentenceResults(ctx)) {
      const r: ReportedResult = {
        metric: dr.metric,
        value: dr.value,
        dataset: dr.dataset,
        sentence,
      };
      if (dr.condition) r.condition = dr.condition;
      const key = `${r.metric}\u0000${r.value}\u0000${r.dataset ?? ''}\u0000${s}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(r);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Entry point

/** Canonical names with their mention counts in a text, most mentioned first. */
export function countDatasets(text: string): DatasetMentionCount[] {
  return countMentions(findDatasetMentions(text));
}

function countMentions(mentions: readonly DatasetMention[]): DatasetMentionCount[] {
  const counts = new Map<string, { n: number; first: number }>();
  for (const m of mentions) {
    for (const name of m.names) {
      const c = counts.get(name);
      if (c) c.n++;
      else counts.set(name, { n: 1, first: m.start });
    }
  }
  return [...counts]
    .sort((a, b) => b[1].n - a[1].n || a[1].first - b[1].first)
    .map(([name, c]) => ({ name, mentions: c.n }));
}

/** Code links, datasets and benchmarks (title and abstract), and stated results of one paper. */
export function extractEntities(paper: EntityInput): Entities {
  const inAbstract = findDatasetMentions(paper.abstract);
  // Title mentions count too; they are placed before the abstract's so ties keep that order.
  const title = paper.title ?? '';
  const inTitle = findDatasetMentions(title).map((m) => ({
    ...m,
    start: m.start - title.length - 1,
  }));
  return {
    codeLinks: extractCodeLinks(paper.abstract, paper.links),
    datasets: countMentions([...inTitle, ...inAbstract]),
    results: resultsIn(paper.abstract, inAbstract),
  };
}

/** The dictionary entry of a canonical name or any alias (case-insensitive), if any. */
export function lookupDataset(nameOrAlias: string): DatasetEntry | undefined {
  const ms = findDatasetMentions(nameOrAlias);
  const m = ms[0];
  if (ms.length !== 1 || !m || m.start !== 0 || m.end !== nameOrAlias.trim().length) {
    const lower = nameOrAlias.toLowerCase();
    return DATASETS.find(
      (e) => e.name.toLowerCase() === lower || e.exact.some((x) => x.toLowerCase() === lower),
    );
  }
  const name = m.names[0];
  return DATASETS.find((e) => e.name === name);
}
