// The reading list: its papers, "more like these", exports (BibTeX, CSV, Markdown, RIS) and
// the import that reads any of them back.

import { useState } from 'preact/hooks';
import { api, type MoreLikeThese } from '../api';
import { ListButton, PaperRow, PaperTitle, Terms, usePage } from '../components';
import { download, parseImport, toBibTeX, toCSV, toMarkdown, toRIS } from '../exporters';
import { itemOf, readingList, useReadingList, type ListItem } from '../readingList';
import { Link, paths } from '../router';
import { fmt } from '../text';

const EXPORTS = [
  {
    label: 'BibTeX',
    file: 'reading-list.bib',
    type: 'application/x-bibtex',
    make: (l: readonly ListItem[]) => toBibTeX(l),
  },
  {
    label: 'CSV',
    file: 'reading-list.csv',
    type: 'text/csv',
    make: (l: readonly ListItem[]) => toCSV(l),
  },
  {
    label: 'Markdown',
    file: 'reading-list.md',
    type: 'text/markdown',
    make: (l: readonly ListItem[]) => toMarkdown(l, location.origin),
  },
  {
    label: 'RIS',
    file: 'reading-list.ris',
    type: 'application/x-research-info-systems',
    make: (l: readonly ListItem[]) => toRIS(l, location.origin),
  },
] as const;

async function fetchItems(ids: string[]): Promise<{ items: ListItem[]; unknown: string[] }> {
  const items: ListItem[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < ids.length; i += 8) {
    const batch = ids.slice(i, i + 8);
    const got = await Promise.all(batch.map((id) => api.paper(id).catch(() => null)));
    got.forEach((p, j) => {
      if (p) items.push(itemOf(p));
      else unknown.push(batch[j] ?? '');
    });
  }
  return { items, unknown };
}

export function ListPage() {
  const page = usePage('Reading list');
  const list = useReadingList();
  const [message, setMessage] = useState('');
  const [pasted, setPasted] = useState('');
  const [recs, setRecs] = useState<MoreLikeThese | null>(null);
  const [recsState, setRecsState] = useState('');

  const importText = async (text: string, what: string) => {
    const { format, ids } = parseImport(text);
    if (!ids.length) {
      setMessage(`No paper ids found in ${what}.`);
      return;
    }
    setMessage(`Importing ${ids.length} papers…`);
    const { items, unknown } = await fetchItems(ids);
    const added = readingList.addMany(items);
    setMessage(
      `Imported from ${what} (${format}): ${added} added, ${items.length - added} already in the list` +
        (unknown.length ? `, ${unknown.length} unknown (${unknown.slice(0, 5).join(', ')})` : '') +
        '.',
    );
  };

  const moreLikeThese = () => {
    setRecsState('Finding papers like these…');
    api
      .moreLikeThese(
        list.slice(0, 200).map((i) => i.id),
        20,
      )
      .then(
        (r) => {
          setRecs(r);
          setRecsState('');
        },
        (e: unknown) =>
          setRecsState(
            `Could not get recommendations: ${e instanceof Error ? e.message : String(e)}`,
          ),
      );
  };

  return (
    <div class="list-page">
      <h1 tabIndex={-1} ref={page.ref}>
        Reading list
      </h1>
      <p class="muted">
        {list.length} {list.length === 1 ? 'paper' : 'papers'}, kept in this browser. Add papers
        with ☆ anywhere.
      </p>
      <div class="list-layout">
        <section aria-labelledby="list-papers-h">
          <h2 id="list-papers-h" class="visually-hidden">
            Papers in the list
          </h2>
          {list.length === 0 ? (
            <p class="empty">
              The list is empty. <Link href="/">Search</Link> or browse the{' '}
              <Link href="/map">map</Link> and add papers with ☆, or import a list below.
            </p>
          ) : (
            <ol class="paper-list">
              {list.map((p) => (
                <PaperRow key={p.id} paper={p} />
              ))}
            </ol>
          )}
          {list.length > 0 && (
            <section class="recs" aria-labelledby="recs-h">
              <h2 id="recs-h">More like these</h2>
              <button type="button" onClick={moreLikeThese}>
                {recs ? 'Refresh recommendations' : 'Recommend papers like these'}
              </button>{' '}
              <span role="status" class="muted">
                {recsState}
              </span>
              {recs && (
                <>
                  <p class="muted small">
                    Method:{' '}
                    {recs.method === 'svm'
                      ? 'linear SVM on the list vs. the rest'
                      : 'centroid of the list'}
                    {recs.explanation.length > 0 && (
                      <>; what the list has in common: {recs.explanation.slice(0, 8).join(', ')}</>
                    )}
                  </p>
                  <ol class="paper-list">
                    {recs.results.map((r) => (
                      <li key={r.id} class="paper-row">
                        <div class="paper-row-main">
                          <Link href={paths.paper(r.id)} class="paper-link">
                            <PaperTitle title={r.title} />
                          </Link>
                          <div class="why">score {fmt(r.score)}</div>
                          <Terms terms={r.terms} label="Shared terms" />
                        </div>
                        <ListButton
                          item={{ id: r.id, title: r.title, authors: [], track: null }}
                          compact
                        />
                      </li>
                    ))}
                  </ol>
                </>
              )}
            </section>
          )}
        </section>
        <aside class="list-tools">
          <section aria-labelledby="export-h">
            <h2 id="export-h">Export</h2>
            <div class="button-row">
              {EXPORTS.map((x) => (
                <button
                  key={x.label}
                  type="button"
                  disabled={list.length === 0}
                  onClick={() => download(x.file, x.make(list), `${x.type};charset=utf-8`)}
                >
                  {x.label}
                </button>
              ))}
            </div>
          </section>
          <section aria-labelledby="import-h">
            <h2 id="import-h">Import</h2>
            <label for="import-file">From an exported file (BibTeX, CSV, Markdown, RIS)</label>
            <input
              id="import-file"
              type="file"
              accept=".bib,.csv,.md,.ris,.txt,text/*"
              onChange={(e) => {
                const input = e.currentTarget;
                const file = input.files?.[0];
                if (!file) return;
                file.text().then(
                  (t) => importText(t, file.name).finally(() => (input.value = '')),
                  () => setMessage(`Could not read ${file.name}.`),
                );
              }}
            />
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void importText(pasted, 'the pasted text').then(() => setPasted(''));
              }}
            >
              <label for="import-ids">Or paste paper ids (one a line)</label>
              <textarea
                id="import-ids"
                rows={4}
                value={pasted}
                onInput={(e) => setPasted(e.currentTarget.value)}
              />
              <button type="submit" disabled={!pasted.trim()}>
                Import ids
              </button>
            </form>
            <p role="status" class="import-status">
              {message}
            </p>
          </section>
          {list.length > 0 && (
            <section aria-labelledby="clear-h">
              <h2 id="clear-h">Clear</h2>
              <button
                type="button"
                class="danger"
                onClick={() => {
                  if (window.confirm(`Remove all ${list.length} papers from the reading list?`))
                    readingList.clear();
                }}
              >
                Clear the list
              </button>
            </section>
          )}
        </aside>
      </div>
    </div>
  );
}
