#!/usr/bin/env python3
"""Sanity-check the hand-made relevance set in this directory.

Checks:
  * every title in qrels.tsv matches exactly one title in the listing
    (both sides: drop heading markers and markup, lowercase, keep [a-z0-9]);
  * every qid in qrels.tsv exists in queries.tsv and every query has >= 1 qrel;
  * qids are unique, kinds and grades are valid, known/paraphrase queries have
    exactly one grade-2 target, no (qid, title) pair is judged twice;
  * paraphrase queries share no content word with their target's title
    (crude suffix stemming; stopwords and a few generic ML words are exempt).

Usage: python3 bench/quality/check_qrels.py [path/to/listing.md]
Exits non-zero on any failure.
"""
import collections
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_LISTING = os.path.join(HERE, '..', '..', 'data', 'iclr2020', 'listing.md')
KINDS = {'known', 'paraphrase', 'topical', 'filter'}
STOP = set('''a an the of for and or in on to with by from via is are be as at its it this
that we our not no into than then so do does what how why can which when where who
you your only just one all more most very over under through between about using'''.split())
GENERIC = set('learn learning learned neural network networks deep model models'.split())


def stem(w):
    for suf in ('ations', 'ation', 'ings', 'ing', 'ness', 'ers', 'er', 'ies', 'es', 'ed', 's'):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[:-len(suf)]
    return w


def content_stems(text):
    skip = {stem(w) for w in STOP | GENERIC}
    return {stem(t) for t in re.findall(r'[a-z0-9]+', text.lower())} - skip


def norm(s):
    return re.sub(r'[^a-z0-9]', '', s.lower())


def listing_titles(path):
    titles = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            if not line.startswith('#'):
                continue
            t = re.sub(r'^#+\s*', '', line.strip())
            t = re.sub(r'</?u>|</?del>|\*\*', '', t).strip()
            if t:
                titles.append(t)
    return titles


def read_tsv(path):
    with open(path, encoding='utf-8', newline='') as f:
        rows = list(csv.reader(f, delimiter='\t', quoting=csv.QUOTE_NONE))
    return rows[0], rows[1:]


def main():
    listing = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_LISTING
    errors = []
    titles = listing_titles(listing)
    index = collections.defaultdict(list)
    for t in titles:
        index[norm(t)].append(t)

    qhead, qrows = read_tsv(os.path.join(HERE, 'queries.tsv'))
    if qhead != ['qid', 'kind', 'query']:
        errors.append(f'queries.tsv: bad header {qhead}')
    queries = {}
    query_text = {}
    for i, row in enumerate(qrows, start=2):
        if len(row) != 3:
            errors.append(f'queries.tsv:{i}: expected 3 columns, got {len(row)}')
            continue
        qid, kind, query = row
        if qid in queries:
            errors.append(f'queries.tsv:{i}: duplicate qid {qid}')
        if kind not in KINDS:
            errors.append(f'queries.tsv:{i}: unknown kind {kind!r}')
        if not query.strip():
            errors.append(f'queries.tsv:{i}: empty query')
        queries[qid] = kind
        query_text[qid] = query

    rhead, rrows = read_tsv(os.path.join(HERE, 'qrels.tsv'))
    if rhead != ['qid', 'grade', 'title']:
        errors.append(f'qrels.tsv: bad header {rhead}')
    judged = collections.defaultdict(dict)
    for i, row in enumerate(rrows, start=2):
        if len(row) != 3:
            errors.append(f'qrels.tsv:{i}: expected 3 columns, got {len(row)}')
            continue
        qid, grade, title = row
        if qid not in queries:
            errors.append(f'qrels.tsv:{i}: qid {qid} not in queries.tsv')
        if grade not in ('1', '2'):
            errors.append(f'qrels.tsv:{i}: grade must be 1 or 2, got {grade!r}')
        hits = index.get(norm(title), [])
        if len(hits) != 1:
            errors.append(f'qrels.tsv:{i}: title matches {len(hits)} listing titles: {title!r}')
        key = norm(title)
        if key in judged[qid]:
            errors.append(f'qrels.tsv:{i}: duplicate judgement for {qid}: {title!r}')
        judged[qid][key] = grade
        if grade == '2' and queries.get(qid) == 'paraphrase':
            shared = content_stems(query_text[qid]) & content_stems(title)
            if shared:
                errors.append(f'qrels.tsv:{i}: paraphrase {qid} reuses title words {sorted(shared)}')

    for qid, kind in queries.items():
        if qid not in judged:
            errors.append(f'queries.tsv: {qid} has no qrels')
            continue
        if kind in ('known', 'paraphrase'):
            n2 = sum(1 for g in judged[qid].values() if g == '2')
            if n2 != 1:
                errors.append(f'{qid} ({kind}): expected exactly one grade-2 target, got {n2}')

    kinds = collections.Counter(queries.values())
    print(f'listing titles: {len(titles)} (unique normalised: {len(index)})')
    print('queries: ' + ', '.join(f'{k}={kinds[k]}' for k in sorted(kinds)) + f', total={len(queries)}')
    print(f'qrels: {len(rrows)} judgements over {len(judged)} queries')
    if errors:
        print(f'FAIL: {len(errors)} problem(s)')
        for e in errors:
            print('  ' + e)
        return 1
    print('OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())
